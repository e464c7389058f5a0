"""Ways a real user writes the same thing differently: typos, word order, script, case, noise.

Each perturbation keeps the meaning of a description. A controlled description perturbed this
way must never be answered `allowed`; `make eval` also reports how often the decision is the
same as for the original.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC

from service.engine.normalise import ELEMENT, stem

TYPO_MIN_LENGTH = 5
TYPO_WORDS = 3
_WORD = re.compile(r"[A-Za-z]+")
_METAL_THEN_ELEMENT = re.compile(f"金属({ELEMENT})")
_ELEMENT_THEN_METAL = re.compile(f"({ELEMENT})金属")
NOISE_BEFORE = "URGENT - please quote: "
NOISE_AFTER = " (PO 4711, delivery Q3, FOB Shanghai)"


@dataclass(frozen=True, slots=True)
class Variant:
    """A perturbed description and the name of what was done to it."""

    kind: str
    description: str


@lru_cache(maxsize=1)
def _to_traditional() -> OpenCC:
    return OpenCC("s2t")


def _change_letter(word: str) -> str:
    """The word with its middle letter replaced: a one-edit typo."""
    middle = len(word) // 2
    letter = word[middle]
    replacement = "e" if letter.lower() != "e" else "a"
    if letter.isupper():
        replacement = replacement.upper()
    return word[:middle] + replacement + word[middle + 1 :]


def typos(text: str) -> Iterator[str]:
    """One copy per long word (the longest few), that word misspelt by one edit.

    A word counts as long when what the matcher compares, its singular, has five letters or more.
    """
    long_words = {w for w in _WORD.findall(text) if len(stem(w.lower())) >= TYPO_MIN_LENGTH}
    words = sorted(long_words, key=lambda w: (len(w), w))
    for word in reversed(words[-TYPO_WORDS:]):
        yield re.sub(rf"\b{word}\b", _change_letter(word), text, count=1)


def swapped_chinese_order(text: str) -> str:
    """金属锗 written 锗金属 and the other way round."""
    swapped = _METAL_THEN_ELEMENT.sub(r"\1金属", text)
    return swapped if swapped != text else _ELEMENT_THEN_METAL.sub(r"金属\1", text)


def traditional(text: str) -> str:
    """Simplified Chinese characters written in traditional script."""
    return _to_traditional().convert(text)


def full_width(text: str) -> str:
    """ASCII letters and digits as their full-width forms (ＬＦＰ), as some Chinese IMEs type."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def upper_case(text: str) -> str:
    """The whole text in capitals, as ERP exports often are."""
    return text.upper()


def with_noise(text: str) -> str:
    """Words an order line carries that say nothing about the item."""
    return NOISE_BEFORE + text + NOISE_AFTER


SINGLE: dict[str, Callable[[str], str]] = {
    "chinese_order": swapped_chinese_order,
    "traditional": traditional,
    "full_width": full_width,
    "upper_case": upper_case,
    "noise": with_noise,
}


def variants(text: str) -> list[Variant]:
    """Every perturbed copy of the text that differs from it."""
    found = [Variant("typo", t) for t in typos(text)]
    found += [Variant(kind, change(text)) for kind, change in SINGLE.items()]
    seen = {text}
    unique = []
    for variant in found:
        if variant.description not in seen:
            seen.add(variant.description)
            unique.append(variant)
    return unique
