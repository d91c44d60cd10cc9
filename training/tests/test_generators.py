# SPDX-License-Identifier: Apache-2.0
"""The C++ generators (corpus_espeak, corpus_flite) end to end, when built."""

import pytest

from voxtrain import batches, pack, phones, synth, textgen


def _check_batch(prefix, count):
    utts = list(batches.read_batch(prefix))
    assert len(utts) == count
    known = set(phones.phone_set())
    for u in utts:
        assert len(u.audio) > 1600
        assert u.phones[0][1] == 0.0 and u.phones[-1][2] == pytest.approx(len(u.audio) / 16000)
        for (p, s, e), nxt in zip(u.phones, u.phones[1:] + [None]):
            assert p in known and e > s
            if nxt is not None:
                assert nxt[1] == e
    return utts


def test_flite_batch(tool_dir, tmp_path):
    if not (tool_dir / "corpus_flite").is_file():
        pytest.skip("corpus_flite not built")
    jobs = synth.flite_jobs(["slt", "kal16"], 2, 0, "t")
    synth.run_tool(tool_dir / "corpus_flite", jobs, tmp_path / "fl")
    _check_batch(tmp_path / "fl", 2)


def test_espeak_batch_with_ipa_table(tool_dir, tmp_path):
    if not (tool_dir / "corpus_espeak").is_file():
        pytest.skip("corpus_espeak not built")
    lang = textgen.language("es")
    inventory, _ = synth.discover_inventory(tool_dir / "corpus_espeak", lang, tmp_path, count=20)
    assert len(inventory.vowels) >= 5 and len(inventory.consonants) >= 15
    synth.write_ipa_table(inventory, tmp_path / "es.ipa.tsv")
    jobs = synth.espeak_jobs(lang, inventory, 6, 0, "t")
    err = synth.run_tool(tool_dir / "corpus_espeak", jobs, tmp_path / "es",
                         "--ipa-table", str(tmp_path / "es.ipa.tsv"))
    assert "6 jobs, 0 failed" in err
    utts = _check_batch(tmp_path / "es", 6)
    # Packing gives one clean and one augmented copy per utterance with matching shapes.
    spec = pack.BatchSpec(str(tmp_path / "es"), "espeak", "es", dev_permille=500)
    entries = pack.pack_batch(spec)
    assert len(entries) == 2 * len(utts)
    for e in entries:
        assert e.feats.shape[0] == e.labels.shape[0] == e.arkit.shape[0]
    assert {e.record["split"] for e in entries} <= {"train", "dev"}
    assert pack.pack_batch(spec)[3].feats.tobytes() == entries[3].feats.tobytes()
