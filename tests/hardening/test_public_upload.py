"""In the public view the Data page offers no upload, whatever the link says (issue 21 item 4): every URL parameter
the app reads (the filter registry's, the view's, ``page``, the story's ``step``) and plausible ones that it does
not (``upload``, ``public``, ``admin``...), with values that would switch something on, open the Data page with
the "Imports are turned off" sentence and no file uploader, on the Data page itself and through ``?page=data``
from the root. The same links without public mode do show the uploader (so the check can see one)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data.store import STORE_ENV, write_store
from dashboard.query.registry import FILTERS
from dashboard.ui.state import VIEW_KEYS
from tests.factories import incidents, row

OFF = "Imports are turned off in the public view."
# the app's own parameters (values that try to widen or switch on), then names it does not read
APP_PARAMS = {f.key: "all" if f.key == "scope" else "1" for f in FILTERS} | {k: "1" for k in VIEW_KEYS} | {
    "page": "data", "step": "1"}
PLAUSIBLE = {"upload": "1", "uploads": "true", "import": "1", "public": "0", "private": "1", "admin": "1",
             "edit": "1", "editor": "true", "debug": "1", "mode": "admin", "embed": "true", "embed_options": "x",
             "INCIDENT_MAP_PUBLIC": "0"}
LINKS = ([{"page": "data"}, {"page": "data", "upload": "1"}, {"page": "data", "public": "0", "upload": "1"}]
         + [{"page": "data", k: v} for k, v in {**APP_PARAMS, **PLAUSIBLE}.items() if k != "page"]
         + [{**APP_PARAMS, **PLAUSIBLE}])


def script(default: str) -> None:
    from dashboard.ui.main import main

    main(default=default)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("public-upload") / "incidents.gpkg"
    write_store(path, incidents(row()))
    return path


def open_app(store, monkeypatch, default: str, params: dict[str, str], public: bool) -> AppTest:
    monkeypatch.setenv(STORE_ENV, str(store))
    if public:
        monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    else:
        monkeypatch.delenv("INCIDENT_MAP_PUBLIC", raising=False)
    at = AppTest.from_function(script, args=(default,), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title and at.title[0].value == "Data and import"
    return at


def _ids(params: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items())[:60]


@pytest.mark.parametrize("params", LINKS, ids=_ids)
def test_no_upload_in_the_public_view_whatever_the_link(store, monkeypatch, params):
    _no_upload(open_app(store, monkeypatch, "map", params, public=True))


@pytest.mark.parametrize("params", [{}, {"upload": "1", "public": "0"}, LINKS[-1]], ids=_ids)
def test_no_upload_on_the_public_data_page_itself(store, monkeypatch, params):
    _no_upload(open_app(store, monkeypatch, "data", params, public=True))


def _no_upload(at: AppTest) -> None:
    assert not at.get("file_uploader")
    assert [i.value for i in at.info if i.value == OFF] == [OFF]
    assert not [b for b in at.button if b.key == "import_go"]


@pytest.mark.parametrize("params", [{"page": "data"}, LINKS[-1]], ids=["page", "every-parameter"])
def test_the_same_links_show_the_uploader_in_the_private_view(store, monkeypatch, params):
    at = open_app(store, monkeypatch, "map", params, public=False)
    assert len(at.get("file_uploader")) == 1
    assert not [i for i in at.info if i.value == OFF]
