"""Alembic environment of the jingwang knowledge store.

:func:`jingwang.store.db.init_store` runs the migrations on a connection it hands over in
``config.attributes["connection"]``. A developer writing a new revision uses the ``alembic.ini``
beside this file (``alembic -c src/jingwang/store/migrations/alembic.ini revision
--autogenerate -m "..."``); the URL then comes from ``-x db=URL``, ``$JINGWANG_DB`` or the
default store.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, pool

from jingwang.store.db import _create_engine, resolve_db_url
from jingwang.store.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return resolve_db_url(context.get_x_argument(as_dictionary=True).get("db"))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Write the SQL to stdout instead of running it (``alembic upgrade head --sql``)."""
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on a fresh one to the store's URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = _create_engine(_url(), foreign_keys=False, poolclass=pool.NullPool)
    try:
        with engine.connect() as fresh:
            _run(fresh)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
