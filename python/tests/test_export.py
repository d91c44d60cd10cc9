# SPDX-License-Identifier: Apache-2.0
"""Track exports: JSON, Live Link Face CSV, Rhubarb TSV, save() by extension, load()."""

import csv
import io
import json

import numpy as np
import pytest

import voxface


def test_json(text_track):
    doc = json.loads(text_track.to_json())
    assert doc["fps"] == 60
    assert doc["num_frames"] == text_track.num_frames
    assert doc["names"] == list(voxface.ARKIT_NAMES)
    assert len(doc["blendshapes"]) == text_track.num_frames
    assert len(doc["blendshapes"][0]) == 52
    np.testing.assert_allclose(np.array(doc["blendshapes"]), text_track.weights, atol=1e-3)
    assert doc["visemes"]["names"] == text_track.viseme_names
    assert [p["phone"] for p in doc["phones"]] == [p for p, _, _ in text_track.phones]


def test_csv(text_track):
    text = text_track.to_csv()
    assert text.startswith("Timecode,BlendShapeCount")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][2] == "EyeBlinkLeft"
    assert len(rows) == text_track.num_frames + 1
    assert all(len(r) == len(rows[0]) for r in rows)


def test_tsv(text_track):
    lines = text_track.to_tsv().strip().splitlines()
    cues = [line.split("\t") for line in lines]
    assert all(len(c) == 2 and c[1] in "ABCDEFGHX" for c in cues)
    starts = [float(c[0]) for c in cues]
    assert starts == sorted(starts)
    assert cues[-1][1] == "X"


def test_save_and_load(text_track, tmp_path):
    for ext in ("json", "csv", "tsv", "svg"):
        path = tmp_path / f"track.{ext}"
        text_track.save(str(path))
        assert path.stat().st_size > 100
    loaded = voxface.Track.load(str(tmp_path / "track.json"))
    assert loaded.num_frames == text_track.num_frames
    np.testing.assert_allclose(loaded.weights, text_track.weights, atol=1e-3)
    from_csv = voxface.Track.load(str(tmp_path / "track.csv"))
    np.testing.assert_allclose(from_csv.weights, text_track.weights, atol=1e-3)
    with pytest.raises(voxface.InvalidArgumentError):
        text_track.save(str(tmp_path / "track.xyz"))
    with pytest.raises(voxface.Error):
        text_track.save("/nonexistent/dir/track.json")


def test_views_and_channel(text_track):
    jaw = text_track.channel("JawOpen")
    np.testing.assert_array_equal(jaw, text_track.weights[:, 17])
    with pytest.raises(KeyError):
        text_track.channel("nope")
    assert "frames at 60 fps" in repr(text_track)
