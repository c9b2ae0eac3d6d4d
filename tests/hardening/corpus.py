"""Hostile text for the hardening tests, and writers that put it into every importable file layout.

Every payload that could create markup carries the marker ``pwned`` (an ``id=pwned``, a ``data-pwned``
attribute, ``alert('pwned')``...), so a test (or a browser) can look for that one word in the DOM: if an
element or attribute with it exists, text became markup.

* :data:`TEXT_PAYLOADS`: strings that must be shown as text wherever incident or source text is rendered.
* :data:`URL_PAYLOADS`: source URLs that must be rejected at import (they are not absolute http(s) URLs).
* :data:`PUBLISHED_PAYLOADS`: source dates that must be rejected at import.
* :func:`hostile_rows` / :func:`write_native_csv` / :func:`write_geojson` / :func:`write_acled_csv` /
  :func:`write_ucdp_csv`: the payloads in every text field of incidents and of their sources, in each format.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

MARKER = "pwned"
EVIL_HOST = "evil.example"

TEXT_PAYLOADS: tuple[str, ...] = (
    # tags and event handlers
    "<script>alert('pwned')</script>",
    "<img src=x onerror=alert('pwned') id=pwned data-pwned>",
    "<svg/onload=alert('pwned') id=pwned>",
    '"><svg onload=alert(\'pwned\') data-pwned>',
    "'><img src=x onerror=alert('pwned') data-pwned>",
    "<scr<script>ipt>alert('pwned')</scr</script>ipt>",
    "<<script>script>alert('pwned')<</script>/script>",
    '<iframe srcdoc="<script>parent.alert(\'pwned\')</script>" data-pwned></iframe>',
    "<details open ontoggle=alert('pwned') data-pwned>",
    "<style>*{background:url(//evil.example/pwned.png)}</style>",
    "</script><script>alert('pwned')</script>",
    "</textarea></title><img src=x onerror=alert('pwned') data-pwned>",
    "<!--<img src=x onerror=alert('pwned') data-pwned>-->",
    "<![CDATA[<img src=x onerror=alert('pwned') data-pwned>]]>",
    # URLs in markup: javascript:, data:, vbscript:, mixed case, whitespace and entity-encoded
    '<a href="javascript:alert(\'pwned\')" data-pwned>x</a>',
    '<a href="JaVaScRiPt:alert(\'pwned\')" id=pwned>x</a>',
    '<a href=" &#14;  javascript:alert(\'pwned\')" data-pwned>x</a>',
    '<a href="jav&#x09;ascript:alert(\'pwned\')" data-pwned>x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)" data-pwned>x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" data-pwned>x</a>',
    '<a href="vbscript:msgbox(\'pwned\')" data-pwned>x</a>',
    '<a href="http://evil.example/pwned" data-pwned>x</a>',
    "javascript:alert('pwned')",
    " JaVaScRiPt:alert('pwned')",
    "data:text/html,<script>alert('pwned')</script>",
    # markdown link / image / autolink injection
    "[pwned](javascript:alert('pwned'))",
    "[pwned](JAVASCRIPT:alert(1))",
    "[pwned](http://evil.example/pwned)",
    "![pwned](http://evil.example/pwned.png)",
    "<http://evil.example/pwned>",
    "http://evil.example/pwned",
    "www.evil.example/pwned",
    "**bold** _pwned_ `code` # heading",
    # template syntax (jinja, JS template literals, others)
    "{{7*7}} pwned",
    "${7*7} pwned",
    "${alert('pwned')}",
    "#{7*7} <%= 7*7 %> {% raw %}pwned",
    "{{ constructor.constructor('alert(1)')() }}",
    "{{ lipsum.__globals__.os.getcwd() }} pwned",  # server-side: folium compiles popups as jinja2 templates
    "`;alert('pwned');`",
    "\\`;alert('pwned');//",
    "C:\\users\\pwned\\x41\\u{41}",
    "$(alert('pwned'))",
    # pre-encoded markup (must not be decoded twice)
    "&lt;img src=x onerror=alert('pwned') data-pwned&gt;",
    "%3Cscript%3Ealert('pwned')%3C/script%3E",
    # spreadsheet formulas (harmless here, but must round-trip as text)
    '=HYPERLINK("http://evil.example/pwned","pwned")',
    # bidi overrides, invisible and unusual characters
    "\u202epwned\u202c txt.exe",
    "\u2066pwned\u2069 \u200b\u200d\ufeff",
    "line\u2028separator\u2029pwned",
    "Ségou ☠ 𝕡𝕨𝕟𝕖𝕕 🙂 \t tab",
    # long strings (under the 10,000-character cell limit even three times over in a sources cell)
    "A" * 3_000 + "<script>alert('pwned')</script>",
    "<b>" * 1_000 + "pwned",
)

# Not absolute http(s) URLs (or with characters an href must not carry): rejected at import.
URL_PAYLOADS: tuple[str, ...] = (
    "javascript:alert('pwned')",
    "JaVaScRiPt:alert('pwned')",
    " javascript:alert('pwned')",
    "java\tscript:alert('pwned')",
    "jav&#x09;ascript:alert('pwned')",
    "&#106;avascript:alert('pwned')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert('pwned')</script>",
    "vbscript:msgbox('pwned')",
    "//evil.example/pwned",
    "file:///etc/passwd",
    "ftp://evil.example/pwned",
    "http:evil.example/pwned",
    'https://evil.example/"><svg onload=alert(\'pwned\') data-pwned>',
    "http://evil.example/x\" onmouseover=\"alert('pwned')",
    "https://evil.example/a b",
    "[pwned](javascript:alert(1))",
)

PUBLISHED_PAYLOADS: tuple[str, ...] = (
    "<script>alert('pwned')</script>",
    "2025-10-02<img src=x onerror=alert('pwned')>",
    "{{7*7}}",
    "javascript:alert('pwned')",
)

# Free-text columns of the canonical layout (the controlled vocabularies are rejected if hostile).
INCIDENT_TEXT_FIELDS = (
    "event_group", "location", "admin1", "admin2", "admin3", "geocoded_from", "sub_event_type", "perpetrators",
    "victims", "injured", "abducted", "summary", "verification_note", "inclusion_note", "source_record_id",
)

SAFE_URL = "https://example.org/report/1"


def _sources(payload: str, url: str = SAFE_URL, published: str = "2025-10-20") -> str:
    return json.dumps([
        {"organisation": payload, "title": payload, "url": url, "published": published},
        {"organisation": "Second desk", "title": payload},
    ], ensure_ascii=False)


def point(i: int) -> tuple[str, str]:
    """A grid over the Ségou region, ~25 px apart at the default zoom, so that each marker can be clicked."""
    return f"{12.6 + (i // 8) * 0.3:.4f}", f"{-7.2 + (i % 8) * 0.4:.4f}"


def _base(i: int, *, point_: bool = True) -> dict[str, str]:
    lat, lon = point(i)
    return {
        "incident_id": f"H-{i:03d}",
        "date_start": "2025-10-02",
        "date_precision": "day",
        "latitude": lat if point_ else "",
        "longitude": lon if point_ else "",
        "geo_precision": "1" if point_ else "3",
        "event_type": "Violence against civilians",
        "civilian_targeting": "true",
        "perpetrator_category": "unidentified",
        "attribution_basis": "unknown",
        "fatalities_min": str(i % 7),
        "fatalities_max": str(i % 7 + 2),
        "verification": "reported",
        "dataset": "user",
    }


def hostile_rows() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(rows that must import, rows that must be rejected) in the native flat layout, as text.

    Accepted: every text payload in every incident text field and in each source's organisation and title;
    every third such row has no point (it is listed beside the map instead of drawn).
    Rejected: hostile source URLs and publication dates, hostile incident ids, an over-long summary.
    """
    accepted, rejected = [], []
    for i, payload in enumerate(TEXT_PAYLOADS):
        r = _base(i, point_=i % 3 != 2)
        r.update({f: payload for f in INCIDENT_TEXT_FIELDS})
        r["source_record_id"] = f"{payload[:150]}-{i}"  # unique: (dataset, record id) identifies a row
        r["sources"] = _sources(payload)
        accepted.append(r)
    for j, ident in enumerate(ACCEPTED_IDS):
        r = _base(len(TEXT_PAYLOADS) + j)
        r.update(incident_id=ident, location=ident, sources=_sources(ident))
        accepted.append(r)
    n = len(accepted)
    for j, url in enumerate(URL_PAYLOADS):
        r = _base(n + j)
        r.update(location="Bad URL", sources=_sources("Desk", url=url))
        rejected.append(r)
    for j, published in enumerate(PUBLISHED_PAYLOADS):
        r = _base(n + len(URL_PAYLOADS) + j)
        r.update(location="Bad date", sources=_sources("Desk", published=published))
        rejected.append(r)
    for j, payload in enumerate(HOSTILE_IDS):
        r = _base(n + len(URL_PAYLOADS) + len(PUBLISHED_PAYLOADS) + j)
        r.update(incident_id=payload, location="Bad id", sources=_sources("Desk"))
        rejected.append(r)
    k = n + len(URL_PAYLOADS) + len(PUBLISHED_PAYLOADS) + len(HOSTILE_IDS)
    for j, (field, value) in enumerate(REJECTED_TEXT):
        r = _base(k + j)
        r.update(location="Bad text", sources=_sources("Desk"))
        r[field] = value
        rejected.append(r)
    return accepted, rejected


# Incident ids travel in URLs (?sel=) and tooltips, where a click is mapped back to the id: markup in an id is
# escaped like any text, but characters that cannot pass through a tooltip unchanged are rejected.
ACCEPTED_IDS: tuple[str, ...] = (
    "<img src=x onerror=alert('pwned') data-pwned>",
    '"><svg onload=alert(\'pwned\') data-pwned>',
    "[pwned](javascript:alert(1))",
)
HOSTILE_IDS: tuple[str, ...] = (
    "${alert('pwned')}",
    "X`;alert('pwned');`",
    "{{7*7}}",
    "C:\\pwned",
    "X · Y",
    "id\u202epwned",
    "id\u200bpwned",
)

# Text a cell may not hold: over the 10,000-character limit, or control characters (a NUL would be cut).
REJECTED_TEXT: tuple[tuple[str, str], ...] = (
    ("summary", "<b>pwned</b>" * 1_000),
    ("location", "Ségou\u0000<script>alert('pwned')</script>"),
    ("perpetrators", "esc\x1b[31mpwned"),
)

NATIVE_COLUMNS = (
    "incident_id", "event_group", "date_start", "date_end", "date_precision", "location", "admin1", "admin2",
    "admin3", "latitude", "longitude", "geo_precision", "geocoded_from", "event_type", "sub_event_type",
    "civilian_targeting", "perpetrators", "perpetrator_category", "attribution_basis", "victims",
    "fatalities_min", "fatalities_max", "fatalities_best", "injured", "abducted", "summary", "sources",
    "verification", "verification_note", "inclusion_note", "dataset", "source_record_id",
)


def write_native_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=NATIVE_COLUMNS)
        writer.writeheader()
        for r in rows:
            writer.writerow({c: r.get(c, "") for c in NATIVE_COLUMNS})
    return path


def write_geojson(path: Path, rows: list[dict[str, str]]) -> Path:
    features = []
    for r in rows:
        props = {c: (r.get(c) or None) for c in NATIVE_COLUMNS if c not in ("latitude", "longitude")}
        geometry = None
        if r.get("latitude"):
            geometry = {"type": "Point", "coordinates": [float(r["longitude"]), float(r["latitude"])]}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                    encoding="utf-8")
    return path


ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)


def acled_rows() -> list[dict[str, str]]:
    """One ACLED row per text payload, in every free-text ACLED column. ``source`` is split on ";" into
    outlets, so a payload with ";" gives several outlet names: all of them text."""
    rows = []
    for i, payload in enumerate(TEXT_PAYLOADS):
        rows.append({
            "event_id_cnty": f"MLI{90000 + i}", "event_date": "02 October 2025", "year": "2025",
            "time_precision": "1", "disorder_type": "Political violence", "event_type": "Violence against civilians",
            "sub_event_type": payload, "actor1": payload, "assoc_actor_1": payload, "inter1": "3",
            "actor2": "Civilians (Mali)", "assoc_actor_2": payload, "inter2": "7", "interaction": "37",
            "civilian_targeting": "Civilian targeting", "iso": "466", "region": "Western Africa", "country": "Mali",
            "admin1": payload, "admin2": payload, "admin3": payload, "location": payload,
            "latitude": point(i)[0], "longitude": point(i)[1], "geo_precision": "1",
            "source": payload, "source_scale": payload, "notes": payload, "fatalities": "3", "tags": payload,
            "timestamp": "1700000000",
        })
    return rows


UCDP_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
    "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a",
    "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates", "where_description",
    "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)


def ucdp_rows() -> list[dict[str, str]]:
    rows = []
    for i, payload in enumerate(TEXT_PAYLOADS):
        rows.append({
            "id": str(700000 + i), "relid": payload, "year": "2025", "active_year": "1", "code_status": "Clear",
            "type_of_violence": "3", "conflict_name": payload, "dyad_name": payload, "side_a": payload,
            "side_b": payload, "number_of_sources": "1", "source_article": payload, "source_office": payload,
            "source_date": "2025-10-03", "source_headline": payload, "source_original": payload, "where_prec": "1",
            "where_coordinates": payload, "where_description": payload, "adm_1": payload, "adm_2": payload,
            "latitude": point(i)[0], "longitude": point(i)[1], "country": "Mali",
            "region": "Africa", "event_clarity": "1", "date_prec": "1", "date_start": "2025-10-02 00:00:00.000",
            "date_end": "2025-10-02 00:00:00.000", "best": "3", "high": "5", "low": "2",
        })
    return rows


def write_table(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for r in rows:
            writer.writerow({c: r.get(c, "") for c in columns})
    return path


def write_acled_csv(path: Path) -> Path:
    return write_table(path, ACLED_COLUMNS, acled_rows())


def write_ucdp_csv(path: Path) -> Path:
    return write_table(path, UCDP_COLUMNS, ucdp_rows())
