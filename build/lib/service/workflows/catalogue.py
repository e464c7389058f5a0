"""Catalogue search: which categories of the rule set in service match a reader's filters."""

from service.engine.loader import RuleSet
from service.engine.normalise import fold
from service.engine.schema import Category, Control, Instrument, TransactionType


def find_categories(
    ruleset: RuleSet,
    *,
    q: str | None = None,
    instrument: str | None = None,
    control: Control | None = None,
    transaction_type: TransactionType | None = None,
) -> list[tuple[Instrument, Category]]:
    """The categories passing every filter, ordered by instrument and id; `q`'s words must all
    appear (case- and width-folded) in the id, number, titles, terms, HS codes or summary."""
    words = fold(q).split() if q else []
    found = []
    for owner, category in ruleset.categories.values():
        if instrument and owner.id != instrument:
            continue
        if control and category.control is not control:
            continue
        if transaction_type and transaction_type not in category.applies_to:
            continue
        if words and not _contains_all(_haystack(category), words):
            continue
        found.append((owner, category))
    return sorted(found, key=lambda pair: (pair[0].id, pair[1].id))


def _contains_all(text: str, words: list[str]) -> bool:
    return all(word in text for word in words)


def _haystack(category: Category) -> str:
    fields = [category.id, category.item_number or "", category.title, category.title_zh or ""]
    fields += [category.summary, *category.terms, *category.terms_zh, *category.hs_codes]
    return fold(" | ".join(fields))
