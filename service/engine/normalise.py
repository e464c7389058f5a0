"""Turns descriptions and terms into comparable text: case, script, units, plurals, noise words."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc
from opencc import OpenCC

# Words that say nothing about *what* is exported; ignored in terms and descriptions alike.
GENERIC_WORDS = frozenset(
    """
    technology technologies technique techniques technical process processes processing
    production produce producing preparation prepare preparing prepared manufacturing
    manufacture manufactured making make material product equipment know how knowhow licence
    license licensing licensed transfer export exports supply sale order for of and or the a
    an with in to by from on via using new plant line related item based type grade set unit
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

_CJK_CHAR = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK_CHAR}]+")
_HAS_CJK = re.compile(f"[{_CJK_CHAR}]")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
# A CAS registry number (7722-64-7) is one identifier, not three numbers: "cas7722647".
_CAS = re.compile(r"\b(\d{2,7})-(\d{2})-(\d)\b")
# An isotope written with a hyphen (He-3, helium-3, U-235) is one word, as it is without one.
_ISOTOPE = re.compile(r"\b([a-z]{1,12})-(\d{1,3})\b")
_UNITS = (
    (re.compile(r"\bw\s*h\s*(?:/|per)\s*kg\b"), " wh/kg "),
    (re.compile(r"\bm\s*a\s*h\s*(?:/|per)\s*g\b"), " mah/g "),
    (re.compile(r"\bg\s*(?:/|per)\s*(?:cm3|cm\^3|cm³|cc|cubic\s+cm)\b"), " g/cm3 "),
)
# ERP shorthand, spelt out before matching so terms need not list every abbreviation.
ABBREVIATIONS = {
    "assy": ("assembly",),
    "conc": ("concentrate",),
    "tech": ("technology",),
    "equip": ("equipment",),
    "eqpt": ("equipment",),
    "mfg": ("manufacturing",),
    "ga": ("gallium",),
}
_IRREGULAR = {"series": "series", "species": "species", "alumina": "alumina"}

# Metal elements as written in Chinese (gold, 金, is left out: it is also the word for metal).
_ELEMENTS = (
    "锂铍硼钠镁铝硅钾钙钪钛钒铬锰铁钴镍铜锌镓锗砷硒铷锶钇锆铌钼钌铑钯银镉铟锡锑碲铯钡"
    "镧铈镨钕钷钐铕钆铽镝钬铒铥镱镥铪钽钨铼锇铱铂汞铊铅铋钋镭锕钍铀钚"
)
ELEMENT = f"(?:稀土|[{_ELEMENTS}])"
# "锗金属锭" and "金属锗锭" name the same thing; terms and descriptions both take the second form.
_ELEMENT_FIRST = re.compile(f"(?<![非无])({ELEMENT})金属")
# "不含镝", "不含有镝和铽", "非镝": a negated element list, rewritten as "无镝", "无镝无铽".
_NEGATED = re.compile(f"(?:不含有|不包含|不含|无|非)((?:{ELEMENT}[、,，和及与或]?)+)")
_ELEMENT_IN_LIST = re.compile(ELEMENT)
# "Dy-free", "dysprosium free", "free of Dy", "without Dy": one word ("dyfree") per negated
# name, so that a not-term such as "Dy free" cannot be assembled from words far apart.
_FREE_AFTER = re.compile(r"\b([a-z][a-z0-9]*)(?:\s*-\s*|\s+)free\b(?!\s+(?:of|from)\b)")
_FREE_BEFORE = re.compile(r"\b(?:free\s+(?:of|from)|without)\s+([a-z][a-z0-9]*)")


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_characters() -> frozenset[str]:
    """Characters OpenCC may change; text without any of them is converted as it is (fast path)."""
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    lines = table.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split("\t", 1)[0] for line in lines if line.strip())


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese; skips OpenCC when no character could change."""
    if _traditional_characters().isdisjoint(text):
        return text
    simplified: str = _converter().convert(text)
    return simplified


def stem(word: str) -> str:
    """Fold a simple English plural to its singular; leaves codes, numbers and short words alone."""
    if len(word) <= 3 or not word.isalpha() or word in _IRREGULAR:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def fold(text: str) -> str:
    """NFKC, case-fold, simplified Chinese, one spelling for units, word order and negation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if _HAS_CJK.search(text):
        text = _chinese_word_order(to_simplified(text))
    for pattern, replacement in _UNITS:
        text = pattern.sub(replacement, text)
    return _FREE_AFTER.sub(r"\1free", _FREE_BEFORE.sub(r"\1free", text))


def _chinese_word_order(text: str) -> str:
    """One spelling for an element named before 金属, and for a negated element list."""
    text = _NEGATED.sub(_negate_each, text)
    return _ELEMENT_FIRST.sub(r"金属\1", text)


def _negate_each(found: re.Match[str]) -> str:
    return "".join("无" + element for element in _ELEMENT_IN_LIST.findall(found.group(1)))


@dataclass(frozen=True, slots=True)
class NormalText:
    """A description ready for matching: its meaningful English words and its Chinese text."""

    words: tuple[str, ...]
    cjk: str

    @property
    def empty(self) -> bool:
        """True when nothing meaningful is left to match."""
        return not self.words and not self.cjk


def normalise(text: str) -> NormalText:
    """Split text into stemmed non-generic English words and the concatenated Chinese runs."""
    folded = fold(text)
    cjk = " ".join(_CJK_RUN.findall(folded))
    latin = _ISOTOPE.sub(r"\1\2", _CAS.sub(r"cas\1\2\3", _CJK_RUN.sub(" ", folded)))
    spelt = (
        part for w in _WORD.findall(latin.replace("-", " ")) for part in ABBREVIATIONS.get(w, (w,))
    )
    words = tuple(stem(w) for w in spelt if stem(w) not in GENERIC_WORDS)
    return NormalText(words=words, cjk=cjk)


def has_cjk(text: str) -> bool:
    """True when the text contains a Chinese character."""
    return bool(_HAS_CJK.search(text))
