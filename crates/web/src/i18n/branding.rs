//! Branding: the product name, colours and logo a reseller or a company shows its people.

use super::Text;

pub(super) const TEXTS: &[Text] = &[
    ("br_title", "Branding", "Image de marque"),
    (
        "br_company_hint",
        "What the company's pages and mail show. A field left empty comes from the reseller's branding.",
        "Ce que montrent les pages et les e-mails de l'entreprise. Un champ laissé vide vient de l'image de marque du revendeur.",
    ),
    (
        "br_reseller_hint",
        "What your customers' pages and mail show, unless a customer sets its own.",
        "Ce que montrent les pages et les e-mails de vos clients, sauf si un client choisit la sienne.",
    ),
    (
        "br_company_link",
        "Product name, colours and logo of the company's pages and mail",
        "Nom du produit, couleurs et logo des pages et e-mails de l'entreprise",
    ),
    ("br_look", "Name and colours", "Nom et couleurs"),
    ("br_product_name", "Product name", "Nom du produit"),
    (
        "br_product_name_hint",
        "Shown in the header, the page titles and as the sender of mail. Empty: the reseller's name, else Switchboard.",
        "Affiché dans l'en-tête, les titres des pages et comme expéditeur des e-mails. Vide : celui du revendeur, sinon Switchboard.",
    ),
    (
        "br_own_colours",
        "Use these colours",
        "Utiliser ces couleurs",
    ),
    ("br_primary", "Main colour", "Couleur principale"),
    ("br_accent", "Accent colour", "Couleur d'accent"),
    (
        "br_colour_hint",
        "The main colour fills the header and the buttons, the accent the header's buttons. Text on them is white or black, whichever reads better.",
        "La couleur principale remplit l'en-tête et les boutons, l'accent les boutons de l'en-tête. Le texte y est blanc ou noir, selon ce qui se lit le mieux.",
    ),
    ("br_save", "Save", "Enregistrer"),
    ("br_saved", "Saved.", "Enregistré."),
    ("br_logo", "Logo", "Logo"),
    ("br_logo_alt", "Current logo", "Logo actuel"),
    ("br_no_logo", "No logo of its own.", "Pas de logo propre."),
    ("br_logo_file", "PNG or SVG file", "Fichier PNG ou SVG"),
    (
        "br_logo_hint",
        "At most 256 KiB, and 2048 pixels each way for a PNG. Scripts, styles and links to other files are removed from an SVG.",
        "Au plus 256 Kio, et 2048 pixels de côté pour un PNG. Les scripts, styles et liens vers d'autres fichiers sont retirés d'un SVG.",
    ),
    ("br_upload", "Upload the logo", "Envoyer le logo"),
    ("br_remove_logo", "Remove the logo", "Retirer le logo"),
    (
        "br_reset",
        "Back to the default look",
        "Retour à l'apparence par défaut",
    ),
    (
        "br_reset_company_hint",
        "Removes the company's name, colours and logo: its pages and mail show the reseller's branding again.",
        "Retire le nom, les couleurs et le logo de l'entreprise : ses pages et e-mails montrent à nouveau l'image de marque du revendeur.",
    ),
    (
        "br_reset_reseller_hint",
        "Removes your name, colours and logo: customers without their own branding see Switchboard's.",
        "Retire votre nom, vos couleurs et votre logo : les clients sans image de marque propre voient celle de Switchboard.",
    ),
    (
        "br_reset_button",
        "Remove the branding",
        "Retirer l'image de marque",
    ),
    (
        "pv_err_invalid_colour",
        "A colour is written #rrggbb.",
        "Une couleur s'écrit #rrvvbb.",
    ),
    (
        "pv_err_invalid_logo",
        "This file is not a PNG or SVG logo that can be used.",
        "Ce fichier n'est pas un logo PNG ou SVG utilisable.",
    ),
    (
        "pv_err_logo_too_large",
        "A logo is at most 256 KiB.",
        "Un logo fait au plus 256 Kio.",
    ),
    (
        "pv_err_no_file",
        "Choose a PNG or SVG file.",
        "Choisissez un fichier PNG ou SVG.",
    ),
];
