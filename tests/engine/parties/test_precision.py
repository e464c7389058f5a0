"""Look-alikes that are other firms are no hit; a unit of a listed firm is at most a possible hit;
what an ERP leaves out or adds to a listed name still finds it."""

import pytest

from service.engine.parties.index import PartyIndex
from service.engine.schema import PartyThresholds

MATCH = PartyThresholds().match_threshold
REVIEW = PartyThresholds().review_threshold


def _index(*names: tuple[str, str]) -> PartyIndex[str]:
    return PartyIndex([(name, name, country) for name, country in names], PartyThresholds())


def _best(index: PartyIndex[str], name: str, country: str | None) -> float:
    hits = index.search(name, country)
    return hits[0].score if hits else 0.0


@pytest.mark.parametrize(
    ("listed", "party"),
    [
        (("Politechnika Wroclawska", "PL"), "Politechnika Warszawska"),  # two edits in a word
        (("General Dynamics", "US"), "General Atomics"),  # another word, not a typo
        (("Mitsubishi Materials Corporation", "JP"), "Mitsubishi Motors Corporation"),
        (("Sumitomo Heavy Industries, Ltd.", "JP"), "Sumitomo Rubber Industries"),
        (("MITSUI E&S Co., Ltd.", "JP"), "Mitsui & Co., Ltd."),
        (("Mitsubishi Electric Engineering", "JP"), "Mitsubishi Electric Corporation"),
    ],
)
def test_a_look_alike_is_no_hit_even_from_the_same_country(listed, party):
    assert _best(_index(listed), party, listed[1]) < REVIEW


def test_a_typo_in_a_three_letter_word_is_at_most_a_possible_hit():
    assert _best(_index(("Red Cat", "US")), "Red Hat, Inc.", "US") < MATCH


@pytest.mark.parametrize(
    ("listed", "party"),
    [
        (("Lockheed Martin Corporation", "US"), "Lockheed Martin UK Limited"),
        (("General Dynamics Land Systems", "US"), "General Dynamics Land Systems-Canada"),
        (("Rheinmetall AG", "DE"), "Rheinmetall Defence Australia"),
    ],
)
def test_a_unit_named_for_another_country_is_at_most_a_possible_hit(listed, party):
    assert REVIEW <= _best(_index(listed), party, None) < MATCH


@pytest.mark.parametrize(
    ("listed", "party", "country"),
    [
        (("Rheinmetall AG", "DE"), "Rheinmetall Defence", None),
        (("Rheinmetall AG", "DE"), "Rheinmetall AG Germany", "DE"),
        (("NEC Network and Sensor Systems, Ltd.", "JP"), "NEC Network & Sensor", None),
        (("L3 Harris Technologies", "US"), "L3Harris Technologies, Inc.", None),
        (("MITSUI E&S Co., Ltd.", "JP"), "Mitsui E and S", None),
    ],
)
def test_a_listed_name_with_words_left_out_or_added_is_still_found(listed, party, country):
    assert _best(_index(listed), party, country) >= REVIEW


def test_the_country_lifts_a_name_alike_word_for_word_but_not_one_missing_a_word():
    index = _index(("Mitsubishi Electric Engineering", "JP"), ("III-V Lab", "FR"))
    assert _best(index, "Mitsubishi Electric", "JP") == 0.0
    assert _best(index, "IXI-V Lab", "FR") >= REVIEW > _best(index, "IXI-V Lab", None)


def test_a_hit_on_a_unit_is_no_possible_hit_on_the_parent_it_names():
    index = _index(
        ("Lockheed Martin Corporation", "US"), ("Lockheed Martin Missiles and Fire Control", "US")
    )
    hits = index.search("Lockheed Martin Missiles & Fire Control", "US")
    assert [(h.key, h.score) for h in hits] == [("Lockheed Martin Missiles and Fire Control", 100)]
    parent = index.search("Lockheed Martin Corporation Australia", "AU")
    assert [h.key for h in parent] == ["Lockheed Martin Corporation"]


def test_the_briefs_look_alikes_against_the_real_lists(engine):
    index = engine.parties.index
    for name, country in [
        ("Mitsui & Co., Ltd.", "JP"),
        ("Politechnika Warszawska", "PL"),
        ("Mitsubishi Corporation", "JP"),
        ("Mitsubishi Electric Corporation", "JP"),
        ("Mitsubishi Motors Corporation", "JP"),
        ("Sumitomo Corporation", "JP"),
        ("Sumitomo Electric Industries, Ltd.", "JP"),
        ("Sumitomo Rubber Industries, Ltd.", "JP"),
    ]:
        assert index.search(name, country) == [], name
