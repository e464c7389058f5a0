"""Fixtures of the storage tests."""

import pytest
from sqlmodel import Session

from service.store import keys
from service.store.tables import Role


@pytest.fixture
def key_id(session: Session) -> str:
    """The id of a screener key, for the foreign key."""
    return keys.add_api_key(session=session, name="test", role=Role.screener)[0].id
