"""Shared fixtures: a fresh knowledge store on SQLite and on PostgreSQL.

``store_url`` runs a test twice: on a new SQLite file, and on a new schema of a database made
for this test session on the PostgreSQL at 127.0.0.1:5432 (trust auth, user ``postgres`` or
``root``), dropped at the end. Where that server does not answer, the PostgreSQL runs are
skipped with the reason. ``store_engine`` is the same store, initialised.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from jingwang.store.db import dispose_engines, init_store, open_store

PG_SERVER = "127.0.0.1:5432"
PG_USERS = ("postgres", "root")


def _pg_admin(database: str) -> tuple[Engine, str]:
    """An autocommit engine on ``database`` as the first user that gets in, and that user."""
    errors = []
    for user in PG_USERS:
        engine = create_engine(
            f"postgresql+psycopg://{user}@{PG_SERVER}/{database}",
            isolation_level="AUTOCOMMIT",
            poolclass=NullPool,
            connect_args={"connect_timeout": 5},
        )
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return engine, user
        except Exception as exc:  # any driver or network error means "not here"
            errors.append(f"{user}: {str(exc).strip().splitlines()[0]}")
    pytest.skip(f"PostgreSQL on {PG_SERVER} did not answer: {'; '.join(errors)}")


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """URL of a PostgreSQL database created for this test session (dropped afterwards)."""
    admin, user = _pg_admin("test")
    name = f"jingwang_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{PG_SERVER}/{name}"
    finally:
        dispose_engines()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """URL of an empty, uninitialised store: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        dispose_engines()
        return
    database = request.getfixturevalue("postgres_database")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{database}?options=-csearch_path%3D{schema}"
    finally:
        dispose_engines()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def store_engine(store_url: str) -> Engine:
    """The engine of an initialised store at ``store_url``."""
    init_store(store_url)
    return open_store(store_url)
