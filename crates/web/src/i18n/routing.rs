//! Why a call goes where it goes: the routing engine's reasons (`sb_domain::routing::Reason`),
//! in English and French, keyed `why_<code>` by the reason's stable code, for the explain panel
//! of a user's Calls tab.

use super::{Text, t};
use sb_domain::model::Language;
use sb_domain::routing::Reason;

/// The reason's sentence in `lang`; the engine's English sentence when no text has its code.
pub fn reason(lang: Language, r: Reason) -> &'static str {
    let key = TEXTS
        .iter()
        .find(|(k, _, _)| k.strip_prefix("why_") == Some(r.code()))
        .map(|(k, _, _)| *k);
    key.map_or_else(|| r.sentence(), |k| t(lang, k))
}

pub const TEXTS: &[Text] = &[
    (
        "why_EmergencyNumber",
        "An emergency number always goes to the emergency service.",
        "Un numéro d'urgence aboutit toujours au service d'urgence.",
    ),
    (
        "why_NotInService",
        "This line takes no calls: it has no enabled user.",
        "Cette ligne ne reçoit aucun appel : elle n'a pas d'utilisateur activé.",
    ),
    (
        "why_Loop",
        "The call was already redirected through this line, so the loop is cut.",
        "L'appel a déjà été renvoyé par cette ligne, la boucle est donc coupée.",
    ),
    (
        "why_TooManyHops",
        "The call was redirected too many times, so the chain is cut.",
        "L'appel a été renvoyé trop de fois, la chaîne est donc coupée.",
    ),
    (
        "why_CallerOutgoingBlocked",
        "The caller's department may not make outgoing calls.",
        "Le service de l'appelant ne peut pas passer d'appels sortants.",
    ),
    (
        "why_CallerDepartmentFull",
        "The caller's department has reached its limit of simultaneous calls.",
        "Le service de l'appelant a atteint sa limite d'appels simultanés.",
    ),
    (
        "why_IncomingBlocked",
        "The department of this line does not accept incoming calls.",
        "Le service de cette ligne n'accepte pas les appels entrants.",
    ),
    (
        "why_DepartmentFull",
        "The department of this line has reached its limit of simultaneous calls.",
        "Le service de cette ligne a atteint sa limite d'appels simultanés.",
    ),
    (
        "why_AnonymousRejected",
        "Anonymous callers are rejected on this line.",
        "Les appels anonymes sont rejetés sur cette ligne.",
    ),
    (
        "why_PermanentRedirect",
        "The line has a permanent redirect.",
        "La ligne a un renvoi permanent.",
    ),
    (
        "why_ForwardAll",
        "All calls are forwarded.",
        "Tous les appels sont renvoyés.",
    ),
    (
        "why_OutOfHours",
        "It is out of hours for this line.",
        "Cette ligne est en dehors de ses heures d'ouverture.",
    ),
    (
        "why_DoNotDisturb",
        "The user is set to do not disturb, so the busy handling applies.",
        "L'utilisateur est en mode « ne pas déranger » : le traitement « occupé » s'applique.",
    ),
    ("why_Busy", "The line is busy.", "La ligne est occupée."),
    (
        "why_NoDevices",
        "No phone of this line is registered, so the no-answer handling applies at once.",
        "Aucun téléphone de cette ligne n'est enregistré : le traitement « sans réponse » s'applique aussitôt.",
    ),
    (
        "why_RingThenDivert",
        "The phones ring; if nobody answers in time the call moves on.",
        "Les téléphones sonnent ; si personne ne répond à temps, l'appel est renvoyé.",
    ),
    (
        "why_RingUntilAnswered",
        "The phones ring until someone answers or the caller hangs up.",
        "Les téléphones sonnent jusqu'à ce que quelqu'un réponde ou que l'appelant raccroche.",
    ),
    (
        "why_AlwaysRedirect",
        "Calls are always redirected without ringing first.",
        "Les appels sont toujours renvoyés sans sonner d'abord.",
    ),
    (
        "why_NoVoicemailInPackage",
        "Voicemail is not part of this user's service package.",
        "La messagerie vocale ne fait pas partie du forfait de cet utilisateur.",
    ),
    (
        "why_NoForwardingInPackage",
        "Redirecting calls to outside numbers is not part of this user's service package.",
        "Le renvoi d'appels vers des numéros extérieurs ne fait pas partie du forfait de cet utilisateur.",
    ),
    (
        "why_BarredAllOutside",
        "Calls to outside numbers are barred for this line, so the redirect is refused.",
        "Les appels vers l'extérieur sont interdits pour cette ligne : le renvoi est refusé.",
    ),
    (
        "why_BarredInternational",
        "International calls are barred for this line, so the redirect is refused.",
        "Les appels internationaux sont interdits pour cette ligne : le renvoi est refusé.",
    ),
    (
        "why_BarredPremium",
        "Premium-rate numbers are barred for this line, so the redirect is refused.",
        "Les numéros surtaxés sont interdits pour cette ligne : le renvoi est refusé.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason the engine can give has both languages, and the English is the engine's own
    /// sentence (what the API says), so the portal and the API never disagree.
    #[test]
    fn every_routing_reason_has_an_english_and_a_french_sentence() {
        for r in Reason::ALL {
            let key = format!("why_{}", r.code());
            assert!(TEXTS.iter().any(|(k, _, _)| *k == key), "{key}");
            assert_eq!(reason(Language::En, r), r.sentence(), "{key}");
            let fr = reason(Language::Fr, r);
            assert!(!fr.is_empty() && fr != r.sentence(), "{key}: {fr}");
        }
        assert_eq!(
            TEXTS.len(),
            Reason::ALL.len(),
            "no text for a reason that is gone"
        );
        assert_eq!(
            reason(Language::Fr, Reason::ForwardAll),
            "Tous les appels sont renvoyés."
        );
    }
}
