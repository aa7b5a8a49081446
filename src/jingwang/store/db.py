"""Opening the knowledge store: its URL, engines, sessions, and creating or migrating its schema.

The store is a SQLite file by default (no server: ``pip install`` and go) and PostgreSQL when
one machine is not enough; both run the same models and the same Alembic migrations. The URL
comes from the caller, else ``$JINGWANG_DB``, else a file in the user's data folder. A bare
path means a SQLite file.

The schema is only ever changed by :func:`init_store` (``jingwang init``), which runs the
migrations packaged in ``migrations/`` — no ``alembic.ini`` is needed at run time. Every other
command opens the store with :func:`open_store`, which refuses a store that is missing or
behind this jingwang with :class:`StoreNotInitialised`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from jingwang.store.errors import StoreError, StoreNotInitialised

ENV_VAR = "JINGWANG_DB"
"""Environment variable naming the store's URL (or a SQLite file path)."""

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another writer before giving up."""

_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def default_db_url() -> str:
    """``sqlite:///`` + ``jingwang.db`` in the user's data folder (which is created)."""
    folder = Path(user_data_dir("jingwang", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'jingwang.db'}"


def resolve_db_url(url: str | None = None) -> str:
    """The store URL to use: ``url``, else ``$JINGWANG_DB``, else :func:`default_db_url`.

    A value without ``://`` is a filesystem path to a SQLite file. ``postgresql://`` and
    ``postgres://`` select the psycopg 3 driver (``postgresql+psycopg://``).
    """
    candidate = url or os.environ.get(ENV_VAR) or ""
    candidate = candidate.strip()
    if not candidate:
        return default_db_url()
    if "://" not in candidate:
        return f"sqlite:///{Path(candidate).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if candidate.startswith(prefix):
            return "postgresql+psycopg://" + candidate[len(prefix) :]
    return candidate


def display_url(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return url


def _sqlite_pragmas(foreign_keys: bool) -> Callable[[Any, Any], None]:
    """A connect listener setting WAL, foreign keys and the busy timeout."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL is still safe against corruption and crashes of the program
            # (a power cut may lose the last commits): a commit no longer waits for an fsync,
            # which the API's audit writes on every read would otherwise queue behind.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    return on_connect


def _create_engine(url: str, *, foreign_keys: bool = True, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas(foreign_keys))
        return engine
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


def make_engine(url: str | None = None) -> Engine:
    """The engine for the store at ``url`` (resolved by :func:`resolve_db_url`), one per URL.

    SQLite connections run in WAL mode with foreign keys on and a busy timeout, so one writer
    and many readers (CLI, API, workers) can share the file.
    """
    resolved = resolve_db_url(url)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(resolved)
        if engine is None:
            engine = _ENGINES[resolved] = _create_engine(resolved)
        return engine


def dispose_engines() -> None:
    """Close every cached engine's connections and forget the engines (tests, shutdown)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back everything if it raises.

    One block is one all-or-nothing batch. Objects stay usable after the commit
    (``expire_on_commit=False``).
    """
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this jingwang ships."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StoreError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def _known_revisions() -> set[str]:
    """Every revision this jingwang ships."""
    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def init_store(url: str | None = None) -> str:
    """Create the store at ``url`` or migrate it to the newest schema; returns the revision.

    Safe to run again: a store already at head is left as it is. On SQLite the migrations run
    with foreign keys off (so table rebuilds work) and are checked with
    ``PRAGMA foreign_key_check`` before the commit.
    """
    resolved = resolve_db_url(url)
    parsed = make_url(resolved)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = _create_engine(resolved, foreign_keys=False, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
            if is_sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError(f"migration left broken foreign keys: {broken[:5]}")
            revision = _current_revision(connection)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot initialise the store at {display_url(resolved)}: {exc}") from exc
    finally:
        engine.dispose()
    if revision is None:  # pragma: no cover - upgrade to head always stamps
        raise StoreError(f"migrating {display_url(resolved)} left no revision")
    return revision


def store_revision(url: str | None = None) -> str | None:
    """The schema revision of the store at ``url``; ``None`` when it was never initialised."""
    resolved = resolve_db_url(url)
    try:
        with make_engine(resolved).connect() as connection:
            return _current_revision(connection)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the store at {display_url(resolved)}: {exc}") from exc


def open_store(url: str | None = None) -> Engine:
    """The engine of an initialised, up-to-date store; what every command but ``init`` uses.

    Raises :class:`StoreNotInitialised` (run ``jingwang init``) when the store has no schema
    or an older one, and :class:`StoreError` when it cannot be reached or is newer than this
    jingwang.
    """
    resolved = resolve_db_url(url)
    revision = store_revision(resolved)
    head = head_revision()
    where = display_url(resolved)
    if revision is None:
        raise StoreNotInitialised(
            f"the knowledge store at {where} is not initialised: run `jingwang init`"
        )
    if revision != head:
        if revision not in _known_revisions():
            raise StoreError(
                f"the knowledge store at {where} is at revision {revision}, which this jingwang"
                " does not know: it was written by a newer version"
            )
        raise StoreNotInitialised(
            f"the knowledge store at {where} is at revision {revision}, behind {head}:"
            " run `jingwang init` to migrate it"
        )
    return make_engine(resolved)
