//! "My homepage": the person's presence, forwarding and what came in.

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
];
