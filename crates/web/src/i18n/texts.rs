//! The end user's "Send SMS" page: texts to colleagues and a line's messages.

use super::Text;

pub(super) const TEXTS: &[Text] = &[
    ("tx_title", "Send SMS", "Envoyer un SMS"),
    ("tx_line", "Line", "Ligne"),
    ("tx_show", "Show", "Afficher"),
    ("tx_send_h", "New message", "Nouveau message"),
    ("tx_from", "From extension", "Depuis le poste"),
    ("tx_to", "To extension or number", "Au poste ou au numéro"),
    ("tx_body", "Message", "Message"),
    ("tx_send", "Send", "Envoyer"),
    ("tx_sent", "Message sent.", "Message envoyé."),
    (
        "tx_not_in_package",
        "Sending messages is not part of your service package.",
        "L'envoi de messages ne fait pas partie de votre offre de service.",
    ),
    (
        "tx_conversation_with",
        "Conversation with",
        "Conversation avec",
    ),
    (
        "tx_all_texts",
        "All the line's texts",
        "Tous les SMS de la ligne",
    ),
    ("tx_list_h", "Messages", "Messages"),
    (
        "tx_none",
        "No messages yet.",
        "Aucun message pour l'instant.",
    ),
    ("tx_when", "When", "Quand"),
    ("tx_direction", "Direction", "Sens"),
    ("tx_other", "Colleague", "Collègue"),
    ("tx_state", "State", "État"),
    ("tx_sent_dir", "Sent", "Envoyé"),
    ("tx_received_dir", "Received", "Reçu"),
    ("tx_delivered", "Delivered", "Remis"),
    ("tx_sending", "Sending", "En cours d'envoi"),
    ("tx_sent_state", "Sent", "Envoyé"),
    ("tx_failed", "Not sent", "Non envoyé"),
    (
        "tx_waiting",
        "Waiting for a phone",
        "En attente d'un téléphone",
    ),
];
