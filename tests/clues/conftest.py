"""A store holding the demo unit tree over 南通 and 南安 (see clue_world for the shared data)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from clue_world import TREE_REGIONS

from jingwang.clues.units import seed_demo_units
from jingwang.store.db import session_scope


@pytest.fixture
def tree(store_engine):
    """The store, initialised, holding the demo unit tree over :data:`TREE_REGIONS`."""
    with session_scope(store_engine) as session:
        seed_demo_units(session, TREE_REGIONS)
    return store_engine
