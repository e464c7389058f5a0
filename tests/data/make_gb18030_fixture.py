"""Writes a batch CSV in GB18030, as Chinese ERPs export it.

Run `python -m tests.data.make_gb18030_fixture OUT.csv [ROWS]` (default 10,000 rows).
"""

import csv
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

HEADER = [
    "reference",
    "transaction_type",
    "description",
    "destination_country",
    "hs_code",
    "purity_pct",
    "parameters",
    "备注",
]
TEMPLATES = [
    (
        "material_export",
        "高纯镓金属锭 high-purity gallium metal ingots",
        "US",
        "8112",
        "99.9999",
        "",
    ),
    ("equipment_sale", "磷酸铁锂正极材料生产线 LFP cathode production line", "DE", "", "", ""),
    (
        "technology_transfer",
        "立方压机设计 cubic press design",
        "IN",
        "",
        "",
        '{"press_cylinder_bore_mm": 700}',
    ),
    ("material_export", "普通钢制螺栓 ordinary steel bolts", "FR", "7318", "", ""),
    ("material_export", "石墨负极材料 graphite anode material", "KR", "", "", ""),
]


def rows(count: int, *, distinct: bool = False) -> Iterator[list[str]]:
    """`count` data rows cycling through a few deals, each with a unique reference.

    `distinct` gives every row's description its own lot number, so no two rows are the same
    line (the words a lot number adds match no rule: each deal's answer stays as it is).
    """
    for index in range(count):
        kind, description, country, hs_code, purity, parameters = TEMPLATES[index % len(TEMPLATES)]
        yield [
            f"ERP-{index + 1:07d}",
            kind,
            f"{description} lot {index + 1:07d}" if distinct else description,
            country,
            hs_code,
            purity,
            parameters,
            "出口订单",
        ]


def write(path: Path, count: int, encoding: str = "gb18030", *, distinct: bool = False) -> Path:
    """Write the header and `count` rows (see rows()) to `path` in `encoding`."""
    return write_csv(path, HEADER, rows(count, distinct=distinct), encoding)


def write_csv(path: Path, header: list[str], data: Iterable[list[str]], encoding: str) -> Path:
    """Write a header and data rows to `path` as CSV in `encoding`."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(data)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "gb18030-10k.csv")
    write(target, int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
    print(f"wrote {target}")
