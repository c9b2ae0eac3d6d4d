"""Typer's and Click's own words (``Usage:``, ``Options``, ``Missing argument``, ``No such option``...) in the CLI's
language.

Why this module, and why it is more than a gettext domain: typer (0.29) ships its own copy of Click (``typer._click``)
whose words are English f-strings, not gettext calls; only typer's ``core`` and ``rich_utils`` call Python's
``gettext.gettext`` (the latter once, at import, for its panel titles and markers). So, for one run of the CLI,
:func:`speaking`:

* routes Python's global gettext domain (``gettext.dgettext``/``dngettext`` for the current domain, which is what
  ``from gettext import gettext as _`` ends up calling) to our catalogue, for the words typer asks gettext for at run
  time (``Options``/``Arguments``/``Commands`` headings without rich, ``Missing command.``, ``No such command``...);
* sets typer's ``rich_utils`` constants (read at import) to their translation;

and :func:`reword` says a usage error of the vendored Click (raised with an English message) in the language: each
English sentence below is matched as a pattern (its ``{fields}`` stand for any text, kept as they are: option names,
values) and replaced by its translation. A sentence not listed stays English.

The msgids are listed here with ``N_`` so that ``make messages`` keeps them in the catalogue (they are the libraries'
own, copied verbatim: a new version that changes one simply leaves it English until it is listed again;
``tests/test_cli_words.py`` shows which ones appear). Everything is put back when the run ends: the app process never
sees a changed gettext.
"""

from __future__ import annotations

import contextlib
import gettext
import re
from collections.abc import Iterator
from typing import Any

from typer import rich_utils

from dashboard.i18n import N_, Translator

__all__ = ["GETTEXT_WORDS", "RICH_WORDS", "SENTENCES", "USAGE", "reword", "show", "speaking"]

# typer.rich_utils's constants, set once with gettext at import
RICH_WORDS = {
    "DEPRECATED_STRING": N_("(deprecated) "), "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"), "REQUIRED_LONG_STRING": N_("[required]"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"), "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"), "ERRORS_PANEL_TITLE": N_("Error"), "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
# what typer.core asks gettext for while it runs (the help page without rich, refusals of a group)
GETTEXT_WORDS = (N_("(dynamic)"), N_("Aborted!"), N_("default: {default}"), N_("required"), N_("env var: {var}"),
                 N_("Missing command."), N_("No such command {name!r}."))
USAGE = N_("Usage: ")  # the vendored Click's prefix of the usage line (given to its formatter by cli_help)
HELP_OPTION = N_("Show this message and exit.")
# the vendored Click's refusals, most specific first; "{message}" is itself reworded (a value's refusal)
SENTENCES = (
    N_("{message}. Did you mean {suggestions}?"),  # typer's, after the refusal of an unknown command
    N_("Missing argument {name}. {more}"), N_("Missing argument {name}."),
    N_("Missing option {name}. {more}"), N_("Missing option {name}."),
    N_("Missing parameter {name}."),
    N_("Invalid value for {name}: {message}"), N_("Invalid value: {message}"),
    N_("No such option: {name} (Possible options: {options})"), N_("No such option: {name}"),
    N_("Got unexpected extra argument(s) ({args})"),
    N_("Option {name} does not take a value."), N_("Option {name} requires an argument."),
    N_("{value} is not one of {choices}."), N_("Value {value} is not a valid {kind}."),
)
_NON_RICH = (N_("Error: {message}"), N_("Try '{command} {option}' for help."))


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)  # text, field, text, field, ..., text
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)) + r"\Z",
                      re.DOTALL)


_PATTERNS = [(template, _pattern(template)) for template in SENTENCES]


def reword(message: str, t: Translator) -> str:
    """One of the vendored Click's English refusals in ``t``'s language (the quoted names and values as they are)."""
    if t.gettext(SENTENCES[-1]) == SENTENCES[-1]:  # English, or a catalogue without these words
        return message
    for template, pattern in _PATTERNS:
        found = pattern.match(message)
        if found:
            fields = found.groupdict()
            if "message" in fields:
                fields["message"] = reword(fields["message"], t)
            return t.gettext(template).format(**fields)
    return message


def show(exc: Any, t: Translator, file: Any = None) -> None:
    """The vendored Click's ``UsageError.show`` (the help page without rich), in ``t``'s language."""
    from typer._click.utils import echo

    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = t.gettext(_NON_RICH[1]).format(command=ctx.command_path, option=ctx.help_option_names[0]) + "\n"
        echo(f"{ctx.get_usage()}\n{hint}", file=file, err=file is None, color=ctx.color)
    echo(t.gettext(_NON_RICH[0]).format(message=exc.format_message()), file=file, err=file is None)


@contextlib.contextmanager
def speaking(t: Translator) -> Iterator[None]:
    """For the ``with`` block: Python's gettext (its current domain) and typer's words in ``t``'s language."""
    saved: list[tuple[Any, str, Any]] = []

    def swap(obj: Any, attr: str, value: Any) -> None:
        saved.append((obj, attr, getattr(obj, attr)))
        setattr(obj, attr, value)

    dgettext, dngettext, domain = gettext.dgettext, gettext.dngettext, gettext.textdomain()

    def ours_dgettext(d: str, message: str) -> str:
        return t.gettext(message) if d == domain else dgettext(d, message)

    def ours_dngettext(d: str, singular: str, plural: str, n: int) -> str:
        return t.ngettext(singular, plural, n) if d == domain else dngettext(d, singular, plural, n)

    try:
        swap(gettext, "dgettext", ours_dgettext)
        swap(gettext, "dngettext", ours_dngettext)
        for name, word in RICH_WORDS.items():
            swap(rich_utils, name, t.gettext(word))
        yield
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)
