"""What the clue tests share: a fixed clock, real indicators with known regions, a unit lookup."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from jingwang.store.models import Unit

T0 = datetime(2024, 7, 31, 16, 30, tzinfo=UTC)
"""00:30 on 1 August 2024 in Beijing: what the injected clock starts at."""

NANTONG_MOBILE = "+8613806280000"  # phonenumbers: 江苏省南通市
NANAN_ID_CARD = "350583199001011238"  # GB 11643-valid, issued in 350583 福建省泉州市南安市
TREE_REGIONS = ("320602", "320614", "350583")  # 崇川区 and 海门区 of 南通, 南安市 of 泉州


def unit(session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()
