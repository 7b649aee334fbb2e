//! The end user's own pages: "My homepage" (presence, forwarding, what came in), "Call log"
//! and "Speed dials".

use super::Text;

pub(super) const TEXTS: &[Text] = &[
    (
        "my_presence_saved",
        "Presence changed.",
        "Présence modifiée.",
    ),
    (
        "my_forward_saved",
        "All calls are forwarded.",
        "Tous les appels sont renvoyés.",
    ),
    (
        "my_forward_stopped",
        "Calls are no longer forwarded.",
        "Les appels ne sont plus renvoyés.",
    ),
    (
        "my_forwarding_to",
        "Forwarding all calls to",
        "Tous les appels sont renvoyés vers",
    ),
    (
        "my_not_forwarded",
        "Calls are not forwarded.",
        "Les appels ne sont pas renvoyés.",
    ),
    ("my_forward", "Forward", "Renvoyer"),
    ("my_stop_forwarding", "Stop forwarding", "Arrêter le renvoi"),
    (
        "my_save_number",
        "Add to my saved numbers",
        "Ajouter à mes numéros enregistrés",
    ),
    ("my_news", "New for you", "Nouveautés"),
    (
        "my_new_voicemail",
        "new voicemail",
        "nouveaux messages vocaux",
    ),
    ("my_no_missed", "No missed calls.", "Aucun appel manqué."),
    ("my_when", "Time", "Heure"),
    ("my_caller", "Caller", "Appelant"),
    ("my_call_log", "Call log", "Journal d'appels"),
    (
        "my_cl_filter",
        "Choose the calls shown",
        "Choisir les appels affichés",
    ),
    ("my_cl_when", "Date and time", "Date et heure"),
    (
        "my_cl_export",
        "Download these calls (CSV)",
        "Télécharger ces appels (CSV)",
    ),
    ("sd_title", "Speed dials", "Numéros abrégés"),
    (
        "sd_intro",
        "Dial *0 and a code from any of your phones to call its number.",
        "Composez *0 suivi d'un code depuis n'importe lequel de vos téléphones pour appeler son numéro.",
    ),
    (
        "sd_none",
        "No speed dials yet.",
        "Aucun numéro abrégé pour l'instant.",
    ),
    ("sd_code", "Code", "Code"),
    ("sd_dial", "Dial", "À composer"),
    ("sd_number", "Number", "Numéro"),
    ("sd_remove", "Remove", "Supprimer"),
    ("sd_add", "Add a speed dial", "Ajouter un numéro abrégé"),
    (
        "sd_code_label",
        "Code (one or two digits)",
        "Code (un ou deux chiffres)",
    ),
    (
        "sd_number_label",
        "Number (digits, with * and # if needed)",
        "Numéro (chiffres, avec * et # si besoin)",
    ),
    ("sd_add_button", "Add", "Ajouter"),
    ("sd_added", "Speed dial added.", "Numéro abrégé ajouté."),
    (
        "sd_removed",
        "Speed dial removed.",
        "Numéro abrégé supprimé.",
    ),
];
