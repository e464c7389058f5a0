"""The service's one clock rule: measures take effect on Beijing calendar days.

Every "today" (the default `as_of` of a screening, the day a licence is checked for) is the
Beijing day, and every filter by calendar day uses midnight UTC boundaries. Nothing else in
the service may define either.
"""

from datetime import UTC, date, datetime, time, timedelta, timezone

# Chinese measures take effect on Beijing calendar days; China keeps UTC+8 all year.
BEIJING = timezone(timedelta(hours=8), "CST")


def beijing_day(now: datetime | None = None) -> date:
    """The Beijing calendar day at `now` (an aware datetime; default: the current time)."""
    return (now or datetime.now(UTC)).astimezone(BEIJING).date()


def beijing_today() -> date:
    """Today's date in Beijing, the default `as_of` of a screening."""
    return beijing_day()


def utc_day_start(day: date, *, days: int = 0) -> datetime:
    """Midnight UTC at the start of `day` (moved on by `days`)."""
    return datetime.combine(day + timedelta(days=days), time.min, tzinfo=UTC)
