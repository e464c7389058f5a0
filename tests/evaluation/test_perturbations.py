"""A controlled rule example written with a typo, in another script or word order, in capitals
or with order-line noise must never be answered `allowed`."""

from service.config import PROJECT_DIR
from service.engine import Engine, load_ruleset
from service.evaluation.perturb import full_width, swapped_chinese_order, typos, variants
from service.evaluation.stability import perturbation_stability


def test_no_perturbed_controlled_example_is_allowed() -> None:
    engine = Engine(load_ruleset(PROJECT_DIR / "rules"))
    report = perturbation_stability(engine)
    assert sum(report.screened.values()) > 1000
    shown = "\n".join(
        f"  {s.category_id} [{s.kind}]: {s.perturbed!r} (was {s.original!r})" for s in report.slips
    )
    assert not report.slips, f"{len(report.slips)} perturbed examples came out allowed:\n{shown}"


def test_typos_change_one_letter_of_the_longest_words() -> None:
    assert list(typos("Spherical graphite for anodes")) == [
        "Spheeical graphite for anodes",
        "Spherical grapeite for anodes",
        "Spherical graphite for anoees",
    ]


def test_chinese_order_swaps_element_and_metal() -> None:
    assert swapped_chinese_order("金属锗锭") == "锗金属锭"
    assert swapped_chinese_order("锑金属锭") == "金属锑锭"


def test_variants_leave_out_copies_equal_to_the_original() -> None:
    kinds = [v.kind for v in variants("锂")]
    assert kinds == ["traditional", "noise"]
    assert full_width("LFP 5N") == "ＬＦＰ ５Ｎ"
