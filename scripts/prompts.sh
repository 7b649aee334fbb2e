#!/usr/bin/env bash
# Generates the prompts callers hear, in every language Switchboard speaks, with Debian's
# espeak-ng, as 8 kHz mono 16-bit WAV files under prompts/<language>/<name>.wav (committed; the
# binary embeds them, and `--prompts-dir` loads an operator's recordings over them).
# Usage: scripts/prompts.sh   (needs espeak-ng and sox)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install espeak-ng sox)" >&2; exit 1; }
done

# name|English|French
prompts=(
  "vm-greeting|The person you are calling is not available. Please leave a message after the tone.|Votre correspondant n'est pas disponible. Veuillez laisser un message après le bip."
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for entry in "${prompts[@]}"; do
  IFS='|' read -r name en fr <<<"$entry"
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
