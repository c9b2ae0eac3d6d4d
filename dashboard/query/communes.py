"""The commune filter's values: P-codes, which are unique (two communes are called Somo), written and read as
names a person recognises ("Pogo (Niono)"); a name given on the command line or in a link is resolved through the
same name table as the data (:class:`dashboard.data.admin.AdminNames`), and an ambiguous or unknown one is an
error that says why."""

from __future__ import annotations

import re

from dashboard.data.admin import AdminNames
from dashboard.errors import SpecError
from dashboard.i18n import N_

__all__ = ["code", "label"]

_PCODE = re.compile(r"^ML04\d{4}$")
_WITH_CERCLE = re.compile(r"^(?P<name>.+?)\s*\((?P<cercle>[^()]+)\)$")


def code(value: str) -> str:
    """``"ML040507"``, ``"Pogo"``, ``"Pogo (Niono)"``, ``"commune de Pogo"`` → ``"ML040507"``; raises
    :class:`SpecError` for a name that is not one commune of the region."""
    text = value.strip()
    if _PCODE.match(text):
        return text
    named = _WITH_CERCLE.match(text)
    name, cercle = (named["name"], named["cercle"]) if named else (text, None)
    match = AdminNames.default().commune(name, cercle=cercle)
    if not match.commune_pcode:
        raise SpecError(N_("commune {value}: {reason}"), value=repr(value), reason=match.said or match.reason)
    return match.commune_pcode


def label(pcode: str) -> str:
    """``"ML040507"`` → ``"Pogo (Niono)"`` (the P-code itself when it is not a commune of the region)."""
    names = AdminNames.default()
    return names.commune_label(pcode) or pcode
