//! Call barring against toll fraud: which outside numbers a company's calls may reach, and what
//! kind of number a dialled or diverted string is, seen from the company's country.
//!
//! Pure and table-driven, so the routing decision can bar a redirect in the same breath as it
//! plans it, and the explain endpoint says why. The tables, and why they hold what they hold,
//! are in decision 10 (`docs/decisions/0010-call-barring.md`).

use serde::{Deserialize, Serialize};

/// What a company or a department bars. A line's calls obey the company's bars and those of
/// every department from its own up to the root: a department can only bar more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bars {
    /// Numbers with a country code other than the company's.
    pub international: bool,
    /// Premium-rate numbers (the caller pays a surcharge to the called party).
    pub premium: bool,
    /// Every outside number (emergency calls excepted).
    pub all_outside: bool,
}

impl Bars {
    /// A company's bars until its provider or reseller sets them: premium-rate numbers barred,
    /// international calls allowed, as hosted PBXs ship (decision 10).
    pub const COMPANY_DEFAULT: Bars = Bars {
        international: false,
        premium: true,
        all_outside: false,
    };

    /// Barred by either.
    pub fn and(self, other: Bars) -> Bars {
        Bars {
            international: self.international || other.international,
            premium: self.premium || other.premium,
            all_outside: self.all_outside || other.all_outside,
        }
    }

    /// Why a call to `number` is barred, seen from a company in `country`, if it is. Numbers
    /// that are not outside numbers (extensions, short codes) are never barred here.
    pub fn refusal(self, number: &str, country: &str) -> Option<Bar> {
        let class = classify(number, country)?;
        if self.all_outside {
            Some(Bar::AllOutside)
        } else if self.premium && class.premium {
            Some(Bar::Premium)
        } else if self.international && class.international {
            Some(Bar::International)
        } else {
            None
        }
    }
}

/// Which bar refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bar {
    AllOutside,
    International,
    Premium,
}

/// What an outside number is, from a company's country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberClass {
    /// Its country code differs from the company's (within the NANP: another NANP country).
    pub international: bool,
    /// It is in a premium-rate range of its country.
    pub premium: bool,
}

/// A national or E.164 number (digits, optionally one leading `+`), long enough not to be an
/// extension or a short code: what leaves through a trunk.
pub fn is_outside_number(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Classifies `number` as dialled or diverted to by a company in `country` (ISO 3166 alpha-2);
/// `None` when it is not an outside number. A company whose country is not in the table sees
/// every outside number as international, which bars rather than lets through.
pub fn classify(number: &str, country: &str) -> Option<NumberClass> {
    if !is_outside_number(number) {
        return None;
    }
    let e164 = to_e164(number, country);
    let own = calling_code(country);
    let international = match own {
        Some("1") => !e164.starts_with('1') || nanp_group(&e164) != nanp_home(country),
        Some(cc) => !e164.starts_with(cc),
        None => true,
    };
    let premium = PREMIUM.iter().any(|p| e164.starts_with(p));
    Some(NumberClass {
        international,
        premium,
    })
}

/// The number's E.164 digits (without `+`): `+` numbers as written, `00`/`011` international
/// prefixes removed, national numbers (trunk prefix 0, or NANP ten digits) given the country's
/// code; anything else is taken as E.164 without its `+`, as carriers write it.
fn to_e164(number: &str, country: &str) -> String {
    if let Some(d) = number.strip_prefix('+') {
        return d.to_owned();
    }
    let cc = calling_code(country);
    if cc == Some("1") {
        if let Some(d) = number.strip_prefix("011") {
            return d.to_owned();
        }
        if number.len() == 10 {
            return format!("1{number}");
        }
        return number.to_owned();
    }
    if let Some(d) = number.strip_prefix("00") {
        return d.to_owned();
    }
    match (cc, number.strip_prefix('0')) {
        (Some(cc), Some(rest)) => format!("{cc}{rest}"),
        _ => number.to_owned(),
    }
}

/// NANP area codes of countries other than the United States and Canada (and US territories):
/// a call to them is international although it starts with +1, and the Caribbean ones are the
/// classic callback-scam destinations.
const NANP_ABROAD: &[(&str, &str)] = &[
    ("242", "BS"),
    ("246", "BB"),
    ("264", "AI"),
    ("268", "AG"),
    ("284", "VG"),
    ("345", "KY"),
    ("441", "BM"),
    ("473", "GD"),
    ("649", "TC"),
    ("658", "JM"),
    ("664", "MS"),
    ("721", "SX"),
    ("758", "LC"),
    ("767", "DM"),
    ("784", "VC"),
    ("809", "DO"),
    ("829", "DO"),
    ("849", "DO"),
    ("868", "TT"),
    ("869", "KN"),
    ("876", "JM"),
];

/// The NANP country an E.164 `1…` number rings in; "US" stands for the US, Canada and the US
/// territories, between which calls are domestic.
fn nanp_group(e164: &str) -> &'static str {
    let area = e164.get(1..4).unwrap_or("");
    NANP_ABROAD
        .iter()
        .find(|(a, _)| *a == area)
        .map_or("US", |(_, c)| c)
}

/// The NANP group a company in `country` belongs to (see [`nanp_group`]).
fn nanp_home(country: &str) -> &str {
    NANP_ABROAD
        .iter()
        .find(|(_, c)| *c == country)
        .map_or("US", |(_, c)| c)
}

/// Premium-rate ranges, as E.164 prefixes without `+` (decision 10 lists the sources):
/// NANP 900 and 976; France 089x (0891–0899); United Kingdom 09 (premium rate services),
/// 0871–0873 and 070 (personal numbers, a common fraud route); Germany 0900, 0137 (mass
/// calling) and 0118 (directory enquiries); Belgium 090x; the Netherlands 0900/0906/0909;
/// Switzerland 0900/0901/0906; Austria 0900/0901/093x; Spain 803/806/807/905; Italy
/// 892/895/899; Australia 190.
const PREMIUM: &[&str] = &[
    "1900", "1976", // NANP
    "3389", // FR
    "449", "44871", "44872", "44873", "4470", // GB
    "49900", "49137", "49118", // DE
    "3290",  // BE
    "3190",  // NL
    "41900", "41901", "41906", // CH
    "43900", "43901", "43930", "43931", "43939", // AT
    "34803", "34806", "34807", "34905", // ES
    "39892", "39895", "39899", // IT
    "61190", // AU
];

/// The country calling code (ITU-T E.164) of an ISO 3166 alpha-2 country.
pub fn calling_code(country: &str) -> Option<&'static str> {
    CALLING_CODES
        .iter()
        .find(|(c, _)| *c == country)
        .map(|(_, cc)| *cc)
}

const CALLING_CODES: &[(&str, &str)] = &[
    // North American Numbering Plan
    ("US", "1"),
    ("CA", "1"),
    ("PR", "1"),
    ("VI", "1"),
    ("GU", "1"),
    ("AS", "1"),
    ("MP", "1"),
    ("BS", "1"),
    ("BB", "1"),
    ("AI", "1"),
    ("AG", "1"),
    ("VG", "1"),
    ("KY", "1"),
    ("BM", "1"),
    ("GD", "1"),
    ("TC", "1"),
    ("JM", "1"),
    ("MS", "1"),
    ("SX", "1"),
    ("LC", "1"),
    ("DM", "1"),
    ("VC", "1"),
    ("DO", "1"),
    ("TT", "1"),
    ("KN", "1"),
    // Europe
    ("RU", "7"),
    ("KZ", "7"),
    ("GR", "30"),
    ("NL", "31"),
    ("BE", "32"),
    ("FR", "33"),
    ("MC", "377"),
    ("ES", "34"),
    ("AD", "376"),
    ("GI", "350"),
    ("PT", "351"),
    ("LU", "352"),
    ("IE", "353"),
    ("IS", "354"),
    ("AL", "355"),
    ("MT", "356"),
    ("CY", "357"),
    ("FI", "358"),
    ("BG", "359"),
    ("HU", "36"),
    ("LT", "370"),
    ("LV", "371"),
    ("EE", "372"),
    ("MD", "373"),
    ("AM", "374"),
    ("BY", "375"),
    ("SM", "378"),
    ("UA", "380"),
    ("RS", "381"),
    ("ME", "382"),
    ("XK", "383"),
    ("HR", "385"),
    ("SI", "386"),
    ("BA", "387"),
    ("MK", "389"),
    ("IT", "39"),
    ("VA", "39"),
    ("RO", "40"),
    ("CH", "41"),
    ("LI", "423"),
    ("CZ", "420"),
    ("SK", "421"),
    ("AT", "43"),
    ("GB", "44"),
    ("GG", "44"),
    ("JE", "44"),
    ("IM", "44"),
    ("DK", "45"),
    ("SE", "46"),
    ("NO", "47"),
    ("PL", "48"),
    ("DE", "49"),
    ("GE", "995"),
    ("AZ", "994"),
    ("TR", "90"),
    // Americas
    ("MX", "52"),
    ("BR", "55"),
    ("AR", "54"),
    ("CL", "56"),
    ("CO", "57"),
    ("VE", "58"),
    ("PE", "51"),
    ("CU", "53"),
    ("EC", "593"),
    ("BO", "591"),
    ("PY", "595"),
    ("UY", "598"),
    ("CR", "506"),
    ("PA", "507"),
    ("GT", "502"),
    ("SV", "503"),
    ("HN", "504"),
    ("NI", "505"),
    ("HT", "509"),
    // Asia and Oceania
    ("AU", "61"),
    ("NZ", "64"),
    ("JP", "81"),
    ("KR", "82"),
    ("CN", "86"),
    ("HK", "852"),
    ("MO", "853"),
    ("TW", "886"),
    ("IN", "91"),
    ("PK", "92"),
    ("BD", "880"),
    ("LK", "94"),
    ("SG", "65"),
    ("MY", "60"),
    ("ID", "62"),
    ("PH", "63"),
    ("TH", "66"),
    ("VN", "84"),
    ("IL", "972"),
    ("AE", "971"),
    ("SA", "966"),
    ("QA", "974"),
    ("KW", "965"),
    ("BH", "973"),
    ("OM", "968"),
    ("JO", "962"),
    ("LB", "961"),
    ("IR", "98"),
    ("IQ", "964"),
    // Africa
    ("EG", "20"),
    ("MA", "212"),
    ("DZ", "213"),
    ("TN", "216"),
    ("NG", "234"),
    ("GH", "233"),
    ("SN", "221"),
    ("CI", "225"),
    ("CM", "237"),
    ("KE", "254"),
    ("TZ", "255"),
    ("UG", "256"),
    ("ET", "251"),
    ("ZA", "27"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn class(n: &str, country: &str) -> (bool, bool) {
        let c = classify(n, country).unwrap();
        (c.international, c.premium)
    }

    #[test]
    fn extensions_and_short_codes_are_not_outside_numbers() {
        assert_eq!(classify("203", "US"), None);
        assert_eq!(classify("911", "US"), None);
        assert_eq!(classify("*97", "US"), None);
        assert_eq!(classify("+1555abc0000", "US"), None);
        assert_eq!(
            Bars::COMPANY_DEFAULT
                .and(Bars::default())
                .refusal("203", "US"),
            None
        );
    }

    #[test]
    fn nanp_900_and_976_are_premium_in_every_written_form() {
        for n in ["+19005550123", "19005550123", "9005550123", "+19765550123"] {
            assert_eq!(class(n, "US"), (false, true), "{n}");
        }
        assert_eq!(class("+12125550123", "US"), (false, false));
        // Canada is domestic from the US; Jamaica is not, though it dials +1.
        assert_eq!(class("+14165550123", "US"), (false, false));
        assert_eq!(class("+18765550123", "US"), (true, false));
        assert_eq!(class("+12125550123", "JM"), (true, false));
        assert_eq!(class("+18765550123", "JM"), (false, false));
    }

    #[test]
    fn french_british_and_german_premium_ranges_nationally_and_from_abroad() {
        assert_eq!(class("0899123456", "FR"), (false, true));
        assert_eq!(class("+33899123456", "FR"), (false, true));
        assert_eq!(class("0142685300", "FR"), (false, false));
        assert_eq!(class("+33899123456", "US"), (true, true));
        assert_eq!(class("09098790000", "GB"), (false, true));
        assert_eq!(class("07012345678", "GB"), (false, true));
        assert_eq!(class("08712345678", "GB"), (false, true));
        assert_eq!(class("02079460000", "GB"), (false, false));
        assert_eq!(class("0900123456", "DE"), (false, true));
        assert_eq!(class("01371234567", "DE"), (false, true));
        assert_eq!(class("0301234567", "DE"), (false, false));
    }

    #[test]
    fn international_is_another_country_code_however_it_is_written() {
        assert_eq!(class("+442079460000", "FR"), (true, false));
        assert_eq!(class("00442079460000", "FR"), (true, false));
        assert_eq!(class("011442079460000", "US"), (true, false));
        assert_eq!(class("+33142685300", "US"), (true, false));
        assert_eq!(class("0033142685300", "FR"), (false, false));
        // A country missing from the table sees every outside number as international.
        assert_eq!(class("+15551234567", "ZZ"), (true, false));
    }

    #[test]
    fn bars_combine_and_all_outside_bars_everything_outside() {
        let company = Bars::COMPANY_DEFAULT;
        let dept = Bars {
            international: true,
            ..Bars::default()
        };
        let both = company.and(dept);
        assert_eq!(both.refusal("+19005550123", "US"), Some(Bar::Premium));
        assert_eq!(both.refusal("+33142685300", "US"), Some(Bar::International));
        assert_eq!(both.refusal("+12125550123", "US"), None);
        assert_eq!(company.refusal("+33142685300", "US"), None);
        assert_eq!(Bars::default().refusal("+19005550123", "US"), None);
        let all = Bars {
            all_outside: true,
            ..Bars::default()
        };
        assert_eq!(all.refusal("+12125550123", "US"), Some(Bar::AllOutside));
        assert_eq!(all.refusal("911", "US"), None);
    }
}
