"""The term index finds terms in a description: whole, misspelt within reason, or in Chinese."""

import pytest

from service.engine.keys import CategoryKey, NotTermKey
from service.engine.matcher import TermIndex, compile_term
from service.engine.normalise import normalise

LFP = CategoryKey("cat-lfp")
GAAS = CategoryKey("ga-gaas")
PRESS = CategoryKey("goods-press")


@pytest.fixture(scope="module")
def index() -> TermIndex[CategoryKey | NotTermKey]:
    return TermIndex(
        [
            (LFP, "lithium iron phosphate"),
            (LFP, "磷酸铁锂"),
            (NotTermKey("cat-lfp"), "cell assembly"),
            (GAAS, "GaAs"),
            (PRESS, "cubic press"),
        ]
    )


def scores(index: TermIndex, text: str, floor: float = 40.0) -> dict:
    return {owner: hit.score for owner, hit in index.search(normalise(text), floor).items()}


def test_a_term_written_out_in_full_scores_100_for_its_owner(index):
    assert scores(index, "Know-how for lithium iron phosphate cathode lines") == {LFP: 100.0}


def test_plural_and_case_do_not_matter(index):
    assert scores(index, "two CUBIC PRESSES") == {PRESS: 100.0}


def test_a_small_misspelling_of_a_long_word_still_matches(index):
    score = scores(index, "lithum iron phosphate")[LFP]
    assert 95.0 < score < 100.0


def test_a_different_word_that_resembles_a_term_word_counts_as_missing(index):
    # 'phosphorus' is not 'phosphate': two of three words found.
    assert scores(index, "lithium iron phosphorus") == {LFP: 66.7}


def test_short_words_such_as_codes_must_match_exactly(index):
    assert scores(index, "GaAz wafers") == {}
    assert scores(index, "GaAs wafers") == {GAAS: 100.0}


def test_a_chinese_term_is_found_inside_running_chinese_text(index):
    assert scores(index, "出口磷酸铁锂正极材料") == {LFP: 100.0}


def test_a_partial_term_counts_only_when_its_share_reaches_the_floor(index):
    assert scores(index, "lithium iron", floor=70.0) == {}
    assert scores(index, "lithium iron", floor=60.0) == {LFP: 66.7}


def test_keys_of_different_kinds_stay_apart_for_the_same_category(index):
    hits = index.search(normalise("LFP cell assembly with lithium iron phosphate"), 40.0)
    assert set(hits) == {LFP, NotTermKey("cat-lfp")}
    assert hits[NotTermKey("cat-lfp")].best(90.0)[0].label == "cell assembly"


def test_best_lists_the_owners_terms_best_first_above_the_floor():
    index = TermIndex([(LFP, "lithium iron phosphate"), (LFP, "lithium iron phosphate cathode")])
    hit = index.search(normalise("lithium iron phosphate"), 50.0)[LFP]
    assert [t.label for t in hit.best(50.0)] == [
        "lithium iron phosphate",
        "lithium iron phosphate cathode",
    ]
    assert [t.label for t in hit.best(90.0)] == ["lithium iron phosphate"]


def test_a_term_of_only_generic_words_is_not_indexed():
    assert compile_term(LFP, "technology transfer") is None
    assert TermIndex([(LFP, "production technology")]).terms == []
