//! Conferences: the company's bridge number and its scheduled meetings.

use super::Text;

pub(super) const TEXTS: &[Text] = &[
    ("cf_title", "Conferences", "Conférences"),
    (
        "cf_bridge",
        "Conference bridge number",
        "Numéro du pont de conférence",
    ),
    (
        "cf_bridge_hint",
        "One of the company's numbers that rings no line; outside callers dial it and key in a meeting's access code. Lines of the company dial *88. Leave empty for none.",
        "Un des numéros de l'entreprise qui ne fait sonner aucune ligne ; les appelants extérieurs le composent puis saisissent le code d'accès de la réunion. Les lignes de l'entreprise composent le *88. Laissez vide pour aucun.",
    ),
    (
        "cf_bridge_save",
        "Save the bridge number",
        "Enregistrer le numéro du pont",
    ),
    ("cf_upcoming", "Upcoming meetings", "Réunions à venir"),
    (
        "cf_none",
        "No meeting is scheduled.",
        "Aucune réunion n'est prévue.",
    ),
    ("cf_meeting", "Meeting", "Réunion"),
    ("cf_starts", "Starts", "Début"),
    ("cf_ends", "Ends", "Fin"),
    (
        "cf_zone",
        "Times are in the company's time zone:",
        "Les heures sont dans le fuseau horaire de l'entreprise :",
    ),
    ("cf_organizer", "Organiser", "Organisateur"),
    ("cf_participants", "Participants", "Participants"),
    ("cf_access_code", "Access code", "Code d'accès"),
    ("cf_dial_in", "Dial in", "Accès par téléphone"),
    ("cf_schedule", "Schedule a meeting", "Planifier une réunion"),
    ("cf_meeting_title", "Title", "Titre"),
    ("cf_date", "Date (YYYY-MM-DD)", "Date (AAAA-MM-JJ)"),
    ("cf_time", "Time (HH:MM)", "Heure (HH:MM)"),
    ("cf_duration", "Duration (minutes)", "Durée (minutes)"),
    (
        "cf_duration_hint",
        "5 to 720 minutes.",
        "De 5 à 720 minutes.",
    ),
    (
        "cf_users",
        "Users of the company",
        "Utilisateurs de l'entreprise",
    ),
    (
        "cf_emails",
        "Outside participants' e-mail addresses",
        "Adresses e-mail des participants extérieurs",
    ),
    (
        "cf_emails_hint",
        "One per line. Everyone with an address is mailed the invitation with a calendar file.",
        "Une par ligne. Chaque personne ayant une adresse reçoit l'invitation avec un fichier de calendrier.",
    ),
    ("cf_open", "Open", "Ouvrir"),
    ("cf_reschedule", "Reschedule", "Replanifier"),
    (
        "cf_reschedule_hint",
        "The participants are mailed the new time; the access code stays.",
        "Les participants reçoivent la nouvelle heure par e-mail ; le code d'accès reste le même.",
    ),
    ("cf_cancel", "Cancel the meeting", "Annuler la réunion"),
    (
        "cf_cancel_hint",
        "The meeting is deleted and its participants are mailed the cancellation.",
        "La réunion est supprimée et ses participants reçoivent l'annulation par e-mail.",
    ),
    (
        "cf_done_scheduled",
        "Scheduled: the participants are mailed their invitation.",
        "Planifiée : les participants reçoivent leur invitation par e-mail.",
    ),
    (
        "cf_done_rescheduled",
        "Rescheduled: the participants are mailed the new time.",
        "Replanifiée : les participants reçoivent la nouvelle heure par e-mail.",
    ),
    (
        "cf_done_cancelled",
        "Cancelled: the participants are mailed the cancellation.",
        "Annulée : les participants reçoivent l'annulation par e-mail.",
    ),
    (
        "cf_done_bridge",
        "The bridge number is saved.",
        "Le numéro du pont est enregistré.",
    ),
    ("cf_back", "Conferences", "Conférences"),
    (
        "cf_err_in_the_past",
        "This meeting would already be over: choose a later date or time.",
        "Cette réunion serait déjà terminée : choisissez une date ou une heure plus tardive.",
    ),
    (
        "cf_err_time_skipped",
        "This time does not exist that day: the clocks go forward. Choose another time.",
        "Cette heure n'existe pas ce jour-là : on avance les horloges. Choisissez une autre heure.",
    ),
    (
        "cf_err_invalid_time",
        "Type a date like 2026-12-31 and a time like 14:30.",
        "Saisissez une date comme 2026-12-31 et une heure comme 14:30.",
    ),
    (
        "cf_err_invalid_duration",
        "A meeting lasts 5 to 720 minutes.",
        "Une réunion dure de 5 à 720 minutes.",
    ),
    (
        "cf_err_invalid_title",
        "A title has 1 to 200 characters.",
        "Un titre compte de 1 à 200 caractères.",
    ),
    (
        "cf_err_invalid_email",
        "This is not an e-mail address.",
        "Ce n'est pas une adresse e-mail.",
    ),
    (
        "cf_err_unknown_number",
        "The bridge number must be one of the company's numbers.",
        "Le numéro du pont doit être un des numéros de l'entreprise.",
    ),
    (
        "cf_err_number_in_use",
        "This number rings a line; route it nowhere first.",
        "Ce numéro fait sonner une ligne ; ne le dirigez d'abord vers aucune ligne.",
    ),
    (
        "cf_err_mail_limit",
        "Too many mails this hour: nothing was sent and nothing changed. Try again later.",
        "Trop d'e-mails cette heure-ci : rien n'a été envoyé ni modifié. Réessayez plus tard.",
    ),
    ("cf_my_title", "Conferencing", "Conférences"),
    ("cf_my_how", "How to join", "Comment participer"),
    (
        "cf_my_from_phone",
        "From your phones",
        "Depuis vos téléphones",
    ),
    (
        "cf_my_then",
        "Then key in the meeting's access code, shown with each meeting.",
        "Saisissez ensuite le code d'accès de la réunion, indiqué avec chaque réunion.",
    ),
    (
        "cf_my_no_feature",
        "Conferencing is not part of your service package.",
        "Les conférences ne font pas partie de votre forfait de services.",
    ),
    ("cf_my_colleagues", "Colleagues", "Collègues"),
    (
        "cf_my_invited",
        "You are invited to this meeting; its organiser can move or cancel it.",
        "Vous êtes invité à cette réunion ; son organisateur peut la déplacer ou l'annuler.",
    ),
    (
        "cf_my_cancel_ask",
        "Cancel this meeting? It is deleted and its participants are mailed the cancellation.",
        "Annuler cette réunion ? Elle est supprimée et ses participants reçoivent l'annulation par e-mail.",
    ),
    (
        "cf_my_cancel_yes",
        "Yes, cancel the meeting",
        "Oui, annuler la réunion",
    ),
    ("cf_my_keep", "No, keep it", "Non, la garder"),
];
