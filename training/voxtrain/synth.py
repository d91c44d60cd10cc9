# SPDX-License-Identifier: Apache-2.0
"""Running the synthesisers: corpus_espeak / corpus_flite (C++, training/corpus) and Festival.

eSpeak NG is GPL: it only ever runs as the separate corpus_espeak program; nothing here imports
or links it.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import batches, textgen
from .batches import Utterance
from .labels import Phone

Job = Tuple[str, str, float, int, int, str]  # id voice speed pitch range text


def run_tool(tool: Path, jobs: Sequence[Job], prefix: Path, *extra: str) -> str:
    """Runs a C++ generator on jobs (nice'd); returns its stderr. Raises on failure."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    jobs_path = prefix.with_name(prefix.name + ".jobs")
    batches.write_jobs(jobs_path, jobs)
    cmd = ["nice", "-n", "10", str(tool), "--jobs", str(jobs_path), "--out", str(prefix), *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.strip()}")
    return proc.stderr


def discover_inventory(tool: Path, lang: textgen.Language, work: Path, count: int = 150,
                       seed: int = 0) -> Tuple[textgen.Inventory, List[str]]:
    """Synthesises discovery texts twice (mnemonic and IPA names) and pairs the events.

    Returns the inventory (its `ipa` table, mnemonic -> IPA name, is what corpus_espeak's
    --ipa-table maps labels through) and the warnings of the IPA run (IPA names the C++ table
    had to guess).
    """
    texts = textgen.discovery_texts(lang, count, seed)
    jobs = [(f"d{i:04d}", lang.voices[0], 0, -1, -1, t) for i, t in enumerate(texts)]
    runs = {}
    warnings: List[str] = []
    for names in ("mnemonic", "ipa"):
        prefix = work / f"discover-{lang.code}-{names}"
        err = run_tool(tool, jobs, prefix, "--names", names, "--raw-events", "1")
        if names == "ipa":
            warnings = [l for l in err.splitlines() if "warning" in l]
        runs[names] = {u.id: u.raw_events or "" for u in batches.read_batch(prefix)}
    pairs: List[Tuple[str, str]] = []
    for uid, mnemonic_events in runs["mnemonic"].items():
        m = [e.rsplit("@", 1)[0] for e in mnemonic_events.split()]
        i = [e.rsplit("@", 1)[0] for e in runs["ipa"].get(uid, "").split()]
        if len(m) != len(i):
            continue  # Not the same synthesis; should not happen.
        pairs.extend((a, "" if b == "_" else b) for a, b in zip(m, i))
    return textgen.build_inventory(pairs), warnings


def write_ipa_table(inventory: textgen.Inventory, path: Path) -> None:
    """corpus_espeak --ipa-table file: "mnemonic<TAB>ipa" (empty IPA: a zero-width marker)."""
    with open(path, "w", encoding="utf-8") as f:
        for mnemonic in sorted(inventory.ipa):
            f.write(f"{mnemonic}\t{inventory.ipa[mnemonic]}\n")


def espeak_jobs(lang: textgen.Language, inventory: Optional[textgen.Inventory], count: int,
                seed: int, id_prefix: str) -> List[Job]:
    """Random voice, variant, rate, pitch and text for `count` utterances of a language."""
    rng = random.Random(f"espeak-{lang.code}-{seed}")
    variants = [""] + list(textgen.VARIANTS)
    weights = [textgen.variant_weight(v) for v in variants]
    jobs: List[Job] = []
    for n in range(count):
        voice = rng.choice(lang.voices)
        variant = rng.choices(variants, weights=weights)[0]
        kind, text = textgen.corpus_text(rng, lang, inventory)
        # Words per minute: eSpeak's default is 175; syllable strings have no real words, so
        # slower rates keep their syllable rate natural.
        wpm = int(rng.triangular(110, 280, 170) * (0.8 if kind == "syllables" else 1.0))
        pitch = int(rng.triangular(10, 90, 50))
        rng_range = int(rng.triangular(10, 95, 50))
        uid = f"{id_prefix}-{n:06d}"
        jobs.append((uid, voice + (f"+{variant}" if variant else ""), wpm, pitch, rng_range, text))
    return jobs


def flite_jobs(voices: Sequence[str], count: int, seed: int, id_prefix: str) -> List[Job]:
    """English word sentences for Flite voices, duration stretch 0.75-1.35."""
    rng = random.Random(f"flite-{seed}")
    words = textgen.read_wordlist("american-english")
    jobs: List[Job] = []
    for n in range(count):
        voice = voices[n % len(voices)]
        stretch = round(rng.uniform(0.75, 1.35), 3)
        jobs.append((f"{id_prefix}-{voice}-{n:06d}", voice, stretch, -1, -1,
                     textgen.word_sentence(rng, words)))
    return jobs


def festival_jobs(voice: str, count: int, seed: int, id_prefix: str) -> List[Job]:
    """English word sentences for a Festival voice; the diphone voices get a duration stretch
    of 0.8-1.3 (the HTS voice keeps its own timing)."""
    rng = random.Random(f"festival-{voice}-{seed}")
    words = textgen.read_wordlist("american-english")
    jobs: List[Job] = []
    for n in range(count):
        stretch = 1.0 if voice == "slt_hts" else round(rng.uniform(0.8, 1.3), 3)
        jobs.append((f"{id_prefix}-{voice}-{n:06d}", voice, stretch, -1, -1,
                     textgen.word_sentence(rng, words)))
    return jobs


# --- Festival -----------------------------------------------------------------------------------

FESTIVAL_VOICES: Dict[str, str] = {
    "slt_hts": "voice_cmu_us_slt_arctic_hts",
    "kal": "voice_kal_diphone",
    "ked": "voice_ked_diphone",
}

_FESTIVAL_SCRIPT = """
(define (vf_synth id text outwav)
  (let ((utt (utt.synth (eval (list 'Utterance 'Text text)))))
    (utt.wave.resample utt 16000)
    (utt.save.wave utt outwav 'riff)
    (format t "UTT %s %s\\n" id (cadr (assoc 'num_samples (wave.info (utt.wave utt)))))
    (mapcar (lambda (s) (format t "SEG %s %s %f\\n" id (item.name s) (item.feat s "end")))
            (utt.relation.items utt 'Segment))
    t))
"""


def festival_available() -> bool:
    return shutil.which("festival") is not None


def _scheme_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _festival_phone(name: str) -> str:
    # Festival's US phone sets are CMU ArpaBet plus pau, h# and a few allophones.
    name = name.lower()
    return {"pau": "sil", "h#": "sil", "brk": "sil", "hv": "hh", "nx": "n", "em": "m",
            "ax": "ah", "axr": "er", "dx": "d", "el": "l", "en": "n"}.get(name, name)


def run_festival(voice: str, jobs: Sequence[Job], prefix: Path,
                 phone_set: Sequence[str]) -> Tuple[int, List[str]]:
    """Synthesises jobs with a Festival voice into a batch at PREFIX; (utterances, warnings)."""
    utterances: List[Utterance] = []
    warnings: List[str] = []
    known = set(phone_set)
    with tempfile.TemporaryDirectory(prefix="vf-festival-") as tmp:
        script = [_FESTIVAL_SCRIPT, f"({FESTIVAL_VOICES[voice]})"]
        for uid, _, stretch, _, _, text in jobs:
            script.append(f"(Parameter.set 'Duration_Stretch {stretch if stretch > 0 else 1.0})")
            script.append(f"(vf_synth \"{uid}\" {_scheme_string(text)} \"{tmp}/{uid}.wav\")")
        (Path(tmp) / "run.scm").write_text("\n".join(script) + "\n", encoding="utf-8")
        proc = subprocess.run(["nice", "-n", "10", "festival", "-b", f"{tmp}/run.scm"],
                              capture_output=True, text=True)
        segments: Dict[str, List[Tuple[str, float]]] = {}
        lengths: Dict[str, int] = {}
        for line in proc.stdout.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "UTT":
                lengths[parts[1]] = int(parts[2])
            elif len(parts) == 4 and parts[0] == "SEG":
                segments.setdefault(parts[1], []).append((parts[2], float(parts[3])))
        for uid, _, _, _, _, _ in jobs:
            wav = Path(tmp) / f"{uid}.wav"
            if uid not in lengths or not wav.is_file():
                warnings.append(f"festival {voice}: {uid} failed")
                continue
            audio = _read_wav16(wav)
            items: List[Phone] = []
            start = 0.0
            for name, end in segments.get(uid, []):
                phone = _festival_phone(name)
                if phone not in known:
                    warnings.append(f"festival {voice}: unknown phone {name}")
                    phone = "ah"
                items.append((phone, start, end))
                start = end
            duration = len(audio) / 16000.0
            items = _tile(items, duration)
            utterances.append(Utterance(uid, audio, items))
    batches.write_batch(prefix, utterances)
    return len(utterances), warnings


def _read_wav16(path: Path) -> np.ndarray:
    import wave
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1 or w.getframerate() != 16000:
            raise ValueError(f"{path}: expected 16 kHz mono 16-bit")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").copy()


def _tile(items: Sequence[Phone], duration: float) -> List[Phone]:
    """Clips phones to [0, duration], fills gaps with sil and merges touching sil."""
    out: List[Phone] = []
    t = 0.0
    for p, s, e in sorted(items, key=lambda x: x[1]):
        s, e = min(max(s, t), duration), min(max(e, t), duration)
        if s > t:
            out.append(("sil", t, s))
        if e > s:
            out.append((p, s, e))
        t = max(t, e)
    if t < duration:
        out.append(("sil", t, duration))
    merged: List[Phone] = []
    for p in out:
        if merged and p[0] == "sil" and merged[-1][0] == "sil":
            merged[-1] = ("sil", merged[-1][1], p[2])
        else:
            merged.append(p)
    return merged
