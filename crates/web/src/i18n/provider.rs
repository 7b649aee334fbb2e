//! The provider's and the reseller's own pages' texts (resellers, packages, trunks, system
//! administrators, health, customers, subscription keys).

use super::Text;

pub(super) const TEXTS: &[Text] = &[
    // Places and titles.
    ("customers", "Customers", "Clients"),
    ("resellers", "Resellers", "Revendeurs"),
    ("packages", "Packages", "Forfaits"),
    ("trunks", "Trunks", "Trunks"),
    (
        "system_admins",
        "System administrators",
        "Administrateurs système",
    ),
    ("health", "Health", "État de l'installation"),
    ("not_found_title", "Not found", "Introuvable"),
    // Shared words.
    ("create", "Create", "Créer"),
    ("delete", "Delete", "Supprimer"),
    ("rename", "Rename", "Renommer"),
    ("created", "Created", "Créé le"),
    ("yes", "Yes", "Oui"),
    ("no", "No", "Non"),
    ("first_page", "First page", "Première page"),
    ("next_page", "Next page", "Page suivante"),
    ("search", "Search", "Rechercher"),
    ("features", "Features", "Fonctions"),
    ("monthly_price", "Monthly price", "Prix mensuel"),
    (
        "price_hint",
        "Units and cents, for example 15.00.",
        "Unités et centimes, par exemple 15,00.",
    ),
    // Customers (seeds 004, 002).
    (
        "search_customers",
        "Search customers by name",
        "Rechercher des clients par nom",
    ),
    ("no_customers", "No customer found.", "Aucun client trouvé."),
    ("new_customer", "New customer", "Nouveau client"),
    ("country", "Country", "Pays"),
    (
        "country_hint",
        "Two-letter ISO code, for example US, CA or FR.",
        "Code ISO à deux lettres, par exemple US, CA ou FR.",
    ),
    ("time_zone", "Time zone", "Fuseau horaire"),
    (
        "time_zone_hint",
        "For example America/New_York or Europe/Paris.",
        "Par exemple America/New_York ou Europe/Paris.",
    ),
    ("first_language", "First language", "Première langue"),
    ("second_language", "Second language", "Deuxième langue"),
    (
        "no_second_language",
        "No second language",
        "Pas de deuxième langue",
    ),
    ("max_users", "Users allowed", "Utilisateurs autorisés"),
    ("max_lines", "Lines allowed", "Lignes autorisées"),
    ("customer_menu", "Manage this customer", "Gérer ce client"),
    (
        "company_profile",
        "Company profile",
        "Profil de l'entreprise",
    ),
    (
        "subscription_keys",
        "Subscription keys",
        "Clés d'abonnement",
    ),
    ("users_allowed", "Users allowed", "Utilisateurs autorisés"),
    ("lines_allowed", "Lines allowed", "Lignes autorisées"),
    ("in_use", "In use", "Utilisé(e)s"),
    ("packages_offered", "Packages offered", "Forfaits proposés"),
    (
        "packages_offered_hint",
        "Offer: the customer's users may have it. Default: what new users get.",
        "Proposer : les utilisateurs du client peuvent l'avoir. Par défaut : ce que reçoivent les nouveaux utilisateurs.",
    ),
    ("offer", "Offer", "Proposer"),
    ("default", "Default", "Par défaut"),
    ("call_barring", "Call restrictions", "Restrictions d'appel"),
    (
        "bar_international",
        "Bar international calls",
        "Interdire les appels internationaux",
    ),
    (
        "bar_premium",
        "Bar premium-rate numbers",
        "Interdire les numéros surtaxés",
    ),
    (
        "bar_all_outside",
        "Bar all outside calls (emergency calls still go through)",
        "Interdire tous les appels extérieurs (les appels d'urgence passent toujours)",
    ),
    // Resellers and administrators.
    ("new_reseller", "New reseller", "Nouveau revendeur"),
    (
        "reseller_admins",
        "Reseller administrators",
        "Administrateurs du revendeur",
    ),
    (
        "new_reseller_admin",
        "New reseller administrator",
        "Nouvel administrateur du revendeur",
    ),
    (
        "delete_reseller",
        "Delete this reseller",
        "Supprimer ce revendeur",
    ),
    (
        "delete_reseller_hint",
        "Only a reseller without customers can be deleted; its administrators go with it.",
        "Seul un revendeur sans clients peut être supprimé ; ses administrateurs le sont avec lui.",
    ),
    (
        "new_system_admin",
        "New system administrator",
        "Nouvel administrateur système",
    ),
    (
        "two_factor_policy_title",
        "Two-factor sign-in",
        "Double authentification",
    ),
    (
        "two_factor_required_admins",
        "Require two-factor sign-in of system and reseller administrators",
        "Exiger la double authentification des administrateurs système et revendeurs",
    ),
    // Packages.
    ("owner", "Owner", "Propriétaire"),
    ("owner_installation", "Installation", "Installation"),
    ("owner_reseller", "Reseller", "Revendeur"),
    ("new_package", "New package", "Nouveau forfait"),
    ("edit_package", "Change the package", "Modifier le forfait"),
    (
        "delete_package",
        "Delete this package",
        "Supprimer ce forfait",
    ),
    (
        "delete_package_hint",
        "Only a package no customer offers and no user has can be deleted.",
        "Seul un forfait qu'aucun client ne propose et qu'aucun utilisateur n'a peut être supprimé.",
    ),
    ("feature_user_portal", "User portal", "Portail utilisateur"),
    ("feature_voicemail", "Voicemail", "Messagerie vocale"),
    (
        "feature_voicemail_to_email",
        "Voicemail to e-mail",
        "Messages vocaux par e-mail",
    ),
    (
        "feature_call_recording",
        "Call recording",
        "Enregistrement des appels",
    ),
    ("feature_queues", "Call queues", "Files d'attente"),
    ("feature_conferencing", "Conferencing", "Conférences"),
    ("feature_sms_mms", "SMS and MMS", "SMS et MMS"),
    ("feature_fax", "Fax", "Fax"),
    (
        "feature_call_forwarding",
        "Call forwarding",
        "Renvoi d'appels",
    ),
    // Trunks.
    (
        "trunks_intro",
        "The installation's trunks carry the calls of companies without a trunk of their own; the emergency trunk carries emergency calls.",
        "Les trunks de l'installation acheminent les appels des entreprises sans trunk propre ; le trunk d'urgence achemine les appels d'urgence.",
    ),
    ("address", "Carrier address", "Adresse de l'opérateur"),
    (
        "address_hint",
        "IP address and port, for example 192.0.2.10:5060.",
        "Adresse IP et port, par exemple 192.0.2.10:5060.",
    ),
    ("emergency_trunk", "Emergency trunk", "Trunk d'urgence"),
    (
        "max_calls",
        "Calls at once, at most",
        "Appels simultanés, au plus",
    ),
    (
        "set_not_shown",
        "Set (never shown)",
        "Défini (jamais affiché)",
    ),
    ("not_set", "Not set", "Non défini"),
    ("new_trunk", "New trunk", "Nouveau trunk"),
    ("edit_trunk", "Change the trunk", "Modifier le trunk"),
    ("delete_trunk", "Delete this trunk", "Supprimer ce trunk"),
    (
        "secret_kept",
        "Set and never shown. Leave empty to keep it; type a new one to replace it.",
        "Défini et jamais affiché. Laissez vide pour le garder ; saisissez-en un nouveau pour le remplacer.",
    ),
    (
        "secret_write_only",
        "Never shown again once saved.",
        "Jamais réaffiché une fois enregistré.",
    ),
    (
        "register_to_carrier",
        "Register to the carrier with these credentials",
        "S'enregistrer auprès de l'opérateur avec ces identifiants",
    ),
    (
        "inbound",
        "How the carrier's calls are recognised",
        "Reconnaissance des appels de l'opérateur",
    ),
    (
        "inbound_tcp",
        "From its address over TCP or TLS",
        "Depuis son adresse en TCP ou TLS",
    ),
    (
        "inbound_secret",
        "From its address with a shared key",
        "Depuis son adresse avec une clé partagée",
    ),
    ("inbound_key", "Shared key", "Clé partagée"),
    (
        "inbound_key_hint",
        "16 to 128 letters, digits, '-', '_', '.' or '~'; never shown again.",
        "16 à 128 lettres, chiffres, « - », « _ », « . » ou « ~ » ; jamais réaffichée.",
    ),
    // Health.
    (
        "health_intro",
        "The same figures as /metrics, now.",
        "Les mêmes chiffres que /metrics, maintenant.",
    ),
    ("database", "Database", "Base de données"),
    ("ok", "OK", "OK"),
    ("unavailable", "Unavailable", "Indisponible"),
    (
        "mail_outbox",
        "Mails waiting to be sent",
        "Courriels en attente d'envoi",
    ),
    (
        "mail_not_configured",
        "no mail server configured",
        "aucun serveur de courriel configuré",
    ),
    (
        "registered_devices",
        "Registered devices",
        "Appareils enregistrés",
    ),
    ("calls_in_progress", "Calls in progress", "Appels en cours"),
    (
        "http_requests",
        "HTTP requests served since start",
        "Requêtes HTTP servies depuis le démarrage",
    ),
    // Notices after a change.
    (
        "done_customer_created",
        "The customer was created.",
        "Le client a été créé.",
    ),
    (
        "done_subscription_saved",
        "The subscription keys were saved.",
        "Les clés d'abonnement ont été enregistrées.",
    ),
    (
        "done_packages_saved",
        "The packages offered were saved.",
        "Les forfaits proposés ont été enregistrés.",
    ),
    (
        "done_barring_saved",
        "The call restrictions were saved.",
        "Les restrictions d'appel ont été enregistrées.",
    ),
    (
        "done_reseller_created",
        "The reseller was created.",
        "Le revendeur a été créé.",
    ),
    (
        "done_reseller_renamed",
        "The reseller was renamed.",
        "Le revendeur a été renommé.",
    ),
    (
        "done_reseller_deleted",
        "The reseller was deleted.",
        "Le revendeur a été supprimé.",
    ),
    (
        "done_admin_created",
        "The administrator was created.",
        "L'administrateur a été créé.",
    ),
    (
        "done_policy_saved",
        "The two-factor policy was saved.",
        "La règle de double authentification a été enregistrée.",
    ),
    (
        "done_package_created",
        "The package was created.",
        "Le forfait a été créé.",
    ),
    (
        "done_package_saved",
        "The package was saved.",
        "Le forfait a été enregistré.",
    ),
    (
        "done_package_deleted",
        "The package was deleted.",
        "Le forfait a été supprimé.",
    ),
    (
        "done_trunk_created",
        "The trunk was added.",
        "Le trunk a été ajouté.",
    ),
    (
        "done_trunk_saved",
        "The trunk was saved.",
        "Le trunk a été enregistré.",
    ),
    (
        "done_trunk_deleted",
        "The trunk was deleted.",
        "Le trunk a été supprimé.",
    ),
    // Refusals, by the use case's code.
    ("err_detail", "Refused:", "Refusé :"),
    (
        "err_not_a_number",
        "Type a whole number.",
        "Saisissez un nombre entier.",
    ),
    (
        "err_not_a_price",
        "Type a price like 15.00.",
        "Saisissez un prix comme 15,00.",
    ),
    (
        "err_unknown_language",
        "Choose a language.",
        "Choisissez une langue.",
    ),
    (
        "err_out_of_range",
        "A number is out of range (0 to 1,000,000).",
        "Un nombre est hors limites (0 à 1 000 000).",
    ),
    (
        "err_required",
        "A required field is empty.",
        "Un champ obligatoire est vide.",
    ),
    (
        "err_too_long",
        "A field is too long.",
        "Un champ est trop long.",
    ),
    (
        "err_invalid_characters",
        "A field has characters it may not have.",
        "Un champ contient des caractères interdits.",
    ),
    (
        "err_invalid_country",
        "The country is a two-letter ISO code, like US or FR.",
        "Le pays est un code ISO à deux lettres, comme US ou FR.",
    ),
    (
        "err_invalid_time_zone",
        "This time zone is not known; use a name like Europe/Paris.",
        "Ce fuseau horaire est inconnu ; utilisez un nom comme Europe/Paris.",
    ),
    (
        "err_same_language",
        "The second language must differ from the first.",
        "La deuxième langue doit différer de la première.",
    ),
    (
        "err_unknown_reference",
        "There is no such object.",
        "Cet objet n'existe pas.",
    ),
    (
        "err_default_not_offered",
        "The default package must be one of the offered packages.",
        "Le forfait par défaut doit faire partie des forfaits proposés.",
    ),
    (
        "err_package_in_use",
        "Users have this package, or customers offer it: change their package first.",
        "Des utilisateurs ont ce forfait, ou des clients le proposent : changez d'abord leur forfait.",
    ),
    (
        "err_reseller_has_companies",
        "This reseller still has customers: delete or move them first.",
        "Ce revendeur a encore des clients : supprimez-les ou déplacez-les d'abord.",
    ),
    (
        "err_username_taken",
        "This username is already taken.",
        "Ce nom d'utilisateur est déjà pris.",
    ),
    (
        "err_username_too_short",
        "The username needs at least 6 characters.",
        "Le nom d'utilisateur doit avoir au moins 6 caractères.",
    ),
    (
        "err_username_too_long",
        "The username is too long.",
        "Le nom d'utilisateur est trop long.",
    ),
    (
        "err_username_invalid_characters",
        "The username may contain only letters and digits.",
        "Le nom d'utilisateur ne peut contenir que des lettres et des chiffres.",
    ),
    (
        "err_password_too_short",
        "The password is too short.",
        "Le mot de passe est trop court.",
    ),
    (
        "err_password_too_long",
        "The password is too long.",
        "Le mot de passe est trop long.",
    ),
    (
        "err_password_needs_uppercase",
        "The password needs an upper-case letter.",
        "Le mot de passe doit contenir une majuscule.",
    ),
    (
        "err_password_needs_lowercase",
        "The password needs a lower-case letter.",
        "Le mot de passe doit contenir une minuscule.",
    ),
    (
        "err_password_needs_digit",
        "The password needs a digit.",
        "Le mot de passe doit contenir un chiffre.",
    ),
    (
        "err_password_needs_special",
        "The password needs a special character such as ! or #.",
        "Le mot de passe doit contenir un caractère spécial comme ! ou #.",
    ),
    (
        "err_password_too_common",
        "This password is too common.",
        "Ce mot de passe est trop courant.",
    ),
    (
        "err_invalid_email",
        "The e-mail address is not valid.",
        "L'adresse e-mail n'est pas valide.",
    ),
    (
        "err_invalid_address",
        "The trunk address is an IP address and port, like 192.0.2.10:5060.",
        "L'adresse du trunk est une adresse IP et un port, comme 192.0.2.10:5060.",
    ),
    (
        "err_address_taken",
        "Another trunk has this address; each carrier address belongs to one trunk.",
        "Un autre trunk a cette adresse ; chaque adresse d'opérateur appartient à un seul trunk.",
    ),
    (
        "err_credentials_required",
        "Registering to the carrier needs a username and a password.",
        "L'enregistrement auprès de l'opérateur nécessite un nom d'utilisateur et un mot de passe.",
    ),
    (
        "err_invalid_credentials",
        "Credentials have at most 128 characters, without quotes or control characters.",
        "Les identifiants ont au plus 128 caractères, sans guillemets ni caractères de contrôle.",
    ),
    (
        "err_inbound_secret_required",
        "Recognising the carrier by a shared key needs the key.",
        "La reconnaissance de l'opérateur par clé partagée nécessite la clé.",
    ),
    (
        "err_invalid_inbound_secret",
        "The key has 16 to 128 letters, digits, '-', '_', '.' or '~'.",
        "La clé a 16 à 128 lettres, chiffres, « - », « _ », « . » ou « ~ ».",
    ),
    (
        "err_invalid_max_calls",
        "A trunk carries 1 to 10,000 calls at once.",
        "Un trunk achemine de 1 à 10 000 appels simultanés.",
    ),
    (
        "err_already_exists",
        "Something with this value already exists.",
        "Un élément avec cette valeur existe déjà.",
    ),
    (
        "err_forbidden",
        "You may not do this.",
        "Vous n'avez pas le droit de faire cela.",
    ),
    (
        "err_not_found",
        "There is no such object.",
        "Cet objet n'existe pas.",
    ),
];
