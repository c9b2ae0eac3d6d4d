"""The Record page and the sidebar sign-in in-process (AppTest), issue 14: an anonymous session reaches no form
through any page or URL parameter; an editor adds a draft with a typo, sees the field's message, fixes it and it is
saved; another account (a reviewer) publishes it; it then is in the public view, and its history names both
accounts and reasons; five wrong passwords lock the account."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data.store import STORE_ENV, ensure_store, load_store, open_store, published
from dashboard.settings import PUBLIC_ENV
from dashboard.team import accounts
from dashboard.team.workflow import review_history, status_of
from dashboard.ui.team import SIGN_IN_OPEN_KEY
from tests.factories import row

PASSWORDS = {"awa": "editor password", "ibrahim": "reviewer password"}
FORM_KEYS = ("add_date_start", "add_reason", "edit_id", "review_id", "review_comment", "import_go", "review_link",
             "review_apart")


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "incidents.gpkg"
    monkeypatch.setenv(STORE_ENV, str(path))
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    ensure_store(path)
    st = open_store(path)
    now = datetime.now(UTC)
    accounts.add_account(st, "awa", "editor", password=PASSWORDS["awa"], now=now)
    accounts.add_account(st, "ibrahim", "reviewer", password=PASSWORDS["ibrahim"], now=now)
    return path


def page_script(page: str) -> None:
    from dashboard.ui.main import main

    main(default=page)


def open_page(page_: str, **params) -> AppTest:
    at = AppTest.from_function(page_script, args=(page_,), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _keys(at: AppTest) -> set[str]:
    found = set()
    for kind in ("text_input", "text_area", "selectbox", "radio", "button"):
        found |= {w.key for w in getattr(at, kind) if w.key}
    return found


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    if not any(w.key == "team_name" for w in at.sidebar.text_input):  # the form is built once its expander opens
        at.session_state[SIGN_IN_OPEN_KEY] = True  # what opening the expander does
        at.run()
    at.sidebar.text_input(key="team_name").input(name)
    at.sidebar.text_input(key="team_password").input(password)
    next(b for b in at.sidebar.button if b.label in ("Sign in", "Se connecter")).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", ["map", "table", "data", "review", "record", "export", "about"])
def test_an_anonymous_session_reaches_no_record_form_from_any_page_or_parameter(store, page):
    hostile = {"page": "record", "add_reason": "x", "team_session": "admin", "review_action": "publish",
               "user": "admin", "role": "admin"}
    at = open_page(page, **hostile)
    assert not set(FORM_KEYS) & _keys(at)
    assert not at.get("file_uploader")  # the Data page's import needs an editor once the store has accounts
    if page == "record":
        assert any("sign in" in i.value.lower() for i in at.info)
    revision = open_store(store).state()[1]
    assert revision == 1  # nothing was written (the bundled data's change set only)


def test_the_public_view_has_no_sign_in_and_no_record_page(store, monkeypatch):
    monkeypatch.setenv(PUBLIC_ENV, "1")
    at = open_page("record", page="record")
    assert not {"team_name", "team_password", *FORM_KEYS} & _keys(at)


def _fill_add_form(at: AppTest, **values: str) -> None:
    form = {**{k: v for k, v in row().items() if k in (
        "date_start", "location", "admin2", "latitude", "longitude", "geo_precision", "perpetrators",
        "perpetrator_category", "fatalities_min", "fatalities_max", "summary")}, **values}
    for name, value in form.items():
        at.text_input(key=f"add_{name}").input(value) if name != "summary" else at.text_area(
            key="add_summary").input(value)
    for name, value in (("date_precision", "day"), ("event_type", "Violence against civilians"),
                        ("attribution_basis", "witness"), ("verification", "reported")):
        at.selectbox(key=f"add_{name}").select(value)
    at.text_input(key="add_src_org").input("Radio Ségou")
    at.text_input(key="add_src_title").input("Witness call")
    at.text_input(key="add_src_url").input("https://example.org/witness")
    at.text_input(key="add_reason").input("witness call of 3 October")


def test_an_editor_adds_a_draft_fixes_a_typo_and_a_reviewer_publishes_it(store):
    at = sign_in(open_page("record"), "awa", PASSWORDS["awa"])
    assert any("awa" in m.value for m in at.sidebar.markdown)
    _fill_add_form(at, fatalities_min="73", fatalities_max="37")  # a typo: at least 73 but at most 37
    _submit(at, "Save as a draft")
    assert any("Nothing was saved" in e.value for e in at.error)
    assert any("Killed, at least" in m.value or "Killed, at most" in m.value for m in at.markdown)
    assert open_store(store).state()[1] == 1  # nothing saved
    at.text_input(key="add_fatalities_min").input("21")
    _submit(at, "Save as a draft")
    assert not at.error, [e.value for e in at.error]
    new_id = next(r for r in open_store(store).records() if r.startswith("APP-"))
    assert status_of(open_store(store), new_id)[0] == "draft"
    assert new_id not in set(published(load_store(store))[0]["incident_id"])

    at.run()  # the next run lists it
    at.selectbox(key="review_id").select(new_id)
    at.run()
    assert list(at.radio(key="review_action").options) == ["Submit for review"]  # an editor withdraws nothing
    at.radio(key="review_action").set_value("submit")
    at.text_input(key="review_comment").input("ready: one witness, one outlet")
    _submit(at, "Record")
    assert status_of(open_store(store), new_id)[0] == "in_review"

    _submit(at, "Sign out")
    sign_in(at, "ibrahim", PASSWORDS["ibrahim"])
    at.selectbox(key="review_id").select(new_id)
    at.run()
    at.radio(key="review_action").set_value("publish")
    at.text_input(key="review_comment").input("the outlet confirms")
    _submit(at, "Record")
    assert not at.error, [e.value for e in at.error]
    assert status_of(open_store(store), new_id)[0] == "published"
    assert new_id in set(published(load_store(store))[0]["incident_id"])
    history = [(r["kind"], r["author"], r["reason"]) for r in review_history(open_store(store), new_id)]
    assert history == [("create", "awa", "witness call of 3 October"),
                       ("submit", "awa", "ready: one witness, one outlet"),
                       ("publish", "ibrahim", "the outlet confirms")]


def test_a_stale_edit_is_refused_with_what_changed(store):
    at = sign_in(open_page("record"), "awa", PASSWORDS["awa"])
    at.selectbox(key="edit_id").select("SEG-2025-008")
    at.run()
    prefix = next(w.key for w in at.text_input if w.key and w.key.startswith("edit_")
                  and w.key.endswith("_fatalities_max")).removesuffix(
        "_fatalities_max")
    from dashboard.team.permissions import Account
    from dashboard.team.writes import edit_incident

    edit_incident(open_store(store), Account("ibrahim", "reviewer"), "SEG-2025-008", {"summary": "Meanwhile."},
                  reason="a colleague's correction", expected_version=None)
    at.text_input(key=f"{prefix}_fatalities_max").input("99")
    at.text_input(key=f"{prefix}_reason").input("new toll")
    _submit(at, "Save the changes")
    assert any("someone changed this incident" in e.value and "ibrahim" in e.value for e in at.error), [
        e.value for e in at.error] + [m.value for m in at.markdown]


def test_five_wrong_passwords_lock_the_account(store):
    at = open_page("map")
    for _ in range(5):
        sign_in(at, "awa", "not the password")
    assert any("locked" in e.value for e in at.sidebar.error)
    sign_in(at, "awa", PASSWORDS["awa"])
    assert any("locked" in e.value for e in at.sidebar.error)  # the right password too, while locked
    assert not any("Signed in" in m.value for m in at.sidebar.markdown)


def test_the_closed_sign_in_box_still_says_who_is_signed_in(store):
    at = open_page("map")
    assert [e.label for e in at.sidebar.expander if e.key == SIGN_IN_OPEN_KEY] == ["Team sign-in"]
    sign_in(at, "awa", PASSWORDS["awa"])
    at.session_state[SIGN_IN_OPEN_KEY] = False  # what closing the box does
    at.run()
    assert not any(w.key == "team_name" for w in at.sidebar.text_input)
    assert any(m.value.startswith("Signed in as **awa**") for m in at.sidebar.markdown)


def test_hostile_text_typed_into_the_form_is_stored_as_text_and_rendered_escaped(store):
    """The hardening corpus through the add form: each payload as the place and the summary is saved exactly (as
    the form strips the ends) or refused with a message, never run; the card shows it escaped."""
    from dashboard.viz.cards import incident_card_html
    from tests.hardening.corpus import TEXT_PAYLOADS

    at = sign_in(open_page("record"), "awa", PASSWORDS["awa"])
    _fill_add_form(at)
    saved = []
    for payload in TEXT_PAYLOADS:
        at.text_input(key="add_location").input(payload)
        at.text_area(key="add_summary").input(payload)
        before = set(open_store(store).records())
        _submit(at, "Save as a draft")
        new = set(open_store(store).records()) - before
        if not new:
            assert any("Nothing was saved" in e.value for e in at.error), payload
            continue
        (record,) = [r for _v, r in open_store(store).current(new).values()]
        assert record["summary"] == payload.strip() and record["location"] == payload.strip()
        saved.append(record["incident_id"])
    assert len(saved) >= len(TEXT_PAYLOADS) // 2  # most of the corpus is ordinary (if nasty) text and is kept
    reports = load_store(store).reports.set_index("incident_id", drop=False)
    for rid in saved:
        html = incident_card_html(reports.loc[rid].to_dict())
        assert "<script" not in html and "<img" not in html and "<svg" not in html


def test_a_place_is_picked_from_the_gazetteer_candidates(store):
    at = sign_in(open_page("record"), "awa", PASSWORDS["awa"])
    at.text_input(key="add_lookup").input("Kamona")
    at.run()
    options = at.selectbox(key="add_candidate").options
    assert len(options) >= 2 and all("Kamona" in o for o in options)  # homonyms: offered, never chosen for you
    at.selectbox(key="add_candidate").set_value(1)
    _submit(at, "Use this place")
    assert at.text_input(key="add_location").value == "Kamona"
    assert at.text_input(key="add_latitude").value and at.text_input(key="add_geo_precision").value in ("1", "2")
