//! The provider's and the reseller's own pages' texts (resellers, packages, trunks, system
//! administrators, health, audit, customers, subscription keys). Every key starts with `pv_`, so
//! that none can be in another area's table too.

use super::Text;

pub(super) const TEXTS: &[Text] = &[
    // Places and titles.
    ("pv_customers", "Customers", "Clients"),
    ("pv_resellers", "Resellers", "Revendeurs"),
    ("pv_packages", "Packages", "Forfaits"),
    ("pv_trunks", "Trunks", "Trunks"),
    (
        "pv_system_admins",
        "System administrators",
        "Administrateurs système",
    ),
    ("pv_health", "Health", "État de l'installation"),
    ("pv_not_found_title", "Not found", "Introuvable"),
    // Shared words.
    ("pv_create", "Create", "Créer"),
    ("pv_delete", "Delete", "Supprimer"),
    ("pv_rename", "Rename", "Renommer"),
    ("pv_created", "Created", "Créé le"),
    ("pv_yes", "Yes", "Oui"),
    ("pv_no", "No", "Non"),
    ("pv_first_page", "First page", "Première page"),
    ("pv_next_page", "Next page", "Page suivante"),
    ("pv_search", "Search", "Rechercher"),
    ("pv_features", "Features", "Fonctions"),
    ("pv_monthly_price", "Monthly price", "Prix mensuel"),
    (
        "pv_price_hint",
        "Units and cents, for example 15.00.",
        "Unités et centimes, par exemple 15,00.",
    ),
    // Customers.
    (
        "pv_search_customers",
        "Search customers by name",
        "Rechercher des clients par nom",
    ),
    (
        "pv_no_customers",
        "No customer found.",
        "Aucun client trouvé.",
    ),
    ("pv_new_customer", "New customer", "Nouveau client"),
    ("pv_country", "Country", "Pays"),
    (
        "pv_country_hint",
        "Two-letter ISO code, for example US, CA or FR.",
        "Code ISO à deux lettres, par exemple US, CA ou FR.",
    ),
    ("pv_time_zone", "Time zone", "Fuseau horaire"),
    (
        "pv_time_zone_hint",
        "For example America/New_York or Europe/Paris.",
        "Par exemple America/New_York ou Europe/Paris.",
    ),
    ("pv_first_language", "First language", "Première langue"),
    ("pv_second_language", "Second language", "Deuxième langue"),
    (
        "pv_no_second_language",
        "No second language",
        "Pas de deuxième langue",
    ),
    ("pv_max_users", "Users allowed", "Utilisateurs autorisés"),
    ("pv_max_lines", "Lines allowed", "Lignes autorisées"),
    (
        "pv_customer_menu",
        "Manage this customer",
        "Gérer ce client",
    ),
    (
        "pv_company_profile",
        "Company profile",
        "Profil de l'entreprise",
    ),
    (
        "pv_subscription_keys",
        "Subscription keys",
        "Clés d'abonnement",
    ),
    (
        "pv_users_allowed",
        "Users allowed",
        "Utilisateurs autorisés",
    ),
    ("pv_lines_allowed", "Lines allowed", "Lignes autorisées"),
    ("pv_in_use", "In use", "Utilisé(e)s"),
    (
        "pv_packages_offered",
        "Packages offered",
        "Forfaits proposés",
    ),
    (
        "pv_packages_offered_hint",
        "Offer: the customer's users may have it. Default: what new users get.",
        "Proposer : les utilisateurs du client peuvent l'avoir. Par défaut : ce que reçoivent les nouveaux utilisateurs.",
    ),
    ("pv_offer", "Offer", "Proposer"),
    ("pv_default", "Default", "Par défaut"),
    (
        "pv_call_barring",
        "Call restrictions",
        "Restrictions d'appel",
    ),
    (
        "pv_bar_international",
        "Bar international calls",
        "Interdire les appels internationaux",
    ),
    (
        "pv_bar_premium",
        "Bar premium-rate numbers",
        "Interdire les numéros surtaxés",
    ),
    (
        "pv_bar_all_outside",
        "Bar all outside calls (emergency calls still go through)",
        "Interdire tous les appels extérieurs (les appels d'urgence passent toujours)",
    ),
    // Resellers and administrators.
    ("pv_new_reseller", "New reseller", "Nouveau revendeur"),
    (
        "pv_reseller_admins",
        "Reseller administrators",
        "Administrateurs du revendeur",
    ),
    (
        "pv_new_reseller_admin",
        "New reseller administrator",
        "Nouvel administrateur du revendeur",
    ),
    (
        "pv_delete_reseller",
        "Delete this reseller",
        "Supprimer ce revendeur",
    ),
    (
        "pv_delete_reseller_hint",
        "Only a reseller without customers can be deleted; its administrators go with it.",
        "Seul un revendeur sans clients peut être supprimé ; ses administrateurs le sont avec lui.",
    ),
    (
        "pv_new_system_admin",
        "New system administrator",
        "Nouvel administrateur système",
    ),
    (
        "pv_two_factor_policy_title",
        "Two-factor sign-in",
        "Double authentification",
    ),
    (
        "pv_two_factor_required_admins",
        "Require two-factor sign-in of system and reseller administrators",
        "Exiger la double authentification des administrateurs système et revendeurs",
    ),
    // Packages.
    ("pv_owner", "Owner", "Propriétaire"),
    ("pv_owner_installation", "Installation", "Installation"),
    ("pv_owner_reseller", "Reseller", "Revendeur"),
    ("pv_new_package", "New package", "Nouveau forfait"),
    (
        "pv_edit_package",
        "Change the package",
        "Modifier le forfait",
    ),
    (
        "pv_delete_package",
        "Delete this package",
        "Supprimer ce forfait",
    ),
    (
        "pv_delete_package_hint",
        "Only a package no customer offers and no user has can be deleted.",
        "Seul un forfait qu'aucun client ne propose et qu'aucun utilisateur n'a peut être supprimé.",
    ),
    (
        "pv_feature_user_portal",
        "User portal",
        "Portail utilisateur",
    ),
    ("pv_feature_voicemail", "Voicemail", "Messagerie vocale"),
    (
        "pv_feature_voicemail_to_email",
        "Voicemail to e-mail",
        "Messages vocaux par e-mail",
    ),
    (
        "pv_feature_call_recording",
        "Call recording",
        "Enregistrement des appels",
    ),
    ("pv_feature_queues", "Call queues", "Files d'attente"),
    ("pv_feature_conferencing", "Conferencing", "Conférences"),
    ("pv_feature_sms_mms", "SMS and MMS", "SMS et MMS"),
    ("pv_feature_fax", "Fax", "Fax"),
    (
        "pv_feature_call_forwarding",
        "Call forwarding",
        "Renvoi d'appels",
    ),
    // Trunks.
    (
        "pv_trunks_intro",
        "The installation's trunks carry the calls of companies without a trunk of their own; the emergency trunk carries emergency calls.",
        "Les trunks de l'installation acheminent les appels des entreprises sans trunk propre ; le trunk d'urgence achemine les appels d'urgence.",
    ),
    ("pv_address", "Carrier address", "Adresse de l'opérateur"),
    (
        "pv_address_hint",
        "IP address and port, for example 192.0.2.10:5060.",
        "Adresse IP et port, par exemple 192.0.2.10:5060.",
    ),
    ("pv_emergency_trunk", "Emergency trunk", "Trunk d'urgence"),
    (
        "pv_max_calls",
        "Calls at once, at most",
        "Appels simultanés, au plus",
    ),
    (
        "pv_set_not_shown",
        "Set (never shown)",
        "Défini (jamais affiché)",
    ),
    ("pv_not_set", "Not set", "Non défini"),
    ("pv_new_trunk", "New trunk", "Nouveau trunk"),
    ("pv_edit_trunk", "Change the trunk", "Modifier le trunk"),
    ("pv_delete_trunk", "Delete this trunk", "Supprimer ce trunk"),
    (
        "pv_secret_kept",
        "Set and never shown. Leave empty to keep it; type a new one to replace it.",
        "Défini et jamais affiché. Laissez vide pour le garder ; saisissez-en un nouveau pour le remplacer.",
    ),
    (
        "pv_secret_write_only",
        "Never shown again once saved.",
        "Jamais réaffiché une fois enregistré.",
    ),
    (
        "pv_register_to_carrier",
        "Register to the carrier with these credentials",
        "S'enregistrer auprès de l'opérateur avec ces identifiants",
    ),
    (
        "pv_inbound",
        "How the carrier's calls are recognised",
        "Reconnaissance des appels de l'opérateur",
    ),
    (
        "pv_inbound_tcp",
        "From its address over TCP or TLS",
        "Depuis son adresse en TCP ou TLS",
    ),
    (
        "pv_inbound_secret",
        "From its address with a shared key",
        "Depuis son adresse avec une clé partagée",
    ),
    ("pv_inbound_key", "Shared key", "Clé partagée"),
    (
        "pv_inbound_key_hint",
        "16 to 128 letters, digits, '-', '_', '.' or '~'; never shown again.",
        "16 à 128 lettres, chiffres, « - », « _ », « . » ou « ~ » ; jamais réaffichée.",
    ),
    // Health.
    (
        "pv_health_intro",
        "The same figures as /metrics, now.",
        "Les mêmes chiffres que /metrics, maintenant.",
    ),
    ("pv_database", "Database", "Base de données"),
    ("pv_ok", "OK", "OK"),
    ("pv_unavailable", "Unavailable", "Indisponible"),
    (
        "pv_mail_outbox",
        "Mails waiting to be sent",
        "Courriels en attente d'envoi",
    ),
    (
        "pv_mail_not_configured",
        "no mail server configured",
        "aucun serveur de courriel configuré",
    ),
    (
        "pv_registered_devices",
        "Registered devices",
        "Appareils enregistrés",
    ),
    (
        "pv_calls_in_progress",
        "Calls in progress",
        "Appels en cours",
    ),
    (
        "pv_http_requests",
        "HTTP requests served since start",
        "Requêtes HTTP servies depuis le démarrage",
    ),
    // Notices after a change.
    (
        "pv_done_customer_created",
        "The customer was created.",
        "Le client a été créé.",
    ),
    (
        "pv_done_subscription_saved",
        "The subscription keys were saved.",
        "Les clés d'abonnement ont été enregistrées.",
    ),
    (
        "pv_done_packages_saved",
        "The packages offered were saved.",
        "Les forfaits proposés ont été enregistrés.",
    ),
    (
        "pv_done_barring_saved",
        "The call restrictions were saved.",
        "Les restrictions d'appel ont été enregistrées.",
    ),
    (
        "pv_done_reseller_created",
        "The reseller was created.",
        "Le revendeur a été créé.",
    ),
    (
        "pv_done_reseller_renamed",
        "The reseller was renamed.",
        "Le revendeur a été renommé.",
    ),
    (
        "pv_done_reseller_deleted",
        "The reseller was deleted.",
        "Le revendeur a été supprimé.",
    ),
    (
        "pv_done_admin_created",
        "The administrator was created.",
        "L'administrateur a été créé.",
    ),
    (
        "pv_done_policy_saved",
        "The two-factor policy was saved.",
        "La règle de double authentification a été enregistrée.",
    ),
    (
        "pv_done_package_created",
        "The package was created.",
        "Le forfait a été créé.",
    ),
    (
        "pv_done_package_saved",
        "The package was saved.",
        "Le forfait a été enregistré.",
    ),
    (
        "pv_done_package_deleted",
        "The package was deleted.",
        "Le forfait a été supprimé.",
    ),
    (
        "pv_done_trunk_created",
        "The trunk was added.",
        "Le trunk a été ajouté.",
    ),
    (
        "pv_done_trunk_saved",
        "The trunk was saved.",
        "Le trunk a été enregistré.",
    ),
    (
        "pv_done_trunk_deleted",
        "The trunk was deleted.",
        "Le trunk a été supprimé.",
    ),
    // Refusals, by the use case's code.
    ("pv_err_detail", "Refused:", "Refusé :"),
    (
        "pv_err_not_a_number",
        "Type a whole number.",
        "Saisissez un nombre entier.",
    ),
    (
        "pv_err_not_a_price",
        "Type a price like 15.00.",
        "Saisissez un prix comme 15,00.",
    ),
    (
        "pv_err_unknown_language",
        "Choose a language.",
        "Choisissez une langue.",
    ),
    (
        "pv_err_out_of_range",
        "A number is out of range (0 to 1,000,000).",
        "Un nombre est hors limites (0 à 1 000 000).",
    ),
    (
        "pv_err_required",
        "A required field is empty.",
        "Un champ obligatoire est vide.",
    ),
    (
        "pv_err_too_long",
        "A field is too long.",
        "Un champ est trop long.",
    ),
    (
        "pv_err_invalid_characters",
        "A field has characters it may not have.",
        "Un champ contient des caractères interdits.",
    ),
    (
        "pv_err_invalid_country",
        "The country is a two-letter ISO code, like US or FR.",
        "Le pays est un code ISO à deux lettres, comme US ou FR.",
    ),
    (
        "pv_err_invalid_time_zone",
        "This time zone is not known; use a name like Europe/Paris.",
        "Ce fuseau horaire est inconnu ; utilisez un nom comme Europe/Paris.",
    ),
    (
        "pv_err_same_language",
        "The second language must differ from the first.",
        "La deuxième langue doit différer de la première.",
    ),
    (
        "pv_err_unknown_reference",
        "There is no such object.",
        "Cet objet n'existe pas.",
    ),
    (
        "pv_err_default_not_offered",
        "The default package must be one of the offered packages.",
        "Le forfait par défaut doit faire partie des forfaits proposés.",
    ),
    (
        "pv_err_package_in_use",
        "Users have this package, or customers offer it: change their package first.",
        "Des utilisateurs ont ce forfait, ou des clients le proposent : changez d'abord leur forfait.",
    ),
    (
        "pv_err_reseller_has_companies",
        "This reseller still has customers: delete or move them first.",
        "Ce revendeur a encore des clients : supprimez-les ou déplacez-les d'abord.",
    ),
    (
        "pv_err_username_taken",
        "This username is already taken.",
        "Ce nom d'utilisateur est déjà pris.",
    ),
    (
        "pv_err_username_too_short",
        "The username needs at least 6 characters.",
        "Le nom d'utilisateur doit avoir au moins 6 caractères.",
    ),
    (
        "pv_err_username_too_long",
        "The username is too long.",
        "Le nom d'utilisateur est trop long.",
    ),
    (
        "pv_err_username_invalid_characters",
        "The username may contain only letters and digits.",
        "Le nom d'utilisateur ne peut contenir que des lettres et des chiffres.",
    ),
    (
        "pv_err_password_too_short",
        "The password is too short.",
        "Le mot de passe est trop court.",
    ),
    (
        "pv_err_password_too_long",
        "The password is too long.",
        "Le mot de passe est trop long.",
    ),
    (
        "pv_err_password_needs_uppercase",
        "The password needs an upper-case letter.",
        "Le mot de passe doit contenir une majuscule.",
    ),
    (
        "pv_err_password_needs_lowercase",
        "The password needs a lower-case letter.",
        "Le mot de passe doit contenir une minuscule.",
    ),
    (
        "pv_err_password_needs_digit",
        "The password needs a digit.",
        "Le mot de passe doit contenir un chiffre.",
    ),
    (
        "pv_err_password_needs_special",
        "The password needs a special character such as ! or #.",
        "Le mot de passe doit contenir un caractère spécial comme ! ou #.",
    ),
    (
        "pv_err_password_too_common",
        "This password is too common.",
        "Ce mot de passe est trop courant.",
    ),
    (
        "pv_err_invalid_email",
        "The e-mail address is not valid.",
        "L'adresse e-mail n'est pas valide.",
    ),
    (
        "pv_err_invalid_address",
        "The trunk address is an IP address and port, like 192.0.2.10:5060.",
        "L'adresse du trunk est une adresse IP et un port, comme 192.0.2.10:5060.",
    ),
    (
        "pv_err_address_taken",
        "Another trunk has this address; each carrier address belongs to one trunk.",
        "Un autre trunk a cette adresse ; chaque adresse d'opérateur appartient à un seul trunk.",
    ),
    (
        "pv_err_credentials_required",
        "Registering to the carrier needs a username and a password.",
        "L'enregistrement auprès de l'opérateur nécessite un nom d'utilisateur et un mot de passe.",
    ),
    (
        "pv_err_invalid_credentials",
        "Credentials have at most 128 characters, without quotes or control characters.",
        "Les identifiants ont au plus 128 caractères, sans guillemets ni caractères de contrôle.",
    ),
    (
        "pv_err_inbound_secret_required",
        "Recognising the carrier by a shared key needs the key.",
        "La reconnaissance de l'opérateur par clé partagée nécessite la clé.",
    ),
    (
        "pv_err_invalid_inbound_secret",
        "The key has 16 to 128 letters, digits, '-', '_', '.' or '~'.",
        "La clé a 16 à 128 lettres, chiffres, « - », « _ », « . » ou « ~ ».",
    ),
    (
        "pv_err_invalid_max_calls",
        "A trunk carries 1 to 10,000 calls at once.",
        "Un trunk achemine de 1 à 10 000 appels simultanés.",
    ),
    (
        "pv_err_already_exists",
        "Something with this value already exists.",
        "Un élément avec cette valeur existe déjà.",
    ),
    (
        "pv_err_forbidden",
        "You may not do this.",
        "Vous n'avez pas le droit de faire cela.",
    ),
    (
        "pv_err_not_found",
        "There is no such object.",
        "Cet objet n'existe pas.",
    ),
    // The provider's activity audit.
    ("pv_activity_audit", "Activity audit", "Journal d'activité"),
    ("pv_audit_filter", "Filter the audit", "Filtrer le journal"),
    ("pv_audit_kind", "Kind", "Type"),
    ("pv_audit_all_kinds", "All kinds", "Tous les types"),
    ("pv_audit_when", "When (UTC)", "Quand (UTC)"),
    ("pv_audit_by", "By", "Par"),
    ("pv_audit_what", "About", "Objet"),
    ("pv_audit_details", "Details", "Détails"),
    ("pv_audit_login_succeeded", "Signed in", "Connexion"),
    (
        "pv_audit_login_failed",
        "Sign-in failed",
        "Connexion refusée",
    ),
    (
        "pv_audit_account_locked",
        "Account locked",
        "Compte verrouillé",
    ),
    (
        "pv_audit_account_unlocked",
        "Account unlocked",
        "Compte déverrouillé",
    ),
    ("pv_audit_logout", "Signed out", "Déconnexion"),
    (
        "pv_audit_reauthenticated",
        "Password confirmed",
        "Mot de passe confirmé",
    ),
    ("pv_audit_created", "Created", "Création"),
    ("pv_audit_changed", "Changed", "Modification"),
    ("pv_audit_deleted", "Deleted", "Suppression"),
    (
        "pv_audit_password_changed",
        "Password changed",
        "Mot de passe changé",
    ),
    ("pv_audit_bill_viewed", "Bill viewed", "Facture consultée"),
    ("pv_audit_sip_blocked", "SIP blocked", "SIP bloqué"),
    (
        "pv_audit_mailbox_locked",
        "Mailbox locked",
        "Messagerie verrouillée",
    ),
    (
        "pv_audit_mailbox_unlocked",
        "Mailbox unlocked",
        "Messagerie déverrouillée",
    ),
    (
        "pv_audit_two_factor_enabled",
        "Two-factor sign-in on",
        "Double authentification activée",
    ),
    (
        "pv_audit_two_factor_disabled",
        "Two-factor sign-in off",
        "Double authentification désactivée",
    ),
    (
        "pv_audit_recovery_code_used",
        "Recovery code used",
        "Code de secours utilisé",
    ),
    (
        "pv_audit_credentials_read",
        "SIP credentials read",
        "Identifiants SIP consultés",
    ),
    (
        "pv_audit_two_factor_policy_changed",
        "Two-factor policy changed",
        "Règle de double authentification modifiée",
    ),
    (
        "pv_audit_two_factor_reset",
        "Two-factor sign-in reset",
        "Double authentification réinitialisée",
    ),
    // Administrators' accounts.
    ("pv_disable", "Disable", "Désactiver"),
    ("pv_enable", "Enable", "Activer"),
    ("pv_unlock", "Unlock", "Déverrouiller"),
    (
        "pv_done_admin_disabled",
        "The administrator was disabled; their sessions ended.",
        "L'administrateur a été désactivé ; ses sessions ont pris fin.",
    ),
    (
        "pv_done_admin_enabled",
        "The administrator was enabled.",
        "L'administrateur a été activé.",
    ),
    (
        "pv_done_admin_unlocked",
        "The administrator was unlocked.",
        "L'administrateur a été déverrouillé.",
    ),
    (
        "pv_err_unknown_action",
        "Choose disable, enable or unlock.",
        "Choisissez désactiver, activer ou déverrouiller.",
    ),
    (
        "pv_err_cannot_change_self",
        "You cannot do this to your own account.",
        "Vous ne pouvez pas faire cela à votre propre compte.",
    ),
    // Deleting a customer.
    (
        "pv_delete_customer",
        "Delete this customer",
        "Supprimer ce client",
    ),
    (
        "pv_delete_customer_consequence",
        "Deleting the customer deletes its users, lines, numbers, departments and everything they own (voicemail, call log, settings). Its audit records stay in your activity audit. This cannot be undone.",
        "Supprimer le client supprime ses utilisateurs, lignes, numéros, services et tout ce qu'ils possèdent (messages vocaux, journal d'appels, réglages). Ses enregistrements d'audit restent dans votre journal d'activité. C'est irréversible.",
    ),
    (
        "pv_delete_customer_confirm",
        "I understand: delete this customer and everything it owns",
        "Je comprends : supprimer ce client et tout ce qu'il possède",
    ),
    (
        "pv_done_customer_deleted",
        "The customer was deleted.",
        "Le client a été supprimé.",
    ),
    (
        "pv_err_confirm_required",
        "Tick the box to confirm the deletion.",
        "Cochez la case pour confirmer la suppression.",
    ),
    (
        "pv_company_pages",
        "The customer's company pages",
        "Les pages de l'entreprise du client",
    ),
];
