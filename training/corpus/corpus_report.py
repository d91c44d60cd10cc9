#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks a built corpus and prints its hours table (Markdown, as in training/README.md).

  corpus_report.py CORPUS_DIR [--work WORK_DIR] [--check]

Hours per source and language: the synthesiser's (or recording's) own audio before padding
(from the work folder's batches), the clean copies as stored (with the 0.05-0.6 s of silence
padded at each end of synthetic utterances) split into train and dev, and the augmented copies.
--check also reads every shard and verifies shapes, label ranges and finite features.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from typing import Dict, Tuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voxtrain import phones, shards  # noqa: E402


def unpadded_hours(work: Path) -> Dict[Tuple[str, str], Tuple[float, int, set]]:
    """(source, lang) -> (hours, utterances, voice names incl. variants) of the batches."""
    out: Dict[Tuple[str, str], list] = {}
    for tsv in sorted((work / "batches").glob("*.tsv")):
        name = tsv.name[:-4]
        source, rest = name.split("-", 1)
        lang = "en" if source in ("flite", "festival") else (
            rest.rsplit("-", 1)[0] if source == "espeak" else rest)
        jobs = {l.split("\t")[0]: l.split("\t")[1]
                for l in tsv.with_suffix(".jobs").read_text(encoding="utf-8").splitlines()}
        entry = out.setdefault((source, lang), [0.0, 0, set()])
        for line in tsv.read_text(encoding="utf-8").splitlines():
            uid, _, samples = line.split("\t")[:3]
            entry[0] += int(samples) / 16000 / 3600
            entry[1] += 1
            entry[2].add(jobs.get(uid, "-"))
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def stored_hours(corpus: Path) -> Dict[Tuple[str, str], Dict[str, float]]:
    out: Dict[Tuple[str, str], Dict[str, float]] = collections.defaultdict(
        lambda: collections.defaultdict(float))
    with open(corpus / "manifest.tsv", encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for line in f:
            r = line.rstrip("\n").split("\t")
            kind = "aug" if r[col["copy"]] != "0" else r[col["split"]]
            out[(r[col["source"]], r[col["lang"]])][kind] += float(r[col["duration_s"]]) / 3600
    return out


def check(corpus: Path) -> str:
    counts = np.zeros(len(phones.OCULUS_VISEMES), dtype=np.int64)
    frames = utterances = 0
    for base in shards.list_shards(corpus):
        reader = shards.ShardReader(base)
        assert np.all(np.isfinite(reader.feats)), base
        assert reader.labels[:, 0].max() < len(phones.OCULUS_VISEMES), base
        assert reader.labels[:, 4].max() < len(phones.phone_set()), base
        assert set(np.unique(reader.labels[:, 3])) <= {0, 1}, base
        total = sum(u["frames"] for u in reader.index["utterances"])
        assert total == reader.index["frames"], base
        counts += np.bincount(reader.labels[:, 0], minlength=len(counts))
        frames += total
        utterances += len(reader)
    share = ", ".join(f"{v} {100 * c / frames:.1f}%" for v, c in zip(phones.OCULUS_VISEMES, counts))
    return f"{utterances} utterances, {frames} frames checked; viseme shares: {share}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("corpus", type=Path)
    p.add_argument("--work", type=Path)
    p.add_argument("--check", action="store_true")
    args = p.parse_args()
    work = args.work or args.corpus.parent / f"work-{args.corpus.name}"
    raw = unpadded_hours(work)
    stored = stored_hours(args.corpus)
    print("| source | language | voices | utterances | audio h | stored train h | stored dev h "
          "| augmented h |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    totals = np.zeros(5)
    for key in sorted(stored):
        h, n, voices = raw.get(key, (0.0, 0, set()))
        s = stored[key]
        row = np.array([n, h, s["train"], s["dev"], s["aug"]])
        totals += row
        print(f"| {key[0]} | {key[1]} | {len(voices)} | {n} | {h:.2f} | {s['train']:.2f} | "
              f"{s['dev']:.2f} | {s['aug']:.2f} |")
    print(f"| **total** | | | **{int(totals[0])}** | **{totals[1]:.2f}** | **{totals[2]:.2f}** | "
          f"**{totals[3]:.2f}** | **{totals[4]:.2f}** |")
    if args.check:
        print("\n" + check(args.corpus))
    return 0


if __name__ == "__main__":
    sys.exit(main())
