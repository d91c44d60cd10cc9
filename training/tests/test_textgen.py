# SPDX-License-Identifier: Apache-2.0
"""Text generation and phoneme inventories."""

import random

from voxtrain import textgen


def test_at_least_twenty_languages():
    assert len(textgen.LANGUAGES) >= 20
    assert len({l.code for l in textgen.LANGUAGES}) == len(textgen.LANGUAGES)
    for lang in textgen.LANGUAGES:
        assert lang.wordlist or (lang.vowels and lang.consonants), lang.code


def test_pseudo_sentences_are_deterministic():
    lang = textgen.language("fi")
    a = textgen.pseudo_sentence(random.Random(1), lang)
    assert a == textgen.pseudo_sentence(random.Random(1), lang)
    assert a.endswith(".") and a[0].isupper()


def test_inventory_and_syllable_strings():
    pairs = [("a", "a"), ("a", "a"), ("t", "t"), ("S", "ʃ"), (";", ""), ("_:", ""),
             ("(en)", ""), ("y", "y")]
    inv = textgen.build_inventory(pairs)
    assert inv.vowels == {"a": 2, "y": 1}
    assert inv.consonants == {"t": 1, "S": 1}
    assert inv.ipa[";"] == "" and "_:" not in inv.ipa and "(en)" not in inv.ipa
    assert textgen.Inventory.from_json(inv.to_json()) == inv
    s = textgen.syllable_string(random.Random(0), inv)
    assert s.startswith("[[") and s.endswith("]]") and "'" in s
    assert s == textgen.syllable_string(random.Random(0), inv)


def test_wordlist_filter(tmp_path):
    (tmp_path / "list").write_text("Apple\napple's\ncat\nx\nnaïve\ndog\n", encoding="utf-8")
    assert textgen.read_wordlist("list", tmp_path) == ("cat", "dog", "naïve")
    assert textgen.read_wordlist("missing", tmp_path) == ()


def test_ipa_vowel_test():
    assert textgen.is_ipa_vowel("ɔ̃") and textgen.is_ipa_vowel("aɪ")
    assert not textgen.is_ipa_vowel("tʃ") and not textgen.is_ipa_vowel("")
