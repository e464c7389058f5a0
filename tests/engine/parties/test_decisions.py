"""What a party hit does to the decision, on `as_of` and within the listings' windows."""

from datetime import date

import pytest

from service.engine import ScreeningRequest
from service.engine.models import Decision

CHAIRS = "office chairs"
GALLIUM = "gallium metal ingots, 99.99 %"


def _screen(engine, name, description=CHAIRS, day="2026-08-01", role="end_user", country=None):
    request = ScreeningRequest(
        transaction_type="material_export" if description == GALLIUM else "equipment_sale",
        description=description,
        destination_country=country,
        parties=[{"role": role, "name": name, "country": country}],
        as_of=date.fromisoformat(day),
    )
    return engine.screen(request)


def test_lockheed_martin_missiles_and_fire_control_as_end_user_is_prohibited(engine):
    result = _screen(engine, "Lockheed Martin Missiles & Fire Control", country="US")
    assert result.decision is Decision.prohibited
    uel = [m for m in result.party_matches if m.list == "unreliable_entity_list"]
    assert [(m.entry_id, m.strength, m.status) for m in uel] == [
        ("uel-2025-01-02.lockheed-martin-missiles-and-fire-control", "hit", "in_force")
    ]
    assert "all_trade_ban" in uel[0].measures
    assert "The end user 'Lockheed Martin Missiles & Fire Control' matches" in result.explanation


def test_a_uel_all_trade_ban_prohibits_whatever_the_item(engine):
    result = _screen(engine, "Huntington Ingalls Industries", day="2025-06-01")
    assert result.decision is Decision.prohibited


def test_the_control_list_with_a_dual_use_item_is_prohibited(engine):
    result = _screen(engine, "三菱造船株式会社", description=GALLIUM, country="JP")
    assert result.decision is Decision.prohibited
    assert result.party_matches[0].entry_id == (
        "ecl-2026-02-24.mitsubishi-heavy-industries-shipbuilding-co"
    )


def test_the_control_list_with_an_item_not_found_controlled_is_unknown_with_the_reason(engine):
    result = _screen(engine, "Mitsubishi Heavy Industries Shipbuilding Co., Ltd.")
    assert result.decision is Decision.unknown
    assert any("outside the Dual-Use List" in m for m in result.missing_information)


def test_the_watch_list_needs_a_licence_with_its_conditions(engine):
    result = _screen(engine, "SUBARU Corporation", role="importer")
    assert result.decision is Decision.approval_required
    assert "risk-assessment report" in result.party_matches[0].reason


def test_a_possible_hit_is_unknown_and_names_the_candidate(engine):
    result = _screen(engine, "Axiemt", country="US")
    assert result.decision is Decision.unknown
    assert {m.strength for m in result.party_matches} == {"possible_hit"}
    assert any("Axient" in m for m in result.missing_information)


def test_counterparty_is_screened_as_the_importer(engine):
    request = ScreeningRequest(
        transaction_type="equipment_sale",
        description=CHAIRS,
        counterparty={"name": "SUBARU Corporation", "country": "JP"},
        as_of=date(2026, 8, 1),
    )
    result = engine.screen(request)
    assert result.decision is Decision.approval_required
    assert result.party_matches[0].party.role == "importer"


def test_an_unlisted_party_changes_nothing(engine):
    result = _screen(engine, "Siemens AG", country="DE")
    assert result.party_matches == []
    assert result.decision is Decision.allowed


@pytest.mark.parametrize(
    ("day", "status", "decision"),
    [
        # ECL 2025 No. 22: in force, suspended from 2025-05-14, stopped from 2025-08-12.
        ("2025-05-13", "in_force", Decision.unknown),
        ("2025-05-14", "suspended", Decision.allowed),
        ("2025-08-11", "suspended", Decision.allowed),
        ("2025-08-12", "stopped", Decision.allowed),
        ("2026-08-01", "stopped", Decision.allowed),
    ],
)
def test_a_stopped_listing_is_not_applied(engine, day, status, decision):
    result = _screen(engine, "Echodyne", day=day)
    match = result.party_matches[0]
    assert (match.status, result.decision) == (status, decision)
    if status != "in_force":
        assert any(a.code == f"party_{status}" for a in result.advisories)


@pytest.mark.parametrize(
    ("day", "status", "decision"),
    [
        # ECL 2025 No. 21: suspended from 2025-05-14 until 2026-11-10 (end day unclear).
        ("2025-04-03", "not_yet_effective", Decision.allowed),
        ("2025-04-04", "in_force", Decision.unknown),
        ("2025-05-14", "suspended", Decision.allowed),
        ("2026-11-09", "suspended", Decision.allowed),
        ("2026-11-10", "end_day_unclear", Decision.unknown),
        ("2026-11-11", "in_force", Decision.unknown),
    ],
)
def test_a_suspended_listing_applies_again_after_its_window(engine, day, status, decision):
    result = _screen(engine, "Cubic Corporation", day=day)
    ecl = [m for m in result.party_matches if m.list == "control_list"]
    assert (ecl[0].status, ecl[0].decision) == (status, decision)


def test_a_pause_with_no_stated_end_is_unknown(engine):
    result = _screen(engine, "Edge Autonomy Operations LLC", day="2025-06-01")
    uel = [m for m in result.party_matches if m.list == "unreliable_entity_list"]
    assert (uel[0].status, uel[0].decision) == ("status_unclear", Decision.unknown)


def test_after_the_research_end_every_party_answer_says_it_is_not_verified(engine):
    codes = [a.code for a in _screen(engine, "Siemens AG", day="2026-11-28").advisories]
    assert "status_not_verified" in codes
    assert "status_not_verified" not in [
        a.code for a in _screen(engine, "Siemens AG", day="2026-08-01").advisories
    ]
