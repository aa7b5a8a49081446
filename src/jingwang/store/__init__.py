"""The knowledge store: indicators, sightings, findings, cases, gangs, units, clues, users, audit.

SQLite (one file, WAL) by default, PostgreSQL at scale, same models and Alembic migrations.
:mod:`jingwang.store.db` opens and initialises a store, :mod:`jingwang.store.models` defines the
tables, :mod:`jingwang.store.repository` is what other packages call to read and write.
"""
