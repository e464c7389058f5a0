"""Whether a category is in force on a day, checked on the boundary days of every kind of window."""

from datetime import date

import pytest

from service.engine import timeline
from service.engine.models import MatchStatus
from service.engine.schema import StatusWindow


def status(toy_category, cid: str, day: date, **instrument_changes) -> MatchStatus:
    instrument, category = toy_category(cid)
    instrument = instrument.model_copy(update=instrument_changes)
    return timeline.standing_on(instrument, category, day).status


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 7, 14), MatchStatus.not_yet_effective),
        (date(2025, 7, 15), MatchStatus.in_force),
    ],
)
def test_a_category_applies_from_its_own_effective_day(toy_category, day, expected):
    assert status(toy_category, "cat-lfp", day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 7, 14), MatchStatus.in_force),
        (date(2025, 7, 15), MatchStatus.ended),
    ],
)
def test_a_deleted_category_applies_up_to_its_last_day(toy_category, day, expected):
    assert status(toy_category, "cat-old", day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 11, 7), MatchStatus.not_yet_effective),
        (date(2025, 11, 8), MatchStatus.suspended),
        (date(2026, 11, 9), MatchStatus.suspended),
        (date(2026, 11, 10), MatchStatus.end_day_unclear),
        (date(2026, 11, 11), MatchStatus.in_force),
    ],
)
def test_a_suspension_whose_end_day_is_unclear(toy_category, day, expected):
    assert status(toy_category, "goods-cells", day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 29), MatchStatus.in_force),
        (date(2024, 3, 1), MatchStatus.suspended),
        (date(2024, 3, 31), MatchStatus.suspended),
        (date(2024, 4, 1), MatchStatus.in_force),
    ],
)
def test_a_suspension_that_includes_its_end_day(toy_category, day, expected):
    window = StatusWindow(start=date(2024, 3, 1), end=date(2024, 3, 31), by="Notice 9")
    assert status(toy_category, "ga-gaas", day, windows=[window]) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 12, 31), MatchStatus.in_force),
        (date(2026, 1, 1), MatchStatus.ended),
    ],
)
def test_a_repealed_instrument_ends_on_the_repeal_day(toy_category, day, expected):
    assert status(toy_category, "ga-gaas", day, repealed=date(2026, 1, 1)) is expected


def test_the_standing_names_the_suspending_instrument_and_the_day_to_rescreen(toy_category):
    instrument, category = toy_category("goods-cells")
    standing = timeline.standing_on(instrument, category, date(2026, 11, 10))
    assert standing.window is not None and standing.window.by == "No. 70"
    assert "re-screen from 2026-11-11" in standing.message


def test_first_day_in_force_skips_a_suspension(toy_category):
    assert timeline.first_day_in_force(*toy_category("goods-cells")) == date(2026, 11, 11)
    assert timeline.first_day_in_force(*toy_category("ga-gaas")) == date(2023, 8, 1)


def test_an_answer_past_the_verification_horizon_is_flagged(toy_category):
    # verified_on 2026-02-15 plus 180 days is 2026-08-14.
    instrument, category = toy_category("ga-gaas")
    assert timeline.unverified_after(instrument, category, date(2026, 8, 14)) is None
    assert timeline.unverified_after(instrument, category, date(2026, 8, 15)) == date(2026, 8, 14)
