"""A fuzzy index of party names, built once per rule set: token blocking, then rapidfuzz scores."""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz

from service.engine.parties.names import distinctive, has_cjk, normalise_name
from service.engine.schema import PartyThresholds

K = TypeVar("K", bound=Hashable)

# Blocking keys shared by more names than this are used only while the candidates are few:
# "systems" or "technologies" in a 100k-name internal list would otherwise touch every name.
_COMMON = 500
_ENOUGH = 200


@dataclass(frozen=True, slots=True)
class _Name(Generic[K]):
    key: K
    label: str
    text: str
    compact: str
    own: str
    country: str | None


@dataclass(frozen=True, slots=True)
class NameHit(Generic[K]):
    """The best-scoring name of one listed entry for a queried name."""

    key: K
    name_matched: str
    score: float


def _blocking_keys(text: str) -> set[str]:
    """Words, their first and last letters (a typo rarely spoils both), Chinese bigrams."""
    keys: set[str] = set()
    for word in text.split():
        if has_cjk(word):
            keys |= {f"c:{word[i : i + 2]}" for i in range(max(1, len(word) - 1))}
            continue
        keys.add(f"w:{word}")
        if len(word) >= 4:
            keys |= {f"p:{word[:3]}", f"s:{word[-3:]}"}
        if 4 <= len(word) <= 6:
            # A short word's typo can spoil both three-letter ends ("cubic", "cuxic").
            keys |= {f"p:{word[:2]}", f"s:{word[-2:]}"}
    keys.add(f"x:{text.replace(' ', '')}")
    return keys


def _words_found(own: str, text: str) -> float:
    """How well the listed name's own (non-generic) words are found among the party's words,
    each by its closest word, weighted by length: 100 when all are there, typos cost little.
    A word written together with its neighbour ("Intercoastal" for "Inter-Coastal") is found."""
    words = text.split()
    compact = text.replace(" ", "")
    total = found = 0.0
    for word in own.split():
        total += len(word)
        if word in compact:
            found += len(word)
            continue
        found += len(word) * max(fuzz.ratio(word, other) for other in words) / 100
    return 100 * found / total if total else 100.0


class PartyIndex(Generic[K]):
    """Finds the listed names closest to a party's name; safe to share between threads."""

    def __init__(
        self, names: Iterable[tuple[K, str, str | None]], thresholds: PartyThresholds
    ) -> None:
        self.thresholds = thresholds
        self.names: list[_Name[K]] = []
        self.postings: dict[str, list[int]] = {}
        for key, label, country in names:
            text = normalise_name(label)
            if not text:
                continue
            position = len(self.names)
            compact = text.replace(" ", "")
            self.names.append(_Name(key, label, text, compact, distinctive(text), country))
            for block in _blocking_keys(text):
                self.postings.setdefault(block, []).append(position)

    def _candidates(self, text: str) -> set[int]:
        lists = sorted(
            (self.postings[k] for k in _blocking_keys(text) if k in self.postings), key=len
        )
        found: set[int] = set()
        for posting in lists:
            if len(posting) > _COMMON and len(found) >= _ENOUGH:
                break
            found.update(posting)
        return found

    def search(self, name: str, country: str | None = None) -> list[NameHit[K]]:
        """Entries scoring at least the review threshold, best first, one hit per entry."""
        text = normalise_name(name)
        if not text:
            return []
        compact = text.replace(" ", "")
        best: dict[K, NameHit[K]] = {}
        for position in self._candidates(text):
            listed = self.names[position]
            score = self._score(text, compact, listed)
            if listed.country and country == listed.country and score > 0:
                score = min(100.0, score + self.thresholds.country_bonus)
            if score < self.thresholds.review_threshold:
                continue
            held = best.get(listed.key)
            if held is None or score > held.score:
                best[listed.key] = NameHit(listed.key, listed.label, round(score, 1))
        return sorted(best.values(), key=lambda h: (-h.score, h.name_matched))

    def look_up(self, query: str, threshold: float) -> list[NameHit[K]]:
        """Entries with a name that holds the query's words (a typo allowed) or that scores as
        a screening would, at least `threshold`, best first; one hit per entry."""
        text = normalise_name(query)
        if not text:
            return []
        compact = text.replace(" ", "")
        best: dict[K, tuple[float, float, NameHit[K]]] = {}
        for position in self._candidates(text):
            listed = self.names[position]
            screened = self._score(text, compact, listed)
            score = max(screened, _query_found(text, compact, listed))
            if score < threshold:
                continue
            held = best.get(listed.key)
            if held is None or (score, screened) > held[:2]:
                best[listed.key] = (
                    score,
                    screened,
                    NameHit(listed.key, listed.label, round(score, 1)),
                )
        ranked = sorted(best.values(), key=lambda b: (-b[0], -b[1], b[2].name_matched))
        return [hit for _, _, hit in ranked]

    def _score(self, text: str, compact: str, listed: _Name[K]) -> float:
        """0-100: word order and spacing do not count; short names must be equal; names alike
        only in generic words ("Raytheon Technologies", "Hudson Technologies") score low."""
        if min(len(compact), len(listed.compact)) < self.thresholds.exact_below:
            return 100.0 if compact == listed.compact else 0.0
        score = max(fuzz.token_sort_ratio(text, listed.text), fuzz.ratio(compact, listed.compact))
        if listed.own and not has_cjk(listed.own):
            score = min(score, _words_found(listed.own, text))
        return float(score)


def _query_found(text: str, compact: str, listed: _Name[K]) -> float:
    """How much of a looked-up name is found in a listed name: Chinese as a substring (or its
    closest part), other words each by their closest word."""
    if has_cjk(text):
        return 100.0 if compact in listed.compact else fuzz.partial_ratio(compact, listed.compact)
    return _words_found(text, listed.text)
