# SPDX-License-Identifier: Apache-2.0
"""Reading and writing the generators' batches (training/corpus/batch_io.h).

A batch is PREFIX.pcm (int16 LE, 16 kHz, utterances back to back) plus PREFIX.tsv with lines
`id offset samples phones [raw-events]`; phones are "phone:start:end" sample spans.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterator, List, Optional, Sequence

import numpy as np

from .labels import Phone, phones_to_spans, spans_to_phones

RATE_HZ = 16000


@dataclasses.dataclass
class Utterance:
    """One utterance of a batch: 16 kHz int16 audio and its phones in seconds."""

    id: str
    audio: np.ndarray
    phones: List[Phone]
    raw_events: Optional[str] = None


def read_batch(prefix: Path | str) -> Iterator[Utterance]:
    """Yields the utterances of PREFIX.tsv/.pcm in file order (audio is a memory-mapped view)."""
    prefix = Path(prefix)
    pcm_path = prefix.with_name(prefix.name + ".pcm")
    index_path = prefix.with_name(prefix.name + ".tsv")
    size = pcm_path.stat().st_size
    pcm = np.memmap(pcm_path, dtype="<i2", mode="r") if size else np.zeros(0, dtype="<i2")
    with open(index_path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 4:
                raise ValueError(f"{index_path}: bad line {line!r}")
            offset, samples = int(fields[1]), int(fields[2])
            yield Utterance(fields[0], pcm[offset:offset + samples], spans_to_phones(fields[3]),
                            fields[4] if len(fields) > 4 else None)


def write_batch(prefix: Path | str, utterances: Sequence[Utterance]) -> None:
    """Writes utterances (int16 16 kHz audio) as a batch, like the C++ BatchWriter."""
    prefix = Path(prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    offset = 0
    with open(prefix.with_name(prefix.name + ".pcm"), "wb") as pcm, \
            open(prefix.with_name(prefix.name + ".tsv"), "w", encoding="utf-8") as index:
        for u in utterances:
            audio = np.ascontiguousarray(u.audio, dtype="<i2")
            pcm.write(audio.tobytes())
            index.write(f"{u.id}\t{offset}\t{len(audio)}\t{phones_to_spans(u.phones)}\n")
            offset += len(audio)


def write_jobs(path: Path | str, jobs: Sequence[Sequence[object]]) -> None:
    """Job file for corpus_espeak/corpus_flite: (id, voice, speed, pitch, range, text) rows."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for job in jobs:
            fields = [str(x) for x in job]
            if len(fields) != 6 or any("\t" in x or "\n" in x for x in fields):
                raise ValueError(f"bad job {job!r}")
            f.write("\t".join(fields) + "\n")
