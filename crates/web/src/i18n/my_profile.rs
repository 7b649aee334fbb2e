//! "My Profile" (issue 17): the person's personal information, picture, language, default
//! extension, password and passcode ("Change passcode": the PIN, the password or both).

use super::Text;

pub(super) const TEXTS: &[Text] = &[
    (
        "mp_personal",
        "Personal information",
        "Informations personnelles",
    ),
    ("mp_full_name", "Full name", "Nom complet"),
    (
        "mp_email_hint",
        "Leave empty for no e-mail address.",
        "Laissez vide pour n'avoir aucune adresse électronique.",
    ),
    (
        "mp_details_saved",
        "Your personal information is saved.",
        "Vos informations personnelles sont enregistrées.",
    ),
    ("mp_picture", "Profile picture", "Photo de profil"),
    (
        "mp_picture_alt",
        "Your profile picture",
        "Votre photo de profil",
    ),
    (
        "mp_no_picture",
        "You have no profile picture.",
        "Vous n'avez pas de photo de profil.",
    ),
    (
        "mp_picture_file",
        "Picture (PNG, at most 512 KiB; larger than 256 pixels it is scaled down)",
        "Photo (PNG, 512 Kio au plus ; au-delà de 256 pixels, elle est réduite)",
    ),
    ("mp_upload", "Upload picture", "Envoyer la photo"),
    ("mp_remove_picture", "Remove picture", "Supprimer la photo"),
    (
        "mp_picture_saved",
        "Your profile picture is saved.",
        "Votre photo de profil est enregistrée.",
    ),
    (
        "mp_picture_removed",
        "Your profile picture is removed.",
        "Votre photo de profil est supprimée.",
    ),
    ("mp_preferences", "Preferences", "Préférences"),
    (
        "mp_language_hint",
        "The language of these pages, and of your next sign-in.",
        "La langue de ces pages et de votre prochaine connexion.",
    ),
    (
        "mp_language_saved",
        "Your language is saved.",
        "Votre langue est enregistrée.",
    ),
    (
        "mp_default_extension",
        "Default extension",
        "Poste par défaut",
    ),
    (
        "mp_default_hint",
        "The line your calls go out from, and whose voice portal PIN the passcode changes.",
        "La ligne de vos appels sortants, et dont le code de messagerie vocale est modifié.",
    ),
    (
        "mp_no_lines",
        "You have no lines.",
        "Vous n'avez aucune ligne.",
    ),
    (
        "mp_default_saved",
        "Your default extension is saved.",
        "Votre poste par défaut est enregistré.",
    ),
    ("mp_password", "Password", "Mot de passe"),
    (
        "mp_current_password",
        "Current password",
        "Mot de passe actuel",
    ),
    ("mp_new_password", "New password", "Nouveau mot de passe"),
    (
        "mp_password_rules",
        "It needs an upper-case and a lower-case letter, a digit and a symbol; the longer the better.",
        "Il faut une majuscule, une minuscule, un chiffre et un symbole ; plus il est long, mieux c'est.",
    ),
    (
        "mp_change_password",
        "Change password",
        "Changer le mot de passe",
    ),
    (
        "mp_signed_out_after",
        "Changing the password signs you out everywhere; sign in again with the new one.",
        "Changer le mot de passe vous déconnecte partout ; reconnectez-vous avec le nouveau.",
    ),
    (
        "mp_password_changed",
        "Your password is changed. Sign in with the new one.",
        "Votre mot de passe est changé. Connectez-vous avec le nouveau.",
    ),
    ("mp_passcode", "Change passcode", "Changer le code d'accès"),
    (
        "mp_passcode_intro",
        "Change the voice portal PIN, the password, or both: leave empty what stays as it is.",
        "Changez le code de messagerie vocale, le mot de passe, ou les deux : laissez vide ce qui ne change pas.",
    ),
    (
        "mp_pin_of",
        "The PIN is the voice portal PIN of your default extension",
        "Le code est celui de la messagerie vocale de votre poste par défaut",
    ),
    (
        "mp_no_default_line",
        "Choose a default extension to change its PIN here.",
        "Choisissez un poste par défaut pour en changer le code ici.",
    ),
    (
        "mp_new_pin",
        "New voice portal PIN (6 digits)",
        "Nouveau code de messagerie vocale (6 chiffres)",
    ),
    (
        "mp_new_password_optional",
        "New password (optional)",
        "Nouveau mot de passe (facultatif)",
    ),
    (
        "mp_passcode_saved",
        "Your voice portal PIN is changed.",
        "Votre code de messagerie vocale est changé.",
    ),
    (
        "mp_err_name_required",
        "Give your full name.",
        "Indiquez votre nom complet.",
    ),
    (
        "mp_err_name_too_long",
        "This name is too long.",
        "Ce nom est trop long.",
    ),
    (
        "mp_err_name_invalid_characters",
        "This name holds characters that cannot be used.",
        "Ce nom contient des caractères non autorisés.",
    ),
    (
        "mp_err_not_users_line",
        "Choose one of your own lines.",
        "Choisissez l'une de vos propres lignes.",
    ),
];
