#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the lip-sync dev set (docs/eval.md): synthetic speech with exact phone timings from
# eSpeak NG and Flite, plus Asterisk's recorded prompts with phones force-aligned by
# `voxface align`. Idempotent: clips whose files exist are kept; the manifest is rewritten.
#
# Usage: scripts/make-devset.sh [OUT_DIR]          (default: devset/)
# Environment:
#   VOXFACE=path                 voxface CLI used for alignment (default: build/bin/voxface)
#   BUILD_DIR=path               CMake build folder for the generators (default: build/)
#   DEVSET_TOOLS_DIR=path        use prebuilt espeak_phones/flite_phones from here, build nothing
#   DEVSET_VOICES_PER_SENTENCE=n synthetic voices per sentence (default 3; 9 renders all)
#   DEVSET_ASTERISK_CLIPS=n      recorded prompts to take (default 60)
#   DEVSET_PAD_S=s               silence added around each synthetic clip (default 0.5)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-devset}
build=${BUILD_DIR:-$root/build}
voxface=${VOXFACE:-$root/build/bin/voxface}
per_sentence=${DEVSET_VOICES_PER_SENTENCE:-3}
asterisk_clips=${DEVSET_ASTERISK_CLIPS:-60}
pad_s=${DEVSET_PAD_S:-0.5}
sentences=$root/tools/devset/sentences.txt

# Voices in a fixed order, as "engine:voice:rate" (rate: eSpeak words per minute, Flite
# duration stretch). Sentence i gets voices i, i+3, i+6 (mod 9), so with the default of three
# each sentence is spoken by two eSpeak voices and one Flite voice and every voice speaks about
# the same number of sentences; above three, voices i, i+1, ... are used.
voices=(
  espeak:en-us:165 espeak:en-us+f3:150 espeak:en+f2:170
  espeak:en-us+m3:180 espeak:en-us+klatt:160 espeak:en-gb-x-rp+f4:155
  flite:slt:1.0 flite:rms:1.0 flite:awb:1.0
)

note() { echo "make-devset: $*" >&2; }
die() { note "$*"; exit 1; }

for tool in ffmpeg soxi; do
  command -v "$tool" >/dev/null || die "$tool not found: run scripts/install-deps.sh"
done
[[ -f $sentences ]] || die "missing $sentences"

# --- The generators --------------------------------------------------------------------------
if [[ -n ${DEVSET_TOOLS_DIR:-} ]]; then
  tools=$DEVSET_TOOLS_DIR
else
  tools=$build/bin
  if [[ ! -f $build/CMakeCache.txt ]]; then
    note "configuring $build"
    cmake -S "$root" -B "$build" >/dev/null || die "CMake configure failed in $build"
  fi
  for target in espeak_phones flite_phones; do
    cmake --build "$build" --target "$target" -j "$(nproc)" >/dev/null ||
      note "building $target failed; its voices are skipped"
  done
fi
have_espeak=0; [[ -x $tools/espeak_phones ]] && have_espeak=1
have_flite=0; [[ -x $tools/flite_phones ]] && have_flite=1
((have_espeak || have_flite)) || die "neither espeak_phones nor flite_phones in $tools"

mkdir -p "$out/synth" "$out/asterisk"

# --- Synthetic clips ---------------------------------------------------------------------------
# File-name form of a voice: "espeak-en-us-f3".
voice_tag() { local v=$1-$2; echo "${v//+/-}"; }
stride=3
((per_sentence <= 3)) || stride=1
mapfile -t lines < <(grep -v -e '^#' -e '^[[:space:]]*$' "$sentences")
made=0
for i in "${!lines[@]}"; do
  text=${lines[$i]}
  for ((j = 0; j < per_sentence && j < ${#voices[@]}; j++)); do
    IFS=: read -r engine voice rate <<<"${voices[$(((i + stride * j) % ${#voices[@]}))]}"
    id=$(printf 's%02d_%s' $((i + 1)) "$(voice_tag "$engine" "$voice")")
    base=$out/synth/$id
    [[ -s $base.wav && -s $base.phones && -s $base.txt ]] && continue
    case $engine in
      espeak)
        ((have_espeak)) || continue
        cmd=("$tools/espeak_phones" --voice "$voice" --rate "$rate") ;;
      flite)
        ((have_flite)) || continue
        cmd=("$tools/flite_phones" --voice "$voice" --stretch "$rate") ;;
    esac
    if ! "${cmd[@]}" --pad "$pad_s" --text "$text" --wav "$base.wav" --phones "$base.phones"; then
      note "${cmd[0]##*/} failed on $id"
      continue
    fi
    printf '%s\n' "$text" >"$base.txt"
    made=$((made + 1))
  done
done
((made == 0)) || note "synthesised $made new clips"

# --- Asterisk prompts --------------------------------------------------------------------------
# Transcripts ship gzipped in the docs of asterisk-core-sounds-en; audio in the g722 package.
transcripts=$(dpkg -L asterisk-core-sounds-en 2>/dev/null | grep -m1 'core-sounds-en\.txt' || true)
: "${transcripts:=/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz}"
audio_dir=$(dpkg -L asterisk-core-sounds-en-g722 2>/dev/null | grep -m1 '/activated\.g722$' || true)
audio_dir=${audio_dir%/*}
: "${audio_dir:=/usr/share/asterisk/sounds/en_US_f_Allison}"

can_align=0
if [[ -x $voxface ]] && { "$voxface" align --help >/dev/null 2>&1 ||
                         "$voxface" --help 2>&1 | grep -qw align; }; then
  can_align=1
fi

if [[ ! -f $transcripts || ! -d $audio_dir ]]; then
  note "Asterisk prompts not installed (asterisk-core-sounds-en, -g722); recorded part skipped"
else
  # Eligible: audio present, 1-12 s (G.722 is 8000 bytes/s), no digits (the aligner would have
  # to guess how they are read), no "[sound descriptions]" or "(stage directions)", no "*", "#"
  # or spelled abbreviations.
  unwanted='[][()0-9*#]|[A-Z]\.[A-Z]'
  mapfile -t eligible < <(
    if [[ $transcripts == *.gz ]]; then zcat "$transcripts"; else cat "$transcripts"; fi |
      grep -E '^[^;[:space:]][^:]*: ' | LC_ALL=C sort |
      while IFS= read -r line; do
        id=${line%%: *}; text=${line#*: }
        f=$audio_dir/$id.g722
        [[ -f $f ]] || continue
        [[ $text =~ $unwanted ]] && continue
        size=$(stat -c %s "$f")
        ((size >= 8000 && size <= 96000)) || continue
        printf '%s\t%s\n' "$id" "$text"
      done)
  # A spread-out, deterministic subset: every k-th prompt in id order.
  step=$(((${#eligible[@]} + asterisk_clips - 1) / asterisk_clips))
  ((step >= 1)) || step=1
  missing_align=0
  for ((k = 0; k < ${#eligible[@]}; k += step)); do
    IFS=$'\t' read -r id text <<<"${eligible[$k]}"
    clip=ast_${id//\//_}
    base=$out/asterisk/$clip
    [[ -s $base.wav ]] || ffmpeg -nostdin -loglevel error -y -f g722 -i "$audio_dir/$id.g722" \
      -ac 1 -ar 16000 "$base.wav" || { note "decoding $id failed"; rm -f "$base.wav"; continue; }
    [[ -s $base.txt ]] || printf '%s\n' "$text" >"$base.txt"
    [[ -s $base.phones ]] && continue
    if ((can_align)); then
      "$voxface" align "$base.wav" --text "$text" -o "$base.phones" >/dev/null 2>&1 ||
        { note "alignment failed on $clip; left out"; rm -f "$base.phones"; }
    else
      missing_align=$((missing_align + 1))
    fi
  done
  if ((missing_align > 0)); then
    note "NOTE: $voxface has no 'align' command yet, so $missing_align recorded prompts have" \
      "audio and transcripts but no reference phones and are left out of the manifest." \
      "Build the CLI and run this script again to add them."
  fi
fi

# --- Manifest ----------------------------------------------------------------------------------
# Paths are relative to OUT_DIR so that the folder can be moved.
manifest=$out/manifest.tsv
tmp=$manifest.tmp
: >"$tmp"
clips=0
seconds=0
for wav in "$out"/synth/*.wav "$out"/asterisk/*.wav; do
  [[ -f $wav ]] || continue
  base=${wav%.wav}
  [[ -s $base.phones && -s $base.txt ]] || continue
  id=${base##*/}
  dir=${base%/*}; dir=${dir##*/}
  source=asterisk
  if [[ $id != ast_* ]]; then
    for v in "${voices[@]}"; do
      IFS=: read -r engine voice _ <<<"$v"
      [[ ${id#*_} == "$(voice_tag "$engine" "$voice")" ]] && source=$engine:$voice
    done
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$dir/$id.wav" "$dir/$id.phones" "$dir/$id.txt" \
    "$source" >>"$tmp"
  clips=$((clips + 1))
  seconds=$(awk -v a="$seconds" -v b="$(soxi -D "$wav")" 'BEGIN { printf "%.3f", a + b }')
done
mv "$tmp" "$manifest"
synth=$(grep -vc $'\tasterisk$' "$manifest" || true)
printf 'make-devset: %d clips (%d synthetic, %d recorded), %.1f s of audio -> %s\n' \
  "$clips" "$synth" $((clips - synth)) "$seconds" "$manifest"
