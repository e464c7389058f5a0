"""The one clock rule: Beijing calendar days, midnight-UTC day boundaries."""

from datetime import UTC, date, datetime, timedelta, timezone

from service.engine.calendar import beijing_day, utc_day_start


def test_the_beijing_day_starts_at_16_00_utc_the_evening_before() -> None:
    assert beijing_day(datetime(2024, 3, 1, 15, 59, tzinfo=UTC)) == date(2024, 3, 1)
    assert beijing_day(datetime(2024, 3, 1, 16, 0, tzinfo=UTC)) == date(2024, 3, 2)


def test_the_beijing_day_ignores_the_caller_s_time_zone() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert beijing_day(datetime(2024, 3, 1, 12, 0, tzinfo=new_york)) == date(2024, 3, 2)


def test_a_day_starts_at_midnight_utc_and_can_be_moved_on() -> None:
    assert utc_day_start(date(2024, 2, 28)) == datetime(2024, 2, 28, tzinfo=UTC)
    assert utc_day_start(date(2024, 2, 28), days=2) == datetime(2024, 3, 1, tzinfo=UTC)
