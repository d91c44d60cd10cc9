# SPDX-License-Identifier: Apache-2.0
"""The shard format: writing, rotating and reading back."""

import json

import numpy as np

from voxtrain import shards


def _utterance(rng, frames, uid, split="train", copy=0):
    record = {"id": uid, "source": "espeak", "lang": "de", "voice": "de+f3", "split": split,
              "kind": "words", "copy": copy, "aug": {"seed": 1} if copy else None,
              "duration_s": frames / 100.0, "phones": "sil:0:160"}
    feats = rng.standard_normal((frames, 80)).astype(np.float32)
    lab = rng.integers(0, 15, (frames, 5)).astype(np.uint8)
    arkit = rng.integers(0, 255, (frames, 27)).astype(np.uint8)
    audio = rng.integers(-1000, 1000, frames * 160).astype(np.int16) if copy == 0 else None
    return record, feats, lab, arkit, audio


def test_round_trip_and_rotation(tmp_path):
    rng = np.random.default_rng(0)
    names = [f"c{i}" for i in range(27)]
    writer = shards.CorpusWriter(tmp_path, names, max_frames=250)
    written = []
    for i in range(6):
        u = _utterance(rng, 100 + i, f"u{i}", split="dev" if i == 5 else "train", copy=i % 2)
        writer.add(*u)
        written.append(u)
    summary = writer.close({"note": "test"})
    bases = shards.list_shards(tmp_path)
    assert [b.name for b in bases] == ["dev-00000", "train-00000", "train-00001"]
    assert shards.list_shards(tmp_path, "train")[0].name == "train-00000"
    got = {}
    for base in bases:
        for item in shards.ShardReader(base):
            got[item["id"]] = item
    for record, feats, lab, arkit, audio in written:
        item = got[record["id"]]
        np.testing.assert_array_equal(item["feats"], feats.astype(np.float16))
        np.testing.assert_array_equal(item["labels"], lab)
        np.testing.assert_array_equal(item["arkit"], arkit)
        if audio is None:
            assert item["audio"] is None
        else:
            np.testing.assert_array_equal(item["audio"], audio)
    manifest = (tmp_path / "manifest.tsv").read_text().splitlines()
    assert len(manifest) == 7 and manifest[0].startswith("id\tshard")
    assert summary["note"] == "test"
    assert json.loads((tmp_path / "summary.json").read_text())["hours"]
