#!/usr/bin/env bash
# Generates the prompts callers hear, in every language Switchboard speaks, with Debian's
# espeak-ng, as 8 kHz mono 16-bit WAV files under prompts/<language>/<name>.wav (committed; the
# binary embeds them, and `--prompts-dir` loads an operator's recordings over them).
# Usage: scripts/prompts.sh [name...]   (needs espeak-ng and sox; names limit it to those prompts)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install espeak-ng sox)" >&2; exit 1; }
done

# name|English|French
prompts=(
  "vm-greeting|The person you are calling is not available. Please leave a message after the tone.|Votre correspondant n'est pas disponible. Veuillez laisser un message après le bip."
  "enter-mailbox|Please enter the mailbox number, followed by the pound key.|Veuillez composer le numéro de la messagerie, suivi de la touche dièse."
  "no-such-mailbox|There is no such mailbox.|Cette messagerie n'existe pas."
  "no-access|This mailbox has no PIN, so it cannot be reached by phone.|Cette messagerie n'a pas de code, elle n'est pas accessible par téléphone."
  "enter-pin|Please enter your PIN, followed by the pound key.|Veuillez composer votre code, suivi de la touche dièse."
  "wrong-pin|That PIN is not correct.|Ce code n'est pas correct."
  "mailbox-locked|This mailbox is locked after too many wrong PINs. Your administrator can unlock it.|Cette messagerie est verrouillée après trop de codes erronés. Votre administrateur peut la déverrouiller."
  "you-have|You have|Vous avez"
  "new-messages|new messages, and|nouveaux messages, et"
  "saved-messages|saved messages.|messages enregistrés."
  "more-than-twenty|more than twenty|plus de vingt"
  "main-menu|Press 1 to hear your new messages, 2 for saved messages, 3 to record your greeting, 4 to change your PIN, or star to hang up.|Tapez 1 pour écouter vos nouveaux messages, 2 pour les messages enregistrés, 3 pour enregistrer votre annonce, 4 pour changer votre code, ou étoile pour raccrocher."
  "message-menu|Press 7 to delete this message, 9 to save it, or 6 for the next one.|Tapez 7 pour effacer ce message, 9 pour l'enregistrer, ou 6 pour le suivant."
  "no-more-messages|There are no more messages.|Il n'y a plus de messages."
  "record-greeting|Record your greeting after the tone, then press the pound key.|Enregistrez votre annonce après le bip, puis tapez dièse."
  "greeting-saved|Your greeting is saved.|Votre annonce est enregistrée."
  "enter-new-pin|Enter your new six digit PIN, followed by the pound key.|Composez votre nouveau code à six chiffres, suivi de la touche dièse."
  "pin-changed|Your PIN is changed.|Votre code est modifié."
  "pin-rejected|That PIN cannot be used. Choose six digits that are not a simple sequence.|Ce code ne peut pas être utilisé. Choisissez six chiffres qui ne forment pas une suite simple."
  "goodbye|Goodbye.|Au revoir."
  "conf-enter-code|Welcome to the conference. Please enter the access code, followed by the pound key.|Bienvenue dans la conférence. Veuillez composer le code d'accès, suivi de la touche dièse."
  "conf-wrong-code|That access code is not correct.|Ce code d'accès n'est pas correct."
  "conf-not-open|This conference has not started yet. Please call again at the scheduled time.|Cette conférence n'a pas encore commencé. Veuillez rappeler à l'heure prévue."
  "conf-alone|You are the first participant.|Vous êtes le premier participant."
  "lang-offer|For English, press star.|Pour le français, tapez étoile."
  "redirecting|Please hold, your call is being forwarded.|Veuillez patienter, votre appel est transféré."
  "call-from|Call from|Appel de"
  "number-withheld|a withheld number|un numéro masqué"
  "n0|zero|zéro"
  "n1|one|un"
  "n2|two|deux"
  "n3|three|trois"
  "n4|four|quatre"
  "n5|five|cinq"
  "n6|six|six"
  "n7|seven|sept"
  "n8|eight|huit"
  "n9|nine|neuf"
  "n10|ten|dix"
  "n11|eleven|onze"
  "n12|twelve|douze"
  "n13|thirteen|treize"
  "n14|fourteen|quatorze"
  "n15|fifteen|quinze"
  "n16|sixteen|seize"
  "n17|seventeen|dix-sept"
  "n18|eighteen|dix-huit"
  "n19|nineteen|dix-neuf"
  "n20|twenty|vingt"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for entry in "${prompts[@]}"; do
  IFS='|' read -r name en fr <<<"$entry"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  for lang in en fr; do
    text=$en voice=en-us
    if [ "$lang" = fr ]; then text=$fr voice=fr-fr; fi
    mkdir -p "prompts/$lang"
    espeak-ng -v "$voice" -s 150 -w "$tmp/raw.wav" "$text"
    # Telephone band: 8 kHz, mono, 16-bit; a little quieter so that peaks do not clip in G.711.
    sox "$tmp/raw.wav" -r 8000 -c 1 -b 16 "prompts/$lang/$name.wav" gain -n -3
    echo "prompts/$lang/$name.wav"
  done
done
