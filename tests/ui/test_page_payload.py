"""What a session is sent does not grow with the record (issue 20 item 2): the data-driven filters' option lists are
bounded (``registry.OPTIONS_SHOWN``), a link's value beyond the bound stays selected and shown, and the scope note's
list is sent only once opened. Counts, not sizes: ``benchmarks/page_payload.py`` prints the bytes."""

from __future__ import annotations

import pytest

from dashboard.query import registry
from dashboard.query.aggregate import distinct_values
from dashboard.ui.widgets import offered
from tests.factories import bundled_incidents
from tests.ui.opened import open_more_filters
from tests.ui.test_app import open_page, qp, store  # noqa: F401  (store: autouse)

BOUND = 4


@pytest.fixture
def names() -> list[str]:
    return distinct_values(bundled_incidents(), "perpetrators", split=";")


def actor_box(at):
    return at.sidebar.multiselect(key="f_actor")


def test_offered_keeps_the_selected_and_the_first_matches():
    values = [f"name {i:03}" for i in range(500)]
    assert offered(values[:10], [], "", str, 10) == values[:10]  # under the bound: all of them
    assert offered(values, [], "", str, 10) == values[:10]
    assert offered(values, ["name 400"], "", str, 10) == [*values[:10], "name 400"]
    assert offered(values, [], "NAME 12", str, 10) == values[120:130]
    assert offered(values, ["name 001"], "4", str, 3) == ["name 001", "name 004", "name 014", "name 024"]


def test_the_option_list_is_bounded_whatever_the_number_of_names(monkeypatch, names):
    assert len(names) > 2 * BOUND  # the bundled record names more perpetrators than the bound
    monkeypatch.setattr(registry, "OPTIONS_SHOWN", BOUND)
    at = open_more_filters(open_page("map"))
    assert actor_box(at).options == names[:BOUND]
    assert all(len(m.options) <= max(BOUND, len(f.choices)) for m in at.sidebar.multiselect
               for f in registry.FILTERS if f"f_{f.name}" == m.key)
    assert at.sidebar.text_input(key="f_actor_narrow")  # the way to the others
    wanted = names[-1]
    at.sidebar.text_input(key="f_actor_narrow").set_value(wanted).run()
    assert wanted in actor_box(at).options and len(actor_box(at).options) <= BOUND
    actor_box(at).set_value([wanted]).run()
    assert qp(at, "actor") == [wanted]


def test_a_link_beyond_the_bound_is_applied_and_shown(monkeypatch, names):
    monkeypatch.setattr(registry, "OPTIONS_SHOWN", BOUND)
    wanted = names[-1]
    assert wanted not in names[:BOUND]
    at = open_more_filters(open_page("map", actor=wanted))
    assert actor_box(at).value == [wanted]
    assert wanted in actor_box(at).options and len(actor_box(at).options) == BOUND + 1
    assert qp(at, "actor") == [wanted]


def test_a_short_list_has_no_narrowing_box(names):
    assert len(names) <= registry.OPTIONS_SHOWN
    at = open_more_filters(open_page("map"))
    assert actor_box(at).options == names
    assert not [t for t in at.sidebar.text_input if t.key == "f_actor_narrow"]


def test_clear_all_filters_empties_the_narrowing_text(monkeypatch, names):
    monkeypatch.setattr(registry, "OPTIONS_SHOWN", BOUND)
    at = open_more_filters(open_page("map"))
    at.sidebar.text_input(key="f_actor_narrow").set_value(names[-1]).run()
    assert actor_box(at).options != names[:BOUND]
    next(b for b in at.sidebar.button if b.label == "Clear all filters").click().run()
    assert at.sidebar.text_input(key="f_actor_narrow").value == ""
    assert actor_box(at).options == names[:BOUND]
