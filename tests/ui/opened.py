"""Open, in a page run by AppTest, the parts built only once opened: "Cite this view", "More filters"."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.ui.common import CITE_OPEN_KEY
from dashboard.ui.widgets import MORE_OPEN_KEY


def open_cite(at: AppTest) -> str:
    """What opening the popover does (its state set, the page run again); the cite line it then shows."""
    at.session_state[CITE_OPEN_KEY] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.code[-1].value


def popovers(at: AppTest) -> list:
    """Every popover block of the page, in order."""
    def walk(node):
        if getattr(node, "type", None) == "popover":
            yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)
    return list(walk(at.main))


def open_more_filters(at: AppTest) -> AppTest:
    """What opening "More filters" does: its state set, the page run again (its widgets are drawn)."""
    at.session_state[MORE_OPEN_KEY] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
