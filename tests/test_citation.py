"""The "Cite this view" link: a public address when one is configured, and a warning when the link is local only
(issue 19, item 5)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard.citation import LOCAL_NOTE, citation, cite_url, is_local
from dashboard.settings import PUBLIC_URL_ENV, Settings, SettingsError

AT = datetime(2025, 11, 3, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8501/", "http://localhost:8501/?x=1", "http://[::1]:8501/",
                                 "http://192.168.1.20:8501/", "http://10.0.0.5/", "http://laptop:8501/",
                                 "http://desk.local/"])
def test_links_that_open_only_here_are_local(url):
    assert is_local(url)


@pytest.mark.parametrize("url", ["https://incidents.example.org/", "http://93.184.216.34:8501/x"])
def test_public_links_are_not_local(url):
    assert not is_local(url)


def test_a_citation_names_the_version_and_time_and_says_when_the_link_is_local():
    params = {"cercle": ["Niono", "Macina"], "page": "table"}
    local = citation("http://127.0.0.1:8501", params, version="abc123", viewed_at=AT)
    assert local == ("http://127.0.0.1:8501/?cercle=Niono&cercle=Macina&page=table · dataset version abc123 · "
                     f"viewed 2025-11-03 09:30 UTC · {LOCAL_NOTE}")
    public = citation("https://incidents.example.org/segou/", params, version="abc123", viewed_at=AT)
    assert public.startswith("https://incidents.example.org/segou/?cercle=Niono&cercle=Macina&page=table · ")
    assert LOCAL_NOTE not in public
    assert cite_url("https://x.example.org", {}) == "https://x.example.org/"


def test_the_public_address_is_a_setting_and_a_serve_option():
    assert Settings.from_env({}).public_url is None
    s = Settings.from_env({PUBLIC_URL_ENV: " https://incidents.example.org/segou/ "})
    assert s.public_url == "https://incidents.example.org/segou"
    assert Settings.from_env(s.to_env()) == s  # serve hands it to the app
    assert s.with_public_url(None) == s
    assert s.with_public_url("http://93.184.216.34:8501").public_url == "http://93.184.216.34:8501"


@pytest.mark.parametrize("bad", ["incidents.example.org", "ftp://x.example.org", "https://", "javascript:alert(1)",
                                 "https://x.example.org/?a=1", "https://x.example.org/a b"])
def test_an_unusable_public_address_is_an_error_naming_where_it_came_from(bad):
    with pytest.raises(SettingsError, match=rf"\${PUBLIC_URL_ENV}"):
        Settings.from_env({PUBLIC_URL_ENV: bad})
    with pytest.raises(SettingsError, match="--public-url"):
        Settings.from_env({}).with_public_url(bad)


def test_serve_has_the_public_url_option():
    from typer.main import get_command

    from dashboard.cli import app

    options = [p.opts for p in get_command(app).commands["serve"].params]
    assert ["--public-url"] in options
