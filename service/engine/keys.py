"""What an indexed term belongs to: the typed keys the engine files every rule term under.

Each kind of owner has its own frozen class, so two owners with the same ids but different
roles (a category's terms and its exclusion terms) never collide in a hit table.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CategoryKey:
    """A category's own terms, English and Chinese: a hit is a candidate match."""

    category_id: str


@dataclass(frozen=True, slots=True)
class NotTermKey:
    """A category's exclusion terms: a hit marks the category down."""

    category_id: str


@dataclass(frozen=True, slots=True)
class CeilingKey:
    """Terms implying an upper bound for one parameter (by position) of a category."""

    category_id: str
    parameter: int
    ceiling: int


@dataclass(frozen=True, slots=True)
class UnlessKey:
    """Terms that cancel the ceiling with the same category, parameter and position."""

    category_id: str
    parameter: int
    ceiling: int


@dataclass(frozen=True, slots=True)
class DomainKey:
    """An instrument's domain net (by position): words that need a matched item to explain them."""

    instrument_id: str
    position: int


@dataclass(frozen=True, slots=True)
class InformalKey:
    """An informal measure's terms: a hit adds its advisory."""

    measure_id: str


IndexKey = CategoryKey | NotTermKey | CeilingKey | UnlessKey | DomainKey | InformalKey
