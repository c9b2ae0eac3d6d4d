"""What a researcher meets in the first hour (issue 19), in the app in-process: the default count and its note, the
statement of what the record is, the citation link."""

from __future__ import annotations

import pytest
from pandas.testing import assert_frame_equal

from dashboard.query.filters import filter_incidents
from dashboard.query.scope import RECORD_STATEMENT, left_out
from dashboard.query.spec import FilterSpec
from dashboard.settings import PUBLIC_URL_ENV
from dashboard.ui.common import SCOPE_LIST_OPEN_KEY, left_out_table
from tests.factories import bundled_incidents
from tests.ui.opened import open_cite, open_more_filters
from tests.ui.test_app import captions, expected_sentence, open_page, qp, store  # noqa: F401  (store: autouse)

PAGES = ("map", "timeline", "table", "story", "export", "data", "about")


def bundled_left_out(spec: FilterSpec | None = None):
    spec = spec or FilterSpec()
    bundled = bundled_incidents()  # what a fresh store counts: reports grouped into incidents
    return left_out(filter_incidents(bundled, spec), filter_incidents(bundled, spec.with_(scope="all")))


def markdown_text(at) -> str:
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_what_the_record_is(page):
    at = open_page(page)
    assert RECORD_STATEMENT in markdown_text(at)


def test_the_default_view_counts_civilian_victims_in_the_region_and_says_what_it_leaves_out():
    left = bundled_left_out()
    assert len(left) > 0
    at = open_page("map")
    assert FilterSpec().describe() in markdown_text(at)
    assert expected_sentence(FilterSpec()) in captions(at)
    assert left.sentence() in markdown_text(at)
    assert any(m.value.startswith("\\+ ") for m in at.markdown)  # escaped: not a Markdown list
    assert not at.dataframe  # the list is built only once opened: closed, nothing of it is sent
    at.session_state[SCOPE_LIST_OPEN_KEY] = True  # what opening the expander does
    at.run()
    listed = at.dataframe[0].value
    assert sorted(listed["incident"]) == sorted(left.incidents["incident_id"])
    assert listed["why it is not counted"].str.len().gt(0).all()

    at.button(key="scope_button").click().run()  # one click away
    assert not at.exception
    assert expected_sentence(FilterSpec(scope="all")) in captions(at)
    assert qp(at, "scope") == ["all"]
    assert f"including {len(left)} related incidents that the default view leaves out" in markdown_text(at)
    at.button(key="scope_button").click().run()  # and back
    assert expected_sentence(FilterSpec()) in captions(at)
    assert "scope" not in at.query_params


def test_the_note_lists_the_first_related_incidents_by_date():
    left = bundled_left_out()
    whole = left_out_table(left.incidents)
    assert len(left) > 3
    assert_frame_equal(left_out_table(left.incidents, 3), whole.head(3))
    assert whole.iloc[:, 1].is_monotonic_increasing  # by date


def test_the_note_follows_the_other_filters():
    spec = FilterSpec.from_query_params({"cercle": "Niono"})
    left = bundled_left_out(spec)
    at = open_page("table", cercle="Niono")
    assert left.sentence() in markdown_text(at)
    assert expected_sentence(spec) in captions(at)


def cite_text(at) -> str:
    open_cite(at)
    codes = [c.value for c in at.code if "dataset version" in c.value]
    assert len(codes) == 1, codes
    return codes[0]


def test_the_cite_line_says_when_its_link_works_only_on_this_computer():
    at = open_page("map", cercle="Niono")
    text = cite_text(at)
    assert text.startswith("http://127.0.0.1:8501/?cercle=Niono")
    assert "local link" in text


def test_the_cite_line_uses_the_public_address_when_one_is_set(monkeypatch):
    monkeypatch.setenv(PUBLIC_URL_ENV, "https://incidents.example.org/segou/")
    at = open_page("table", cercle="Niono")
    text = cite_text(at)
    assert text.startswith("https://incidents.example.org/segou/?cercle=Niono&page=table ")
    assert "local link" not in text


def test_the_sidebar_offers_canonical_actors_and_keeps_the_reported_names():
    from dashboard.data.actor_groups import ActorGroups

    at = open_more_filters(open_page("map"))
    assert list(at.sidebar.multiselect(key="f_group").options) == list(ActorGroups.default().actors)
    assert len(at.sidebar.multiselect(key="f_actor").options) > len(ActorGroups.default().actors)
    at.sidebar.multiselect(key="f_group").set_value(["Malian Armed Forces (FAMa)"]).run()
    spec = FilterSpec(actor_groups=frozenset({"Malian Armed Forces (FAMa)"}))
    assert expected_sentence(spec) in captions(at)
    assert qp(at, "group") == ["Malian Armed Forces (FAMa)"]
