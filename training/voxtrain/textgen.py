# SPDX-License-Identifier: Apache-2.0
"""Text for the synthetic corpus, per language, deterministic by seed.

Three kinds of text:

* word sentences: random words from a Debian word list (/usr/share/dict/*, packages wamerican,
  wngerman, wfrench, ...), 3-14 words with commas and a final . or ?;
* pseudo-words: random syllables spelled with the language's letters, for languages without a
  word list (eSpeak NG's spelling rules turn them into the language's phonemes);
* syllable strings: random CV/CVC/CCV syllables written directly in eSpeak NG phoneme mnemonics
  ("[[ba'tu ...]]") drawn from the language's phoneme inventory, which make_corpus.py discovers
  by synthesising the other two kinds (so rare phonemes get covered evenly).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import random
import unicodedata
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

DICT_DIR = Path("/usr/share/dict")

# eSpeak NG variants (espeak-ng-data/voices/!v) that sound like people; robots, "Demonic" and
# names with spaces are left out. Whisper variants are drawn less often (see variant_weight).
VARIANTS: Tuple[str, ...] = (
    "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5", "klatt",
    "klatt2", "klatt3", "klatt4", "klatt5", "klatt6", "croak", "whisper", "whisperf", "adam",
    "Alex", "Alicia", "Andrea", "Andy", "Annie", "antonio", "aunty", "belinda", "benjamin",
    "boris", "caleb", "david", "Denis", "Diogo", "ed", "edward", "edward2", "Gene", "Gene2",
    "gustave", "Henrique", "Hugo", "iven", "iven2", "iven3", "iven4", "Jacky", "john",
    "kaukovalta", "Lee", "linda", "Marco", "marcelo", "Mario", "max", "Michael", "michel",
    "miguel", "Mike", "norbert", "pablo", "paul", "pedro", "quincy", "rob", "robert", "sandro",
    "shelby", "steph", "steph2", "steph3", "Storm", "travis", "Tweaky", "victor", "zac",
    "grandma", "grandpa", "anika", "AnxiousAndy", "RicishayMax", "Nguyen")


@dataclasses.dataclass(frozen=True)
class Language:
    """A corpus language: eSpeak NG voices, a word list or letters for pseudo-words."""

    code: str
    voices: Tuple[str, ...]
    wordlist: Optional[str] = None  # File in /usr/share/dict.
    vowels: Tuple[str, ...] = ()  # Letters (or digraphs) for pseudo-words.
    consonants: Tuple[str, ...] = ()
    ipa: bool = True  # False: English mnemonics (the dev set's table).


def _letters(text: str) -> Tuple[str, ...]:
    return tuple(text.split())


LANGUAGES: Tuple[Language, ...] = (
    Language("en", ("en-us", "en", "en-gb-x-rp", "en-gb-scotland", "en-029", "en-us-nyc",
                    "en-gb-x-gbclan", "en-gb-x-gbcwmd"), "american-english", ipa=False),
    Language("de", ("de",), "ngerman"),
    Language("fr", ("fr", "fr-be", "fr-ch"), "french"),
    Language("es", ("es", "es-419"), "spanish"),
    Language("it", ("it",), "italian"),
    Language("pt", ("pt",), "portuguese"),
    Language("pt-br", ("pt-br",), "brazilian"),
    Language("nl", ("nl",), "dutch"),
    Language("sv", ("sv",), "swedish"),
    Language("da", ("da",), "danish"),
    Language("nb", ("nb",), "bokmaal"),
    Language("pl", ("pl",), "polish"),
    Language("ca", ("ca",), "catalan"),
    Language("bg", ("bg",), "bulgarian"),
    Language("uk", ("uk",), "ukrainian"),
    Language("eo", ("eo",), "esperanto"),
    Language("ru", ("ru",), None, _letters("а э ы о у я е ё и ю"),
             _letters("б в г д ж з й к л м н п р с т ф х ц ч ш щ")),
    Language("cs", ("cs",), None, _letters("a e i o u y á é í ó ú ů ý ě"),
             _letters("b c č d ď f g h ch j k l m n ň p r ř s š t ť v z ž")),
    Language("sk", ("sk",), None, _letters("a e i o u y á é í ó ú ý ä ô"),
             _letters("b c č d ď f g h ch j k l ľ m n ň p r s š t ť v z ž")),
    Language("fi", ("fi",), None, _letters("a e i o u y ä ö aa ee ii uu"),
             _letters("d h j k l m n p r s t v kk pp tt")),
    Language("hu", ("hu",), None, _letters("a e i o u á é í ó ö ő ú ü ű"),
             _letters("b c cs d f g gy h j k l ly m n ny p r s sz t ty v z zs")),
    Language("ro", ("ro",), None, _letters("a e i o u ă â î"),
             _letters("b c d f g h j l m n p r s ș t ț v z")),
    Language("tr", ("tr",), None, _letters("a e ı i o ö u ü"),
             _letters("b c ç d f g ğ h j k l m n p r s ş t v y z")),
    Language("el", ("el",), None, _letters("α ε η ι ο υ ω ά έ ή ί ό ύ ώ ου αι ει"),
             _letters("β γ δ ζ θ κ λ μ ν ξ π ρ σ τ φ χ ψ")),
    Language("hr", ("hr",), None, _letters("a e i o u"),
             _letters("b c č ć d dž đ f g h j k l lj m n nj p r s š t v z ž")),
    Language("id", ("id",), None, _letters("a e i o u ai au"),
             _letters("b c d f g h j k l m n ng ny p r s t w y")),
    Language("sw", ("sw",), None, _letters("a e i o u"),
             _letters("b ch d f g h j k l m n ng ny p r s sh t v w y z")),
)


def language(code: str) -> Language:
    """The Language with this code; KeyError if there is none."""
    for lang in LANGUAGES:
        if lang.code == code:
            return lang
    raise KeyError(f"unknown corpus language '{code}'")


@functools.lru_cache(maxsize=None)
def read_wordlist(name: str, dict_dir: Path = DICT_DIR) -> Tuple[str, ...]:
    """Lower-case alphabetic words of 2-16 letters from a /usr/share/dict list (sorted, unique).

    Capitalised entries (names) and possessives are dropped; an empty tuple when the list is
    not installed.
    """
    path = dict_dir / name
    if not path.is_file():
        return ()
    words = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = unicodedata.normalize("NFC", line.strip())
            if 2 <= len(w) <= 16 and w.isalpha() and w == w.lower():
                words.add(w)
    return tuple(sorted(words))


def word_sentence(rng: random.Random, words: Sequence[str]) -> str:
    """3-14 random words with occasional commas, ending in . or ?."""
    n = rng.randint(3, 14)
    parts = []
    for i in range(n):
        w = rng.choice(words)
        if i == 0:
            w = w[0].upper() + w[1:]
        if i < n - 1 and rng.random() < 0.12:
            w += ","
        parts.append(w)
    return " ".join(parts) + ("?" if rng.random() < 0.15 else ".")


def pseudo_sentence(rng: random.Random, lang: Language) -> str:
    """3-12 pseudo-words of 1-4 (C)V(C) syllables spelled with the language's letters."""
    words = []
    for _ in range(rng.randint(3, 12)):
        syllables = []
        for _ in range(rng.randint(1, 4)):
            s = ""
            if rng.random() < 0.85:
                s += rng.choice(lang.consonants)
            s += rng.choice(lang.vowels)
            if rng.random() < 0.25:
                s += rng.choice(lang.consonants)
            syllables.append(s)
        words.append("".join(syllables))
    words[0] = words[0][0].upper() + words[0][1:]
    return " ".join(words) + "."


@dataclasses.dataclass
class Inventory:
    """A language's eSpeak NG phonemes (mnemonics) with how often its text used them."""

    vowels: Dict[str, int]
    consonants: Dict[str, int]
    ipa: Dict[str, str]  # Mnemonic -> IPA name ("" for zero-width markers such as ";").

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=1, sort_keys=True)

    @staticmethod
    def from_json(text: str) -> "Inventory":
        d = json.loads(text)
        return Inventory(d["vowels"], d["consonants"], d["ipa"])


# IPA letters that make a phoneme a vowel (eSpeak's IPA names; diacritics do not matter).
_IPA_VOWELS = set("iyɨʉɯuɪʏʊeøɘɵɤoəɛœɜɞʌɔæɐaɶɑɒɚɝᵻᵿ")


def is_ipa_vowel(ipa: str) -> bool:
    """True when an IPA phoneme name starts with a vowel letter."""
    for ch in ipa:
        if ch in _IPA_VOWELS:
            return True
        if unicodedata.category(ch).startswith("L"):
            return False
    return False


def build_inventory(pairs: Sequence[Tuple[str, str]]) -> Inventory:
    """Inventory from (mnemonic, ipa) event pairs of the same syntheses in both name modes."""
    vowels: Dict[str, int] = {}
    consonants: Dict[str, int] = {}
    ipa_of: Dict[str, str] = {}
    for mnemonic, ipa in pairs:
        if mnemonic.startswith(("_", "(")):
            continue  # Pauses and language switches.
        ipa_of.setdefault(mnemonic, ipa)  # Markers (";", "@-") keep their empty IPA.
        if not ipa or not any(c.isalnum() for c in mnemonic):
            continue
        table = vowels if is_ipa_vowel(ipa) else consonants
        table[mnemonic] = table.get(mnemonic, 0) + 1
    return Inventory(vowels, consonants, ipa_of)


def _flat_choice(rng: random.Random, table: Dict[str, int]) -> str:
    # Square-root weights: rarer phonemes come up far more often than in running text.
    names = sorted(table)
    return rng.choices(names, weights=[table[n] ** 0.5 for n in names])[0]


def syllable_string(rng: random.Random, inventory: Inventory) -> str:
    """3-10 'words' of 1-3 syllables in eSpeak phoneme mnemonics, inside [[ ]].

    Each word has one stressed syllable ("'" before it); syllables are V, CV, CVC or CCV.
    """
    words = []
    for _ in range(rng.randint(3, 10)):
        n = rng.randint(1, 3)
        stressed = rng.randrange(n)
        syllables = []
        for k in range(n):
            s = "'" if k == stressed else ""
            r = rng.random()
            if r < 0.85:
                s += _flat_choice(rng, inventory.consonants)
            if r < 0.12:
                s += _flat_choice(rng, inventory.consonants)
            s += _flat_choice(rng, inventory.vowels)
            if rng.random() < 0.3:
                s += _flat_choice(rng, inventory.consonants)
            syllables.append(s)
        words.append("".join(syllables))
    return "[[" + " ".join(words) + "]]"


def discovery_texts(lang: Language, count: int, seed: int) -> List[str]:
    """Texts whose synthesis reveals the language's phoneme inventory."""
    rng = random.Random(f"discover-{lang.code}-{seed}")
    words = read_wordlist(lang.wordlist) if lang.wordlist else ()
    if words:
        return [word_sentence(rng, words) for _ in range(count)]
    return [pseudo_sentence(rng, lang) for _ in range(count)]


def corpus_text(rng: random.Random, lang: Language, inventory: Optional[Inventory],
                syllable_share: float = 0.35) -> Tuple[str, str]:
    """(kind, text) for one synthetic utterance: "syllables", "words" or "pseudo"."""
    if inventory is not None and inventory.vowels and inventory.consonants and \
            rng.random() < syllable_share:
        return "syllables", syllable_string(rng, inventory)
    words = read_wordlist(lang.wordlist) if lang.wordlist else ()
    if words:
        return "words", word_sentence(rng, words)
    if lang.vowels:
        return "pseudo", pseudo_sentence(rng, lang)
    raise ValueError(f"no text source for language {lang.code}")


def variant_weight(variant: str) -> float:
    """Relative draw weight of an eSpeak variant ('' = the voice's own)."""
    if variant == "":
        return 6.0
    if variant.startswith("whisper"):
        return 0.3
    return 1.0
