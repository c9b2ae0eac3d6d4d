""""More filters" is drawn only once opened (Streamlit's lazy expander): closed, its filters still apply, a link's
value among them is kept, and a value chosen inside survives closing and reopening it."""

from __future__ import annotations

from dashboard.query.spec import FilterSpec
from dashboard.ui.widgets import MORE_OPEN_KEY
from tests.ui.opened import open_more_filters, set_open
from tests.ui.test_app import captions, expected_sentence, open_page, qp, store  # noqa: F401  (store: autouse)


def number_keys(at) -> list[str]:
    return [n.key for n in at.sidebar.number_input]


def close_more_filters(at):
    return set_open(at, MORE_OPEN_KEY, False)


def test_closed_it_draws_none_of_its_widgets_and_a_link_s_value_applies():
    at = open_page("map", min_killed="10")
    assert "f_min_killed" not in number_keys(at) and "f_actor" not in [m.key for m in at.sidebar.multiselect]
    assert expected_sentence(FilterSpec(min_fatalities=10)) in captions(at)
    assert qp(at, "min_killed") == ["10"]
    open_more_filters(at)
    assert at.sidebar.number_input(key="f_min_killed").value == 10


def test_a_value_chosen_inside_survives_closing_and_reopening():
    at = open_more_filters(open_page("map"))
    at.sidebar.number_input(key="f_min_killed").set_value(20).run()
    wanted = expected_sentence(FilterSpec(min_fatalities=20))
    assert wanted in captions(at)
    for _ in range(2):  # closed for more than one run: Streamlit drops an undrawn widget's state after a run
        close_more_filters(at)
        assert "f_min_killed" not in number_keys(at)
        assert wanted in captions(at) and qp(at, "min_killed") == ["20"]
    open_more_filters(at)
    assert at.sidebar.number_input(key="f_min_killed").value == 20
    assert wanted in captions(at)


def test_clear_all_filters_clears_them_while_closed():
    at = open_page("map", min_killed="10")
    next(b for b in at.sidebar.button if b.label == "Clear all filters").click().run()
    assert expected_sentence(FilterSpec()) in captions(at)
    open_more_filters(at)
    assert at.sidebar.number_input(key="f_min_killed").value == 0
