# SPDX-License-Identifier: Apache-2.0
"""Turning generator batches into shard entries: split, padding, augmentation, features, labels.

pack_batch() is a pure function of its arguments (no global state but the cached ARKit
renderer), so batches can be packed by several worker processes and appended to the corpus in a
fixed order with identical results.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import augment, batches, labels, log_mel

_RENDERER: Optional[labels.ArkitRenderer] = None


def renderer() -> labels.ArkitRenderer:
    """The per-process ARKit renderer (a voxface Engine), created on first use."""
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = labels.ArkitRenderer()
    return _RENDERER


def stable_hash(*parts: object) -> int:
    """64-bit hash of the parts' text, identical across runs and machines (unlike hash())."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


def split_of(uid: str, dev_permille: int, forced_dev: bool = False) -> str:
    """'dev' for a deterministic share of utterance ids (and forced ones), else 'train'."""
    if forced_dev or stable_hash("split", uid) % 1000 < dev_permille:
        return "dev"
    return "train"


@dataclasses.dataclass
class BatchSpec:
    """One generator batch to pack and how."""

    prefix: str  # PREFIX of PREFIX.pcm/.tsv; PREFIX.jobs holds voice and text per id.
    source: str  # espeak, flite, festival, asterisk.
    lang: str
    dev_permille: int
    forced_dev: Tuple[str, ...] = ()  # Ids that must be in the dev split.
    pad_s: Tuple[float, float] = (0.05, 0.6)  # Random silence before and after, if any.
    augment_copies: int = 1
    store_audio: str = "clean"  # clean | all | none
    seed: int = 0


@dataclasses.dataclass
class Entry:
    record: Dict[str, Any]
    feats: np.ndarray
    labels: np.ndarray
    arkit: np.ndarray
    audio: Optional[np.ndarray]


def read_jobs(path: Path) -> Dict[str, Tuple[str, str]]:
    """id -> (voice, text) from a .jobs file; {} when there is none."""
    out: Dict[str, Tuple[str, str]] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        if len(f) == 6:
            out[f[0]] = (f[1], f[5])
    return out


def text_kind(source: str, text: str) -> str:
    if source == "asterisk":
        return "prompt"
    if text.startswith("[["):
        return "syllables"
    return "words"


def make_entry(uid: str, audio_f32: np.ndarray, items: Sequence[labels.Phone],
               record: Dict[str, Any], store: bool) -> Entry:
    pcm = None
    if store:
        # Features of exactly the stored samples, so that re-computing them (in C++ or numpy)
        # from the shard's audio gives the shard's features.
        pcm = np.clip(np.round(audio_f32 * 32768.0), -32768, 32767).astype("<i2")
        audio_f32 = pcm.astype(np.float32) / 32768.0
    feats = log_mel.log_mel(audio_f32)
    n = feats.shape[0]
    frame_labels = labels.frame_labels(items, n)
    arkit = renderer().render(items, n)
    rec = dict(record)
    rec["id"] = uid
    rec["duration_s"] = round(len(audio_f32) / 16000.0, 4)
    rec["phones"] = labels.phones_to_spans(items)
    return Entry(rec, feats.astype(np.float16), frame_labels, arkit, pcm)


def pack_batch(spec: BatchSpec) -> List[Entry]:
    """Every utterance of a batch as its clean copy plus spec.augment_copies augmented ones."""
    prefix = Path(spec.prefix)
    jobs = read_jobs(prefix.with_name(prefix.name + ".jobs"))
    utterances = list(batches.read_batch(prefix))
    forced = set(spec.forced_dev)
    clean_audio: List[np.ndarray] = []
    prepared = []
    for u in utterances:
        rng = np.random.default_rng(stable_hash("pad", spec.seed, u.id))
        audio = np.asarray(u.audio, dtype=np.float32) / 32768.0
        items = list(u.phones)
        if spec.pad_s[1] > 0:
            lead, trail = (int(rng.uniform(*spec.pad_s) * 16000) for _ in range(2))
            audio = np.concatenate([np.zeros(lead, np.float32), audio, np.zeros(trail, np.float32)])
            shift = lead / 16000.0
            items = [("sil", 0.0, shift)] + [(p, s + shift, e + shift) for p, s, e in items] + \
                    [("sil", items[-1][2] + shift if items else shift, len(audio) / 16000.0)]
            items = _merge_sil(items)
        clean_audio.append(audio)
        prepared.append((u.id, audio, items))

    def babble_pool(own: int):
        def pool(rng: np.random.Generator, k: int) -> List[np.ndarray]:
            others = [i for i in range(len(clean_audio)) if i != own]
            if not others:
                return []
            picks = rng.choice(others, size=min(k, len(others)), replace=False)
            return [clean_audio[int(i)] for i in picks]
        return pool

    entries: List[Entry] = []
    for index, (uid, audio, items) in enumerate(prepared):
        voice, text = jobs.get(uid, ("-", ""))
        split = split_of(uid, spec.dev_permille, uid in forced)
        base = {"source": spec.source, "lang": spec.lang, "voice": voice, "split": split,
                "kind": text_kind(spec.source, text), "text": text}
        entries.append(make_entry(uid, audio, items, {**base, "copy": 0, "aug": None},
                                  spec.store_audio in ("clean", "all")))
        for k in range(1, spec.augment_copies + 1):
            seed = stable_hash("augment", spec.seed, uid, k) % (2 ** 63)
            aug_audio, aug_items, params = augment.augment(audio, items, seed, babble_pool(index))
            entries.append(make_entry(f"{uid}~a{k}", aug_audio, aug_items,
                                      {**base, "copy": k, "aug": params, "clean_id": uid},
                                      spec.store_audio == "all"))
    return entries


def _merge_sil(items: Sequence[labels.Phone]) -> List[labels.Phone]:
    out: List[labels.Phone] = []
    for p, s, e in items:
        if e <= s:
            continue
        if out and p == "sil" and out[-1][0] == "sil":
            out[-1] = ("sil", out[-1][1], e)
        else:
            out.append((p, s, e))
    return out
