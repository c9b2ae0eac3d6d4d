"""Open, in a page run by AppTest, the parts built only once opened: "Cite this view", "More filters"."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.ui.common import CITE_OPEN_KEY
from dashboard.ui.widgets import MORE_OPEN_KEY


def set_open(at: AppTest, key: str, is_open: bool = True) -> AppTest:
    """What opening (or closing) a lazy popover or expander does: its state set under ``key``, the page run again."""
    at.session_state[key] = is_open
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_cite(at: AppTest) -> str:
    """Open "Cite this view"; the cite line it then shows."""
    return set_open(at, CITE_OPEN_KEY).code[-1].value


def popovers(at: AppTest) -> list:
    """Every popover block of the page, in order."""
    def walk(node):
        if getattr(node, "type", None) == "popover":
            yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)
    return list(walk(at.main))


def open_more_filters(at: AppTest) -> AppTest:
    """Open "More filters" (its widgets are drawn)."""
    return set_open(at, MORE_OPEN_KEY)
