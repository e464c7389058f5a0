"""The party-matching report counts hits on listed names and on names known to be unlisted."""

from service.config import PROJECT_DIR
from service.engine import Engine, load_ruleset
from service.evaluation.party_matching import party_matching


def test_listed_names_are_recalled_and_ordinary_firms_raise_nothing() -> None:
    engine = Engine(load_ruleset(PROJECT_DIR / "rules"))
    case = {
        "listed_as": "Lockheed Martin Missiles and Fire Control",
        "request": {"parties": [{"name": "Lockheed Martin Missiles & Fire Control"}]},
    }
    unlisted = [{"name": "Nestlé S.A.", "country": "CH"}, {"name": "BASF SE", "country": "DE"}]
    report = party_matching(engine, [case], unlisted)
    assert (report.listed, report.found) == (1, 1)
    assert (report.hits, report.possible_hits) == (0, 0)
    assert report.recall == report.precision_on_unlisted == 1.0
