"""Errors a user can act on: one base, :class:`UserError`, and one class per kind of problem.

The UI and the CLI catch exactly :class:`UserError` and show its message (one sentence saying what is wrong and,
where it can, what to do); anything else is a bug, which surfaces as a bug: the CLI lets the traceback through, the
UI says "something went wrong; details logged" and logs the details. So a pandas bug during an import is never
shown as "your file is wrong".

A message is English in the code, marked for translation (``N_``), with the data it quotes (a file's name, a
value, a limit) as ``{name}`` fields given as keywords: ``UnreadableFile(N_("{name}: the file is empty"),
name=path.name)``. ``str(exc)`` is the English sentence; :meth:`UserError.text` says it in the language of the
surface that shows it (the CLI's, the page's), the data kept verbatim. A message given already formatted (an
f-string) is shown as it is, in English.

The classes stay importable from the modules that raise them (``dashboard.query.spec.SpecError``...).
"""

from __future__ import annotations

import re

from dashboard.i18n import Count, Phrase, tr

__all__ = [
    "BriefingError",
    "LayoutError",
    "Problem",
    "ReconcileError",
    "SettingsError",
    "SourceError",
    "SpecError",
    "StoreError",
    "StoryError",
    "UnreadableFile",
    "UserError",
]


class UserError(Exception):
    """A problem the user can act on. The message says what it is in plain words, in one line; ``detail`` is an
    optional longer text (a table of the failing rows...) shown after it. ``fields`` fill the message's ``{name}``
    placeholders (a :class:`~dashboard.i18n.Phrase`, a :class:`~dashboard.i18n.Count`, a module-level function of the
    translator (so that the error still pickles) or a :class:`UserError` is said in the message's language;
    anything else is data, kept as it is)."""

    def __init__(self, message: str, *, detail: str | None = None, **fields: object) -> None:
        self.template = message
        self.fields = fields
        self.detail = detail
        super().__init__(self._said(message, None) if fields else message)

    def _said(self, said: str, t) -> str:
        t = t or tr()
        fields = {k: v.text(t) if isinstance(v, UserError) else t.gettext(v) if isinstance(v, Phrase)
                  else t.number(v) if isinstance(v, Count) else v(t) if callable(v) else v
                  for k, v in self.fields.items()}
        return said.format(**fields)

    def text(self, t=None) -> str:
        """The message on one line in ``t``'s language (a :class:`dashboard.i18n.Translator`; English without)."""
        if t is None or not hasattr(self, "template"):  # a subclass that did not call this __init__
            return self.message
        said = t.gettext(self.template)
        said = self._said(said, t) if self.fields else said
        return re.sub(r"[ \t\r\n\f\v]+", " ", said).strip()  # no-break spaces (1 000, « ») stay

    def __reduce__(self):  # pickled whole (an import runs in a child process): the detail and fields travel too
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))

    @property
    def message(self) -> str:
        """The message on one line (it may quote a file's text, which can hold line breaks)."""
        return " ".join(str(self).split())


class Problem(UserError):
    """Not raised: one problem of one row (validation's rejects), kept beside its English text so that a report, a
    form or the rejects file says it in the reader's language (:func:`dashboard.data.validate.problem_text`)."""


class SpecError(UserError):
    """A filter value that cannot be understood (bad date, unknown category...)."""


class SourceError(UserError):
    """A ``sources`` cell that is not a JSON list of source objects."""


class LayoutError(UserError):
    """A file as a whole does not have the expected layout (a missing required column...)."""


class UnreadableFile(UserError):
    """A file cannot be read at all; the message names the file and what was expected."""


class StoreError(UserError):
    """The store cannot be read or written; the message says which file and why."""


class StoryError(UserError):
    """A story that cannot be used (bad JSON, a wrong field, an incident id not in the data)."""


class BriefingError(UserError):
    """The briefing pack could not be rendered (the message says which part failed)."""


class SettingsError(UserError):
    """An environment variable holds a value the tool cannot use; the message names it and what is expected."""


class ReconcileError(UserError):
    """A decision about reports that cannot be made (an unknown report id, no reason given...)."""


def _rebuild(cls: type[UserError], args: tuple, state: dict) -> UserError:
    """The error as it was raised, without calling its ``__init__`` again (a subclass's, such as the store's
    ``ConflictError``, may take other arguments than the message)."""
    exc = cls.__new__(cls, *args)
    exc.args = args
    exc.__dict__.update(state)
    return exc
