//! The end user's Contacts page (`/my/contacts`).

use super::Text;

pub const TEXTS: &[Text] = &[
    ("ct_title", "Contacts", "Contacts"),
    ("ct_sections", "Contacts sections", "Sections des contacts"),
    ("ct_favourites", "Favourites", "Favoris"),
    ("ct_directory", "Directory", "Annuaire"),
    ("ct_mine", "My contacts", "Mes contacts"),
    (
        "ct_no_favourites",
        "No favourites yet: mark a colleague in the directory, or a contact.",
        "Aucun favori pour l'instant : marquez un collègue de l'annuaire ou un contact.",
    ),
    (
        "ct_search",
        "Search by name, extension or number",
        "Rechercher par nom, poste ou numéro",
    ),
    ("ct_search_button", "Search", "Rechercher"),
    ("ct_extensions", "Extensions", "Postes"),
    ("ct_numbers", "Numbers", "Numéros"),
    ("ct_favourite", "Add to favourites", "Ajouter aux favoris"),
    (
        "ct_unfavourite",
        "Remove from favourites",
        "Retirer des favoris",
    ),
    (
        "ct_none",
        "You have no contacts yet.",
        "Vous n'avez encore aucun contact.",
    ),
    ("ct_company", "Company", "Société"),
    ("ct_email", "E-mail", "E-mail"),
    ("ct_delete", "Delete", "Supprimer"),
    ("ct_add", "Add a contact", "Ajouter un contact"),
    (
        "ct_label",
        "Number label (mobile, work…)",
        "Libellé du numéro (mobile, travail…)",
    ),
    ("ct_number", "Phone number", "Numéro de téléphone"),
    ("ct_add_button", "Add", "Ajouter"),
    ("ct_import", "Import contacts", "Importer des contacts"),
    (
        "ct_file",
        "vCard or CSV file (at most 1 MiB)",
        "Fichier vCard ou CSV (1 Mio au plus)",
    ),
    ("ct_import_button", "Import", "Importer"),
    (
        "ct_export",
        "Export my contacts:",
        "Exporter mes contacts :",
    ),
    ("ct_added", "Contact added.", "Contact ajouté."),
    ("ct_deleted", "Contact deleted.", "Contact supprimé."),
    ("ct_imported", "Contacts imported.", "Contacts importés."),
    (
        "ct_favourites_saved",
        "Favourites saved.",
        "Favoris enregistrés.",
    ),
    ("ct_line", "Line", "Ligne"),
    ("ct_edit", "Edit", "Modifier"),
    ("ct_edit_title", "Edit the contact", "Modifier le contact"),
    ("ct_save_button", "Save", "Enregistrer"),
    ("ct_cancel", "Cancel", "Annuler"),
    ("ct_saved", "Contact saved.", "Contact enregistré."),
    (
        "ct_favourite_box",
        "Among my favourites",
        "Parmi mes favoris",
    ),
    ("ct_colon", ":", " :"),
    (
        "ct_err_invalid_phone_number",
        "A phone number is digits, with an optional leading + (then in E.164 form, like +15551234567).",
        "Un numéro de téléphone s'écrit en chiffres, avec un + initial facultatif (puis au format E.164, comme +33123456789).",
    ),
    (
        "ct_err_invalid_text",
        "Give at most 100 characters on one line (30 for a label).",
        "Indiquez au plus 100 caractères sur une ligne (30 pour un libellé).",
    ),
    (
        "ct_err_invalid_count",
        "Give one to ten numbers.",
        "Indiquez un à dix numéros.",
    ),
    (
        "ct_err_too_many",
        "Keep at most 1000 contacts.",
        "Gardez au plus 1000 contacts.",
    ),
    (
        "ct_err_invalid_file",
        "This is not a vCard or CSV file of contacts.",
        "Ce n'est pas un fichier de contacts vCard ou CSV.",
    ),
    (
        "ct_err_file_too_large",
        "A contacts file is at most 1 MiB.",
        "Un fichier de contacts fait au plus 1 Mio.",
    ),
    (
        "ct_err_no_contacts_file",
        "Choose a vCard or CSV file.",
        "Choisissez un fichier vCard ou CSV.",
    ),
    (
        "ct_err_required",
        "This name cannot be empty.",
        "Ce nom ne peut pas être vide.",
    ),
    (
        "ct_err_invalid_email",
        "This is not a valid e-mail address.",
        "Cette adresse e-mail n'est pas valide.",
    ),
];
