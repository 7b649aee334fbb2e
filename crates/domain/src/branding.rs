//! Branding: a reseller's or a company's product name, two colours and logo, shown on every
//! portal page and in the mail sent for the tenant. A company's branding overrides its
//! reseller's, field by field, so a company that sets only its logo keeps its reseller's colours.

use crate::values::Invalid;

/// A colour as `#rrggbb`, in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colour(String);

impl Colour {
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        let t = s.trim();
        let hex = t.strip_prefix('#').unwrap_or("");
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Invalid::new(
                "invalid_colour",
                field,
                "A colour is written #rrggbb, for example #1d3557.",
            ));
        }
        Ok(Self(t.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Relative luminance (WCAG 2.x).
    fn luminance(&self) -> f64 {
        let channel = |i: usize| {
            let v = f64::from(u8::from_str_radix(&self.0[i..i + 2], 16).unwrap_or(0)) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    /// The text colour that reads on this one: white or black, whichever contrasts more. One of
    /// them always reaches at least 4.58:1, above the 4.5:1 WCAG AA asks of text, so no colour a
    /// tenant chooses can make its pages unreadable.
    pub fn text_on(&self) -> Colour {
        let l = self.luminance();
        let on_white = 1.05 / (l + 0.05);
        let on_black = (l + 0.05) / 0.05;
        Colour(
            if on_white >= on_black {
                "#ffffff"
            } else {
                "#000000"
            }
            .into(),
        )
    }

    /// The contrast ratio between two colours (WCAG 2.x), from 1 to 21.
    pub fn contrast(&self, other: &Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

/// The two kinds of logo a tenant may upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoKind {
    Png,
    Svg,
}

impl LogoKind {
    pub fn content_type(self) -> &'static str {
        match self {
            LogoKind::Png => "image/png",
            LogoKind::Svg => "image/svg+xml",
        }
    }

    pub fn from_content_type(s: &str) -> Option<Self> {
        match s {
            "image/png" => Some(LogoKind::Png),
            "image/svg+xml" => Some(LogoKind::Svg),
            _ => None,
        }
    }
}

/// One tenant's branding as stored: any field may be unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Brand {
    pub product_name: Option<String>,
    pub primary: Option<String>,
    pub accent: Option<String>,
    /// The logo's kind, when there is one; the file itself is read apart.
    pub logo: Option<LogoKind>,
    /// Changes with every save.
    pub version: i64,
}

/// What a page or a mail of a tenant shows: its own branding over its reseller's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effective {
    pub product_name: Option<String>,
    pub primary: Option<Colour>,
    pub accent: Option<Colour>,
    /// The logo's kind and which of the two tenants it belongs to.
    pub logo: Option<(LogoKind, Owner)>,
    /// Changes whenever either tenant's branding changes, for the URLs of the stylesheet and
    /// the logo, which browsers may then keep.
    pub version: String,
}

/// Whose logo the effective branding shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Company,
    Reseller,
}

impl Effective {
    /// The company's fields where it set them, else the reseller's; `None` when neither has
    /// branding.
    pub fn of(company: Option<&Brand>, reseller: Option<&Brand>) -> Option<Effective> {
        if company.is_none() && reseller.is_none() {
            return None;
        }
        let pick = |f: fn(&Brand) -> Option<String>| company.and_then(f).or(reseller.and_then(f));
        let colour = |f: fn(&Brand) -> Option<String>| {
            pick(f).and_then(|s| Colour::parse("colour", &s).ok())
        };
        let logo = match (company.and_then(|b| b.logo), reseller.and_then(|b| b.logo)) {
            (Some(k), _) => Some((k, Owner::Company)),
            (None, Some(k)) => Some((k, Owner::Reseller)),
            (None, None) => None,
        };
        let version = |b: Option<&Brand>| b.map_or(0, |b| b.version);
        Some(Effective {
            product_name: pick(|b| b.product_name.clone()),
            primary: colour(|b| b.primary.clone()),
            accent: colour(|b| b.accent.clone()),
            logo,
            version: format!("{}-{}", version(company), version(reseller)),
        })
    }

    /// The name pages and mails give the product.
    pub fn name(&self) -> &str {
        self.product_name.as_deref().unwrap_or(DEFAULT_PRODUCT_NAME)
    }
}

/// The product's name where no tenant chose another.
pub const DEFAULT_PRODUCT_NAME: &str = "Switchboard";

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Colour {
        Colour::parse("c", s).unwrap()
    }

    #[test]
    fn colours_are_written_as_six_hex_digits() {
        assert_eq!(c(" #1D3557 ").as_str(), "#1d3557");
        for bad in [
            "1d3557",
            "#1d355",
            "#1d35577",
            "#gggggg",
            "red",
            "",
            "#1d3557;x",
        ] {
            assert!(Colour::parse("primary", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_on_any_colour_reaches_the_aa_contrast() {
        // Every grey level and a spread of hues: the chosen text colour always reads.
        for v in (0..=255u32).step_by(3) {
            for (r, g, b) in [(v, v, v), (v, 255 - v, 128), (255, v, 0), (0, v / 2, v)] {
                let bg = c(&format!("#{r:02x}{g:02x}{b:02x}"));
                let ratio = bg.contrast(&bg.text_on());
                assert!(ratio >= 4.5, "{} gives {ratio}", bg.as_str());
            }
        }
        assert_eq!(c("#1d3557").text_on().as_str(), "#ffffff");
        assert_eq!(c("#ffd700").text_on().as_str(), "#000000");
    }

    #[test]
    fn a_company_overrides_its_reseller_field_by_field() {
        let reseller = Brand {
            product_name: Some("Acme Voice".into()),
            primary: Some("#112233".into()),
            accent: Some("#445566".into()),
            logo: Some(LogoKind::Svg),
            version: 5,
        };
        let company = Brand {
            primary: Some("#aa0000".into()),
            version: 7,
            ..Brand::default()
        };
        let e = Effective::of(Some(&company), Some(&reseller)).unwrap();
        assert_eq!(e.name(), "Acme Voice");
        assert_eq!(e.primary, Some(c("#aa0000")));
        assert_eq!(e.accent, Some(c("#445566")));
        assert_eq!(e.logo, Some((LogoKind::Svg, Owner::Reseller)));
        assert_eq!(e.version, "7-5");
        let own_logo = Brand {
            logo: Some(LogoKind::Png),
            ..company
        };
        let e = Effective::of(Some(&own_logo), Some(&reseller)).unwrap();
        assert_eq!(e.logo, Some((LogoKind::Png, Owner::Company)));
        assert_eq!(Effective::of(None, None), None);
        assert_eq!(
            Effective::of(None, Some(&Brand::default())).unwrap().name(),
            "Switchboard"
        );
    }
}
