"""may_proceed and the screening state: the queue first, then the latest ruling, then the engine."""

import pytest

from service.workflows.status import PENDING_REVIEW, may_proceed, screening_state


@pytest.mark.parametrize(
    ("decision", "ruling", "in_review", "state"),
    [
        ("unknown", None, True, PENDING_REVIEW),
        ("unknown", "cleared", True, PENDING_REVIEW),
        ("approval-required", "cleared", False, "cleared"),
        ("allowed", None, False, "allowed"),
    ],
)
def test_the_state_is_the_queue_then_the_latest_ruling_then_the_decision(
    decision: str, ruling: str | None, in_review: bool, state: str
) -> None:
    assert screening_state(decision, ruling, in_review) == state


@pytest.mark.parametrize(
    ("state", "licence_valid", "expected"),
    [
        ("allowed", None, True),
        ("cleared", None, True),
        ("approval-required", True, True),
        ("approval-required", False, False),
        ("approval-required", None, False),
        ("prohibited", True, False),
        ("unknown", None, False),
        (PENDING_REVIEW, True, False),
    ],
)
def test_a_deal_may_proceed_when_clear_or_licensed_and_never_while_pending(
    state: str, licence_valid: bool | None, expected: bool
) -> None:
    assert may_proceed(state, licence_valid) is expected
