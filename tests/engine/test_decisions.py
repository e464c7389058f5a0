"""The decision procedure, feature by feature, on the toy rule set."""

from datetime import date

from service.engine import Engine, ScreeningRequest
from tests.engine.conftest import toy_files, write_ruleset

LFP_OK = {"compaction_density_g_cm3": 2.6, "specific_capacity_mah_g": 162}


def test_all_thresholds_met_needs_approval(screen):
    result = screen(
        transaction_type="technology_transfer",
        description="Licence of LFP cathode sintering know-how",
        parameters=LFP_OK,
    )
    assert result.decision == "approval-required"
    match = result.matches[0]
    assert match.category_id == "cat-lfp"
    assert match.matched_terms == ["LFP cathode"]
    assert [(p.name, p.met) for p in match.parameters] == [
        ("compaction_density_g_cm3", True),
        ("specific_capacity_mah_g", True),
    ]
    assert match.citation.item_number == "252604X(1)"


def test_one_threshold_failed_takes_the_category_out(screen):
    result = screen(
        transaction_type="technology_transfer",
        description="LFP cathode powder know-how",
        parameters={"compaction_density_g_cm3": 2.5},
    )
    assert result.decision == "allowed"
    assert "2.5 not >= 2.58" in result.explanation


def test_missing_parameter_gives_unknown_naming_it(screen):
    result = screen(
        transaction_type="technology_transfer",
        description="磷酸铁锂正极材料制备技术",
        parameters={"compaction_density_g_cm3": 2.6},
    )
    assert result.decision == "unknown"
    assert result.missing_information == ["specific_capacity_mah_g"]


def test_any_of_thresholds(screen):
    def press(**values: float) -> str:
        return screen(
            transaction_type="equipment_sale",
            description="Six-anvil cubic press",
            parameters=values,
            as_of=date(2025, 1, 1),
        ).decision.value

    assert press(press_cylinder_bore_mm=420, press_design_pressure_gpa=5.5) == "approval-required"
    assert press(press_cylinder_bore_mm=420, press_design_pressure_gpa=4.5) == "allowed"
    assert press(press_cylinder_bore_mm=520) == "approval-required"
    assert press(press_cylinder_bore_mm=420) == "unknown"


def test_prohibited_outranks_restricted(screen):
    result = screen(
        transaction_type="technology_transfer",
        description="NdFeB magnet and lithium iron phosphate know-how",
        parameters=LFP_OK,
    )
    assert result.decision == "prohibited"
    assert [m.decision.value for m in result.matches] == ["prohibited", "approval-required"]


def test_misspelt_long_word_still_matches(screen):
    result = screen(
        transaction_type="technology_transfer",
        description="lithum iron phosphte synthesis",
        parameters=LFP_OK,
    )
    assert result.decision == "approval-required"
    assert result.matches[0].score < 100


def test_short_codes_must_match_exactly(screen):
    result = screen(
        transaction_type="technology_transfer",
        description="LMFP cathode know-how",
        parameters=LFP_OK,
    )
    assert all(m.category_id != "cat-lfp" for m in result.matches)


def test_traditional_chinese_is_folded(screen):
    result = screen(transaction_type="technology_transfer", description="釹鐵硼磁體製備技術")
    assert result.decision == "prohibited"


def test_not_term_turns_a_match_into_a_reasoned_reference(screen):
    result = screen(
        transaction_type="technology_transfer", description="LFP cell assembly know-how"
    )
    assert result.decision == "allowed"
    assert [m.category_id for m in result.matches] == ["ref-assembly"]


def test_reference_does_not_outrank_a_stronger_controlled_match(screen):
    result = screen(
        transaction_type="technology_transfer",
        description="NdFeB magnet sintering plus battery pack assembly",
    )
    assert result.decision == "prohibited"


def test_reference_answers_allowed_with_reason(screen):
    result = screen(
        transaction_type="equipment_sale", description="Antminer S21 bitcoin mining machines"
    )
    assert result.decision == "allowed"
    assert "Mining rigs" in result.explanation


def test_domain_net_makes_bare_domain_words_unknown(screen):
    result = screen(
        transaction_type="technology_transfer", description="lithium refining consulting"
    )
    assert result.decision == "unknown"
    assert result.missing_information == ["which lithium technology it is"]


def test_nothing_matched_is_allowed_with_reason(screen):
    result = screen(transaction_type="material_export", description="Cotton T-shirts")
    assert result.decision == "allowed"
    assert not result.matches
    assert "No encoded category" in result.explanation


def test_unresolved_item_is_unknown(screen):
    result = screen(
        transaction_type="equipment_sale",
        description="graphitization furnace",
        as_of=date(2027, 1, 5),
    )
    assert result.decision == "unknown"
    assert result.missing_information == ["the furnace parameters of 3B901.c.2"]
    assert "Uncertain research" in result.explanation


def test_hs_code_prefix_matches(screen):
    result = screen(
        transaction_type="material_export",
        description="Wafers",
        hs_code="2853909026",
        as_of=date(2024, 1, 10),
    )
    assert result.decision == "approval-required"
    assert result.matches[0].matched_terms == ["HS 2853909026"]


def test_origin_outside_china_is_outside_jurisdiction(screen):
    result = screen(
        transaction_type="material_export",
        description="Gallium arsenide wafers",
        origin_country="DE",
        as_of=date(2024, 1, 10),
    )
    assert result.decision == "allowed"
    assert "outside the jurisdiction" in result.explanation


def test_us_military_end_use_is_prohibited(screen):
    result = screen(
        transaction_type="material_export",
        description="GaAs wafers",
        destination_country="US",
        military_end_use=True,
        as_of=date(2025, 3, 1),
    )
    assert result.decision == "prohibited"
    assert {m.category_id for m in result.matches} >= {"us-military", "us-gallium"}


def test_unstated_military_use_is_an_advisory_not_a_decision(screen):
    result = screen(
        transaction_type="material_export",
        description="GaAs wafers",
        destination_country="US",
        as_of=date(2026, 1, 10),
    )
    assert result.decision == "approval-required"
    assert "military_end_use_not_stated" in [a.code for a in result.advisories]


def test_overlay_needs_its_destination(screen):
    result = screen(
        transaction_type="material_export",
        description="GaAs wafers",
        destination_country="NL",
        military_end_use=True,
        as_of=date(2025, 3, 1),
    )
    assert result.decision == "approval-required"


def test_engineer_hire_abroad_is_a_technology_export(screen):
    result = screen(
        transaction_type="engineer_hire",
        description="Secondment to a magnet plant",
        engineer={"expertise": "NdFeB magnet sintering", "role": "engineer", "work_country": "IN"},
    )
    assert result.decision == "prohibited"
    assert "interpretation of Art. 2" in result.explanation
    assert "informal_measure" in [a.code for a in result.advisories]


def test_engineer_in_china_for_a_foreign_employer_is_unknown(screen):
    result = screen(
        transaction_type="engineer_hire",
        description="Hire for a foreign-owned plant in Suzhou",
        engineer={"expertise": "NdFeB magnet sintering", "work_country": "CN"},
    )
    assert result.decision == "unknown"
    assert "whether the employer is a foreign" in result.missing_information[0]


def test_engineer_in_china_for_a_chinese_employer_takes_no_technology_out(screen):
    result = screen(
        transaction_type="engineer_hire",
        description="Hire for a plant in Suzhou",
        counterparty={"name": "Suzhou Magnetics", "country": "CN"},
        engineer={"expertise": "NdFeB magnet sintering", "work_country": "CN"},
    )
    assert result.decision == "allowed"


def test_erp_abbreviations_are_spelt_out(screen):
    result = screen(transaction_type="technology_transfer", description="NdFeB magnet mfg tech")
    assert result.decision == "prohibited"


def test_same_request_same_bytes(screen):
    first = screen(
        transaction_type="material_export", description="li-ion cells", hs_code="85076000"
    )
    second = screen(
        transaction_type="material_export", description="li-ion cells", hs_code="85076000"
    )
    assert first.model_dump_json() == second.model_dump_json()


def test_parameters_written_in_the_description_are_used(screen):
    result = screen(
        transaction_type="material_export",
        description="Li-ion cells, 310 Wh/kg",
        as_of=date(2027, 1, 5),
    )
    assert result.decision == "approval-required"
    check = result.matches[0].parameters[0]
    assert (check.value, check.note) == (310, "value read from the description")


def test_given_parameters_win_over_the_description(screen):
    result = screen(
        transaction_type="material_export",
        description="Li-ion cells, 310 Wh/kg",
        parameters={"cell_energy_density_wh_kg": 250},
        as_of=date(2027, 1, 5),
    )
    assert result.decision == "allowed"


def test_a_chemistry_that_bounds_the_value_answers_without_it(screen):
    result = screen(
        transaction_type="material_export", description="LFP li-ion cells", as_of=date(2027, 1, 5)
    )
    assert result.decision == "allowed"
    assert result.missing_information == []
    assert "at most 250 Wh/kg, below 300 Wh/kg: LFP cells stay far" in result.matches[0].reason


def test_a_second_chemistry_cancels_the_ceiling(screen):
    result = screen(
        transaction_type="material_export",
        description="LFP and NCM li-ion cells",
        as_of=date(2027, 1, 5),
    )
    assert result.decision == "unknown"
    assert result.missing_information == ["cell_energy_density_wh_kg"]


def test_a_stated_value_wins_over_the_ceiling(screen):
    result = screen(
        transaction_type="material_export",
        description="LFP li-ion cells, 310 Wh/kg",
        as_of=date(2027, 1, 5),
    )
    assert result.decision == "approval-required"


def test_domain_net_respects_jurisdiction(screen):
    result = screen(
        transaction_type="technology_transfer",
        description="lithium refining consulting",
        origin_country="DE",
    )
    assert result.decision == "allowed"


def test_category_advisory_is_said_when_it_applies(tmp_path):
    files = toy_files()
    files["TEST-GALLIUM"]["categories"][0]["advisory"] = "Check the wafer's end user."
    engine = Engine(write_ruleset(tmp_path, files))
    request = ScreeningRequest(
        transaction_type="material_export", description="GaAs wafers", as_of=date(2024, 1, 10)
    )
    advisories = engine.screen(request).advisories
    assert [a.message for a in advisories if a.code == "category_note"] == [
        "Check the wafer's end user."
    ]


def test_values_written_in_the_description_decide_and_the_answer_says_so(screen):
    result = screen(
        transaction_type="equipment_sale",
        description="Six-anvil cubic press, design pressure 5.8 GPa, bore 420 mm",
        as_of=date(2025, 1, 1),
    )
    assert result.decision == "approval-required"
    checks = {c.name: c for c in result.matches[0].parameters}
    assert checks["press_design_pressure_gpa"].value == 5.8
    assert "read from the description" in (checks["press_cylinder_bore_mm"].note or "")
    assert "press_design_pressure_gpa read from the description" in result.explanation
    given = screen(
        transaction_type="equipment_sale",
        description="Six-anvil cubic press, design pressure 5.8 GPa, bore 420 mm",
        parameters={"press_design_pressure_gpa": 4.5},
        as_of=date(2025, 1, 1),
    )
    assert given.decision == "allowed"


def test_a_customs_code_decides_on_its_own_but_not_its_sibling_sub_line(screen):
    def declared(hs_code: str) -> str:
        return screen(
            transaction_type="material_export",
            description="Goods as per invoice",
            hs_code=hs_code,
            as_of=date(2024, 1, 10),
        ).decision.value

    assert declared("2853909026") == "approval-required"
    assert declared("285390") == "unknown"
    assert declared("2853909090") == "allowed"
