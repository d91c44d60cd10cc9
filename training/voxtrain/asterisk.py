# SPDX-License-Identifier: Apache-2.0
"""Recorded speech: Debian's Asterisk prompts (asterisk-core-sounds-{en,es,fr,it,ru}).

Audio comes from the -g722 packages (16 kHz wideband; the -wav packages are 8 kHz), transcripts
from core-sounds-<lang>.txt.gz in the base packages (all five languages ship one). English
prompts get phones from voxface's own forced aligner (`voxface align`); the others by DTW
against an eSpeak NG rendition of the transcript (dtw_align.py).
"""

from __future__ import annotations

import dataclasses
import gzip
import math
import re
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

import numpy as np

from .labels import Phone

SOUNDS_DIR = Path("/usr/share/asterisk/sounds")
DOC_DIR = Path("/usr/share/doc")


@dataclasses.dataclass(frozen=True)
class PromptSet:
    lang: str
    speaker_dir: str  # Folder under /usr/share/asterisk/sounds.
    speaker: str
    espeak_voice: str  # For DTW renditions: the language with a variant of the same sex.


PROMPT_SETS: Tuple[PromptSet, ...] = (
    PromptSet("en", "en_US_f_Allison", "Allison", "en-us+f2"),
    PromptSet("es", "es_MX_f_Allison", "Allison", "es-419+f2"),
    PromptSet("fr", "fr_CA_f_June", "June", "fr+f2"),
    PromptSet("it", "it_IT_m_Carlo", "Carlo", "it"),
    PromptSet("ru", "ru_RU_f_IvrvoiceRU", "IvrvoiceRU", "ru+f2"),
)

# Like scripts/make-devset.sh: no digits (how they are read is a guess), no [sound] or
# (stage direction) notes, no "*", "#" or spelled abbreviations.
_UNWANTED = re.compile(r"[\[\]()0-9*#]|[A-Z]\.[A-Z]")


@dataclasses.dataclass
class Prompt:
    id: str  # The Asterisk name, e.g. "agent-alreadyon" or "digits/1".
    text: str
    path: Path


def transcripts(lang: str) -> Dict[str, str]:
    """Prompt name -> text from core-sounds-<lang>.txt.gz ({} when not installed)."""
    path = DOC_DIR / f"asterisk-core-sounds-{lang}" / f"core-sounds-{lang}.txt.gz"
    if not path.is_file():
        return {}
    out: Dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip().lstrip("\ufeff")
            if not line or line.startswith(";") or ": " not in line:
                continue
            name, text = line.split(": ", 1)
            if name and not name[0].isspace():
                out[name.strip()] = text.strip()
    return out


def eligible_prompts(prompt_set: PromptSet, min_s: float = 0.5,
                     max_s: float = 12.0) -> List[Prompt]:
    """Prompts with audio and a usable transcript, 0.5-12 s (G.722 is 8000 bytes/s), by name."""
    folder = SOUNDS_DIR / prompt_set.speaker_dir
    out = []
    for name, text in sorted(transcripts(prompt_set.lang).items()):
        path = folder / f"{name}.g722"
        if not path.is_file() or _UNWANTED.search(text) or not text:
            continue
        if not min_s * 8000 <= path.stat().st_size <= max_s * 8000:
            continue
        out.append(Prompt(name, text, path))
    return out


def devset_prompt_names(repo: Path, count: int = 60) -> Set[str]:
    """English prompts that scripts/make-devset.sh puts in the lip-sync dev set.

    Reproduces its selection (eligible lines in C-locale order, every step-th) and adds the
    names in <repo>/devset/manifest.tsv when a dev set was built, so the training split never
    contains them.
    """
    names: Set[str] = set()
    texts = transcripts("en")
    folder = SOUNDS_DIR / "en_US_f_Allison"
    lines = sorted(f"{n}: {t}" for n, t in texts.items())
    eligible = []
    for line in sorted(lines, key=lambda s: s.encode("utf-8")):
        name, text = line.split(": ", 1)
        path = folder / f"{name}.g722"
        if path.is_file() and not _UNWANTED.search(text) and 8000 <= path.stat().st_size <= 96000:
            eligible.append(name)
    step = max(1, math.ceil(len(eligible) / count)) if eligible else 1
    names.update(eligible[::step])
    manifest = repo / "devset" / "manifest.tsv"
    if manifest.is_file():
        for row in manifest.read_text(encoding="utf-8").splitlines():
            clip = row.split("\t", 1)[0]
            if clip.startswith("ast_"):
                names.add(clip[len("ast_"):])
    # make-devset.sh flattens "/" to "_" in clip names; match both spellings.
    return names | {n.replace("/", "_") for n in names}


def decode_g722(path: Path) -> np.ndarray:
    """int16 16 kHz mono samples of a .g722 prompt (ffmpeg)."""
    proc = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "g722", "-i",
                           str(path), "-ac", "1", "-ar", "16000", "-f", "s16le", "pipe:"],
                          capture_output=True, check=True)
    return np.frombuffer(proc.stdout, dtype="<i2").copy()


def force_align(voxface_cli: Path, wav: Path, text: str) -> Optional[List[Phone]]:
    """Phones from `voxface align` (English), None when it fails.

    The result is kept beside the WAV (<wav>.phones) and reused by later runs.
    """
    cache = wav.with_suffix(".phones")
    if cache.is_file():
        output = cache.read_text(encoding="utf-8")
    else:
        proc = subprocess.run(["nice", "-n", "10", str(voxface_cli), "align", str(wav), "--text",
                               text], capture_output=True, text=True)
        if proc.returncode != 0:
            return None
        output = proc.stdout
        cache.write_text(output, encoding="utf-8")
    items: List[Phone] = []
    for line in output.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) == 3:
            items.append((parts[0], float(parts[1]), float(parts[2])))
    return items or None


def write_wav16(path: Path, audio: np.ndarray, rate: int = 16000) -> None:
    import wave
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.ascontiguousarray(audio, dtype="<i2").tobytes())


def compare_alignments(reference: Sequence[Phone], other: Sequence[Phone]) -> Tuple[float, float]:
    """(median |boundary offset| s, share of 10 ms speech frames with the same viseme)."""
    from . import labels, log_mel
    ref_b = np.array([p[1] for p in reference[1:]])
    oth_b = np.array([p[1] for p in other[1:]])
    if len(ref_b) == 0 or len(oth_b) == 0:
        return float("nan"), float("nan")
    offsets = np.min(np.abs(ref_b[:, None] - oth_b[None, :]), axis=1)
    end = max(reference[-1][2], other[-1][2])
    frames = log_mel.num_frames(int(end * 16000))
    a = labels.frame_labels(reference, frames)
    b = labels.frame_labels(other, frames)
    speech = a[:, 3] == 1
    agree = float(np.mean(a[speech, 0] == b[speech, 0])) if speech.any() else float("nan")
    return float(np.median(offsets)), agree
