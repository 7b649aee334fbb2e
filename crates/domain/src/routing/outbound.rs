//! The rules of a call that leaves a line, each written once: which trunk carries it (with the
//! fallback that gets an emergency call out whatever happens), which number it presents, and
//! when the caller is anonymous and what is shown of them then. The business layer puts them
//! together into the plan of an outside call, which the SIP engine carries out and the explain
//! endpoint describes.

use crate::ids::CompanyId;

/// What the trunk choice needs to know of a trunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrunkFacts<'a> {
    /// The company the trunk belongs to; `None` for the installation's trunks.
    pub company: Option<&'a CompanyId>,
    /// Whether the trunk is marked for emergency calls.
    pub emergency: bool,
}

/// The trunk a call from `company` goes out through, as an index into `trunks`.
///
/// An ordinary call takes the company's own trunk first, then the installation's. An emergency
/// call takes, in order, the company's emergency trunk, the installation's emergency trunk, and
/// then any trunk at all (the company's, then the installation's): an emergency call is never
/// refused for want of a trunk marked for it.
pub fn choose_trunk(
    trunks: &[TrunkFacts<'_>],
    company: &CompanyId,
    emergency: bool,
) -> Option<usize> {
    let pick = |own: bool, emergency_only: bool| {
        trunks.iter().position(|t| {
            let whose = if own {
                t.company == Some(company)
            } else {
                t.company.is_none()
            };
            whose && (!emergency_only || t.emergency)
        })
    };
    if emergency {
        pick(true, true)
            .or_else(|| pick(false, true))
            .or_else(|| pick(true, false))
            .or_else(|| pick(false, false))
    } else {
        pick(true, false).or_else(|| pick(false, false))
    }
}

/// Who is calling, as far as the number a call presents is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presenting<'a> {
    /// The calling line's presentation number and extension, when a line calls.
    pub line: Option<(Option<&'a str>, &'a str)>,
    /// The number the call came with (an outside caller's, or a line's extension).
    pub caller_number: &'a str,
    /// When a redirection asks to present the dialled number: the presentation number of the
    /// line that was dialled (`None` when it has none).
    pub dialled: Option<Option<&'a str>>,
}

/// The number an outside call presents: the dialled line's number when a redirection asks for
/// it, else the calling line's presentation number, else its extension, else what the caller
/// sent (a forwarded outside caller keeps their own number).
pub fn caller_id(p: Presenting<'_>) -> String {
    match (p.dialled, p.line) {
        (Some(dialled), _) => dialled.unwrap_or(p.caller_number).to_owned(),
        (None, Some((presentation, extension))) => presentation.unwrap_or(extension).to_owned(),
        (None, None) => p.caller_number.to_owned(),
    }
}

/// What an outside call presents of its caller: the caller ID and the anonymity rule, decided
/// together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    /// The number asserted to the carrier (P-Asserted-Identity, RFC 3325), and shown to the
    /// callee unless withheld.
    pub number: String,
    /// The name shown with it; `None` when withheld or unknown.
    pub name: Option<String>,
    /// The caller withholds their identity: the From is anonymous (RFC 3323) and `Privacy: id`
    /// asks the carrier to keep the asserted number from the callee (RFC 3325).
    pub withheld: bool,
}

/// What an outside call presents: [`caller_id`]'s number, and nothing but that number to the
/// carrier when the caller is anonymous.
pub fn presented(p: Presenting<'_>, name: Option<&str>, anonymous: bool) -> Presented {
    let number = caller_id(p);
    let name = shown(anonymous, &number, name).1.map(str::to_owned);
    Presented {
        number,
        name,
        withheld: anonymous,
    }
}

/// What a call's first request says of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallerSays<'a> {
    /// The From header.
    pub from: &'a str,
    /// The Privacy header, when there is one.
    pub privacy: Option<&'a str>,
    /// The number admission gave the caller (`anonymous` for an outside caller whose number
    /// could pass for one of the company's extensions).
    pub number: &'a str,
}

/// The text a withheld number is shown as, in From headers, call logs and mailboxes.
pub const ANONYMOUS: &str = "anonymous";

/// Whether the caller withholds their identity: an anonymous From (RFC 3323's
/// `"Anonymous" <sip:anonymous@anonymous.invalid>`), `Privacy: id` (RFC 3325), or a number
/// admission would not believe.
pub fn is_anonymous(c: CallerSays<'_>) -> bool {
    c.from.to_ascii_lowercase().contains(ANONYMOUS)
        || c.number == ANONYMOUS
        || c.privacy
            .is_some_and(|p| p.to_ascii_lowercase().contains("id"))
}

/// The caller as callees, call logs and mailboxes see them: nothing but "anonymous" when they
/// withhold their identity.
pub fn shown<'a>(
    anonymous: bool,
    number: &'a str,
    name: Option<&'a str>,
) -> (&'a str, Option<&'a str>) {
    if anonymous {
        (ANONYMOUS, None)
    } else {
        (number, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn co(s: &str) -> CompanyId {
        CompanyId::from_raw(s)
    }

    #[test]
    fn an_ordinary_call_takes_the_companys_trunk_then_the_installations() {
        let (a, b) = (co("a"), co("b"));
        let trunks = [
            TrunkFacts {
                company: Some(&b),
                emergency: false,
            },
            TrunkFacts {
                company: None,
                emergency: false,
            },
            TrunkFacts {
                company: Some(&a),
                emergency: false,
            },
        ];
        assert_eq!(choose_trunk(&trunks, &a, false), Some(2));
        assert_eq!(choose_trunk(&trunks[..2], &a, false), Some(1));
        assert_eq!(
            choose_trunk(&trunks[..1], &a, false),
            None,
            "never another company's"
        );
    }

    #[test]
    fn an_emergency_call_prefers_emergency_trunks_and_falls_back_to_any() {
        let a = co("a");
        let own = TrunkFacts {
            company: Some(&a),
            emergency: false,
        };
        let own_sos = TrunkFacts {
            company: Some(&a),
            emergency: true,
        };
        let shared = TrunkFacts {
            company: None,
            emergency: false,
        };
        let shared_sos = TrunkFacts {
            company: None,
            emergency: true,
        };
        assert_eq!(
            choose_trunk(&[own, shared, own_sos, shared_sos], &a, true),
            Some(2)
        );
        assert_eq!(choose_trunk(&[own, shared, shared_sos], &a, true), Some(2));
        assert_eq!(choose_trunk(&[shared, own], &a, true), Some(1));
        assert_eq!(choose_trunk(&[shared], &a, true), Some(0));
        assert_eq!(choose_trunk(&[own, shared_sos], &a, false), Some(0));
    }

    #[test]
    fn the_presented_number_follows_redirection_then_the_line_then_the_caller() {
        let line = Some((Some("+15550100"), "201"));
        let p = |line, dialled| Presenting {
            line,
            caller_number: "+15559999",
            dialled,
        };
        assert_eq!(caller_id(p(line, None)), "+15550100");
        assert_eq!(caller_id(p(Some((None, "201")), None)), "201");
        assert_eq!(caller_id(p(None, None)), "+15559999");
        assert_eq!(caller_id(p(line, Some(Some("+15550200")))), "+15550200");
        assert_eq!(caller_id(p(line, Some(None))), "+15559999");
    }

    #[test]
    fn a_caller_is_anonymous_by_from_privacy_or_an_unbelievable_number() {
        let says = |from, privacy, number| CallerSays {
            from,
            privacy,
            number,
        };
        let rfc3323 = "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1";
        assert!(is_anonymous(says(rfc3323, None, "201")));
        assert!(is_anonymous(says(
            "<sip:201@pbx.example>",
            Some("id"),
            "201"
        )));
        assert!(is_anonymous(says(
            "<sip:201@pbx.example>",
            Some("ID;critical"),
            "201"
        )));
        assert!(is_anonymous(says("<sip:+1555@carrier>", None, ANONYMOUS)));
        assert!(!is_anonymous(says("<sip:201@pbx.example>", None, "201")));
        assert!(!is_anonymous(says(
            "<sip:201@pbx.example>",
            Some("none"),
            "201"
        )));
        assert_eq!(shown(true, "201", Some("Ada")), (ANONYMOUS, None));
        assert_eq!(shown(false, "201", Some("Ada")), ("201", Some("Ada")));
    }

    #[test]
    fn an_anonymous_caller_is_withheld_and_nameless_but_still_asserts_the_number() {
        let p = Presenting {
            line: Some((Some("+15550100"), "201")),
            caller_number: "201",
            dialled: None,
        };
        assert_eq!(
            presented(p, Some("Ada"), true),
            Presented {
                number: "+15550100".into(),
                name: None,
                withheld: true,
            }
        );
        assert_eq!(
            presented(p, Some("Ada"), false),
            Presented {
                number: "+15550100".into(),
                name: Some("Ada".into()),
                withheld: false,
            }
        );
    }
}
