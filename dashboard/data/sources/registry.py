"""The source adapters: every surface that names an import format (the CLI's ``--format`` and help, the Data
page's choices and text, the importer's error messages) iterates over :data:`ADAPTERS`. A new source is one
adapter module (recognise + map) and one entry here; order matters: the first that recognises a file wins."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from dashboard.data.provenance import USER_DATASET
from dashboard.data.sources import acled, licences, native, ucdp
from dashboard.data.sources.common import lowered
from dashboard.data.sources.licences import Licence
from dashboard.errors import UnreadableFile
from dashboard.i18n import N_, Translator, tr
from dashboard.wording import either

__all__ = ["ADAPTERS", "AUTO", "BUNDLED_LICENCES", "SourceAdapter", "adapter", "expected_layouts", "format_choices",
           "formats", "licence_of", "recognise"]


@dataclass(frozen=True, slots=True)
class SourceAdapter:
    name: str  # the --format value
    dataset: str  # the dataset the importer gives its rows (dashboard/data/provenance.py)
    recognise: Callable[[set[str]], bool]  # from the set of column names (stripped, lower case)
    to_flat: Callable[[pd.DataFrame], pd.DataFrame]  # raw rows -> flat canonical frame; LayoutError
    description: str  # one line for help texts and the Data page (English, marked: translated where shown)
    layout: str  # what its files look like, for "expected ..." in error messages (marked, likewise)
    # what its rows may be used for, and their attribution (dashboard/data/sources/licences.py); an adapter that
    # declares none is treated as restricted
    licence: Licence = licences.UNKNOWN


ADAPTERS: tuple[SourceAdapter, ...] = (
    SourceAdapter("acled", acled.DATASET, acled.looks_like_acled, acled.acled_to_flat,
                  N_("ACLED exports (CSV or API JSON, current and pre-2023 layouts)"),
                  N_("an ACLED export (event_id_cnty, event_date, event_type, actor1, ...)"), licences.ACLED),
    SourceAdapter("ucdp", ucdp.DATASET, ucdp.looks_like_ucdp, ucdp.ucdp_to_flat,
                  N_("UCDP GED files (CSV, or the UCDP API's JSON records)"),
                  N_("a UCDP GED file (id, type_of_violence, side_a, side_b, ...)"), licences.UCDP_IMPORTED),
    SourceAdapter("native", USER_DATASET, native.looks_native, native.native_to_flat,
                  N_("files in this tool's own layout (CSV, GeoJSON, GeoPackage, as it exports them)"),
                  N_("the canonical incident columns (incident_id, date_start, location, sources, ...)"),
                  licences.USER_UNDECLARED),
)
AUTO = "auto"  # recognise the layout from the columns
# the datasets no adapter imports: the bundled record and the bundled UCDP extract (dashboard/data/ucdp_layer.py)
BUNDLED_LICENCES: dict[str, Licence] = {"segou-curated": licences.CURATED, "ucdp-ged-21.1": licences.UCDP_BUNDLED}


def licence_of(dataset: str) -> Licence:
    """The licence of a dataset's rows: a bundled dataset's, else the adapter's that imports it; a dataset nobody
    declares is :data:`~dashboard.data.sources.licences.UNKNOWN` (treated as restricted)."""
    if dataset in BUNDLED_LICENCES:
        return BUNDLED_LICENCES[dataset]
    return next((a.licence for a in ADAPTERS if a.dataset == dataset), licences.UNKNOWN)


def formats() -> tuple[str, ...]:
    """What ``--format`` accepts: ``auto`` and every adapter's name."""
    return (AUTO, *(a.name for a in ADAPTERS))


def format_choices() -> str:
    """``"auto, acled, ucdp or native"``."""
    return either(list(formats()))


def _format_choices_in(t: Translator) -> str:
    """``"auto, acled, ucdp ou native"``: :func:`format_choices` in ``t``'s language."""
    return t.words().either(list(formats()))


def expected_layouts(t: Translator | None = None) -> str:
    """``"expected an ACLED export (...), a UCDP GED file (...) or the canonical incident columns (...)"``, in
    ``t``'s language (English without)."""
    t = t or tr()
    return t.gettext("expected {layouts}").format(layouts=t.words().either([t.gettext(a.layout) for a in ADAPTERS]))


def adapter(name: str) -> SourceAdapter:
    for a in ADAPTERS:
        if a.name == name:
            return a
    raise UnreadableFile(N_("unknown format {name}; use {choices}"), name=repr(name), choices=_format_choices_in)


def recognise(columns: Iterable[object]) -> SourceAdapter | None:
    """The first adapter that recognises these columns, or ``None``."""
    cols = lowered(columns)
    return next((a for a in ADAPTERS if a.recognise(cols)), None)
