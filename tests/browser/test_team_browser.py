"""Two app servers on one PostGIS database (a team's set-up): an import through one server is seen by the other on
its next run, and the incident card there shows the import in the incident's history."""

from __future__ import annotations

import pytest

from tests import serving
from tests.browser.conftest import recorded_page
from tests.factories import bundled_incidents, flat, row

pytestmark = [pytest.mark.browser, pytest.mark.postgis, pytest.mark.slow]


def test_an_import_through_one_server_shows_in_the_other(browser, pg_cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("INCIDENT_MAP_AUTHOR", "desk-a")
    url = pg_cluster.create_database()
    bundled = len(bundled_incidents())  # a store made by `serve` starts with the bundled dataset (as incidents)
    new = tmp_path / "team.csv"
    flat(row(incident_id="TEAM-1", location="Dougabougou <b>team</b>", summary="Imported through server A.")).to_csv(
        new, index=False)
    try:
        with (serving.serve(url, tmp_path / "a") as a, serving.serve(url, tmp_path / "b") as b,
              recorded_page(browser, b.base) as web_b):
            page_b = web_b.open("/?page=table")
            page_b.get_by_text(f"{bundled} incidents", exact=False).first.wait_for()
            with recorded_page(browser, a.base) as web_a:
                page_a = web_a.open("/?page=data")
                page_a.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(new))
                page_a.get_by_label("Why (kept in the history", exact=False).fill("two-server test import")
                page_a.get_by_label("Why (kept in the history", exact=False).press("Enter")
                page_a.get_by_role("button", name="Import").click()
                page_a.get_by_text("1 added to", exact=False).first.wait_for(timeout=60_000)
                web_a.screenshot("team-import-server-a.png")
                web_a.assert_local_only()
            # server B's next run (a reload) sees the new incident
            page_b.reload()
            page_b.get_by_text(f"{bundled + 1} incidents", exact=False).first.wait_for(timeout=60_000)
            page_b = web_b.open("/?sel=TEAM-1")
            card = page_b.locator(".incident-card[data-incident-id='TEAM-1']")
            card.wait_for(timeout=60_000)
            assert "Dougabougou <b>team</b>" in card.inner_text()  # shown as text, not markup
            page_b.get_by_text("History (1 change set)").click()
            history = page_b.locator(".incident-history")
            history.wait_for()
            text = history.inner_text()
            assert "import by desk-a" in text and "two-server test import" in text
            assert "Created the incident" in text
            web_b.screenshot("team-history-server-b.png")
            web_b.assert_local_only()
    except serving.ServerError as exc:
        pytest.fail(str(exc))
