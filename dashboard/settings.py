"""The tool's settings, read from the environment in one place.

``$INCIDENT_MAP_PUBLIC_URL`` (or ``serve --public-url``) is the address readers reach the app at: "Cite this view"
links start with it instead of the address the browser used (``http://127.0.0.1:8501`` is useless in an email).

Every entry point builds one :class:`Settings` with :meth:`Settings.from_env` when it starts (the CLI once per
command, the app once per script run) and passes it on; nothing else in the package reads ``os.environ``.

Where the working store lives, first match wins:

1. ``$INCIDENT_MAP_STORE`` — a GeoPackage path, or a ``postgresql://`` URL (a team's PostGIS database);
2. ``incidents.gpkg`` in ``$INCIDENT_MAP_DATA_DIR``;
3. in a checkout (``dashboard/`` beside the project's ``pyproject.toml`` and ``data/``): ``data/incidents.gpkg``;
4. an installed package: ``incidents.gpkg`` in the per-user data folder (platformdirs:
   ``~/.local/share/segou-incident-map`` on Linux, ``~/Library/Application Support/segou-incident-map`` on macOS,
   ``%LOCALAPPDATA%\\segou-incident-map`` on Windows).

A store that does not exist yet is created there from the bundled dataset on first use.

The limits (:class:`Limits`) bound what one import, one briefing and one public visitor may cost on a shared server;
each has a variable (:data:`LIMIT_ENV`) and a default stated in the README ("Limits").
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from dashboard.errors import SettingsError
from dashboard.i18n import N_

APP_NAME = "segou-incident-map"  # the distribution name: the per-user data folder is named after it
STORE_ENV = "INCIDENT_MAP_STORE"
WARM_ENV = "INCIDENT_MAP_WARM"  # "0": `serve` does not open the first page before listening (dashboard/ui/boot.py)
DATA_DIR_ENV = "INCIDENT_MAP_DATA_DIR"
PUBLIC_ENV = "INCIDENT_MAP_PUBLIC"
MAX_MARKERS_ENV = "INCIDENT_MAP_MAX_MARKERS"
MAX_MARKER_BYTES_ENV = "INCIDENT_MAP_MAX_MARKER_BYTES"
AUTHOR_ENV = "INCIDENT_MAP_AUTHOR"  # who changes the record, when --author is not given (kept in the history)
CACHE_ENV = "INCIDENT_MAP_CACHE"  # where a database store's derived files (frame cache, search index) go
PUBLIC_URL_ENV = "INCIDENT_MAP_PUBLIC_URL"
CAPTURES_DIR_ENV = "INCIDENT_MAP_CAPTURES_DIR"  # the folder of the capture files (required for a PostGIS store)
STORE_NAME = "incidents.gpkg"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}
# The map's default point budget (see dashboard/viz/scale.py; its cost is measured in docs/benchmarks.md): above this
# many incidents -- or this much marker script -- the map draws H3 hexagons instead of one marker per incident.
MAX_MARKERS = 250
MAX_MARKER_BYTES = 1_200_000
_CHECKOUT = Path(__file__).resolve().parents[1]  # the repository root when running from a checkout
__all__ = ["LIMIT_ENV", "Limits", "Settings", "SettingsError", "cache_dir", "checked_url", "default_data_dir",
           "env_author", "is_checkout"]


@dataclass(frozen=True, slots=True)
class Limits:
    """What one import, one briefing and one public visitor may cost. Past an import limit the import is refused
    with a sentence naming the limit and nothing is written; a briefing above its limit lists the most serious
    incidents and counts the rest."""

    upload_mb: int = 50  # size of a file to import (and of an upload on the Data page), in MiB
    import_rows: int = 200_000  # rows (records, features) in one file
    import_columns: int = 300  # columns (fields) in one file
    cell_chars: int = 10_000  # characters in one text cell (a longer cell rejects its row)
    json_depth: int = 64  # nesting of [ and { in a JSON or GeoJSON file (and a story file)
    import_seconds: int = 300  # wall time of one import; past it the import is stopped, nothing written
    briefing_incidents: int = 100  # incidents listed (and mapped) one by one in a PDF briefing; the rest are counted
    public_briefings_per_minute: int = 6  # PDF briefings a public server builds per minute, for all visitors
    capture_seconds: int = 60  # wall time of loading one page to capture it (incident-map capture)

    @property
    def upload_bytes(self) -> int:
        return self.upload_mb * 1024 * 1024


LIMIT_ENV = {  # the variable that sets each limit
    "upload_mb": "INCIDENT_MAP_MAX_UPLOAD_MB",
    "import_rows": "INCIDENT_MAP_MAX_IMPORT_ROWS",
    "import_columns": "INCIDENT_MAP_MAX_IMPORT_COLUMNS",
    "cell_chars": "INCIDENT_MAP_MAX_CELL_CHARS",
    "json_depth": "INCIDENT_MAP_MAX_JSON_DEPTH",
    "import_seconds": "INCIDENT_MAP_MAX_IMPORT_SECONDS",
    "briefing_incidents": "INCIDENT_MAP_MAX_BRIEFING_INCIDENTS",
    "public_briefings_per_minute": "INCIDENT_MAP_PUBLIC_BRIEFINGS_PER_MINUTE",
    "capture_seconds": "INCIDENT_MAP_MAX_CAPTURE_SECONDS",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the data is, who the view is for, and how much the map may draw."""

    store: Path | str  # the working store: a GeoPackage path, or a postgresql:// URL (kept as text)
    data_dir: Path  # the folder of the default store (rejects and derived files go beside the store itself)
    public: bool = False  # coarsened places, no internal fields, no imports
    max_markers: int = MAX_MARKERS  # incidents drawn one by one on the map; above this, hexagons
    max_marker_bytes: int = MAX_MARKER_BYTES  # ... while their map script stays under this size
    public_url: str | None = None  # the address readers reach the app at (cited links use it); None: as browsed
    limits: Limits = Limits()  # what one import, briefing or public visitor may cost
    captures_dir: Path | None = None  # the capture files' folder; None: beside a GeoPackage store (none for PostGIS)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``environ`` (default: the process environment); unset variables take the defaults."""
        env = os.environ if environ is None else environ
        data_dir = Path(env[DATA_DIR_ENV]).expanduser() if env.get(DATA_DIR_ENV) else default_data_dir()
        store = _location(env[STORE_ENV]) if env.get(STORE_ENV) else data_dir / STORE_NAME
        return cls(
            store=store,
            data_dir=data_dir,
            public=_flag(env, PUBLIC_ENV),
            max_markers=_positive_int(env, MAX_MARKERS_ENV, MAX_MARKERS),
            max_marker_bytes=_positive_int(env, MAX_MARKER_BYTES_ENV, MAX_MARKER_BYTES),
            public_url=checked_url(env.get(PUBLIC_URL_ENV), PUBLIC_URL_ENV),
            limits=Limits(**{f.name: _positive_int(env, LIMIT_ENV[f.name], f.default) for f in fields(Limits)}),
            captures_dir=Path(env[CAPTURES_DIR_ENV]).expanduser() if env.get(CAPTURES_DIR_ENV, "").strip() else None,
        )

    def with_store(self, store: str | Path | None) -> Settings:
        """These settings with another store (a ``--store`` option); ``None`` keeps the configured one."""
        return self if store is None else replace(self, store=_location(store))

    def with_public(self, public: bool = True) -> Settings:
        """These settings in public mode (a ``--public`` option); public mode set in the environment stays on."""
        return replace(self, public=self.public or public)

    def with_public_url(self, url: str | None) -> Settings:
        """These settings with another public address (``serve --public-url``); ``None`` keeps the configured one."""
        return self if url is None else replace(self, public_url=checked_url(url, "--public-url"))

    def to_env(self) -> dict[str, str]:
        """The variables that give a child process (``incident-map serve`` → streamlit) these same settings."""
        store = str(self.store.resolve()) if isinstance(self.store, Path) else self.store
        env = {STORE_ENV: store, DATA_DIR_ENV: str(self.data_dir)}
        env[PUBLIC_ENV] = "1" if self.public else "0"
        env[MAX_MARKERS_ENV] = str(self.max_markers)
        env[MAX_MARKER_BYTES_ENV] = str(self.max_marker_bytes)
        env[PUBLIC_URL_ENV] = self.public_url or ""
        env[CAPTURES_DIR_ENV] = str(self.captures_dir) if self.captures_dir is not None else ""
        env.update({LIMIT_ENV[f.name]: str(getattr(self.limits, f.name)) for f in fields(Limits)})
        return env

    def child_env(self) -> dict[str, str]:
        """The process environment with these settings written over it (for a subprocess)."""
        return {**os.environ, **self.to_env()}


def is_checkout(root: Path = _CHECKOUT) -> bool:
    """Whether the package runs from a source checkout (its folder beside ``pyproject.toml`` and ``data/``)."""
    return (root / "pyproject.toml").is_file() and (root / "data").is_dir() and (root / "dashboard").is_dir()


def default_data_dir(root: Path = _CHECKOUT) -> Path:
    """``data/`` in a checkout; the per-user data folder for an installed package."""
    if is_checkout(root):
        return root / "data"
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def warm_wanted(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``incident-map serve`` opens the first page before it listens: yes when ``$INCIDENT_MAP_WARM`` is unset
    or blank, else as the other on/off variables read (``serve --no-warm`` sets ``0``; read by
    ``dashboard/ui/boot.py``); a value that is neither is a :class:`SettingsError`."""
    env = os.environ if environ is None else environ
    return not env.get(WARM_ENV, "").strip() or _flag(env, WARM_ENV)


def env_author(environ: Mapping[str, str] | None = None) -> str | None:
    """``$INCIDENT_MAP_AUTHOR``, the author of changes made without ``--author`` (None when unset or blank)."""
    value = (os.environ if environ is None else environ).get(AUTHOR_ENV, "").strip()
    return value or None


LOCALE_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # the language of messages, as gettext reads it


def locale_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables that choose the language of messages (:func:`dashboard.i18n.from_environment` reads them)."""
    env = os.environ if environ is None else environ
    return {name: env[name] for name in LOCALE_ENV if name in env}


def env_password(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """A password given to a script in the environment (``$INCIDENT_MAP_PASSWORD``, ``$INCIDENT_MAP_NEW_PASSWORD``:
    :mod:`dashboard.cli_team`); None when unset or empty (the CLI then asks for it)."""
    return (os.environ if environ is None else environ).get(name) or None


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the derived files of a database store go: ``$INCIDENT_MAP_CACHE``, else the per-user cache folder
    (platformdirs: ``~/.cache/segou-incident-map`` on Linux)."""
    env = os.environ if environ is None else environ
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def _location(value: str | Path) -> Path | str:
    """A database URL stays text (a Path would fold its ``//``); anything else is a path."""
    text = str(value)
    return text if text.startswith(("postgresql://", "postgres://")) else Path(text).expanduser()


def checked_url(value: str | None, name: str) -> str | None:
    """An absolute http(s) address with a host, without its trailing slash (``https://incidents.example.org/map``);
    ``None`` for an empty value; :class:`SettingsError` naming ``name`` (a variable or an option) otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment \
            or any(c.isspace() or c in "\"'<>" for c in value):
        label = f"${name}" if not name.startswith("-") else name
        raise SettingsError(N_("{label} must be an http(s) address such as https://incidents.example.org; got {value}"),
                            label=label, value=repr(value))
    return value.rstrip("/")


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(N_("${name} must be 1/true/yes or 0/false/no; got {value}"), name=name, value=repr(env[name]))


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise SettingsError(N_("${name} must be a whole number above 0; got {value}"), name=name,
                            value=repr(env[name]))
    return number
