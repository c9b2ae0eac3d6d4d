"""The history's own wording: the reasons the tool writes when a person gives none, the kinds of change set, and how
a stored reason is shown in the reader's language.

A reason in the history is evidence: it is stored exactly as written, whatever the language of the screen that
wrote it, and never rewritten. So the tool stores its own default reasons in one stable form, English, from the
constants below (the code that writes a change set uses them, so the text stored is always one of these), and
translates them only when they are shown (:func:`shown_reason`): a reason that is exactly one of these defaults (a
template's ``{fields}`` match any text, kept verbatim) is said in the reader's language; any other reason is shown
as it was written. The stored text is the same in an English and a French session, and stores written before this
module keep reading the same (these are the texts the tool already wrote). A person who typed exactly "reviewed" sees
it translated too: it says the same thing.
"""

from __future__ import annotations

import re

from dashboard.i18n import N_, NP_, Translator

__all__ = ["BUNDLED", "COLLECTED", "CONVERTED", "DEFAULT_REASONS", "EXPORTED", "IMPORT_OF", "KIND_WORDS",
           "READY_FOR_REVIEW", "REPLACED", "REVIEWED", "shown_kind", "shown_reason"]

READY_FOR_REVIEW = N_("ready for review")  # incident-map submit without --reason
REVIEWED = N_("reviewed")  # incident-map publish without --reason
COLLECTED = N_("collected: fetched by incident-map")  # incident-map capture without --reason
EXPORTED = N_("exported with an evidence pack")  # the custody log of an export with captures
BUNDLED = N_("the bundled Ségou dataset")  # a new store, made from the bundled data
REPLACED = N_("the store's incidents replaced")  # a store's incidents written over as a whole
IMPORT_OF = N_("import of {name} ({format})")  # an import without a reason
CONVERTED = N_("converted from {name}, written before the store kept a history: the history starts here")
DEFAULT_REASONS = (READY_FOR_REVIEW, REVIEWED, COLLECTED, EXPORTED, BUNDLED, REPLACED, IMPORT_OF, CONVERTED)

KIND_WORDS = {  # a change set's kind, as stored → as said (unknown kinds are shown as stored)
    "import": NP_("change", "import"), "create": NP_("change", "create"), "edit": NP_("change", "edit"),
    "delete": NP_("change", "delete"), "restore": NP_("change", "restore"), "capture": NP_("change", "capture"),
    "attach": NP_("change", "attach"), "export": NP_("change", "export"), "link": NP_("change", "link"),
    "keep_apart": NP_("change", "keep apart"), "unlink": NP_("change", "unlink"),
    "reconcile": NP_("change", "reconcile"), "named_victims": NP_("change", "named victims"),
    "submit": NP_("change", "submit"), "publish": NP_("change", "publish"), "withdraw": NP_("change", "withdraw"),
    "reopen": NP_("change", "reopen"), "send_back": NP_("change", "send back"),
}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)) + r"\Z",
                      re.DOTALL)


_PATTERNS = [(template, _pattern(template)) for template in DEFAULT_REASONS]


def shown_reason(reason: str | None, t: Translator) -> str:
    """A stored reason as the reader sees it: one of the tool's defaults in ``t``'s language, anything else verbatim."""
    if not reason:
        return reason or ""
    for template, pattern in _PATTERNS:
        found = pattern.match(reason)
        if found:
            return t.gettext(template).format(**found.groupdict())
    return reason


def shown_kind(kind: str, t: Translator) -> str:
    """A change set's kind in ``t``'s language ("edit" → "modification"); an unknown kind as stored."""
    return t.pgettext("change", KIND_WORDS[kind]) if kind in KIND_WORDS else kind
