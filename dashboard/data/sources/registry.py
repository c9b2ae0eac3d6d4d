"""The source adapters: every surface that names an import format (the CLI's ``--format`` and help, the Data
page's choices and text, the importer's error messages) iterates over :data:`ADAPTERS`. A new source is one
adapter module with an ``ADAPTER`` and one entry here (order matters: the first that recognises a file wins)."""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.data.sources import acled, native, ucdp
from dashboard.data.sources.common import SourceAdapter, lowered
from dashboard.errors import UnreadableFile
from dashboard.wording import either

__all__ = ["ADAPTERS", "AUTO", "adapter", "expected_layouts", "format_choices", "formats", "recognise"]

ADAPTERS: tuple[SourceAdapter, ...] = (acled.ADAPTER, ucdp.ADAPTER, native.ADAPTER)
AUTO = "auto"  # recognise the layout from the columns


def formats() -> tuple[str, ...]:
    """What ``--format`` accepts: ``auto`` and every adapter's name."""
    return (AUTO, *(a.name for a in ADAPTERS))


def format_choices() -> str:
    """``"auto, acled, ucdp or native"``."""
    return either(list(formats()))


def expected_layouts() -> str:
    """``"expected an ACLED export (...), a UCDP GED file (...) or the canonical incident columns (...)"``."""
    return "expected " + either([a.layout for a in ADAPTERS])


def adapter(name: str) -> SourceAdapter:
    for a in ADAPTERS:
        if a.name == name:
            return a
    raise UnreadableFile(f"unknown format {name!r}; use {format_choices()}")


def recognise(columns: Iterable[object]) -> SourceAdapter | None:
    """The first adapter that recognises these columns, or ``None``."""
    cols = lowered(columns)
    return next((a for a in ADAPTERS if a.recognise(cols)), None)
