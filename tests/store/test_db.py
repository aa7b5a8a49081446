"""Opening, initialising and migrating the store; sessions are all-or-nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from jingwang.store import db
from jingwang.store.db import (
    default_db_url,
    head_revision,
    init_store,
    make_engine,
    open_store,
    resolve_db_url,
    session_scope,
    store_revision,
)
from jingwang.store.errors import StoreError, StoreNotInitialised
from jingwang.store.models import Base
from jingwang.store.repository import SightingIn, add_finding, add_sightings, store_counts


def test_resolve_prefers_argument_then_env_then_default(monkeypatch, tmp_path):
    monkeypatch.setattr(db, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    monkeypatch.delenv("JINGWANG_DB", raising=False)
    assert resolve_db_url() == f"sqlite:///{tmp_path / 'data' / 'jingwang.db'}"
    assert (tmp_path / "data").is_dir()
    assert default_db_url() == resolve_db_url()

    monkeypatch.setenv("JINGWANG_DB", "sqlite:///from-env.db")
    assert resolve_db_url() == "sqlite:///from-env.db"
    assert resolve_db_url("sqlite:///explicit.db") == "sqlite:///explicit.db"


def test_resolve_bare_path_is_sqlite_and_postgres_gets_psycopg(tmp_path):
    assert resolve_db_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_db_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_db_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_db_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(url)
    assert make_engine(url) is engine
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
    db.dispose_engines()


def test_init_reaches_head_and_is_idempotent(store_url):
    assert store_revision(store_url) is None
    revision = init_store(store_url)
    assert revision == head_revision() == store_revision(store_url)
    assert init_store(store_url) == revision
    engine = open_store(store_url)
    with session_scope(engine) as session:
        assert set(store_counts(session).values()) == {0}


def test_migrations_match_the_models(store_url):
    init_store(store_url)
    with make_engine(store_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_uninitialised_store_is_refused_with_a_hint(store_url):
    with pytest.raises(StoreNotInitialised, match="jingwang init"):
        open_store(store_url)


def test_store_downgraded_to_nothing_is_refused_then_rebuilt(store_url):
    init_store(store_url)
    with make_engine(store_url).begin() as connection:
        command.downgrade(db._alembic_config(connection), "base")
    with pytest.raises(StoreNotInitialised, match="jingwang init"):
        open_store(store_url)
    assert init_store(store_url) == head_revision()
    open_store(store_url)


def test_store_from_a_newer_version_is_refused(store_url):
    init_store(store_url)
    with make_engine(store_url).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    with pytest.raises(StoreError, match="newer") as caught:
        open_store(store_url)
    assert not isinstance(caught.value, StoreNotInitialised)


def test_store_behind_head_is_refused(store_url, monkeypatch):
    init_store(store_url)
    monkeypatch.setattr(db, "head_revision", lambda: "9999")
    known = db._known_revisions() | {"9999"}
    monkeypatch.setattr(db, "_known_revisions", lambda: known)
    with pytest.raises(StoreNotInitialised, match=r"behind 9999.*jingwang init"):
        open_store(store_url)


def test_unreachable_store_gives_store_error():
    with pytest.raises(StoreError, match="cannot open"):
        store_revision("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_failing_batch_stores_nothing(store_engine):
    rows = [
        SightingIn("phone", "+8613812345678", "posts", "r1", 0, 11, "13812345678", "加V"),
        SightingIn("qq", "12345678", "posts", "r1", 20, 28, "12345678", "QQ"),
    ]
    with pytest.raises(ValueError, match="category"), session_scope(store_engine) as session:
        assert add_sightings(session, rows) == 2
        add_finding(session, "content", "fraud", 0.9, "刷单返利", indicators=[("qq", "12345678")])
        add_finding(session, "content", "no_such_category", 0.5, "bad")
    with pytest.raises(RuntimeError), session_scope(store_engine) as session:
        add_sightings(session, rows)
        raise RuntimeError("disk on fire")
    with session_scope(store_engine) as session:
        assert set(store_counts(session).values()) == {0}


def test_committed_batch_is_visible_to_a_new_session(store_engine):
    seen = datetime(2024, 5, 1, 12, tzinfo=UTC)
    with session_scope(store_engine) as session:
        add_sightings(session, [SightingIn("qq", "10001", "posts", "r1", 0, 5, "10001", "", seen)])
    with session_scope(store_engine) as session:
        counts = store_counts(session)
    assert counts["indicators"] == 1
    assert counts["sightings"] == 1
