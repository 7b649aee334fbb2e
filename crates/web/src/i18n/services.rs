//! The end user's Services page (`/my/services`); the forms it shares with the company's user
//! tabs keep the company table's words.

use super::Text;

pub const TEXTS: &[Text] = &[
    ("sv_title", "Services", "Services"),
    (
        "sv_routing",
        "How calls are routed",
        "Acheminement des appels",
    ),
    (
        "sv_no_mail_out",
        "Mailing messages as e-mails is not part of your service package.",
        "L'envoi des messages par e-mail ne fait pas partie de votre offre de service.",
    ),
];
