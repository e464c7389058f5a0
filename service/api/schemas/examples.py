"""Ready-to-send request bodies for POST /v1/screenings, one per transaction type."""

from typing import Any

SCREENING_EXAMPLES: dict[str, dict[str, Any]] = {
    "technology_transfer": {
        "summary": "Technology transfer: LFP cathode know-how licence",
        "description": "Cathode process know-how licensed abroad, with measured material values.",
        "value": {
            "transaction_type": "technology_transfer",
            "description": "Licence of LFP cathode sintering process know-how to a JV in Morocco",
            "parameters": {
                "compaction_density_g_cm3": 2.6,
                "specific_capacity_mah_g": 162,
                "first_cycle_efficiency_pct": 97.2,
            },
            "origin_country": "CN",
            "destination_country": "MA",
            "military_end_use": False,
            "counterparty": {"name": "Example JV SARL", "country": "MA"},
            "as_of": "2026-11-28",
            "reference": "PO-4711",
        },
    },
    "material_export": {
        "summary": "Material export: lithium-ion cells",
        "description": "Goods with a customs code and the energy density the control turns on.",
        "value": {
            "transaction_type": "material_export",
            "description": "Prismatic lithium-ion battery cells, NCM, 3.7 V 100 Ah",
            "parameters": {"cell_energy_density_wh_kg": 310},
            "hs_code": "85076000",
            "destination_country": "DE",
            "military_end_use": False,
            "counterparty": {"name": "Beispiel Batterie GmbH", "country": "DE"},
            "as_of": "2026-11-28",
            "reference": "SO-2026-0815",
        },
    },
    "equipment_sale": {
        "summary": "Equipment sale: roller hearth kiln",
        "description": "Production equipment for a cathode plant abroad.",
        "value": {
            "transaction_type": "equipment_sale",
            "description": "Roller hearth kiln for sintering LFP cathode material, 60 m, 4 rows",
            "destination_country": "HU",
            "counterparty": {"name": "Példa Kft.", "country": "HU"},
            "as_of": "2026-11-28",
            "reference": "Q-3390",
        },
    },
    "engineer_hire": {
        "summary": "Engineer hire: cathode process engineer abroad",
        "description": "A person whose know-how leaves China; the work country decides.",
        "value": {
            "transaction_type": "engineer_hire",
            "description": "Hire of a senior process engineer for a European cathode plant",
            "engineer": {
                "expertise": "lithium iron phosphate cathode synthesis and sintering",
                "role": "senior process engineer",
                "former_employer": "a Chinese cathode material producer",
                "work_country": "HU",
            },
            "destination_country": "HU",
            "as_of": "2026-11-28",
            "reference": "HR-2026-112",
        },
    },
}

BULK_EXAMPLES: dict[str, dict[str, Any]] = {
    "order_lines": {
        "summary": "Three lines of a sales order, one of them misspelt",
        "description": "The second item names an unknown field: it alone is answered with a 422 "
        "entry; the other two are screened and stored.",
        "value": [
            SCREENING_EXAMPLES["material_export"]["value"],
            {
                "transaction_type": "material_export",
                "description": "Gallium arsenide wafers, 6 inch",
                "destination_countri": "DE",
                "reference": "SO-2026-0815/2",
            },
            SCREENING_EXAMPLES["equipment_sale"]["value"],
        ],
    },
}
