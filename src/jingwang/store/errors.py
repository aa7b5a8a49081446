"""Errors raised by the knowledge store.

All of them derive from :class:`StoreError`, so a command can catch one type and print one
clear line. Those that mean "bad argument" also derive from :class:`ValueError` or
:class:`LookupError`, so generic callers may catch them the usual way.
"""

from __future__ import annotations


class StoreError(Exception):
    """Something about the knowledge store is wrong; the message says what and what to do."""


class StoreNotInitialised(StoreError):
    """The store was never initialised, or its schema is older: run `jingwang init`."""


class InvalidTransition(StoreError, ValueError):
    """A clue was asked to move to a status its current status does not allow."""


class NotFound(StoreError, LookupError):
    """The object asked for is not in the store."""


class Duplicate(StoreError, ValueError):
    """An object that must be unique already exists."""
