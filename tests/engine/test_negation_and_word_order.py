"""Chinese word order and negation, and English "-free", normalise to one spelling each."""

import pytest

from service.engine.matcher import TermIndex
from service.engine.normalise import fold, normalise


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("锗金属锭", "金属锗锭"),
        ("锑金属", "金属锑"),
        ("稀土金属", "金属稀土"),
        ("不含镝的钕铁硼磁体", "无镝的钕铁硼磁体"),
        ("不含有镝和铽的磁体", "无镝无铽的磁体"),
        ("非稀土磁体", "无稀土磁体"),
        ("非铁金属", "无铁金属"),
        ("非洲市场", "非洲市场"),
        ("金屬鍺錠", "金属锗锭"),
    ],
)
def test_chinese_spellings_fold_to_one(written: str, folded: str) -> None:
    assert fold(written) == folded


@pytest.mark.parametrize(
    "written",
    ["Dy-free magnets", "dysprosium free magnets", "magnets free of Dy", "magnets without Dy"],
)
def test_english_negation_makes_one_word(written: str) -> None:
    words = normalise(written.replace("dysprosium", "dy")).words
    assert "dyfree" in words
    assert "dy" not in words


def test_a_not_term_cannot_be_assembled_from_words_far_apart() -> None:
    index = TermIndex([("not-tb", "terbium free"), ("tb", "terbium")])
    hits = index.search(normalise("Dy-free magnets diffused with terbium"), 60.0)
    assert set(hits) == {"tb"}
    negated = index.search(normalise("terbium-free magnets"), 60.0)
    assert set(negated) == {"not-tb"}


def test_a_negated_chinese_element_meets_the_not_term() -> None:
    index = TermIndex([("not-dy", "无镝"), ("dy", "镝")])
    assert set(index.search(normalise("不含镝的钕铁硼磁体"), 60.0)) == {"not-dy", "dy"}
