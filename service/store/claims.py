"""Picking one row that no other process picks at the same time: the first step of a claim.

Job leases (store/jobs.py) and webhook-delivery leases (store/deliveries.py) both start here,
then write their lease on the row in the same transaction and commit.
"""

from typing import Any

from sqlalchemy import Select
from sqlmodel import Session


def lock_first(session: Session, pick: Select[Any]) -> Any | None:  # noqa: ANN401 - a row id
    """The first value `pick` selects, its row locked for the session's transaction, or None
    (the transaction then rolled back). Run it on a session that has not begun a transaction.

    It looks without a lock first: an idle poll finds nothing and takes no lock, so on SQLite
    every writer of the file does not queue behind it. PostgreSQL then locks with
    `FOR UPDATE SKIP LOCKED`; SQLite takes the database's write lock (`BEGIN IMMEDIATE`) before
    the read, so no other process can pick between the two.
    """
    if session.connection().execute(pick).first() is None:
        session.rollback()
        return None
    session.rollback()
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    found = connection.execute(pick.with_for_update(skip_locked=True)).scalar()
    if found is None:
        session.rollback()
    return found
