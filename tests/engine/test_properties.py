"""Properties of the engine over generated requests: any valid request gets exactly one of the
four decisions without raising, `unknown` always says what is missing, and screening is
deterministic, byte for byte, across calls and across engines built from the same rules."""

from datetime import date
from functools import cache

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from service.engine import Decision, Engine, ScreeningRequest, load_ruleset
from service.engine.parameters import PARAMETERS
from service.engine.schema import TransactionType
from tests.conftest import RULES

TODAY = date(2026, 11, 28)


@cache
def _vocabulary() -> tuple[list[str], list[str]]:
    """Every English and Chinese term (and exclusion) and HS code of the real rules: text that
    matches. Loaded at the first draw, not at import, so a bad rule file fails one test."""
    ruleset = load_ruleset(RULES)
    categories = [category for _, category in ruleset.categories.values()]
    terms = {t for c in categories for t in (*c.terms, *c.terms_zh, *c.not_terms)}
    return sorted(terms), sorted({code for c in categories for code in c.hs_codes})


NOISE = ["6 inch", "99.999%", "300 Wh/kg", "know-how", "工艺", "用于", "licence to", "JV", "!!"]
COUNTRIES = ["CN", "DE", "US", "MA", "HU", "JP", "KR", "VN", "RU", "IR", "HK", "TW", "XX"]

rule_terms = st.deferred(lambda: st.sampled_from(_vocabulary()[0]))
rule_hs_codes = st.deferred(lambda: st.sampled_from(_vocabulary()[1]))
words = st.one_of(rule_terms, st.sampled_from(NOISE), st.text(min_size=1, max_size=20))
descriptions = st.lists(words, min_size=1, max_size=6).map(" ".join)
countries = st.one_of(st.sampled_from(COUNTRIES), st.from_regex(r"\A[A-Z]{2}\Z"))


@st.composite
def parameter_values(draw: st.DrawFn) -> dict[str, float]:
    """Some canonical parameters, each within its allowed range."""
    names = draw(st.lists(st.sampled_from(sorted(PARAMETERS)), max_size=3, unique=True))
    values = {}
    for name in names:
        spec = PARAMETERS[name]
        top = spec.maximum if spec.maximum is not None else 1e6
        values[name] = draw(st.floats(min_value=spec.minimum, max_value=top, allow_nan=False))
    return values


requests = st.builds(
    dict,
    transaction_type=st.sampled_from([t.value for t in TransactionType]),
    description=descriptions,
    parameters=parameter_values(),
    hs_code=st.one_of(st.none(), rule_hs_codes, st.from_regex(r"\A[0-9]{4,10}\Z")),
    origin_country=st.one_of(st.just("CN"), countries),
    destination_country=st.one_of(st.none(), countries),
    military_end_use=st.one_of(st.none(), st.booleans()),
    counterparty=st.one_of(
        st.none(), st.builds(dict, name=words, country=st.one_of(st.none(), countries))
    ),
    engineer=st.one_of(
        st.none(),
        st.builds(
            dict,
            expertise=descriptions,
            role=words,
            former_employer=words,
            work_country=st.one_of(st.none(), countries),
        ),
    ),
    as_of=st.one_of(st.none(), st.dates(date(2015, 1, 1), date(2031, 12, 31))),
)


def valid(fields: dict) -> ScreeningRequest:
    """The request, or a rejected example when the model does not accept it (blank text)."""
    try:
        return ScreeningRequest.model_validate(fields)
    except ValidationError:
        assume(False)
        raise


@pytest.fixture(scope="module")
def twin() -> Engine:
    """A second engine built from the same rules folder."""
    return Engine(load_ruleset(RULES))


PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(fields=requests)
def test_every_valid_request_gets_exactly_one_decision(engine: Engine, fields: dict):
    request = valid(fields)
    result = engine.screen(request, today=TODAY)
    assert result.decision in set(Decision)
    assert all(result.decision.severity >= Decision(m.decision).severity for m in result.matches)
    if result.decision is Decision.unknown:
        assert result.missing_information, "unknown must say what is missing"
    assert result.explanation


@PROPERTY
@given(fields=requests)
def test_screening_is_deterministic(engine: Engine, twin: Engine, fields: dict):
    request = valid(fields)
    first = engine.screen(request, today=TODAY).model_dump_json()
    assert engine.screen(request, today=TODAY).model_dump_json() == first
    assert twin.screen(request.model_copy(deep=True), today=TODAY).model_dump_json() == first
