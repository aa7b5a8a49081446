"""Console pages (being built)."""

from jingwang.api.console.web import PREFIX
from jingwang.api.deps import StoreRouter

router = StoreRouter(prefix=PREFIX, include_in_schema=False)
