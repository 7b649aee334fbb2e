//! The company profile page's texts (the words people know from phone-system portals: "Company Profile", "Submit").

use super::Text;

pub(super) const TEXTS: &[Text] = &[
    ("cp_title", "Company Profile", "Profil de l'entreprise"),
    ("cp_company", "Company", "Entreprise"),
    ("cp_acting_for", "Acting for", "Au nom de"),
    ("cp_country", "Country", "Pays"),
    (
        "cp_country_hint",
        "Two letters, like US or FR.",
        "Deux lettres, comme US ou FR.",
    ),
    ("cp_time_zone", "Time zone", "Fuseau horaire"),
    (
        "cp_first_language",
        "First language (callers and the web interface)",
        "Première langue (appelants et interface web)",
    ),
    (
        "cp_second_language",
        "Second language (optional)",
        "Deuxième langue (facultative)",
    ),
    ("cp_none", "None", "Aucune"),
    ("cp_submit", "Submit", "Valider"),
    ("cp_saved", "Saved.", "Enregistré."),
    (
        "cp_assistant",
        "Virtual assistant and administrator",
        "Assistant virtuel et administrateur",
    ),
    (
        "cp_assistant_hint",
        "Mail sent to the company's users goes out under the assistant's name; replies go to the assistant's e-mail address.",
        "Les messages envoyés aux utilisateurs de l'entreprise portent le nom de l'assistant ; les réponses vont à son adresse e-mail.",
    ),
    (
        "cp_assistant_name",
        "Virtual assistant name",
        "Nom de l'assistant virtuel",
    ),
    (
        "cp_assistant_email",
        "Virtual assistant e-mail",
        "E-mail de l'assistant virtuel",
    ),
    (
        "cp_admin_phone",
        "Administrator phone number",
        "Numéro de téléphone de l'administrateur",
    ),
    (
        "cp_phone_hint",
        "In international form, like +15550100.",
        "Au format international, comme +33140000000.",
    ),
    (
        "cp_credentials",
        "Telephony provider and PBX provisioning",
        "Opérateur téléphonique et provisionnement du PBX",
    ),
    (
        "cp_credentials_hint",
        "Stored encrypted and never shown again. Leave both fields empty to keep what is stored.",
        "Enregistrés chiffrés et jamais réaffichés. Laissez les deux champs vides pour garder ce qui est enregistré.",
    ),
    (
        "cp_provider",
        "Telephony provider",
        "Opérateur téléphonique",
    ),
    ("cp_pbx", "PBX provisioning", "Provisionnement du PBX"),
    ("cp_set", "Set", "Renseignés"),
    ("cp_not_set", "Not set", "Non renseignés"),
    (
        "cp_clear",
        "Remove these credentials",
        "Supprimer ces identifiants",
    ),
    ("cp_bill", "Company bill", "Facture de l'entreprise"),
    (
        "cp_bill_password",
        "The bill is shown after you enter your password again.",
        "La facture s'affiche après la saisie de votre mot de passe.",
    ),
    ("cp_bill_show", "Show the bill", "Afficher la facture"),
    (
        "cp_bill_caption",
        "Users per package at the package's monthly price",
        "Utilisateurs par forfait au prix mensuel du forfait",
    ),
    ("cp_bill_package", "Package", "Forfait"),
    ("cp_bill_unit", "Monthly price", "Prix mensuel"),
    ("cp_bill_amount", "Amount", "Montant"),
    ("cp_bill_total", "Total", "Total"),
    (
        "cp_emergency",
        "Emergency notification",
        "Notification des appels d'urgence",
    ),
    (
        "cp_recipients",
        "E-mail addresses told of every emergency call",
        "Adresses e-mail prévenues de chaque appel d'urgence",
    ),
    (
        "cp_recipients_hint",
        "One address per line, at most 10.",
        "Une adresse par ligne, 10 au plus.",
    ),
    ("cp_mail", "Mail access", "Accès messagerie"),
    (
        "cp_mail_hint",
        "The company's own mail server, through which the mail sent for its users goes. It is tried when saved; the password is stored encrypted and never shown again (leave it empty to keep it).",
        "Le serveur de messagerie de l'entreprise, par lequel part le courrier envoyé à ses utilisateurs. Il est essayé à l'enregistrement ; le mot de passe est enregistré chiffré et jamais réaffiché (laissez-le vide pour le garder).",
    ),
    ("cp_mail_host", "Host", "Hôte"),
    ("cp_mail_port", "Port", "Port"),
    ("cp_mail_security", "Security", "Sécurité"),
    ("cp_mail_starttls", "STARTTLS", "STARTTLS"),
    ("cp_mail_tls", "TLS", "TLS"),
    (
        "cp_mail_none",
        "None (local relay only)",
        "Aucune (relais local seulement)",
    ),
    (
        "cp_mail_password_set",
        "Password set",
        "Mot de passe renseigné",
    ),
    ("cp_mail_not_set", "Not set", "Non renseigné"),
    (
        "cp_mail_clear",
        "Remove the mail access",
        "Supprimer l'accès messagerie",
    ),
];
