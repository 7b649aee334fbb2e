//! The company's activity audit page (keys `au_`); the kinds and columns it shares with the
//! provider's audit are the provider's (`pv_audit_…`).

use super::Text;

pub const TEXTS: &[Text] = &[
    (
        "au_user",
        "User (username)",
        "Utilisateur (nom d'utilisateur)",
    ),
    (
        "au_user_hint",
        "Records made by this user or about them.",
        "Les actions de cet utilisateur ou le concernant.",
    ),
    ("au_from", "From (day)", "Du (jour)"),
    ("au_to", "To (day)", "Au (jour)"),
    (
        "au_zone",
        "Days and times are in the company's time zone:",
        "Les jours et les heures sont dans le fuseau horaire de l'entreprise :",
    ),
    ("au_csv", "Download as CSV", "Télécharger en CSV"),
    ("au_source", "From address", "Adresse d'origine"),
    (
        "au_newest_first",
        "Activity audit, newest first",
        "Journal d'activité, le plus récent d'abord",
    ),
];
