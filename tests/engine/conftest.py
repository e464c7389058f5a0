"""Engine tests build small rule sets of their own, apart from the real rules.

`toy_ruleset` writes a handful of YAML files to a temporary folder and loads them through the real
loader; `screen` runs a request against it. Tests that need other rules write their own files.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.engine import Engine, ScreeningRequest, ScreeningResult, load_ruleset
from service.engine.loader import RuleSet

ZERO_DIGEST = "sha256:" + "0" * 64

BASE_INSTRUMENT = {
    "issuer": "Test issuer",
    "verified_on": "2026-02-15",
    "summary": "A test instrument.",
    "coverage": {"encoded": "complete"},
}

TOY_FILES: dict[str, dict[str, Any]] = {
    "TEST-CATALOGUE": {
        "instrument": {
            **BASE_INSTRUMENT,
            "id": "TEST-CATALOGUE",
            "regime": "technology_catalogue",
            "number": "Catalogue No. 1",
            "title": "Test catalogue",
            "effective": "2023-12-21",
        },
        "categories": [
            {
                "id": "cat-lfp",
                "item_number": "252604X(1)",
                "title": "LFP preparation",
                "control": "restricted",
                "applies_to": ["technology_transfer", "engineer_hire"],
                "terms": ["lithium iron phosphate", "LFP cathode"],
                "terms_zh": ["磷酸铁锂"],
                "not_terms": ["cell assembly"],
                "effective_from": "2025-07-15",
                "parameters": [
                    {
                        "name": "compaction_density_g_cm3",
                        "operator": ">=",
                        "threshold": 2.58,
                        "unit": "g/cm3",
                    },
                    {
                        "name": "specific_capacity_mah_g",
                        "operator": ">=",
                        "threshold": 160,
                        "unit": "mAh/g",
                    },
                ],
                "summary": "LFP preparation technology needs a licence.",
            },
            {
                "id": "cat-magnet",
                "item_number": "J(3)",
                "title": "NdFeB magnet preparation",
                "control": "prohibited",
                "applies_to": ["technology_transfer", "engineer_hire"],
                "terms": ["NdFeB magnet", "neodymium magnet"],
                "terms_zh": ["钕铁硼"],
                "summary": "Magnet preparation technology may not be exported.",
            },
            {
                "id": "cat-old",
                "item_number": "085001X",
                "title": "Traditional architecture",
                "control": "restricted",
                "applies_to": ["technology_transfer"],
                "terms": ["traditional architecture"],
                "effective_to": "2025-07-14",
                "summary": "Deleted on 2025-07-15.",
            },
        ],
        "domains": [
            {
                "name": "lithium",
                "terms": ["lithium", "cathode"],
                "terms_zh": ["锂"],
                "ask": "which lithium technology it is",
            }
        ],
    },
    "TEST-GOODS": {
        "instrument": {
            **BASE_INSTRUMENT,
            "id": "TEST-GOODS",
            "regime": "dual_use",
            "number": "Announcement No. 58",
            "title": "Test goods",
            "published": "2025-10-09",
            "effective": "2025-11-08",
            "windows": [
                {
                    "start": "2025-11-07",
                    "end": "2026-11-10",
                    "end_day_unclear": True,
                    "by": "No. 70",
                }
            ],
        },
        "categories": [
            {
                "id": "goods-cells",
                "item_number": "3A001",
                "title": "Lithium-ion cells",
                "control": "restricted",
                "applies_to": ["material_export"],
                "terms": ["lithium ion battery", "li ion cell"],
                "hs_codes": ["85076000"],
                "parameters": [
                    {
                        "name": "cell_energy_density_wh_kg",
                        "operator": ">=",
                        "threshold": 300,
                        "unit": "Wh/kg",
                        "ceilings": [
                            {
                                "terms": ["LFP"],
                                "unless_terms": ["NCM"],
                                "at_most": 250,
                                "reason": "LFP cells stay far below 300 Wh/kg",
                            }
                        ],
                    }
                ],
                "summary": "High-energy cells need a licence.",
            },
            {
                "id": "goods-press",
                "item_number": "press",
                "title": "Cubic press",
                "control": "restricted",
                "applies_to": ["equipment_sale"],
                "terms": ["cubic press"],
                "effective_from": "2024-09-15",
                "windows": [],
                "parameters_match": "any",
                "parameters": [
                    {
                        "name": "press_cylinder_bore_mm",
                        "operator": ">=",
                        "threshold": 500,
                        "unit": "mm",
                    },
                    {
                        "name": "press_design_pressure_gpa",
                        "operator": ">=",
                        "threshold": 5,
                        "unit": "GPa",
                    },
                ],
                "summary": "Large presses need a licence.",
            },
            {
                "id": "goods-graphitiser",
                "item_number": "3B901.c.2",
                "title": "Graphitisation furnace",
                "control": "restricted",
                "applies_to": ["equipment_sale"],
                "terms": ["graphitization furnace"],
                "unresolved": "the furnace parameters of 3B901.c.2",
                "confidence": "low",
                "confidence_note": "parameters not retrieved",
                "summary": "Graphitisation furnaces, parameters unknown.",
            },
        ],
    },
    "TEST-GALLIUM": {
        "instrument": {
            **BASE_INSTRUMENT,
            "id": "TEST-GALLIUM",
            "regime": "dual_use",
            "number": "Announcement 2023 No. 23",
            "title": "Gallium",
            "effective": "2023-08-01",
        },
        "categories": [
            {
                "id": "ga-gaas",
                "item_number": "GaAs",
                "title": "Gallium arsenide",
                "control": "restricted",
                "applies_to": ["material_export"],
                "terms": ["gallium arsenide", "GaAs"],
                "hs_codes": ["2853909026"],
                "summary": "Gallium arsenide needs a licence.",
            }
        ],
    },
    "TEST-US": {
        "instrument": {
            **BASE_INSTRUMENT,
            "id": "TEST-US",
            "regime": "overlay",
            "number": "Announcement 2024 No. 46",
            "title": "Dual-use items to the US",
            "effective": "2024-12-03",
        },
        "categories": [
            {
                "id": "us-military",
                "title": "Clause 1",
                "control": "prohibited",
                "applies_to": [
                    "material_export",
                    "equipment_sale",
                    "technology_transfer",
                    "engineer_hire",
                ],
                "triggered_by": {"regimes": ["dual_use"]},
                "destinations": ["US"],
                "military_end_use": True,
                "summary": "No dual-use items to US military users.",
            },
            {
                "id": "us-gallium",
                "title": "Clause 2",
                "control": "prohibited",
                "applies_to": ["material_export"],
                "triggered_by": {"instruments": ["TEST-GALLIUM"]},
                "destinations": ["US"],
                "windows": [
                    {
                        "start": "2025-11-09",
                        "end": "2026-11-27",
                        "end_day_unclear": True,
                        "by": "No. 72",
                    }
                ],
                "summary": "In principle no gallium licences to the US.",
            },
        ],
    },
    "TEST-REF": {
        "instrument": {
            **BASE_INSTRUMENT,
            "id": "TEST-REF",
            "regime": "reference",
            "number": "References",
            "title": "Not controlled",
        },
        "categories": [
            {
                "id": "ref-assembly",
                "title": "Battery cell and pack assembly",
                "control": "not_controlled",
                "applies_to": ["technology_transfer", "engineer_hire"],
                "terms": ["LFP cell assembly", "battery pack assembly"],
                "summary": "Assembling cells into packs is not cathode preparation.",
            },
            {
                "id": "ref-miners",
                "title": "Crypto miners",
                "control": "not_controlled",
                "applies_to": ["equipment_sale"],
                "terms": ["bitcoin mining machine", "Antminer"],
                "summary": "Mining rigs are on no encoded list.",
            },
        ],
        "informal_measures": [
            {
                "id": "informal-india",
                "title": "Engineer recalls",
                "message": "Chinese engineers were reportedly recalled from India.",
                "source": "Bloomberg",
                "reported": "2025-07-02",
                "applies_to": ["engineer_hire"],
                "destinations": ["IN"],
            }
        ],
    },
}


def write_ruleset(directory: Path, files: dict[str, dict[str, Any]]) -> RuleSet:
    """Write rule files and a manifest into `directory` and load them with the real loader."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {"version": "test-1", "digest": ZERO_DIGEST}
    (directory / "ruleset.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    for name, content in files.items():
        (directory / f"{name}.yaml").write_text(
            yaml.safe_dump(content, allow_unicode=True), encoding="utf-8"
        )
    return load_ruleset(directory)


@pytest.fixture(scope="session")
def toy_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """An engine over the toy rule set."""
    return Engine(write_ruleset(tmp_path_factory.mktemp("rules"), TOY_FILES))


@pytest.fixture
def screen(toy_engine: Engine) -> Callable[..., ScreeningResult]:
    """Screen a request given as keyword arguments against the toy rule set."""

    def run(**fields: Any) -> ScreeningResult:
        fields.setdefault("as_of", date(2026, 1, 15))
        return toy_engine.screen(ScreeningRequest(**fields))

    return run
