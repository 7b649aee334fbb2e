//! Services → Departments (the words people know from phone-system portals: "Add Department", "Parent Department",
//! "Operator Number").

use super::Text;

pub(super) const TEXTS: &[Text] = &[
    ("dp_title", "Departments", "Services"),
    (
        "dp_caption",
        "The company's departments, each under its parent",
        "Les services de l'entreprise, chacun sous son service parent",
    ),
    ("dp_add", "Add Department", "Ajouter un service"),
    ("dp_edit", "Change the department", "Modifier le service"),
    ("dp_parent", "Parent Department", "Service parent"),
    ("dp_no_parent", "None (top level)", "Aucun (premier niveau)"),
    ("dp_operator", "Operator Number", "Numéro de l'opérateur"),
    (
        "dp_operator_hint",
        "Optional: an extension or a number in international form. Lines of the department reach it by dialling 0 (a department without one uses its parent's).",
        "Facultatif : un poste ou un numéro au format international. Les lignes du service le joignent en composant le 0 (un service sans opérateur utilise celui de son parent).",
    ),
    ("dp_calls", "Calls", "Appels"),
    ("dp_limit", "Calls at once", "Appels simultanés"),
    (
        "dp_limit_hint",
        "Only with \"Limited to\": 1 to 100,000 calls at once.",
        "Seulement avec « Limités à » : de 1 à 100 000 appels simultanés.",
    ),
    ("dp_saved", "Saved.", "Enregistré."),
    ("dp_delete", "Delete the department", "Supprimer le service"),
    (
        "dp_delete_hint",
        "A department that still has users or sub-departments cannot be deleted: move them first.",
        "Un service qui a encore des utilisateurs ou des sous-services ne peut pas être supprimé : déplacez-les d'abord.",
    ),
    ("dp_live_calls", "Calls now", "Appels en cours"),
    ("dp_gc_title", "Group contacts", "Contacts de groupe"),
    (
        "dp_gc_hint",
        "Everyone in this department and in the departments below it sees these contacts on their Contacts page.",
        "Toutes les personnes de ce service et des services en dessous voient ces contacts sur leur page Contacts.",
    ),
    (
        "dp_gc_none",
        "This department has no group contacts yet.",
        "Ce service n'a pas encore de contacts de groupe.",
    ),
    ("dp_gc_company", "Organisation", "Organisation"),
    ("dp_gc_email", "E-mail", "E-mail"),
    ("dp_gc_number", "Number", "Numéro"),
    (
        "dp_gc_add",
        "Add a group contact",
        "Ajouter un contact de groupe",
    ),
    ("dp_gc_add_button", "Add the contact", "Ajouter le contact"),
    ("dp_gc_delete", "Delete", "Supprimer"),
    (
        "dp_gc_delete_consequence",
        "This contact disappears from the Contacts page of everyone in the department and below it.",
        "Ce contact disparaît de la page Contacts de toutes les personnes du service et des services en dessous.",
    ),
    (
        "dp_gc_delete_confirm",
        "Delete the group contact",
        "Supprimer le contact de groupe",
    ),
];
