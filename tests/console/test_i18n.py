"""Every message the console shows has its Chinese: a message missing from the catalogue would
show English on a Chinese page."""

from __future__ import annotations

import re
from pathlib import Path

import jingwang.api.console as console
from jingwang.api.console.i18n import ZH, pick_language, translator

FOLDER = Path(console.__file__).parent
# _("…") or _('…') with a literal message (not a variable), in templates and page modules.
LITERAL = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def _messages() -> dict[str, str]:
    import importlib

    from jingwang.api.console import mount_console  # noqa: F401  (imports every page module)

    for module in ("routes_home", "routes_clues", "routes_dashboard", "routes_findings",
                   "routes_reports", "routes_search"):
        importlib.import_module(f"jingwang.api.console.{module}")
    found: dict[str, str] = {}
    for path in sorted(FOLDER.glob("templates/*.html")) + sorted(FOLDER.glob("*.py")):
        for match in LITERAL.finditer(path.read_text(encoding="utf-8")):
            found[match.group(1) or match.group(2)] = path.name
    return found


def test_every_literal_message_has_a_chinese_translation() -> None:
    messages = _messages()
    assert len(messages) > 50
    missing = {m: where for m, where in messages.items() if m not in ZH}
    assert missing == {}


def test_the_translator_fills_values_in_either_language() -> None:
    assert translator("zh")("Welcome, {name}", name="王警官") == "欢迎，王警官"
    assert translator("en")("Welcome, {name}", name="Wang") == "Welcome, Wang"
    assert translator("zh")("a message nobody translated") == "a message nobody translated"


def test_the_language_is_chinese_unless_english_is_asked_for() -> None:
    assert pick_language(None, None) == "zh"
    assert pick_language("en", None) == "en"
    assert pick_language(None, "en") == "en"
    assert pick_language("fr", "xx") == "zh"
