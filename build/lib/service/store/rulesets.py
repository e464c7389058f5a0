"""The rule-set versions the service has loaded: one row per start-up."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from service.store.tables import RulesetLoad, as_utc, utcnow


@dataclass(frozen=True)
class SeenRuleset:
    """One digest the service has loaded, with its first and latest load times."""

    version: str
    digest: str
    first_loaded_at: datetime
    last_loaded_at: datetime
    loads: int


def add_load(*, session: Session, version: str, digest: str) -> tuple[RulesetLoad, bool]:
    """Record a start-up's rule set; also say whether this digest is new after another one."""
    previous = list(session.exec(select(RulesetLoad.digest).distinct()))
    row = RulesetLoad(id=str(uuid.uuid4()), version=version, digest=digest, loaded_at=utcnow())
    session.add(row)
    session.commit()
    session.refresh(row)
    return row, bool(previous) and digest not in previous


def list_seen(*, session: Session) -> list[SeenRuleset]:
    """Every digest loaded so far, most recently loaded first."""
    seen: dict[str, SeenRuleset] = {}
    for row in session.exec(select(RulesetLoad).order_by(col(RulesetLoad.loaded_at))):
        first = seen.get(row.digest)
        seen[row.digest] = SeenRuleset(
            version=row.version,
            digest=row.digest,
            first_loaded_at=first.first_loaded_at if first else as_utc(row.loaded_at),
            last_loaded_at=as_utc(row.loaded_at),
            loads=(first.loads if first else 0) + 1,
        )
    return sorted(seen.values(), key=lambda s: s.last_loaded_at, reverse=True)
