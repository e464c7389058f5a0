"""Where a screening stands after the review queue and the officers' rulings, and whether the
deal may go ahead: the most compliance-critical rule outside the engine."""

PENDING_REVIEW = "pending-review"
# States in which the deal may go ahead without a licence.
CLEAR_STATES = ("allowed", "cleared")


def screening_state(decision: str, ruling: str | None, in_review: bool) -> str:
    """`pending-review` while queued, else the latest ruling, else the engine's decision."""
    if in_review:
        return PENDING_REVIEW
    return ruling if ruling is not None else decision


def may_proceed(state: str, licence_valid: bool | None) -> bool:
    """True when the deal may go ahead: cleared or allowed, or approval-required with a licence
    valid on the day checked. Never while pending review, unknown or prohibited."""
    return state in CLEAR_STATES or (state == "approval-required" and bool(licence_valid))
