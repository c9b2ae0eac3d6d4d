"""Recording and reviewing in Debian's chromium (issue 14): an anonymous visitor finds no form on the Record or Data
page, even by URL; an editor signs in, adds an incident with a typo, sees the field's message, fixes it and it is
saved as a draft; a reviewer signs in and publishes it after the editor submits it; it then shows in the public
view; its history names both accounts and reasons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard.data.store import ensure_store, open_store
from dashboard.team import accounts
from dashboard.team.workflow import review_history, status_of
from tests import serving
from tests.browser.conftest import recorded_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORDS = {"awa": "editor password", "ibrahim": "reviewer password"}
PLACE = "Zorokoro <i>test</i> hamlet"  # hostile-looking text: stored and shown as text


def _sign_in(page, name: str) -> None:
    page.get_by_text("Team sign-in").click()
    page.get_by_label("Account name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORDS[name])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=60_000)


def _main(page):
    return page.locator("[data-testid='stMain']")


def _choose(page, label: str, option: str) -> None:
    """A Streamlit selectbox of the page (not the sidebar's filters of the same name): type to narrow, pick."""
    _main(page).get_by_label(label, exact=True).first.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def _fill(page, fatalities_min: str) -> None:
    values = {"First day (YYYY-MM-DD, or YYYY-MM / YYYY)": "2025-10-03", "Place as reported": PLACE,
              "Cercle as reported": "Niono", "Latitude": "14.25", "Longitude": "-5.99",
              "Location precision (1 exact, 2 near a named place, 3 region only)": "2",
              "Alleged perpetrators as reported (; between names)": "unidentified gunmen",
              "Perpetrator categories (; between codes)": "unidentified", "Killed, at least": fatalities_min,
              "Killed, at most": "37", "Organisation": "Radio Ségou", "Link (http or https)": "https://example.org/w",
              "Reason for this change (required, kept in the history)": "witness call"}
    for label, value in values.items():
        _main(page).get_by_label(label, exact=True).first.fill(value)
    _main(page).get_by_label("Summary", exact=True).first.fill("Two herders killed near the hamlet.")


def test_an_editor_records_a_draft_and_a_reviewer_publishes_it(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    store = tmp_path / "team.gpkg"
    ensure_store(store)
    now = datetime.now(UTC)
    accounts.add_account(open_store(store), "awa", "editor", password=PASSWORDS["awa"], now=now)
    accounts.add_account(open_store(store), "ibrahim", "reviewer", password=PASSWORDS["ibrahim"], now=now)
    try:
        with serving.serve(store, tmp_path / "team") as team, recorded_page(browser, team.base, 60_000) as web:
            page = web.open("/?page=data&user=admin&role=admin")
            page.get_by_text("sign in (sidebar) as an editor", exact=False).wait_for()
            assert page.locator("[data-testid='stFileUploaderDropzoneInput']").count() == 0
            page = web.open("/?page=record&add_reason=x")
            page.get_by_text("sign in from the sidebar", exact=False).wait_for()
            assert page.get_by_role("button", name="Save as a draft").count() == 0

            _sign_in(page, "awa")
            page.get_by_role("button", name="Save as a draft").wait_for()
            for label, option in (("Date known to the", "day"), ("Event type", "Violence against civilians"),
                                  ("Basis of the attribution", "witness"), ("Verification", "reported")):
                _choose(page, label, option)
            _fill(page, fatalities_min="73")  # a typo: 73 killed at least, 37 at most
            page.get_by_role("button", name="Save as a draft").click()
            page.get_by_text("Nothing was saved", exact=False).wait_for(timeout=60_000)
            page.get_by_text("Killed, at", exact=False).first.wait_for()
            web.screenshot("record-typo.png")
            assert open_store(store).state()[1] == 1  # nothing written
            _main(page).get_by_label("Killed, at least", exact=True).first.fill("21")
            _main(page).get_by_label("Reason for this change (required, kept in the history)", exact=True).first.fill(
                "witness call")
            page.get_by_role("button", name="Save as a draft").click()
            page.get_by_text("Saved as draft", exact=False).wait_for(timeout=60_000)
            web.screenshot("record-saved.png")
            web.assert_local_only()
        new_id = next(r for r in open_store(store).records() if r.startswith("APP-"))
        assert status_of(open_store(store), new_id)[0] == "draft"
        with serving.serve(store, tmp_path / "public", public=True) as public, \
                recorded_page(browser, public.base, 60_000) as web:
            page = web.open("/?page=table&q=Zorokoro")
            page.get_by_text("No incidents match these filters", exact=False).first.wait_for(timeout=60_000)
            assert page.get_by_text("Team sign-in").count() == 0  # no sign-in in the public view

        from dashboard.team.permissions import Account
        from dashboard.team.workflow import transition

        transition(open_store(store), Account("awa", "editor"), new_id, "submit", reason="ready for review")
        with serving.serve(store, tmp_path / "team2") as team, recorded_page(browser, team.base, 60_000) as web:
            page = web.open("/?page=record")
            _sign_in(page, "ibrahim")
            page.get_by_role("tab", name="Review").click()
            _choose(page, "Incident (report) to review", new_id)
            page.get_by_text("Publish", exact=True).click()
            page.get_by_label("Reason or comment (required; a comment to the editor when sending back)",
                              exact=True).fill("the outlet confirms")
            page.get_by_role("button", name="Record", exact=True).click()
            page.get_by_text("Recorded (change set", exact=False).wait_for(timeout=60_000)
            web.assert_local_only()
        assert status_of(open_store(store), new_id)[0] == "published"
        with serving.serve(store, tmp_path / "public2", public=True) as public, \
                recorded_page(browser, public.base, 60_000) as web:
            page = web.open(f"/?sel={new_id}")
            card = page.locator(f".incident-card[data-incident-id='{new_id}']")
            card.wait_for(timeout=60_000)
            assert PLACE in card.inner_text()  # shown as text, not markup
            web.screenshot("record-public.png")
    except serving.ServerError as exc:
        pytest.fail(str(exc))
    history = [(r["kind"], r["author"], r["reason"]) for r in review_history(open_store(store), new_id)]
    assert history == [("create", "awa", "witness call"), ("submit", "awa", "ready for review"),
                       ("publish", "ibrahim", "the outlet confirms")]
