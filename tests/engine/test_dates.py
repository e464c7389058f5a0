"""Date boundaries: the day before, of and after each effective date, deletion and window end."""

from datetime import date

import pytest

LFP = {"compaction_density_g_cm3": 2.6, "specific_capacity_mah_g": 162}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 7, 14), "allowed"),
        (date(2025, 7, 15), "approval-required"),
        (date(2025, 7, 16), "approval-required"),
    ],
)
def test_catalogue_amendment_effective_date(screen, day, expected):
    result = screen(
        transaction_type="technology_transfer",
        description="LFP cathode know-how",
        parameters=LFP,
        as_of=day,
    )
    assert result.decision == expected


def test_not_yet_effective_is_reported_as_advisory(screen):
    result = screen(
        transaction_type="technology_transfer",
        description="LFP cathode know-how",
        parameters=LFP,
        as_of=date(2025, 7, 14),
    )
    assert [a.code for a in result.advisories] == ["not_yet_effective"]
    assert "applies from 2025-07-15" in result.explanation


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2025, 7, 14), "approval-required"), (date(2025, 7, 15), "allowed")],
)
def test_deleted_item_effective_to_is_inclusive(screen, day, expected):
    result = screen(
        transaction_type="technology_transfer", description="traditional architecture", as_of=day
    )
    assert result.decision == expected


CELLS = {"cell_energy_density_wh_kg": 305}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 11, 6), "allowed"),  # before the suspension and before the effective date
        (date(2025, 11, 8), "allowed"),  # suspended
        (date(2026, 11, 9), "allowed"),  # last clearly suspended day
        (date(2026, 11, 10), "unknown"),  # 'until 10 Nov 2026': unclear
        (date(2026, 11, 11), "approval-required"),  # applies again
    ],
)
def test_suspension_window(screen, day, expected):
    result = screen(
        transaction_type="material_export",
        description="Lithium-ion battery packs",
        parameters=CELLS,
        as_of=day,
    )
    assert result.decision == expected


def test_suspended_category_is_an_advisory_and_no_domain_net(screen):
    result = screen(
        transaction_type="material_export",
        description="Lithium-ion battery packs",
        parameters=CELLS,
        as_of=date(2026, 1, 15),
    )
    assert result.decision == "allowed"
    assert "suspended" in [a.code for a in result.advisories]
    assert "applies again after 2026-11-10" in result.explanation


def test_status_after_verification_horizon_is_flagged(screen):
    result = screen(
        transaction_type="material_export",
        description="Lithium-ion battery packs",
        parameters=CELLS,
        as_of=date(2027, 1, 15),
    )
    assert "status_not_verified" in [a.code for a in result.advisories]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 11, 8), "prohibited"),  # clause 2 in force
        (date(2025, 11, 9), "approval-required"),  # suspended
        (date(2026, 11, 27), "approval-required"),  # unclear end day: unknown adds to approval
        (date(2026, 11, 28), "prohibited"),
    ],
)
def test_us_gallium_clause_window(screen, day, expected):
    result = screen(
        transaction_type="material_export",
        description="GaAs wafers",
        destination_country="US",
        military_end_use=False,
        as_of=day,
    )
    assert result.decision == expected
