# SPDX-License-Identifier: Apache-2.0
"""Phone set, viseme mapping and frame targets."""

import numpy as np
import pytest

from voxtrain import labels, phones

V = {name: i for i, name in enumerate(phones.OCULUS_VISEMES)}


def test_phone_set_and_visemes_come_from_the_repository():
    ps = phones.phone_set()
    assert len(ps) == 40 and ps[0] == "sil" and "zh" in ps
    table = phones.phone_visemes()
    assert table["p"].first == V["PP"]
    assert table["aw"].first == V["aa"] and table["aw"].second == V["ou"]
    assert 0 < table["aw"].split < 1
    assert set(ps) <= set(table)


def test_hard_labels_at_frame_centres():
    items = [("sil", 0.0, 0.1), ("m", 0.1, 0.2), ("aa", 0.2, 0.4), ("sil", 0.4, 0.5)]
    lab = labels.frame_labels(items, 48)
    centres = 0.0125 + 0.01 * np.arange(48)
    expected = np.where(centres < 0.1, V["sil"], np.where(centres < 0.2, V["PP"],
                        np.where(centres < 0.4, V["aa"], V["sil"])))
    np.testing.assert_array_equal(lab[:, 0], expected)
    np.testing.assert_array_equal(lab[:, 3], (centres >= 0.1) & (centres < 0.4))
    assert lab[10, 4] == phones.phone_index("m")


def test_soft_targets_only_near_boundaries():
    items = [("sil", 0.0, 0.1), ("m", 0.1, 0.3)]
    lab = labels.frame_labels(items, 25)
    # Frame 9 is centred at 102.5 ms: 7.5 of its 10 ms are m, 2.5 ms sil.
    assert lab[9, 0] == V["PP"] and lab[9, 1] == V["sil"]
    assert lab[9, 2] == pytest.approx(255 * 0.25, abs=2)
    # Far from the boundary: no second class.
    assert lab[15, 1] == lab[15, 0] and lab[15, 2] == 0


def test_diphthong_switches_viseme_at_its_split():
    split = phones.phone_visemes()["ay"].split
    items = [("ay", 0.0, 1.0)]
    lab = labels.frame_labels(items, 98)
    centres = 0.0125 + 0.01 * np.arange(98)
    np.testing.assert_array_equal(lab[:, 0], np.where(centres < split, V["aa"], V["ih"]))


def test_spans_round_trip():
    items = [("sil", 0.0, 0.1), ("hh", 0.1, 0.15)]
    assert labels.spans_to_phones(labels.phones_to_spans(items)) == items


def test_arkit_targets_close_lips_on_bilabials():
    pytest.importorskip("voxface")
    renderer = labels.ArkitRenderer()
    assert renderer.names[0] == "jawForward" and renderer.names[-1] == "mouthUpperUpRight"
    items = [("sil", 0.0, 0.3), ("aa", 0.3, 0.6), ("m", 0.6, 0.75), ("aa", 0.75, 1.0),
             ("sil", 1.0, 1.4)]
    curves = renderer.render(items, 138)
    assert curves.shape == (138, 27) and curves.dtype == np.uint8
    jaw = curves[:, renderer.names.index("jawOpen")].astype(float)
    close = curves[:, renderer.names.index("mouthClose")].astype(float)
    opening = jaw - close
    assert opening[44] > opening[66] + 20  # Open on the first aa, shut on the m.
    assert opening[5] < 10  # Rest in the leading pause.
