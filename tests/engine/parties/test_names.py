"""Party names: normalisation, and every encoded party found by its names and their variants."""

import re

import pytest

from service.engine.parties.index import PartyIndex
from service.engine.parties.names import normalise_name
from service.engine.parties.schema import PartyEntry
from service.engine.schema import PartyThresholds


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Lockheed Martin Missiles & Fire Control", "lockheed martin missiles and fire control"),
        ("Gibbs&Cox, Inc.", "gibbs and cox"),
        ("InPACT S.A.", "inpact"),
        ("OMNIPOL a.s.", "omnipol"),
        ("Lafert S.p.A.", "lafert"),
        ("TechInsights Europe Sp zo.o", "techinsights europe"),
        ("The Fujikura Parachute Co., Ltd.", "fujikura parachute"),
        ("Sindlhauser Materials GmbH", "sindlhauser materials"),
        ("洛克希德·馬丁導彈與火控公司", "洛克希德马丁导弹与火控"),
        ("汉翔航空工业股份有限公司", "汉翔航空工业"),
        ("三菱造船株式会社", "三菱造船"),
        ("TechInsights公司", "techinsights"),
    ],
)
def test_names_lose_case_punctuation_legal_forms_and_traditional_characters(given, expected):
    assert normalise_name(given) == expected


def _entries(engine) -> list[PartyEntry]:
    return [entry for _, entry in engine.parties.entries.values()]


def _found(engine, name: str, entry_id: str, country: str | None = None) -> bool:
    return any(hit.key == entry_id for hit in engine.parties.index.search(name, country))


def _strong(engine, name: str, entry_id: str) -> bool:
    threshold = engine.ruleset.party_thresholds.match_threshold
    hits = engine.parties.index.search(name)
    return any(hit.key == entry_id and hit.score >= threshold for hit in hits)


_FORM = re.compile(
    r",?\s*\b(Inc\.?|Corp\.?|Corporation|Co\.,? ?Ltd\.?|Co\.|Ltd\.?|LLC|Limited|GmbH|S\.A\.|"
    r"a\.s\.|AG|B\.V\.|S\.p\.A\.|S\.r\.l\.)\s*$"
)


def _typo(name: str) -> str:
    """One letter changed in the longest word that identifies the firm, away from its ends."""
    words = normalise_name(name).split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    middle = len(word) // 2
    swapped = "x" if word[middle].lower() != "x" else "y"
    words[longest] = word[:middle] + swapped + word[middle + 1 :]
    return " ".join(words)


def test_every_entry_is_a_hit_by_its_own_english_and_chinese_names(engine):
    misses = [
        (entry.id, name)
        for entry in _entries(engine)
        for name in filter(None, [entry.name, entry.name_zh])
        if not _strong(engine, name, entry.id)
    ]
    assert misses == []


def test_every_entry_is_a_hit_without_its_legal_form_and_with_and_for_ampersand(engine):
    misses = []
    for entry in _entries(engine):
        variants = {_FORM.sub("", entry.name).strip(), entry.name.replace("&", " and ")}
        if " and " in entry.name:
            variants.add(entry.name.replace(" and ", " & "))
        misses += [(entry.id, v) for v in variants if v and not _strong(engine, v, entry.id)]
    assert misses == []


def test_every_entry_is_found_with_a_one_letter_typo(engine):
    misses = []
    for entry in _entries(engine):
        variant = _typo(entry.name)
        if len(normalise_name(variant).replace(" ", "")) < 5:
            continue  # a typo in a three- or four-letter name is another name
        if not _found(engine, variant, entry.id, entry.country):
            misses.append((entry.id, variant))
    assert misses == []


def test_every_branch_and_alias_is_a_hit(engine):
    misses = [
        (entry.id, name)
        for entry in _entries(engine)
        for name in [*entry.aliases, *entry.branches]
        if len(name) >= 4 and not _strong(engine, name, entry.id)
    ]
    assert misses == []


@pytest.mark.parametrize(
    "name",
    [
        "Raytheon Technologies",
        "Boeing Commercial Airplanes",
        "Mitsubishi Heavy Industries",
        "Siemens AG",
        "Toyota Motor Corporation",
        "Northrop Grumman Corporation",
        "Honeywell International Inc.",
        "Sony Group Corporation",
    ],
)
def test_similar_unlisted_names_are_no_hit(engine, name):
    threshold = engine.ruleset.party_thresholds.match_threshold
    assert [h for h in engine.parties.index.search(name, "US") if h.score >= threshold] == []


def test_country_raises_the_score_and_never_vetoes():
    index = PartyIndex(
        [("acme", "Acme Widgets Trading", "DE")], PartyThresholds(review_threshold=50)
    )
    plain = index.search("Acme Widget Trading Company")[0].score
    assert index.search("Acme Widget Trading Company", "DE")[0].score > plain
    assert index.search("Acme Widget Trading Company", "FR")[0].score == plain


def test_a_short_name_must_match_exactly():
    index = PartyIndex([("tdk", "TDK Corporation", "JP")], PartyThresholds())
    assert [h.key for h in index.search("TDK Corp.")] == ["tdk"]
    assert index.search("TDC Corp.") == []


def test_a_hundred_thousand_names_index_and_search_quickly():
    import time

    names = [(i, f"Synthetic Trading {i:06d} Systems Holdings", None) for i in range(100_000)]
    started = time.perf_counter()
    index = PartyIndex(names, PartyThresholds())
    built = time.perf_counter() - started
    started = time.perf_counter()
    hits = index.search("Synthetic Trading 004711 Systems Holdings")
    searched = time.perf_counter() - started
    assert hits[0].key == 4711
    assert built < 30
    assert searched < 1.0


def test_every_chinese_name_is_a_hit_in_traditional_characters(engine):
    from opencc import OpenCC

    to_traditional = OpenCC("s2t")
    misses = [
        (entry.id, entry.name_zh)
        for entry in _entries(engine)
        if entry.name_zh and not _strong(engine, to_traditional.convert(entry.name_zh), entry.id)
    ]
    assert misses == []


def test_a_name_written_together_is_found_and_a_look_alike_is_not() -> None:
    index = PartyIndex([("ice", "Inter-Coastal Electronics", "US")], PartyThresholds())
    assert index.search("Intercoastal Electronics", "US")[0].score >= 90
    assert not index.search("International Coastal Shipping", "US")


def test_a_name_of_distinctive_words_alone_is_held_to_them() -> None:
    index = PartyIndex([("rc", "Red Cat", "US")], PartyThresholds())
    hits = index.search("Red Hat, Inc.", "US")
    assert not hits or hits[0].score < PartyThresholds().match_threshold


def test_latin_accents_do_not_count_and_other_scripts_keep_theirs() -> None:
    assert normalise_name("Politechnika Wrocławska") == normalise_name("Politechnika Wroclawska")
    assert normalise_name("Nestlé S.A.") == normalise_name("Nestle")
    assert normalise_name("ガーミン") == "ガーミン"
