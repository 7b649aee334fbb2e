//! The words of the mails the server writes to people (first-login links, voicemail, conference
//! invitations, emergency calls), in English and French. A mail to a user speaks the user's
//! language, else the company's first language; a mail to the company's addresses speaks the
//! company's first language. Times in them are the company's wall-clock time, its zone named.

use crate::AppResult;
use jiff::tz::TimeZone;
use sb_domain::ids::CompanyId;
use sb_domain::model::Language;
use sb_store::Conn;
use sb_store::accounts::User;

/// A mail's subject and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Texts {
    pub(crate) subject: String,
    pub(crate) body: String,
}

/// What mails to `user` read: their language, else their company's first language, and their
/// company's time zone (UTC for the provider's and resellers' people).
pub(crate) async fn user_mail(c: &mut Conn, user: &User) -> AppResult<CompanyMail> {
    let mut m = match &user.company_id {
        Some(co) => company_mail(c, co).await?,
        None => CompanyMail {
            lang: Language::En,
            tz: TimeZone::UTC,
            zone: "UTC".to_owned(),
        },
    };
    if let Some(lang) = user.language {
        m.lang = lang;
    }
    Ok(m)
}

/// What the mails sent for a company read from it: its first language and its time zone.
pub(crate) struct CompanyMail {
    pub(crate) lang: Language,
    tz: TimeZone,
    zone: String,
}

/// The company's mail settings (English and UTC when the company is gone).
pub(crate) async fn company_mail(c: &mut Conn, co: &CompanyId) -> AppResult<CompanyMail> {
    let co = sb_store::tenancy::get_company(c, co).await?;
    let (lang, zone) = co.map_or((Language::En, "UTC".to_owned()), |co| {
        (co.first_language, co.time_zone)
    });
    Ok(match TimeZone::get(&zone) {
        Ok(tz) => CompanyMail { lang, tz, zone },
        Err(_) => CompanyMail {
            lang,
            tz: TimeZone::UTC,
            zone: "UTC".to_owned(),
        },
    })
}

impl CompanyMail {
    /// An instant as the company's wall-clock time, its zone named:
    /// `2099-05-01 10:00 (America/New_York)`.
    pub(crate) fn time(&self, ms: i64) -> String {
        local_time(ms, &self.tz, &self.zone)
    }
}

fn local_time(ms: i64, tz: &TimeZone, zone: &str) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => format!(
            "{} ({zone})",
            t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M")
        ),
        Err(_) => String::new(),
    }
}

/// The first-login (or new password) link: works once, until `until`.
pub(crate) fn account_link(lang: Language, name: &str, until: &str, url: &str) -> Texts {
    match lang {
        Language::En => Texts {
            subject: "Your Switchboard account".into(),
            body: format!(
                "Hello {name},\n\nChoose your username and password here (the link works once, until {until}):\n{url}\n"
            ),
        },
        Language::Fr => Texts {
            subject: "Votre compte Switchboard".into(),
            body: format!(
                "Bonjour {name},\n\nChoisissez votre nom d'utilisateur et votre mot de passe ici (le lien ne sert qu'une fois, jusqu'au {until}) :\n{url}\n"
            ),
        },
    }
}

/// A voicemail left by `who` for `extension`, `seconds` long, at `at`.
pub(crate) fn voicemail(
    lang: Language,
    who: &str,
    extension: &str,
    seconds: usize,
    at: &str,
) -> Texts {
    match lang {
        Language::En => Texts {
            subject: format!("New voicemail from {who} for extension {extension}"),
            body: format!(
                "{who} left a message of {seconds} s for extension {extension} at {at}.\nThe recording is attached.\n"
            ),
        },
        Language::Fr => Texts {
            subject: format!("Nouveau message vocal de {who} pour le poste {extension}"),
            body: format!(
                "{who} a laissé un message de {seconds} s pour le poste {extension} le {at}.\nL'enregistrement est joint.\n"
            ),
        },
    }
}

/// The mail about a fax received for `extension`, its PDF attached.
pub(crate) fn fax(lang: Language, who: &str, extension: &str, pages: i64, at: &str) -> Texts {
    match lang {
        Language::En => Texts {
            subject: format!("New fax from {who} for extension {extension}"),
            body: format!(
                "{who} sent a fax of {pages} page(s) to extension {extension} at {at}.\nThe fax is attached as a PDF.\n"
            ),
        },
        Language::Fr => Texts {
            subject: format!("Nouvelle télécopie de {who} pour le poste {extension}"),
            body: format!(
                "{who} a envoyé une télécopie de {pages} page(s) au poste {extension} le {at}.\nLa télécopie est jointe en PDF.\n"
            ),
        },
    }
}

/// What a conference mail announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InviteKind {
    New,
    Moved,
    Cancelled,
}

/// A conference's invitation, new time or cancellation; `start` and `end` as written in it.
pub(crate) struct Meeting<'a> {
    pub(crate) kind: InviteKind,
    pub(crate) title: &'a str,
    pub(crate) organizer: &'a str,
    pub(crate) start: &'a str,
    pub(crate) end: &'a str,
    pub(crate) dial_in: &'a str,
}

pub(crate) fn conference(lang: Language, m: &Meeting<'_>) -> Texts {
    let (title, organizer) = (m.title, m.organizer);
    let (subject, lead, labels) = match (lang, m.kind) {
        (Language::En, InviteKind::Cancelled) => (
            format!("Cancelled: {title}"),
            format!("{organizer} cancelled this conference."),
            ["Title:", "Starts:", "Ends:"],
        ),
        (Language::En, InviteKind::Moved) => (
            format!("Moved: {title}"),
            format!("This conference call organised by {organizer} has a new time."),
            ["Title:", "Starts:", "Ends:"],
        ),
        (Language::En, InviteKind::New) => (
            format!("Invitation: {title}"),
            format!("{organizer} invites you to a conference call."),
            ["Title:", "Starts:", "Ends:"],
        ),
        (Language::Fr, InviteKind::Cancelled) => (
            format!("Annulée : {title}"),
            format!("{organizer} a annulé cette conférence."),
            ["Titre :", "Début :", "Fin :"],
        ),
        (Language::Fr, InviteKind::Moved) => (
            format!("Déplacée : {title}"),
            format!("Cette conférence téléphonique organisée par {organizer} a un nouvel horaire."),
            ["Titre :", "Début :", "Fin :"],
        ),
        (Language::Fr, InviteKind::New) => (
            format!("Invitation : {title}"),
            format!("{organizer} vous invite à une conférence téléphonique."),
            ["Titre :", "Début :", "Fin :"],
        ),
    };
    let [t, s, e] = labels;
    Texts {
        subject,
        body: format!(
            "{lead}\n\n{t} {title}\n{s} {start}\n{e} {end}\n\n{dial_in}\n",
            start = m.start,
            end = m.end,
            dial_in = m.dial_in,
        ),
    }
}

/// How to join a conference: the bridge's number when the company has one, else `code_dial`
/// (the bridge's short code) from an office phone, then the access code.
pub(crate) fn dial_in(lang: Language, bridge: Option<&str>, code_dial: &str, code: &str) -> String {
    match (lang, bridge) {
        (Language::En, Some(n)) => format!(
            "Dial {n} (or {code_dial} from your office phone) and key in access code {code}, then #."
        ),
        (Language::En, None) => format!(
            "Dial {code_dial} from your office phone and key in access code {code}, then #."
        ),
        (Language::Fr, Some(n)) => format!(
            "Composez le {n} (ou le {code_dial} depuis votre téléphone de bureau) et saisissez le code d'accès {code}, puis #."
        ),
        (Language::Fr, None) => format!(
            "Composez le {code_dial} depuis votre téléphone de bureau et saisissez le code d'accès {code}, puis #."
        ),
    }
}

/// An emergency call made from a line, for the company's emergency recipients.
pub(crate) struct EmergencyCall<'a> {
    pub(crate) extension: &'a str,
    pub(crate) name: Option<&'a str>,
    pub(crate) dialled: &'a str,
    pub(crate) at: &'a str,
    pub(crate) caller_id: &'a str,
    /// The E911 address on one line, when one is provisioned.
    pub(crate) address: Option<&'a str>,
}

pub(crate) fn emergency(lang: Language, e: &EmergencyCall<'_>) -> Texts {
    let (ext, dialled, at, caller_id) = (e.extension, e.dialled, e.at, e.caller_id);
    match lang {
        Language::En => Texts {
            subject: format!("Emergency call from extension {ext}"),
            body: format!(
                "Extension {ext} ({name}) dialled {dialled} at {at}.\n\nExtension: {ext}\nCaller ID: {caller_id}\nE911 address: {address}\n",
                name = e.name.unwrap_or("no name"),
                address = e.address.unwrap_or("none provisioned"),
            ),
        },
        Language::Fr => Texts {
            subject: format!("Appel d'urgence depuis le poste {ext}"),
            body: format!(
                "Le poste {ext} ({name}) a composé le {dialled} le {at}.\n\nPoste : {ext}\nNuméro présenté : {caller_id}\nAdresse E911 : {address}\n",
                name = e.name.unwrap_or("sans nom"),
                address = e.address.unwrap_or("aucune enregistrée"),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_texts(lang: Language) -> Vec<Texts> {
        let meeting = |kind| Meeting {
            kind,
            title: "Budget",
            organizer: "Ada",
            start: "2027-01-15T08:00:00Z",
            end: "2027-01-15T09:00:00Z",
            dial_in: "D",
        };
        let call = EmergencyCall {
            extension: "201",
            name: None,
            dialled: "112",
            at: "2027-01-15T08:00:00Z",
            caller_id: "+33123456789",
            address: None,
        };
        vec![
            account_link(
                lang,
                "Mia",
                "2027-01-15T08:00:00Z",
                "https://pbx/first-login?token=t",
            ),
            voicemail(lang, "+33123456789", "201", 12, "2027-01-15T08:00:00Z"),
            conference(lang, &meeting(InviteKind::New)),
            conference(lang, &meeting(InviteKind::Moved)),
            conference(lang, &meeting(InviteKind::Cancelled)),
            emergency(lang, &call),
            Texts {
                subject: String::new(),
                body: dial_in(lang, Some("+33100000000"), "*88", "123456"),
            },
            Texts {
                subject: String::new(),
                body: dial_in(lang, None, "*88", "123456"),
            },
        ]
    }

    /// A mail's time is the company's wall-clock time, summer and winter, its zone named.
    #[test]
    fn a_mails_time_is_the_companys_wall_clock_time() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let ms = |s: &str| s.parse::<jiff::Timestamp>().unwrap().as_millisecond();
        assert_eq!(
            local_time(ms("2099-05-01T14:00:00Z"), &tz, "America/New_York"),
            "2099-05-01 10:00 (America/New_York)"
        );
        assert_eq!(
            local_time(ms("2099-01-01T15:00:00Z"), &tz, "America/New_York"),
            "2099-01-01 10:00 (America/New_York)"
        );
    }

    /// Every mail exists in both languages, each different, and keeps the facts it carries.
    #[test]
    fn every_mail_the_server_writes_has_an_english_and_a_french_text() {
        let (en, fr) = (all_texts(Language::En), all_texts(Language::Fr));
        for (e, f) in en.iter().zip(&fr) {
            assert_ne!(e, f);
            assert!(!f.body.is_empty());
        }
        assert_eq!(fr[0].subject, "Votre compte Switchboard");
        assert!(fr[0].body.contains("https://pbx/first-login?token=t"));
        assert_eq!(
            fr[1].subject,
            "Nouveau message vocal de +33123456789 pour le poste 201"
        );
        assert_eq!(fr[2].subject, "Invitation : Budget");
        assert!(fr[2].body.contains("Début : 2027-01-15T08:00:00Z"));
        assert_eq!(fr[4].subject, "Annulée : Budget");
        assert!(fr[5].body.contains("Adresse E911 : aucune enregistrée"));
        assert!(fr[6].body.contains("code d'accès 123456"));
        // The English stays what it was.
        assert_eq!(en[2].subject, "Invitation: Budget");
        assert!(en[5].body.contains("E911 address: none provisioned"));
    }
}
