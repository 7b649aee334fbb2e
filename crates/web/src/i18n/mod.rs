//! Every text of the portals, in English and French, looked up by key.

use sb_domain::model::Language;

/// The text for `key` in `lang`; the key itself when it is missing, so a gap shows up in review.
/// A key written in the code gives a text that lives as long as the program (no copy needed).
pub fn t(lang: Language, key: &str) -> &str {
    match (INDEX.get(key), lang) {
        (Some((en, _)), Language::En) => en,
        (Some((_, fr)), Language::Fr) => fr,
        (None, _) => key,
    }
}

/// Every text by its key, built once: a page of 50 rows looks up hundreds of texts, and a scan
/// of the tables for each made the users list several times slower than its queries.
static INDEX: std::sync::LazyLock<foldhash::HashMap<&'static str, (&'static str, &'static str)>> =
    std::sync::LazyLock::new(|| all().map(|(k, en, fr)| (*k, (*en, *fr))).collect());

mod audit;
mod branding;
mod callcentre;
mod company;
mod conferences;
mod contacts;
mod departments;
pub mod errors;
mod home;
mod lines;
mod my_profile;
mod profile;
mod provider;
mod reports;
pub mod routing;
mod services;
mod texts;

/// A text: its key, English, French.
type Text = (&'static str, &'static str, &'static str);

/// One table per area, so pages of different areas add their texts apart.
const TABLES: &[&[Text]] = &[
    TEXTS,
    audit::TEXTS,
    branding::TEXTS,
    callcentre::TEXTS,
    company::TEXTS,
    conferences::TEXTS,
    departments::TEXTS,
    errors::TEXTS,
    home::TEXTS,
    lines::TEXTS,
    my_profile::TEXTS,
    profile::TEXTS,
    provider::TEXTS,
    reports::TEXTS,
    routing::TEXTS,
    services::TEXTS,
    texts::TEXTS,
    contacts::TEXTS,
];

fn all() -> impl Iterator<Item = &'static Text> {
    TABLES.iter().flat_map(|table| table.iter())
}

/// The sign-in, layout and personal pages' texts.
const TEXTS: &[Text] = &[
    ("app", "Switchboard", "Switchboard"),
    ("sign_in", "Sign in", "Connexion"),
    ("username", "Username", "Nom d'utilisateur"),
    ("password", "Password", "Mot de passe"),
    ("sign_out", "Sign out", "Déconnexion"),
    (
        "bad_credentials",
        "The username or password is not correct.",
        "Le nom d'utilisateur ou le mot de passe est incorrect.",
    ),
    (
        "locked",
        "This account is locked for a while after too many wrong passwords. Try again later, or ask an administrator to unlock it.",
        "Ce compte est verrouillé pour un moment après trop de mots de passe erronés. Réessayez plus tard ou demandez à un administrateur de le déverrouiller.",
    ),
    (
        "code_label",
        "Code from your authenticator app (if two-factor sign-in is on)",
        "Code de votre application d'authentification (si la double authentification est activée)",
    ),
    (
        "two_factor_required",
        "This account uses two-factor sign-in: enter the code from your authenticator app or a recovery code.",
        "Ce compte utilise la double authentification : saisissez le code de votre application ou un code de secours.",
    ),
    (
        "bad_code",
        "This code is not right or was already used.",
        "Ce code est incorrect ou a déjà été utilisé.",
    ),
    (
        "rate_limited",
        "Too many attempts. Please wait and try again.",
        "Trop de tentatives. Veuillez patienter puis réessayer.",
    ),
    (
        "disabled",
        "This account is disabled.",
        "Ce compte est désactivé.",
    ),
    (
        "expired_form",
        "The form expired. Please try again.",
        "Le formulaire a expiré. Veuillez réessayer.",
    ),
    (
        "error",
        "Something went wrong. Please try again.",
        "Une erreur s'est produite. Veuillez réessayer.",
    ),
    (
        "no_username",
        "Don't have a username? Use the link your administrator sent you.",
        "Pas de nom d'utilisateur ? Utilisez le lien envoyé par votre administrateur.",
    ),
    ("companies", "Companies", "Entreprises"),
    ("company", "Company", "Entreprise"),
    ("name", "Name", "Nom"),
    ("sip_domain", "SIP domain", "Domaine SIP"),
    ("users", "Users", "Utilisateurs"),
    ("lines", "Lines", "Lignes"),
    ("departments", "Departments", "Services"),
    ("parent", "Parent department", "Service parent"),
    ("operator", "Operator number", "Numéro de l'opérateur"),
    ("call_policy", "Calls", "Appels"),
    ("role", "Role", "Rôle"),
    ("email", "E-mail", "Courriel"),
    ("status", "Status", "État"),
    ("enabled", "Enabled", "Activé"),
    ("disabled_short", "Disabled", "Désactivé"),
    ("locked_short", "Locked", "Verrouillé"),
    ("my_profile", "My profile", "Mon profil"),
    ("my_lines", "My lines", "Mes lignes"),
    ("my_queues", "Call queues", "Files d'attente"),
    ("queue", "Queue", "File d'attente"),
    ("line", "Line", "Ligne"),
    ("logged_in", "Logged in", "Connecté"),
    ("logged_out", "Logged out", "Déconnecté"),
    ("log_in", "Log in", "Se connecter"),
    ("log_out", "Log out", "Se déconnecter"),
    (
        "call_in_dial",
        "Call-in agent: dial",
        "Agent par appel : composez",
    ),
    ("extension", "Extension", "Poste"),
    ("numbers", "Numbers", "Numéros"),
    (
        "presentation_number",
        "Presentation number",
        "Numéro présenté",
    ),
    ("default_line", "Default line", "Ligne par défaut"),
    (
        "no_lines",
        "No line is assigned to you yet.",
        "Aucune ligne ne vous est encore attribuée.",
    ),
    (
        "no_portal",
        "Your service package does not include the user portal. Ask your administrator.",
        "Votre forfait n'inclut pas le portail utilisateur. Adressez-vous à votre administrateur.",
    ),
    ("none", "None yet.", "Aucun pour l'instant."),
    ("language", "Language", "Langue"),
    (
        "choose_credentials",
        "Choose your username and password",
        "Choisissez votre nom d'utilisateur et votre mot de passe",
    ),
    (
        "username_rules",
        "Letters and digits only, at least 6 characters.",
        "Lettres et chiffres uniquement, au moins 6 caractères.",
    ),
    (
        "password_rules",
        "At least 6 characters with an upper-case letter, a lower-case letter, a digit and a special character.",
        "Au moins 6 caractères avec une majuscule, une minuscule, un chiffre et un caractère spécial.",
    ),
    ("save", "Save", "Enregistrer"),
    (
        "account_ready",
        "Your account is ready.",
        "Votre compte est prêt.",
    ),
    (
        "system_admin",
        "System administrator",
        "Administrateur système",
    ),
    (
        "reseller_admin",
        "Reseller administrator",
        "Administrateur revendeur",
    ),
    (
        "company_admin",
        "Company administrator",
        "Administrateur d'entreprise",
    ),
    ("end_user", "User", "Utilisateur"),
    ("unlimited", "Unlimited", "Illimités"),
    ("incoming_blocked", "Incoming blocked", "Entrants bloqués"),
    ("outgoing_blocked", "Outgoing blocked", "Sortants bloqués"),
    (
        "both_blocked",
        "Incoming and outgoing blocked",
        "Entrants et sortants bloqués",
    ),
    ("limited", "Limited to", "Limités à"),
    ("back", "Back", "Retour"),
    ("presence", "Presence", "Présence"),
    ("available", "Available", "Disponible"),
    ("away", "Away", "Absent"),
    ("busy", "Busy", "Occupé"),
    ("do_not_disturb", "Do not disturb", "Ne pas déranger"),
    ("working_hours", "Working hours", "Heures de travail"),
    (
        "always_available",
        "Available at all hours.",
        "Disponible à toute heure.",
    ),
    ("day", "Day", "Jour"),
    ("availability", "Availability", "Disponibilité"),
    (
        "available_all_day",
        "Available all day",
        "Disponible toute la journée",
    ),
    (
        "unavailable_all_day",
        "Unavailable all day",
        "Indisponible toute la journée",
    ),
    ("unavailable_between", "Unavailable", "Indisponible"),
    ("monday", "Monday", "Lundi"),
    ("tuesday", "Tuesday", "Mardi"),
    ("wednesday", "Wednesday", "Mercredi"),
    ("thursday", "Thursday", "Jeudi"),
    ("friday", "Friday", "Vendredi"),
    ("saturday", "Saturday", "Samedi"),
    ("sunday", "Sunday", "Dimanche"),
    ("installation", "Installation", "Installation"),
    ("reseller", "Reseller", "Revendeur"),
    ("navigation", "Main", "Principal"),
    ("skip_to_content", "Skip to content", "Aller au contenu"),
    ("my_homepage", "My homepage", "Ma page d'accueil"),
    ("administration", "Administration", "Administration"),
    ("action", "Action", "Action"),
    (
        "not_found",
        "There is no such page.",
        "Cette page n'existe pas.",
    ),
    ("security", "Security", "Sécurité"),
    (
        "two_factor_status",
        "Two-factor sign-in",
        "Double authentification",
    ),
    ("two_factor_on", "On", "Activée"),
    ("two_factor_off", "Off", "Désactivée"),
    (
        "two_factor_policy",
        "Your organisation requires two-factor sign-in: turn it on to continue.",
        "Votre organisation exige la double authentification : activez-la pour continuer.",
    ),
    ("turn_on", "Turn on", "Activer"),
    ("turn_off", "Turn off", "Désactiver"),
    (
        "password_again",
        "Your password, again",
        "Votre mot de passe, à nouveau",
    ),
    (
        "scan_qr",
        "Scan this code with your authenticator app.",
        "Scannez ce code avec votre application d'authentification.",
    ),
    (
        "qr_alt",
        "QR code of your two-factor secret",
        "Code QR de votre secret de double authentification",
    ),
    (
        "secret_manual",
        "Or type this key into the app:",
        "Ou saisissez cette clé dans l'application :",
    ),
    (
        "confirm_code",
        "The code your app shows now",
        "Le code affiché maintenant par votre application",
    ),
    ("confirm", "Confirm", "Confirmer"),
    (
        "two_factor_now_on",
        "Two-factor sign-in is on.",
        "La double authentification est activée.",
    ),
    (
        "two_factor_now_off",
        "Two-factor sign-in is off.",
        "La double authentification est désactivée.",
    ),
    (
        "store_codes",
        "Store these recovery codes now, somewhere safe: each one signs you in once without your phone, and they are not shown again.",
        "Conservez ces codes de secours maintenant, en lieu sûr : chacun permet une connexion sans votre téléphone, et ils ne seront plus affichés.",
    ),
    (
        "sign_in_again",
        "Sign in again, with a code",
        "Reconnectez-vous, avec un code",
    ),
    ("done", "Done", "Terminé"),
    (
        "bad_password",
        "The password is not correct.",
        "Le mot de passe est incorrect.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for (k, en, fr) in all() {
            assert!(!en.is_empty() && !fr.is_empty(), "{k}");
            assert!(seen.insert(*k), "{k} is in two tables");
        }
        assert_eq!(t(Language::Fr, "sign_in"), "Connexion");
        assert_eq!(t(Language::En, "sign_in"), "Sign in");
    }

    /// A key a template asks for that the table lacks would show as the key itself.
    #[test]
    fn every_text_a_template_asks_for_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut asked = 0;
        for file in std::fs::read_dir(dir).unwrap() {
            let path = file.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for key in text
                .split("c.t(\"")
                .skip(1)
                .map(|r| r.split('"').next().unwrap())
            {
                asked += 1;
                assert!(all().any(|(k, _, _)| *k == key), "{key} in {path:?}");
            }
        }
        assert!(asked > 50, "the templates were read");
    }
}
