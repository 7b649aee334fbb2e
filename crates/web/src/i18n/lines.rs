//! Lines and numbers: the company's extensions and numbers (DIDs), a line's user, caller ID and
//! E911 address, "Reset line" with its consequences, and the devices registered on a user's
//! lines (the Device tab).

use super::Text;

pub(super) const TEXTS: &[Text] = &[
    ("ln_nav", "Lines and numbers", "Lignes et numéros"),
    ("ln_lines", "Lines", "Lignes"),
    ("ln_numbers", "Numbers", "Numéros"),
    (
        "ln_lines_caption",
        "The company's lines: extension, user, numbers and caller ID",
        "Les lignes de l'entreprise : poste, utilisateur, numéros et identifiant d'appelant",
    ),
    (
        "ln_numbers_caption",
        "The company's numbers (DIDs) and the line each one reaches",
        "Les numéros de l'entreprise (SDA) et la ligne que chacun joint",
    ),
    ("ln_search", "Search", "Rechercher"),
    (
        "ln_search_lines",
        "Search the lines",
        "Rechercher des lignes",
    ),
    (
        "ln_search_hint",
        "Part of an extension, a number, a calling name or a user's name.",
        "Une partie d'un poste, d'un numéro, d'un nom d'appelant ou du nom d'un utilisateur.",
    ),
    ("ln_extension", "Extension", "Poste"),
    ("ln_user", "User", "Utilisateur"),
    ("ln_no_user", "No user", "Aucun utilisateur"),
    ("ln_numbers_of_line", "Numbers", "Numéros"),
    ("ln_default_number", "Default number", "Numéro par défaut"),
    (
        "ln_presentation_number",
        "Presentation number",
        "Numéro présenté",
    ),
    (
        "ln_calling_name",
        "Local calling name",
        "Nom d'appelant local",
    ),
    ("ln_account_name", "Account name", "Nom du compte"),
    ("ln_none", "None", "Aucun"),
    (
        "ln_no_lines",
        "No line matches.",
        "Aucune ligne ne correspond.",
    ),
    (
        "ln_no_numbers",
        "The company has no number yet.",
        "L'entreprise n'a pas encore de numéro.",
    ),
    ("ln_next", "Next page", "Page suivante"),
    ("ln_first", "First page", "Première page"),
    ("ln_add_line", "Add a line", "Ajouter une ligne"),
    (
        "ln_add_hint",
        "Each line uses one of the company's line subscription keys.",
        "Chaque ligne utilise une des clés d'abonnement de lignes de l'entreprise.",
    ),
    (
        "ln_user_field",
        "User (username, e-mail or full name)",
        "Utilisateur (nom d'utilisateur, e-mail ou nom complet)",
    ),
    (
        "ln_user_hint",
        "Leave empty to leave the line without a user. Giving the line to someone else gives it a new SIP password.",
        "Laissez vide pour une ligne sans utilisateur. Donner la ligne à quelqu'un d'autre lui donne un nouveau mot de passe SIP.",
    ),
    ("ln_assign", "Assign", "Attribuer"),
    ("ln_unassign", "Unassign", "Retirer"),
    ("ln_caller_id", "Caller ID", "Identifiant d'appelant"),
    (
        "ln_calling_name_hint",
        "Shown to colleagues this line calls; empty: the user's name.",
        "Affiché aux collègues que cette ligne appelle ; vide : le nom de l'utilisateur.",
    ),
    ("ln_save", "Save", "Enregistrer"),
    ("ln_e911", "E911 address", "Adresse E911"),
    (
        "ln_e911_hint",
        "Where emergency services are sent when this line or number calls them.",
        "Là où les secours sont envoyés quand cette ligne ou ce numéro les appelle.",
    ),
    ("ln_street", "Street", "Rue"),
    (
        "ln_location",
        "Floor, suite or room",
        "Étage, bureau ou salle",
    ),
    ("ln_city", "City", "Ville"),
    ("ln_region", "State or region", "État ou région"),
    ("ln_postal_code", "Postal code", "Code postal"),
    (
        "ln_country",
        "Country (two letters, e.g. US)",
        "Pays (deux lettres, p. ex. FR)",
    ),
    ("ln_e911_save", "Save the address", "Enregistrer l'adresse"),
    (
        "ln_e911_remove",
        "Remove the address",
        "Supprimer l'adresse",
    ),
    ("ln_e911_none", "No E911 address.", "Aucune adresse E911."),
    ("ln_line_of_number", "Line", "Ligne"),
    (
        "ln_route_hint",
        "The extension of the line this number reaches; empty: no line.",
        "Le poste de la ligne que ce numéro joint ; vide : aucune ligne.",
    ),
    ("ln_route_for", "Extension for", "Poste pour"),
    ("ln_reset", "Reset line", "Réinitialiser la ligne"),
    (
        "ln_reset_intro",
        "Resetting the line prepares it for someone new. This cannot be undone:",
        "Réinitialiser la ligne la prépare pour quelqu'un d'autre. C'est irréversible :",
    ),
    (
        "ln_reset_voicemails",
        "every voicemail message of the line is deleted;",
        "tous les messages vocaux de la ligne sont supprimés ;",
    ),
    (
        "ln_reset_greeting",
        "its own voicemail greeting is deleted (callers hear the standard one);",
        "son annonce de messagerie est supprimée (les appelants entendent l'annonce standard) ;",
    ),
    (
        "ln_reset_vm_mail",
        "the voicemail-to-mail settings (addresses, leave original in Inbox) are cleared;",
        "les réglages de messagerie vers e-mail (adresses, conserver l'original) sont effacés ;",
    ),
    (
        "ln_reset_notifications",
        "the missed-call and voicemail notification settings are cleared, and SIP messages waiting for the line are deleted;",
        "les réglages de notification d'appels manqués et de messages vocaux sont effacés, et les messages SIP en attente pour la ligne supprimés ;",
    ),
    (
        "ln_reset_recording",
        "call recording settings are cleared and recorded calls deleted;",
        "les réglages d'enregistrement sont effacés et les appels enregistrés supprimés ;",
    ),
    (
        "ln_reset_saved",
        "the user's saved numbers and the line's call handling (forwarding, out of hours, voice portal PIN) go back to a new line's;",
        "les numéros enregistrés de l'utilisateur et le traitement des appels de la ligne (renvois, hors horaires, code PIN) reviennent à ceux d'une ligne neuve ;",
    ),
    (
        "ln_reset_password",
        "the line gets a new SIP password: the old one is refused at once and every registered device is dropped (phones must be given the new one, from the user's Device tab);",
        "la ligne reçoit un nouveau mot de passe SIP : l'ancien est refusé aussitôt et tous les appareils enregistrés sont déconnectés (donnez le nouveau aux téléphones depuis l'onglet Appareil de l'utilisateur) ;",
    ),
    (
        "ln_reset_groups",
        "with \"Remove from groups\": the line also leaves every queue and hunt group.",
        "avec « Retirer des groupes » : la ligne quitte aussi toutes les files d'attente et groupes.",
    ),
    (
        "ln_reset_devices_now",
        "Devices registered on this line now",
        "Appareils enregistrés sur cette ligne maintenant",
    ),
    (
        "ln_new_account_name",
        "New account name",
        "Nouveau nom du compte",
    ),
    (
        "ln_also_calling_name",
        "Also use as a local calling name",
        "Utiliser aussi comme nom d'appelant local",
    ),
    (
        "ln_remove_from_groups",
        "Remove from groups",
        "Retirer des groupes",
    ),
    (
        "ln_reset_confirm",
        "Reset the line",
        "Réinitialiser la ligne",
    ),
    ("ln_back_to_line", "Back to the line", "Retour à la ligne"),
    ("ln_done_saved", "Saved.", "Enregistré."),
    (
        "ln_done_added",
        "The line was added.",
        "La ligne a été ajoutée.",
    ),
    (
        "ln_done_assigned",
        "The line was assigned.",
        "La ligne a été attribuée.",
    ),
    (
        "ln_done_unassigned",
        "The line has no user now.",
        "La ligne n'a plus d'utilisateur.",
    ),
    (
        "ln_done_e911_saved",
        "The E911 address was saved.",
        "L'adresse E911 a été enregistrée.",
    ),
    (
        "ln_done_e911_removed",
        "The E911 address was removed.",
        "L'adresse E911 a été supprimée.",
    ),
    (
        "ln_done_routed",
        "The number was saved.",
        "Le numéro a été enregistré.",
    ),
    (
        "ln_done_reset",
        "The line was reset. It has a new SIP password.",
        "La ligne a été réinitialisée. Elle a un nouveau mot de passe SIP.",
    ),
    (
        "ln_err_subscription_limit",
        "The company has used all of its line subscription keys: no line can be added. Ask your service provider for more.",
        "L'entreprise a utilisé toutes ses clés d'abonnement de lignes : aucune ligne ne peut être ajoutée. Demandez-en d'autres à votre fournisseur.",
    ),
    (
        "ln_err_extension_taken",
        "Another line of this company has this extension.",
        "Une autre ligne de cette entreprise a déjà ce poste.",
    ),
    (
        "ln_err_not_company_number",
        "Choose one of the company's numbers.",
        "Choisissez un des numéros de l'entreprise.",
    ),
    (
        "ln_err_no_such_user",
        "No user of this company has this username, e-mail or name (or several have this name).",
        "Aucun utilisateur de l'entreprise n'a ce nom d'utilisateur, cet e-mail ou ce nom (ou plusieurs ont ce nom).",
    ),
    (
        "ln_err_no_such_extension",
        "No line of this company has this extension.",
        "Aucune ligne de cette entreprise n'a ce poste.",
    ),
    ("ln_devices", "Registered devices", "Appareils enregistrés"),
    (
        "ln_devices_caption",
        "Devices registered on extension",
        "Appareils enregistrés sur le poste",
    ),
    ("ln_contact", "Contact", "Contact"),
    ("ln_source", "Source address", "Adresse source"),
    ("ln_user_agent", "User agent", "Agent utilisateur"),
    ("ln_expires", "Expires", "Expire"),
    (
        "ln_no_devices",
        "No device is registered on this line now.",
        "Aucun appareil n'est enregistré sur cette ligne en ce moment.",
    ),
    ("ln_unknown", "Not given", "Non indiqué"),
];
