"""The "Cite this view" line: the view's link, the dataset version and the time (pure: the caller passes the base
address and the time).

A link is only worth citing where readers can open it: one whose host is this machine (``127.0.0.1``, ``localhost``)
or a private network address works for nobody who receives it in an email, so the line says so and how to give the
app its public address (``$INCIDENT_MAP_PUBLIC_URL``, ``incident-map serve --public-url``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from dashboard.i18n import N_, Translator, tr

__all__ = ["LOCAL_NOTE", "citation", "cite_url", "is_local"]

LOCAL_NOTE = N_("local link: it opens only on this computer or network (give the app its public address with "
                "incident-map serve --public-url or $INCIDENT_MAP_PUBLIC_URL)")


def cite_url(base: str, params: Mapping[str, str | list[str]]) -> str:
    """``base`` (``http://host[:port][/path]``) + ``/?`` + the parameters (repeated ones repeated)."""
    query = urlencode(dict(params), doseq=True)
    return base.rstrip("/") + "/" + (f"?{query}" if query else "")


def is_local(url: str) -> bool:
    """Whether ``url``'s host is this machine or a private, link-local or unqualified name."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost") or ("." not in host and ":" not in host):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.endswith((".local", ".lan", ".internal", ".home.arpa"))
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


def citation(base: str, params: Mapping[str, str | list[str]], *, version: str, viewed_at: datetime,
             t: Translator | None = None) -> str:
    """``<link> · dataset version <v> · viewed <time UTC>`` (+ `` · local link: …`` when the link is local), in
    ``t``'s language (English by default)."""
    t = t or tr()
    url = cite_url(base, params)
    line = url + " · " + t.gettext("dataset version {version} · viewed {time} UTC").format(
        version=version, time=f"{viewed_at:%Y-%m-%d %H:%M}")
    return line + (f" · {t.gettext(LOCAL_NOTE)}" if is_local(url) else "")
