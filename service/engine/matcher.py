"""Finds which terms a description contains: a token index for candidates, rapidfuzz for scoring."""

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from service.engine.normalise import NormalText, fold, normalise

# Words shorter than this must match exactly (codes, formulas, abbreviations such as LFP/LMFP).
FUZZY_MIN_LENGTH = 5
FUZZY_CUTOFF = 88.0
# A word one edit (a letter changed, added, dropped or two swapped) from a vocabulary word is a
# typo of it however short: at five letters its similarity falls to 80, below FUZZY_CUTOFF.
ONE_EDIT_CUTOFF = 80.0
FUZZY_CACHE_SIZE = 50_000

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Component:
    """One part of a term: an English word, or a Chinese phrase that must occur as written."""

    text: str
    cjk: bool
    weight: float


@dataclass(frozen=True, slots=True)
class CompiledTerm(Generic[K]):
    """A term as written in a rule file, split into the components that must all be found."""

    owner: K
    label: str
    components: tuple[Component, ...]
    total_weight: float


@dataclass(slots=True)
class Hit(Generic[K]):
    """The best score an owner's terms reached against one description, and which terms."""

    score: float = 0.0
    terms: list[tuple[float, CompiledTerm[K]]] = field(default_factory=list)
    as_if_spelt_right: float = 0.0
    """The best score with every misspelt word counted as if written correctly."""

    def best(self, floor: float) -> list[CompiledTerm[K]]:
        """Terms scoring at least `floor`, best first."""
        ranked = sorted(self.terms, key=lambda t: (-t[0], t[1].label))
        return [term for score, term in ranked if score >= floor]


def compile_term(owner: K, label: str) -> CompiledTerm[K] | None:
    """Split a term into components; None when nothing meaningful is left (all generic words)."""
    components: list[Component] = []
    for part in fold(label).split():
        normal = normalise(part)
        if normal.cjk:
            cjk = normal.cjk.replace(" ", "")
            components.append(Component(cjk, True, max(1.0, len(cjk) / 2)))
        components += [Component(word, False, 1.0) for word in normal.words]
    if not components:
        return None
    unique = tuple(dict.fromkeys(components))
    return CompiledTerm(owner, label, unique, sum(c.weight for c in unique))


def _cjk_keys(text: str) -> set[str]:
    """Every character and character pair of the Chinese text: the keys its terms are indexed by."""
    keys = set(text.replace(" ", ""))
    keys.update(text[i : i + 2] for i in range(len(text) - 1) if " " not in text[i : i + 2])
    return keys


class TermIndex(Generic[K]):
    """Every term of a rule set with its owner, indexed by word and by Chinese character pair."""

    def __init__(self, entries: Iterable[tuple[K, str]]) -> None:
        self.terms: list[CompiledTerm[K]] = []
        self._postings: dict[str, list[tuple[int, Component]]] = defaultdict(list)
        for owner, label in entries:
            term = compile_term(owner, label)
            if term is None:
                continue
            position = len(self.terms)
            self.terms.append(term)
            for component in term.components:
                key = component.text[:2] if component.cjk else component.text
                self._postings[key].append((position, component))
        self._totals = [term.total_weight for term in self.terms]
        self._fuzzy_cache: dict[str, tuple[tuple[str, float], ...]] = {}
        self._fuzzy_vocabulary = sorted(key for key in self._postings if _may_be_misspelt(key))

    def fuzzy_words(self, words: Iterable[str]) -> dict[str, float]:
        """Map misspelt description words to the vocabulary words they most resemble."""
        found: dict[str, float] = {}
        for word in set(words):
            if word in self._postings or not _may_be_misspelt(word):
                continue
            for vocab_word, score in self._closest(word):
                found[vocab_word] = max(found.get(vocab_word, 0.0), score)
        return found

    def _closest(self, word: str) -> tuple[tuple[str, float], ...]:
        """The vocabulary words tied for closest to `word`, remembered: ERP words repeat."""
        cached = self._fuzzy_cache.get(word)
        if cached is not None:
            return cached
        candidates = [
            (vocab_word, score, position)
            for vocab_word, score, position in process.extract(
                word,
                self._fuzzy_vocabulary,
                scorer=fuzz.ratio,
                score_cutoff=ONE_EDIT_CUTOFF,
                limit=10,
            )
            if _same_number(word, vocab_word)
            and (score >= FUZZY_CUTOFF or _one_edit(word, vocab_word))
        ]
        best = candidates[0][1] if candidates else 0.0
        closest = tuple((w, s) for w, s, _ in candidates if s == best)
        if len(self._fuzzy_cache) < FUZZY_CACHE_SIZE:
            self._fuzzy_cache[word] = closest
        return closest

    def _candidates(
        self, words: set[str], cjk: str, fuzzy: dict[str, float], floor: float
    ) -> list[int]:
        """Positions, in order, of the terms whose found components could reach `floor`.

        Each posting of a key present in the text adds its component's weight, so a term is
        only scored (by `_score`) when it can reach the floor; most share just one common word.
        """
        found: dict[int, float] = defaultdict(float)
        for word in words:
            for position, component in self._postings.get(word, ()):
                found[position] += component.weight
        for word, similarity in fuzzy.items():
            if word not in words:
                for position, component in self._postings.get(word, ()):
                    found[position] += component.weight * similarity / 100.0
        for key in _cjk_keys(cjk):
            for position, component in self._postings.get(key, ()):
                if component.text in cjk:
                    found[position] += component.weight
        # A small tolerance: the exact score is recomputed, in the terms' own order, by `_score`.
        share = (floor - 0.5) / 100.0
        totals = self._totals
        return sorted(
            position for position, weight in found.items() if weight >= totals[position] * share
        )

    def search(self, text: NormalText, floor: float) -> dict[K, Hit[K]]:
        """Score every candidate term; return each owner's best score (terms scoring >= floor)."""
        fuzzy = self.fuzzy_words(text.words)
        corrected = dict.fromkeys(fuzzy, 100.0)
        words = set(text.words)
        hits: dict[K, Hit[K]] = {}
        for position in self._candidates(words, text.cjk, fuzzy, floor):
            term = self.terms[position]
            score = _score(term, words, text.cjk, fuzzy)
            if score < floor:
                continue
            hit = hits.get(term.owner)
            if hit is None:
                hit = hits[term.owner] = Hit()
            hit.terms.append((score, term))
            hit.score = max(hit.score, score)
            spelt_right = _score(term, words, text.cjk, corrected) if fuzzy else score
            hit.as_if_spelt_right = max(hit.as_if_spelt_right, spelt_right)
        return hits


# A word of letters, or letters then a number ("polonium210", from Polonium-210).
_SPELLABLE = re.compile(rf"[a-z]{{{FUZZY_MIN_LENGTH},}}(\d*)")


def _may_be_misspelt(word: str) -> bool:
    """True for words long enough to carry a typo: five letters or more, then digits if any."""
    return _SPELLABLE.fullmatch(word) is not None


def _same_number(word: str, vocab_word: str) -> bool:
    """A typo may change letters but never the number: polonium210 is not polonium238."""
    found, known = _SPELLABLE.fullmatch(word), _SPELLABLE.fullmatch(vocab_word)
    return found is not None and known is not None and found.group(1) == known.group(1)


def _one_edit(word: str, vocab_word: str) -> bool:
    """True when the words differ by one edit, also after spelling 'ph' as 'f' ("grafite")."""
    if OSA.distance(word, vocab_word) <= 1:
        return True
    return OSA.distance(word.replace("ph", "f"), vocab_word.replace("ph", "f")) <= 1


def _score(term: CompiledTerm[K], words: set[str], cjk: str, fuzzy: dict[str, float]) -> float:
    found = 0.0
    for component in term.components:
        if component.cjk:
            found += component.weight if component.text in cjk else 0.0
        elif component.text in words:
            found += component.weight
        else:
            found += component.weight * fuzzy.get(component.text, 0.0) / 100.0
    return round(100.0 * found / term.total_weight, 1)
