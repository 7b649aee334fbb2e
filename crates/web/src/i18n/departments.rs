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
];
