"""The Review page in-process (AppTest): a pair waiting with its evidence, both reports and a map of both places;
linking it makes one incident (the caption changes) and keeps the person's name and reason; the map card of a
merged incident shows its reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data.importer import import_file
from dashboard.data.store import STORE_ENV, load_store
from tests.factories import NEAR_SIRAKORO, acled_file
from tests.ui.test_app import _walk, captions, map_component

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A fresh store with the ACLED overlap fixture (six reports joining bundled incidents) and one report that
    waits for review (same day and commune as SEG-2026-002, 15 km away, no common name)."""
    path = tmp_path / "incidents.gpkg"
    import_file(FIXTURES / "acled_segou_overlap.csv", path)
    import_file(acled_file(tmp_path / "near.csv", **NEAR_SIRAKORO), path)
    monkeypatch.setenv(STORE_ENV, str(path))
    return path


def page_script(page: str) -> None:
    from dashboard.ui.main import main

    main(default=page)


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_function(page_script, args=(page,), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html_bodies(at) -> list[str]:
    return [el.proto.body for el in _walk(at.main) if getattr(el, "type", None) == "html"]


def incident_count(store) -> int:
    return len(load_store(store, write_cache=False).incidents)


def test_review_links_a_pair_and_the_caption_changes(store):
    n = incident_count(store)
    at = open_page("review", scope="all")  # every incident counted, so that a link shows in the caption
    assert f"Showing {n} of {n} incidents" in captions(at)[0]
    options = at.selectbox(key="review_pair").options
    assert options[0] == "69 · ACLED-R1 ~ SEG-2026-002"  # best first (ties by report id); the bundled pairs follow
    assert len(options) == sum(d.verdict == "pending" for d in load_store(store, write_cache=False).decisions)
    assert any("same day · same commune" in m.value for m in at.markdown)
    bodies = html_bodies(at)
    assert any('data-incident-id="ACLED-R1"' in b for b in bodies)
    assert any('data-incident-id="SEG-2026-002"' in b for b in bodies)
    script = map_component(at)["script"]
    assert script.count("incident-marker precision-") == 2 and "pair-line" in script
    at.text_input(key="review_author").set_value("Awa")
    at.text_input(key="review_reason").set_value("the same ambush on the Macina road")
    at.button(key="review_link").click().run()
    assert not at.exception
    assert f"Showing {n - 1} of {n - 1} incidents" in captions(at)[0]
    assert "69 · ACLED-R1 ~ SEG-2026-002" not in at.selectbox(key="review_pair").options
    assert len(at.selectbox(key="review_pair").options) == len(options) - 1
    decision = next(d for d in load_store(store, write_cache=False).decisions if d.a == "ACLED-R1")
    assert (decision.verdict, decision.author, decision.reason) == ("linked", "Awa",
                                                                     "the same ambush on the Macina road")


def test_a_decision_needs_a_reason(store):
    n = incident_count(store)
    at = open_page("review", scope="all")
    at.button(key="review_apart").click().run()
    assert any("every decision needs a reason" in e.value for e in at.error)
    assert f"Showing {n} of {n} incidents" in captions(at)[0]


def test_the_map_card_lists_the_reports_of_a_merged_incident(store):
    at = open_page("map", sel="SEG-2025-007")
    card = next(b for b in html_bodies(at) if 'data-incident-id="SEG-2025-007"' in b)
    assert "2 reports of this incident" in card and "ACLED-MLI39003" in card
    assert "disputed: the reports give at least 6 vs 27" in card
    assert "SEG-2025-007 · " in map_component(at)["script"] and " · 2 reports" in map_component(at)["script"]


def test_a_cited_report_id_selects_its_incident(store):
    at = open_page("map", sel="ACLED-MLI39001")
    assert any('data-incident-id="SEG-2025-008"' in b for b in html_bodies(at))


def test_the_evidence_is_said_in_the_page_language(store):
    english = " ".join(m.value for m in open_page("review", scope="all").markdown)
    assert "**Evidence** (69 points): same day · same commune · 15 km apart · " in english
    french = " ".join(m.value for m in open_page("review", scope="all", lang="fr").markdown)
    assert ("**Éléments** (69 points) : même jour · même commune · à 15 km l'un de l'autre · " in french
            and r"tués \: 3 contre 3" in french), french  # escaped for Markdown
    assert "same day" not in french and "apart" not in french
