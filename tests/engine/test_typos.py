"""A term misspelt by one edit still reaches its category; ordinary words do not."""

import pytest

from service.engine.matcher import TermIndex
from service.engine.normalise import normalise

INDEX = TermIndex(
    [
        ("tb", "terbium oxide"),
        ("graphite", "spherical graphite"),
        ("inp", "indium phosphide"),
        ("ge", "germanium"),
    ]
)


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("terbiun oxide 99.99%", "tb"),
        ("spherical grafite for anodes", "graphite"),
        ("indum phosphide wafers", "inp"),
        ("gremanium ingots", "ge"),
    ],
)
def test_one_edit_typos_reach_the_term(text: str, owner: str) -> None:
    hits = INDEX.search(normalise(text), 60.0)
    assert owner in hits
    assert hits[owner].score >= 80.0


def test_two_edits_in_a_short_word_are_not_a_typo() -> None:
    assert INDEX.search(normalise("indigo phone"), 60.0) == {}


def test_words_under_five_letters_must_be_exact() -> None:
    index = TermIndex([("lfp", "LFP cathode")])
    assert index.fuzzy_words(normalise("LMP cathode").words) == {}


def test_a_typo_in_a_controlled_term_does_not_hand_the_decision_to_a_reference() -> None:
    index = TermIndex([("push", "recommender system"), ("ref", "game localisation")])
    hits = index.search(normalise("Game localisation plus recomeender system source code"), 60.0)
    assert hits["push"].score < hits["ref"].score
    assert hits["push"].as_if_spelt_right == 100.0
