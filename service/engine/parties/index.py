"""A fuzzy index of party names, built once per rule set: token blocking, then rapidfuzz scores."""

import gc
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Generic, TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from service.engine.parties.names import PLACES, distinctive, has_cjk, normalise_name
from service.engine.schema import PartyThresholds

K = TypeVar("K", bound=Hashable)

# Blocking keys are used rarest first, and no more once this many names share one: "systems"
# or "technologies" in a 100k-name internal list would otherwise touch every name.
_ENOUGH = 200
# Beyond the names sharing a rare key (at most _RARE names have it), at most _SCORED more are
# scored: those sharing the most blocking keys with the query. A name alike enough to score
# shares half its letters, or most of its words, word ends and bigrams, with it.
_SCORED = 256
_RARE = 8
# Names of at least this many letters are also indexed by their halves.
_HALVED = 8
# How many edits (a transposition is one) a listed word may differ by and still be found: none
# up to 2 letters, one up to 8, two beyond.
_TYPOS = ((2, 0), (8, 1), (1_000, 2))
# A listed name whose own words have at least this many letters (spaces included) is at least
# a possible hit when all its words are in the party's name.
_CONTAINED = 6
# Words that join others and say nothing of a firm.
_STOP = frozenset({"and", "of", "the", "for"})


@dataclass(slots=True)  # not frozen: a frozen dataclass is slower to build, 100k times
class _Name(Generic[K]):
    key: K
    label: str
    text: str
    compact: str
    ordered: str  # the words in sorted order: token_sort_ratio is ratio over these
    own: str  # the non-generic words, when Latin ('' when none, or for a Chinese name)
    country: str | None


@dataclass(frozen=True, slots=True)
class NameHit(Generic[K]):
    """The best-scoring name of one listed entry for a queried name."""

    key: K
    name_matched: str
    score: float


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cycle collection while the index is built: it makes 100k's of containers, none in a
    cycle, and the collector would scan them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _blocking_keys(
    text: str, short_ends: bool = True, known: dict[str, frozenset[str]] | None = None
) -> set[str]:
    """Words, their first and last letters (a typo rarely spoils both), Chinese bigrams; the
    first and last two letters of short words too when `short_ends`. `known` caches the keys
    of words met before (names share many words)."""
    keys: set[str] = {f"x:{text.replace(' ', '')}"}
    for word in text.split():
        if known is None:
            keys |= _word_keys(word, short_ends)
            continue
        found = known.get(word)
        if found is None:
            found = known[word] = _word_keys(word, short_ends)
        keys |= found
    return keys


def _word_keys(word: str, short_ends: bool) -> frozenset[str]:
    """One word's blocking keys: bigrams of a Chinese word, else the word and its ends."""
    if has_cjk(word):
        return frozenset(f"c:{word[i : i + 2]}" for i in range(max(1, len(word) - 1)))
    keys = {f"w:{word}"}
    if len(word) >= 4:
        keys |= {f"p:{word[:3]}", f"s:{word[-3:]}"}
    if short_ends and 4 <= len(word) <= 6:
        # A short word's typo can spoil both three-letter ends ("cubic", "cuxic").
        keys |= {f"p:{word[:2]}", f"s:{word[-2:]}"}
    return frozenset(keys)


def _half_keys(compact: str) -> tuple[str, str]:
    """A listed name's first and second half of letters: one typo spoils only one of them."""
    middle = len(compact) // 2
    return f"h:{compact[:middle]}", f"t:{compact[middle:]}"


def _query_half_keys(compact: str) -> set[str]:
    """The halves a listed name one letter longer, shorter or as long would have, kept whole."""
    size = len(compact)
    if size < _HALVED:
        return set()
    keys = set()
    for length in (size - 1, size, size + 1):
        middle = length // 2
        keys |= {f"h:{compact[:middle]}", f"t:{compact[size - (length - middle) :]}"}
    return keys


def _found_as(word: str, words: list[str], compact: str) -> tuple[float, str | None]:
    """How well (0-1) one listed word is found among the party's words, and the word that
    holds it. A word counts only when found as it is, written together with its neighbour
    ("Intercoastal" for "Inter-Coastal", "L3Harris" for "L3 Harris"; a single letter only as
    a word), or within a typo of it (_TYPOS): "Warszawska" is not "Wroclawska", nor "Atomics"
    "Dynamics", nor "Hat" "Cat"."""
    if word in words:
        return 1.0, word
    if len(word) > _TYPOS[0][0] and word in compact:
        return 1.0, next((w for w in words if word in w), None)
    if len(word) > 1:
        joined = next((w for w in words if w.startswith(word) or w.endswith(word)), None)
        if joined is not None:
            return 1.0, joined
    allowed = next(edits for longest, edits in _TYPOS if len(word) <= longest)
    close = [w for w in words if OSA.distance(word, w, score_cutoff=allowed) <= allowed]
    if not close:
        return 0.0, None
    best = max(close, key=lambda w: fuzz.ratio(word, w))
    return fuzz.ratio(word, best) / 100, best


def _words_found(own: str, text: str) -> float:
    """How well the listed name's own (non-generic) words are found among the party's words,
    weighted by length: 100 when all are there, typos cost little (see _found_as)."""
    words = text.split()
    compact = text.replace(" ", "")
    total = found = 0.0
    for word in own.split():
        total += len(word)
        found += len(word) * _found_as(word, words, compact)[0]
    return 100 * found / total if total else 100.0


def _coverage(listed: str, own: str, text: str) -> tuple[float, bool, bool]:
    """_words_found of the listed name's own words, whether the two names correspond word for
    word (typos allowed), and whether every listed word is in the party's name.

    Over all the listed words when one of its generic words gave way to another word
    ("Mitsubishi Motors" for "Mitsubishi Materials", "Sumitomo Rubber Industries" for "Sumitomo
    Heavy Industries"); a generic word merely left out ("NEC Network and Sensor" for "...
    Sensor Systems") costs nothing here."""
    words = [w for w in text.split() if w not in _STOP]
    compact = text.replace(" ", "")
    own_words = set(own.split())
    total = found = own_total = own_found = 0.0
    used: set[str | None] = set()
    all_found = True
    for word in listed.split():
        if word in _STOP:
            continue
        share, holder = _found_as(word, words, compact)
        used.add(holder)
        total += len(word)
        found += len(word) * share
        all_found = all_found and share > 0
        if word in own_words:
            own_total += len(word)
            own_found += len(word) * share
    extra = any(w not in used for w in words)
    covered = 100 * own_found / own_total if own_total else 100.0
    if extra and not all_found:
        return min(covered, 100 * found / total), False, False
    return covered, all_found and not extra, all_found


class PartyIndex(Generic[K]):
    """Finds the listed names closest to a party's name; safe to share between threads."""

    def __init__(
        self, names: Iterable[tuple[K, str, str | None]], thresholds: PartyThresholds
    ) -> None:
        self.thresholds = thresholds
        self.names: list[_Name[K]] = []
        self.postings: defaultdict[str, list[int]] = defaultdict(list)
        # The names' sorted words and letters by position, for rapidfuzz's C loops.
        self.ordered: list[str] = []
        self.compacts: list[str] = []
        self.texts: list[str] = []
        known: dict[bool, dict[str, frozenset[str]]] = {True: {}, False: {}}
        with _collector_paused():
            for key, label, country in names:
                text = normalise_name(label)
                if text:
                    self._add(key, label, text, country, known)

    def _add(
        self,
        key: K,
        label: str,
        text: str,
        country: str | None,
        known: dict[bool, dict[str, frozenset[str]]],
    ) -> None:
        """Index one normalised name under all its blocking keys."""
        position = len(self.names)
        own = "" if has_cjk(text) else distinctive(text)
        compact, ordered = text.replace(" ", ""), _ordered(text)
        self.names.append(_Name(key, label, text, compact, ordered, own, country))
        self.ordered.append(ordered)
        self.compacts.append(compact)
        self.texts.append(text)
        # A long name is found by its halves, so its short words need no two-letter ends.
        halved = len(compact) >= _HALVED
        blocks = _blocking_keys(text, not halved, known[not halved])
        if halved:
            blocks.update(_half_keys(compact))
        for block in blocks:
            self.postings[block].append(position)

    def _candidates(self, text: str) -> list[int]:
        """The names sharing blocking keys with `text`: all of them while few; else those
        sharing a rare key (a half, a rare word) and then those sharing the most keys."""
        postings = self.postings
        compact = text.replace(" ", "")
        keys = _blocking_keys(text) | _query_half_keys(compact)
        lists = sorted((postings[k] for k in keys if k in postings), key=len)
        found: set[int] = set()
        for used, posting in enumerate(lists):
            if len(found) >= _ENOUGH:
                lists = lists[:used]
                break
            found.update(posting)
        if len(found) <= _SCORED:
            return list(found)
        # The same letters (x:) are always scored, however many names share them.
        rare = {p for posting in lists if len(posting) <= _RARE for p in posting}
        rare.update(postings.get(f"x:{compact}", ()))
        shared: Counter[int] = Counter()
        for posting in lists:
            shared.update(posting)
        ranked = sorted(shared.items(), key=itemgetter(1), reverse=True)
        return list(rare | {position for position, _ in ranked[:_SCORED]})

    def search(self, name: str, country: str | None = None) -> list[NameHit[K]]:
        """Entries scoring at least the review threshold, best first, one hit per entry."""
        text = normalise_name(name)
        if not text:
            return []
        best: dict[K, NameHit[K]] = {}
        floored: set[K] = set()
        review = self.thresholds.review_threshold
        bonus = self.thresholds.country_bonus if country else 0.0
        for listed, score, aligned, floor in self._scored(text, review - bonus):
            # The same country lifts a name that corresponds word for word, never one that has
            # words the other lacks ("Mitsubishi Electric" for "... Electric Engineering").
            if (aligned or score >= review) and country and country == listed.country:
                score = min(100.0, score + bonus)
            if score < review:
                continue
            if _another_places_unit(text, listed):
                score = min(score, self.thresholds.match_threshold - 0.1)
            held = best.get(listed.key)
            if held is None or score > held.score:
                best[listed.key] = NameHit(listed.key, listed.label, round(score, 1))
                if floor:
                    floored.add(listed.key)
                else:
                    floored.discard(listed.key)
        # A name that is a hit on one entry is no possible hit on an entry whose name it holds
        # ("Lockheed Martin Missiles and Fire Control" is not "Lockheed Martin Corporation").
        if any(
            h.score >= self.thresholds.match_threshold and k not in floored for k, h in best.items()
        ):
            best = {k: h for k, h in best.items() if k not in floored}
        return sorted(best.values(), key=lambda h: (-h.score, h.name_matched, str(h.key)))

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
                hit = NameHit(listed.key, listed.label, round(score, 1))
                best[listed.key] = (score, screened, hit)
        ranked = sorted(best.values(), key=lambda b: (-b[0], -b[1], b[2].name_matched))
        return [hit for _, _, hit in ranked]

    def _scored(self, text: str, cutoff: float) -> Iterable[tuple[_Name[K], float, bool, bool]]:
        """The candidates whose score may reach `cutoff`, with their score, whether the two
        names correspond word for word, and whether the score is the floor of a listed name
        held whole in the party's.

        Word order and spacing do not count (the better of the ratio over the sorted words, as
        token_sort_ratio, and over the letters, both in rapidfuzz's C loops with `cutoff`); only
        the few names passing that bound pay for the word-by-word check in `_score`.
        """
        positions = self._candidates(text)
        if not positions:
            return
        compact = text.replace(" ", "")
        pick = itemgetter(*positions) if len(positions) > 1 else lambda seq: (seq[positions[0]],)
        passing = _above(_ordered(text), pick(self.ordered), cutoff)
        passing |= _above(compact, pick(self.compacts), cutoff)
        # A listed name held whole in the party's (token_set_ratio 100) may be floored to a
        # possible hit in _compare however far apart the two names are.
        passing |= _above(text, pick(self.texts), 100, fuzz.token_set_ratio)
        for i in sorted(passing):
            listed = self.names[positions[i]]
            yield listed, *self._compare(text, compact, listed)

    def _score(self, text: str, compact: str, listed: _Name[K]) -> float:
        """0-100: word order and spacing do not count; short names must be equal; names alike
        only in generic words ("Raytheon Technologies", "Hudson Technologies") score low."""
        return self._compare(text, compact, listed)[0]

    def _compare(self, text: str, compact: str, listed: _Name[K]) -> tuple[float, bool, bool]:
        """The score (see _score), whether the names correspond word for word, and whether the
        score is only the floor of a listed name held whole in the party's."""
        if min(len(compact), len(listed.compact)) < self.thresholds.exact_below:
            return (100.0, True, False) if compact == listed.compact else (0.0, False, False)
        ordered = fuzz.ratio(_ordered(text), listed.ordered)
        score = max(ordered, fuzz.ratio(compact, listed.compact))
        if has_cjk(listed.text):
            return float(score), score >= 100, False
        covered, aligned, contained = _coverage(listed.text, listed.own, text)
        score = min(score, covered)
        review = self.thresholds.review_threshold
        if contained and len(listed.own) >= _CONTAINED and score < review:
            # The whole listed name inside the party's ("Rheinmetall Defence" for "Rheinmetall
            # AG"): the same firm with more words, or a unit of it, so at least a possible hit.
            return review, aligned, True
        return float(score), aligned, False


def _another_places_unit(text: str, listed: _Name[K]) -> bool:
    """True when the party's name adds a place the listed name lacks and the entry is not of
    ("Lockheed Martin UK" for the US "Lockheed Martin"): a subsidiary, at most a possible hit,
    for an officer to check (the control list's affiliates rule may reach it)."""
    own = listed.text.split()
    return any(
        word in PLACES and word not in own and PLACES[word] != listed.country
        for word in text.split()
    )


def _ordered(text: str) -> str:
    """The words in sorted order, as rapidfuzz's token_sort_ratio compares them."""
    return " ".join(sorted(text.split()))


def _above(query: str, choices: Sequence[str], cutoff: float, scorer: Any = fuzz.ratio) -> set[int]:
    """Positions of the choices scoring at least `cutoff` against the query (ratio; with
    token_set_ratio, 100 for a choice whose words are all in the query)."""
    found = process.extract(query, choices, scorer=scorer, score_cutoff=cutoff, limit=None)
    return {position for _, _, position in found}


def _query_found(text: str, compact: str, listed: _Name[K]) -> float:
    """How much of a looked-up name is found in a listed name: Chinese as a substring (or its
    closest part), other words each by their closest word."""
    if has_cjk(text):
        return 100.0 if compact in listed.compact else fuzz.partial_ratio(compact, listed.compact)
    return _words_found(text, listed.text)
