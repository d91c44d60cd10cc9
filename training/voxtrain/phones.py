# SPDX-License-Identifier: Apache-2.0
"""voxface's phone set and phone -> Oculus viseme mapping, read from the repository.

The phone set is src/base/phone_set.h's kPhones (39 ArpaBet phones + "sil", in that order, which
is the phone-id order of the corpus labels); the viseme of each phone, with the diphthongs'
second viseme and split point, comes from data/visemes.json, the pose library src/anim uses. So
the labels follow the animator if either file changes.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from pathlib import Path
from typing import Dict, Tuple

#: The repository root (training/voxtrain/phones.py -> ../..).
REPO_ROOT = Path(__file__).resolve().parents[2]

#: The 15 Oculus visemes in index order (src/anim/pose_library.h kOculusVisemes). Class 0 is sil.
OCULUS_VISEMES: Tuple[str, ...] = ("sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR",
                                   "aa", "E", "ih", "oh", "ou")
SIL = 0


@dataclasses.dataclass(frozen=True)
class PhoneViseme:
    """Viseme class(es) of one phone: diphthongs glide to `second` from `split` of the phone."""

    first: int
    second: int = -1
    split: float = 1.0


@functools.lru_cache(maxsize=1)
def phone_set(root: Path = REPO_ROOT) -> Tuple[str, ...]:
    """kPhones from src/base/phone_set.h, in order."""
    text = (root / "src" / "base" / "phone_set.h").read_text(encoding="utf-8")
    match = re.search(r"kPhones\s*=\s*\{(.*?)\};", text, re.S)
    if match is None:
        raise RuntimeError("kPhones not found in src/base/phone_set.h")
    phones = tuple(re.findall(r'"([a-z]+)"', match.group(1)))
    if len(phones) != 40 or phones[0] != "sil":
        raise RuntimeError(f"unexpected phone set in phone_set.h: {phones}")
    return phones


@functools.lru_cache(maxsize=1)
def phone_visemes(root: Path = REPO_ROOT) -> Dict[str, PhoneViseme]:
    """Phone -> PhoneViseme from data/visemes.json."""
    data = json.loads((root / "data" / "visemes.json").read_text(encoding="utf-8"))
    names = list(data["visemes"].keys())
    if tuple(names[:15]) != OCULUS_VISEMES:
        raise RuntimeError(f"data/visemes.json visemes are not the Oculus 15 in order: {names}")
    index = {name: i for i, name in enumerate(OCULUS_VISEMES)}
    table: Dict[str, PhoneViseme] = {}
    for phone, entry in data["phones"].items():
        second = entry.get("second")
        table[phone] = PhoneViseme(index[entry["viseme"]],
                                   index[second] if second else -1,
                                   float(entry.get("split", 1.0)) if second else 1.0)
    missing = set(phone_set(root)) - set(table)
    if missing:
        raise RuntimeError(f"data/visemes.json has no viseme for {sorted(missing)}")
    return table


def phone_index(phone: str) -> int:
    """Index of a phone in phone_set(); KeyError for anything else."""
    return _phone_index()[phone]


@functools.lru_cache(maxsize=1)
def _phone_index() -> Dict[str, int]:
    return {p: i for i, p in enumerate(phone_set())}
