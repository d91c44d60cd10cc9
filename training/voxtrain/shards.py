# SPDX-License-Identifier: Apache-2.0
"""The sharded training-corpus format.

A corpus folder holds shards named `<split>-<NNNNN>` (split: train or dev), each four or five
flat little-endian files that np.memmap reads without parsing, plus a JSON index:

  <shard>.feats.f16   (frames, 80) float16 log-mel features (log_mel.py / src/features/log_mel.h)
  <shard>.labels.u8   (frames, 5) uint8: viseme, viseme2, weight2 (/255), vad, phone
                      (labels.LABEL_COLUMNS; viseme classes index phones.OCULUS_VISEMES)
  <shard>.arkit.u8    (frames, 27) uint8 mouth/jaw ARKit targets * 255 (labels.ArkitRenderer)
  <shard>.audio.i16   int16 16 kHz audio of the utterances stored with audio (optional)
  <shard>.json        {"format", "frames", "samples", "columns", ..., "utterances": [...]}

Each utterance entry has id, source, lang, voice, split, kind (text kind), copy (0 = clean,
k = k-th augmented copy), aug (the augmentation parameters, or null), frame_offset, frames,
sample_offset and samples (-1/0 when its audio is not stored: an augmented copy is re-created
from the clean copy's audio with augment.augment and aug["seed"]), duration_s and phones
("phone:start:end" sample spans at 16 kHz, after augmentation's time scaling).

The folder also gets manifest.tsv (one line per utterance) and summary.json (hours per source,
language and split), written by CorpusWriter.close().
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from . import labels as labels_mod
from . import log_mel, phones

FORMAT = "voxface-corpus-shard/1"
NUM_MELS = 80
MANIFEST_COLUMNS = ("id", "shard", "split", "source", "lang", "voice", "kind", "copy",
                    "duration_s", "frames", "aug")


class ShardWriter:
    """Appends utterances to one shard's files; close() writes its JSON index."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = Path(folder)
        self.name = name
        base = self.folder / name
        self._feats = open(f"{base}.feats.f16", "wb")
        self._labels = open(f"{base}.labels.u8", "wb")
        self._arkit = open(f"{base}.arkit.u8", "wb")
        self._audio = open(f"{base}.audio.i16", "wb")
        self.frames = 0
        self.samples = 0
        self.utterances: List[Dict[str, Any]] = []

    def add(self, record: Dict[str, Any], feats: np.ndarray, frame_labels: np.ndarray,
            arkit: np.ndarray, audio: Optional[np.ndarray]) -> None:
        n = feats.shape[0]
        if feats.shape != (n, NUM_MELS) or frame_labels.shape != (n, 5) or \
                arkit.shape != (n, labels_mod.ARKIT_LAST - labels_mod.ARKIT_FIRST + 1):
            raise ValueError(f"{record.get('id')}: inconsistent shapes {feats.shape} "
                             f"{frame_labels.shape} {arkit.shape}")
        self._feats.write(np.ascontiguousarray(feats, dtype="<f2").tobytes())
        self._labels.write(np.ascontiguousarray(frame_labels, dtype=np.uint8).tobytes())
        self._arkit.write(np.ascontiguousarray(arkit, dtype=np.uint8).tobytes())
        entry = dict(record)
        entry["frame_offset"] = self.frames
        entry["frames"] = n
        if audio is not None:
            pcm = np.ascontiguousarray(audio, dtype="<i2")
            self._audio.write(pcm.tobytes())
            entry["sample_offset"] = self.samples
            entry["samples"] = len(pcm)
            self.samples += len(pcm)
        else:
            entry["sample_offset"] = -1
            entry["samples"] = 0
        self.frames += n
        self.utterances.append(entry)

    def close(self, arkit_names: Sequence[str]) -> None:
        for f in (self._feats, self._labels, self._arkit, self._audio):
            f.close()
        if self.samples == 0:
            (self.folder / f"{self.name}.audio.i16").unlink()
        index = {
            "format": FORMAT,
            "frames": self.frames,
            "samples": self.samples,
            "num_mels": NUM_MELS,
            "log_mel": dataclasses.asdict(log_mel.DEFAULT),
            "frame_centre_s": "0.0125 + 0.01 * i",
            "label_columns": list(labels_mod.LABEL_COLUMNS),
            "visemes": list(phones.OCULUS_VISEMES),
            "phones": list(phones.phone_set()),
            "arkit_names": list(arkit_names),
            "utterances": self.utterances,
        }
        with open(self.folder / f"{self.name}.json", "w", encoding="utf-8") as f:
            json.dump(index, f, ensure_ascii=False, separators=(",", ":"))


class CorpusWriter:
    """Shards per split, rotated at max_frames; the manifest and summary on close()."""

    def __init__(self, folder: Path, arkit_names: Sequence[str],
                 max_frames: int = 360_000) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.arkit_names = list(arkit_names)
        self.max_frames = max_frames
        self._open: Dict[str, ShardWriter] = {}
        self._count: Dict[str, int] = {}
        self._manifest = open(self.folder / "manifest.tsv", "w", encoding="utf-8")
        self._manifest.write("\t".join(MANIFEST_COLUMNS) + "\n")
        self._hours: Dict[Tuple[str, str, str, str], float] = {}

    def add(self, record: Dict[str, Any], feats: np.ndarray, frame_labels: np.ndarray,
            arkit: np.ndarray, audio: Optional[np.ndarray]) -> None:
        split = record["split"]
        shard = self._open.get(split)
        if shard is None or shard.frames >= self.max_frames:
            if shard is not None:
                shard.close(self.arkit_names)
            k = self._count.get(split, 0)
            self._count[split] = k + 1
            shard = ShardWriter(self.folder, f"{split}-{k:05d}")
            self._open[split] = shard
        shard.add(record, feats, frame_labels, arkit, audio)
        aug = json.dumps(record.get("aug"), separators=(",", ":")) if record.get("aug") else "-"
        row = [record["id"], shard.name, split, record["source"], record["lang"],
               record["voice"], record.get("kind", "-"), str(record.get("copy", 0)),
               f"{record['duration_s']:.3f}", str(feats.shape[0]), aug]
        self._manifest.write("\t".join(row) + "\n")
        key = (record["source"], record["lang"], split,
               "clean" if record.get("copy", 0) == 0 else "augmented")
        self._hours[key] = self._hours.get(key, 0.0) + record["duration_s"] / 3600.0

    def close(self, extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        for shard in self._open.values():
            shard.close(self.arkit_names)
        self._manifest.close()
        rows = [{"source": s, "lang": l, "split": sp, "copy": c, "hours": round(h, 4)}
                for (s, l, sp, c), h in sorted(self._hours.items())]
        summary = {"format": FORMAT, "hours": rows, **(extra or {})}
        with open(self.folder / "summary.json", "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False, indent=1)
        return summary


class ShardReader:
    """Memory-mapped access to one shard (path without extension, e.g. corpus/train-00000)."""

    def __init__(self, base: Path | str) -> None:
        base = str(base)
        with open(f"{base}.json", encoding="utf-8") as f:
            self.index = json.load(f)
        if self.index.get("format") != FORMAT:
            raise ValueError(f"{base}: not a {FORMAT} shard")
        frames = self.index["frames"]
        self.feats = _memmap(f"{base}.feats.f16", "<f2", (frames, NUM_MELS))
        self.labels = _memmap(f"{base}.labels.u8", np.uint8, (frames, 5))
        self.arkit = _memmap(f"{base}.arkit.u8", np.uint8, (frames, len(self.index["arkit_names"])))
        self.audio = _memmap(f"{base}.audio.i16", "<i2", (self.index["samples"],)) \
            if self.index["samples"] else np.zeros(0, "<i2")

    def __len__(self) -> int:
        return len(self.index["utterances"])

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        for u in self.index["utterances"]:
            a, n = u["frame_offset"], u["frames"]
            item = dict(u)
            item["feats"] = self.feats[a:a + n]
            item["labels"] = self.labels[a:a + n]
            item["arkit"] = self.arkit[a:a + n]
            item["audio"] = self.audio[u["sample_offset"]:u["sample_offset"] + u["samples"]] \
                if u["samples"] else None
            yield item


def _memmap(path: str, dtype: Any, shape: Tuple[int, ...]) -> np.ndarray:
    if int(np.prod(shape)) == 0:
        return np.zeros(shape, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", shape=shape)


def list_shards(folder: Path | str, split: Optional[str] = None) -> List[Path]:
    """Shard bases (no extension) in a corpus folder, sorted; optionally of one split."""
    bases = sorted(p.with_suffix("") for p in Path(folder).glob("*-[0-9][0-9][0-9][0-9][0-9].json"))
    return [b for b in bases if split is None or b.name.startswith(split + "-")]
