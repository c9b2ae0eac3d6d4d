"""The app: sidebar filters, then the chosen page (``app.py`` is the script Streamlit runs)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import streamlit as st

from dashboard.data.store import describe_store
from dashboard.errors import UserError
from dashboard.i18n import N_
from dashboard.settings import Settings, SettingsError
from dashboard.team.permissions import ANONYMOUS
from dashboard.ui import boot, cache, common, lang, state, team, widgets
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _
from dashboard.ui.pages import (
    about,
    data_page,
    export_page,
    map_page,
    record_page,
    review_page,
    story_page,
    table_page,
    timeline_page,
)
from dashboard.viz.assets import use_local_assets

ICON = str(Path(__file__).resolve().parent / "static" / "icon.png")  # local: no icon CDN


class _Page(NamedTuple):
    slug: str  # its URL path and ``?page=`` value
    module: ModuleType  # has ``render(ctx)``
    title: str  # marked for translation, translated when drawn
    icon: str
    public: bool = True  # False: not in the public view (no accounts, no record page)


PAGE_LIST = (  # the navigation's order; the one list of the app's pages
    _Page("map", map_page, N_("Map"), ":material/map:"),
    _Page("timeline", timeline_page, N_("Timeline"), ":material/timeline:"),
    _Page("table", table_page, N_("Table & figures"), ":material/table:"),
    _Page("story", story_page, N_("Story"), ":material/slideshow:"),
    _Page("export", export_page, N_("Briefing & exports"), ":material/download:"),
    _Page("data", data_page, N_("Data & import"), ":material/upload_file:"),
    _Page("review", review_page, N_("Review"), ":material/rule:"),
    _Page("record", record_page, N_("Record & publish"), ":material/edit_note:", public=False),
    _Page("about", about, N_("About & sources"), ":material/info:"),
)
PAGES = tuple(page.slug for page in PAGE_LIST)
BUG_MESSAGE = N_("Something went wrong while drawing this page: a fault in the dashboard, not in your data or your "
                 "link. The details are in the server's log. Reload the page, or change the filters.")
CATCH_BUGS = True  # tests in-process set this to False, so that a bug fails them as an exception
log = logging.getLogger("dashboard.ui")
# Streamlit leaves 6rem above every page: with the title, sentence and count, the map started below the fold on a
# laptop (1440×900) and on a phone; a page's first screen is worth more than that margin
COMPACT = ("<style>[data-testid='stMainBlockContainer']{padding-top:3.5rem}"
           "[data-testid='stMain'] h1{padding-top:0.25rem}</style>")


def requested_page(default: str) -> str:
    """``/?page=timeline`` opens that page at the root URL: cited links use this form because opening a page
    path such as ``/timeline`` in a fresh session shows Streamlit's "Page not found" dialog (streamlit#9992)."""
    page = st.query_params.get("page")
    return page if page in PAGES else default


def main(default: str = "map") -> None:
    """Run one script pass; ``default`` is the page shown at the root URL (tests open other pages with it).

    A bug (any exception that is not a :class:`UserError`) shows :data:`BUG_MESSAGE` and its traceback goes to the
    server's log only; Streamlit's own exception box is redacted as well (``client.showErrorDetails = "none"``)."""
    boot.register_components()  # the map's component, when the server imported it while warming up
    lang.seed()  # the session's language, before any text is drawn
    st.set_page_config(page_title=_("Ségou incident map"), page_icon=ICON, layout="wide")
    use_local_assets()  # Leaflet & plugins from /app/static/vendor: the map works with no internet
    st.html(COMPACT)
    if not CATCH_BUGS:
        _run(default)
        return
    try:
        _run(default)
    except Exception:  # st.stop() and reruns are BaseExceptions: they pass
        log.exception("a page failed (the browser was shown a generic sentence)")
        st.error(_(BUG_MESSAGE), icon=":material/error:")


def _run(default: str) -> None:
    try:
        settings = Settings.from_env()  # once per run: the only place the app reads the environment
        data = cache.loaded(settings)
    except SettingsError as exc:
        common.user_error(exc, _("The dashboard is misconfigured"))
        st.stop()
    except UserError as exc:  # the store is unreadable: say so plainly (no server folder in the public view)
        where = settings.store.parent if isinstance(settings.store, Path) else describe_store(settings.store)
        hidden = (where, settings.data_dir) if settings.public else ()  # a database: shown by its name only
        common.user_error(exc, _("Could not load the incident store"), hide=hidden)
        st.stop()
    if data.newer:
        st.info(_("A newer version of the data (an import) is being prepared; this page shows version {version} "
                  "until it is ready. Reload in a moment.").format(version=data.version), icon=":material/sync:")
    options = cache.options(data)
    if "_seeded" not in st.session_state:
        spec, problem = state.spec_from_url()
        dropped = widgets.seed_from(spec, options)
        st.session_state["_seeded"] = True
        if problem:
            st.warning(common.md_escape(problem))  # it quotes the link: untrusted text
        if dropped:
            st.warning(_("Ignored value(s) from the link that are not in this dataset:") + " "
                       + common.md_escape(", ".join(dropped)))
    default = requested_page(default)
    ctx = None  # the pages read it when they run, after the filters below are drawn

    def runs(module: ModuleType) -> Callable[[], None]:
        return lambda: module.render(ctx)

    pages = [st.Page(runs(page.module), title=_(page.title), url_path=page.slug, default=default == page.slug,
                     icon=page.icon) for page in PAGE_LIST if page.public or not settings.public]
    who = ANONYMOUS  # the public view has no accounts, no sign-in and no record page at all
    # Navigation first, widgets after: Streamlit folds the running page's identity into every widget id, and a
    # new session's first run has another identity than later runs until st.navigation resolves the page. Widgets
    # drawn before it changed ids on the second run, so the first thing a user did with one (a search typed and
    # submitted) was silently dropped; drawn after it, they keep their ids.
    page = st.navigation(pages)
    lang.switch()
    spec = widgets.filters(options)
    if not settings.public:
        who = team.sidebar(str(data.store))
    view_state = state.view_from_url()
    chosen = cache.selection(data, spec)  # once per filter state: a rerun that keeps the filters does no work
    ctx = PageContext(data=data, spec=spec, selection=chosen, state=view_state, settings=settings, account=who)
    try:
        page.run()
    except UserError as exc:
        common.user_error(exc, hide=(settings.store.parent, settings.data_dir) if settings.public else ())

