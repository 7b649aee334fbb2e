//! A refusal from a use case in the page's language, by the `AppError`'s stable code: the
//! company pages' texts (`co_err_<code>`), the provider pages' (`pv_err_<code>`), then the
//! refusals any page may meet that neither table has (`err_<code>`, below).

use super::{INDEX, Text};
use sb_app::AppError;
use sb_domain::model::Language;

/// The text of `e`'s code in `lang`, when a table has one.
pub fn by_code(lang: Language, e: &AppError) -> Option<&'static str> {
    let code = e.code();
    ["co_err_", "pv_err_", "err_"].iter().find_map(|prefix| {
        INDEX
            .get(format!("{prefix}{code}").as_str())
            .map(|(en, fr)| if lang == Language::Fr { *fr } else { *en })
    })
}

/// The refusal as the person reads it: the text of its code, else the use case's own sentence.
pub fn refusal_text(lang: Language, e: &AppError) -> String {
    by_code(lang, e).map_or_else(|| e.message(), str::to_owned)
}

/// Codes that each carry one meaning wherever they come from.
pub const TEXTS: &[Text] = &[
    (
        "err_emergency_text",
        "Emergency services cannot be reached by text: call them.",
        "Les services d'urgence ne se joignent pas par message : appelez-les.",
    ),
    (
        "err_barred",
        "This line may not reach this number.",
        "Cette ligne ne peut pas joindre ce numéro.",
    ),
    (
        "err_no_trunk",
        "No trunk can carry texts to outside numbers.",
        "Aucun trunk ne peut acheminer de messages vers l'extérieur.",
    ),
    (
        "err_no_voicemail_in_package",
        "Voicemail is not part of this line's user's service package.",
        "La messagerie vocale ne fait pas partie de l'offre de service de l'utilisateur de cette ligne.",
    ),
    (
        "err_no_fax_in_package",
        "Receiving faxes needs a line whose user's service package has fax.",
        "La réception de télécopies demande une ligne dont l'utilisateur a la télécopie dans son offre de service.",
    ),
    (
        "err_no_sms_mms_in_package",
        "Sending messages is not part of this line's service package.",
        "L'envoi de messages ne fait pas partie de l'offre de service de cette ligne.",
    ),
    (
        "err_empty_message",
        "Write the message.",
        "Écrivez le message.",
    ),
    (
        "err_unknown_extension",
        "No line of the company has this extension.",
        "Aucune ligne de l'entreprise n'a ce poste.",
    ),
    (
        "err_no_voicemail_to_email_in_package",
        "Mailing voicemail as e-mails is not part of this line's user's service package.",
        "L'envoi des messages vocaux par e-mail ne fait pas partie de l'offre de service de l'utilisateur de cette ligne.",
    ),
    (
        "err_parent_cycle",
        "A department cannot be inside itself.",
        "Un service ne peut pas se trouver dans lui-même.",
    ),
    (
        "err_limit_below_child",
        "A sub-department allows more simultaneous calls than this limit; lower its limit first.",
        "Un sous-service autorise plus d'appels simultanés que cette limite ; baissez d'abord la sienne.",
    ),
    (
        "err_department_in_use",
        "Move this department's users and sub-departments first.",
        "Déplacez d'abord les utilisateurs et les sous-services de ce service.",
    ),
    (
        "err_conference_over",
        "This conference is over.",
        "Cette conférence est terminée.",
    ),
    (
        "err_unknown_line",
        "This is not a line of the company.",
        "Ce n'est pas une ligne de l'entreprise.",
    ),
    (
        "err_number_unavailable",
        "This number cannot be assigned.",
        "Ce numéro ne peut pas être attribué.",
    ),
    (
        "err_unknown_agent",
        "This is not one of your lines in the queue.",
        "Ce n'est pas l'une de vos lignes dans la file d'attente.",
    ),
    (
        "err_invalid_organizer",
        "The organiser must be a user of this company.",
        "L'organisateur doit être un utilisateur de cette entreprise.",
    ),
    (
        "err_wrong_current_password",
        "The current password is not correct.",
        "Le mot de passe actuel est incorrect.",
    ),
    (
        "err_account_locked",
        "This account is locked for a while after too many wrong passwords. Try again later, or ask an administrator to unlock it.",
        "Ce compte est verrouillé pour un moment après trop de mots de passe erronés. Réessayez plus tard, ou demandez à un administrateur de le déverrouiller.",
    ),
    (
        "err_rate_limited",
        "Too many attempts. Please wait and try again.",
        "Trop de tentatives. Veuillez patienter puis réessayer.",
    ),
    (
        "err_picture_too_large",
        "A picture is at most 512 KiB.",
        "Une photo fait au plus 512 Kio.",
    ),
    (
        "err_picture_not_png",
        "A picture is a PNG file.",
        "Une photo est un fichier PNG.",
    ),
    (
        "err_picture_unreadable",
        "This PNG file cannot be read.",
        "Ce fichier PNG est illisible.",
    ),
    (
        "err_picture_too_many_pixels",
        "A picture is at most 2048 pixels wide and high.",
        "Une photo fait au plus 2048 pixels de large et de haut.",
    ),
    (
        "err_no_picture_file",
        "Choose a PNG file.",
        "Choisissez un fichier PNG.",
    ),
    (
        "err_nothing_to_change",
        "Give a new password, a new PIN or both.",
        "Indiquez un nouveau mot de passe, un nouveau code ou les deux.",
    ),
    (
        "err_invalid_link",
        "This link is not valid any more. Ask your administrator for a new one.",
        "Ce lien n'est plus valable. Demandez-en un nouveau à votre administrateur.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A refusal the portal has a text for reads in the page's language; one it has none for
    /// keeps the use case's sentence rather than showing a key.
    #[test]
    fn a_refusal_reads_in_the_pages_language_by_its_code() {
        let cycle = AppError::invalid(
            "parent_cycle",
            "parent_id",
            "A department cannot be inside itself.",
        );
        assert_eq!(
            refusal_text(Language::Fr, &cycle),
            "Un service ne peut pas se trouver dans lui-même."
        );
        assert_eq!(
            refusal_text(Language::En, &cycle),
            "A department cannot be inside itself."
        );
        // A company page's text serves the first-login page too.
        let short = AppError::invalid("username_too_short", "username", "Too short.");
        assert_eq!(
            refusal_text(Language::Fr, &short),
            "Le nom d'utilisateur doit compter au moins 6 caractères."
        );
        let unknown = AppError::invalid("no_such_code_yet", "x", "The app's own sentence.");
        assert_eq!(
            refusal_text(Language::Fr, &unknown),
            "The app's own sentence."
        );
        for (key, _, _) in TEXTS {
            let code = key.strip_prefix("err_").unwrap();
            for prefix in ["co_err_", "pv_err_"] {
                assert!(
                    !INDEX.contains_key(format!("{prefix}{code}").as_str()),
                    "{key} is already {prefix}{code}"
                );
            }
        }
    }
}
