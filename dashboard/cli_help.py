"""The command line in the user's language: its help texts and its messages.

typer reads a command's help (its docstring, or ``help=``) and each option's ``help=`` when the app is built, at
import, before the language is known. So the texts stay English in the app, marked for translation, and are
translated when the help is shown: :class:`TranslatedCommand` and :class:`TranslatedGroup` (the ``cls`` of every
command and group, set by :class:`dashboard.cli_options.App`) swap each text for its translation while typer's rich
formatter draws the help, then put the English back. One mechanism for every command, option and panel title.

How a help text is marked:

* a command's docstring is its msgid (``pybabel extract`` finds it with :func:`extract_command_docstrings`, the
  extraction method of ``dashboard/cli.py`` and ``dashboard/cli_*.py`` in pyproject.toml: docstrings of functions decorated with
  ``….command``);
* an option's ``help=`` is ``N_("…")`` when it is fixed text, or :func:`H_` ("…{name}…", name=value) when it holds
  values from the code (the choices of a registry, an environment variable's name): the English text is formatted
  at once, and the template and values are kept to format the translation at display time.

The language: ``--lang`` when it is given (every command has it; read from the arguments before they are parsed,
since ``--help`` is handled first), else the environment's locale (:func:`dashboard.i18n.from_environment`). It is
the run's language (:func:`translator` without an argument) from the start of ``main``, so typer's and Click's own
words (the usage line, panel titles, usage errors) are said in it too (:mod:`dashboard.cli_words`).
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import functools
import inspect
import io
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperCommand, TyperGroup

from dashboard import cli_words
from dashboard.i18n import DEFAULT, DOMAIN, LOCALE_DIR, Translator, from_environment, languages, tr

__all__ = ["H_", "TranslatedCommand", "TranslatedGroup", "extract_command_docstrings", "help_text", "translator"]

LANG_KEY = "dashboard.lang"  # in click's ctx.meta (shared by a group's context and its command's)

_HELP_OPTION = cli_words.HELP_OPTION
_RUN_LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("dashboard_cli_lang", default=None)

Value = str | int | Callable[[Translator], str]
_templates: dict[str, tuple[str, dict[str, Value]]] = {}  # English help text -> (template, values)


def H_(template: str, /, **values: Value) -> str:
    """A help text with values from the code: the English text now; its translation when the help is shown.
    A value may be a function of the translator (a label that is itself translated)."""
    text = _format(template, values, tr(DEFAULT))
    _templates[text] = (template, values)
    return text


def _format(template: str, values: dict[str, Value], t: Translator) -> str:
    return template.format(**{k: v(t) if callable(v) else v for k, v in values.items()})


def translator(lang: str | None = None) -> Translator:
    """``lang`` when it is a language with a catalogue, else the run's (``--lang``, see :meth:`_Translating.main`),
    else the environment's language."""
    if lang in languages():
        return tr(lang)
    return tr(_RUN_LANG.get() or from_environment())


@contextlib.contextmanager
def run_language(lang: str | None) -> Iterator[Translator]:
    """For the ``with`` block, :func:`translator` without an argument says ``lang`` (when it has a catalogue)."""
    t = translator(lang)
    token = _RUN_LANG.set(t.lang)
    try:
        yield t
    finally:
        _RUN_LANG.reset(token)


@functools.cache
def _by_words(lang: str) -> dict[str, str]:
    """msgid with its white space collapsed -> translation: a docstring's msgid is matched however typer or click
    re-flowed its lines."""
    if lang == DEFAULT:
        return {}
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    return {" ".join(m.id.split()): m.string for m in catalog
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy}


def help_text(text: str | None, t: Translator) -> str | None:
    """A help text (a command's, an option's, a panel's) in ``t``'s language; unmarked text stays as it is."""
    if not text or t.lang == DEFAULT:
        return text
    if text in _templates:
        template, values = _templates[text]
        return _format(t.gettext(template), values, t)
    said = t.gettext(text)
    if said != text:
        return said
    return _by_words(t.lang).get(" ".join(text.split()), text)


def _reflowed(text: str) -> str:
    """Each paragraph on one line (typer re-flows a command's own help, not the lines of the list of commands)."""
    return "\n\n".join(" ".join(p.split()) for p in inspect.cleandoc(text).split("\n\n"))


def _asked_lang(args: list[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


@contextlib.contextmanager
def _translated(command: click.Command, ctx: click.Context, t: Translator) -> Iterator[None]:
    """The help texts of ``command``, its parameters, its subcommands and typer's panel titles in ``t``'s language,
    English again afterwards."""
    saved: list[tuple[Any, str, Any]] = []

    def swap(obj: Any, attr: str, value: Any) -> None:
        saved.append((obj, attr, getattr(obj, attr)))
        setattr(obj, attr, value)

    try:
        shown = [command, *(getattr(command, "commands", {}) or {}).values()]
        for obj in shown:
            for attr in ("help", "short_help"):
                if getattr(obj, attr, None):
                    swap(obj, attr, _reflowed(help_text(getattr(obj, attr), t)))
        for param in command.get_params(ctx):
            if getattr(param, "help", None):
                swap(param, "help", t.gettext(_HELP_OPTION) if param.help == _HELP_OPTION
                     else help_text(param.help, t))
            if getattr(param, "rich_help_panel", None):
                swap(param, "rich_help_panel", help_text(param.rich_help_panel, t))
        yield
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)


def _reworded(exc: UsageError, t: Translator) -> UsageError:
    """A usage error of typer's Click said in ``t``'s language when typer shows it (with rich or without)."""
    if isinstance(exc, NoArgsIsHelpError) or getattr(exc, "_dashboard_reworded", False):
        return exc  # the help page itself, drawn in the language already; or already reworded
    english = exc.format_message
    exc.format_message = lambda: cli_words.reword(english(), t)  # type: ignore[method-assign]
    exc.show = lambda file=None: cli_words.show(exc, t, file)  # type: ignore[method-assign]
    exc._dashboard_reworded = True  # type: ignore[attr-defined]
    return exc


class _Translating:
    """What both classes add to typer's: the run's language from ``--lang`` (else the environment) from the start,
    with typer's and Click's words in it; the help drawn in it; usage errors said in it."""

    def main(self, args: list[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        raw = list(sys.argv[1:] if args is None else args)
        with run_language(_asked_lang(raw)) as t, cli_words.speaking(t):
            return super().main(args, *rest, **kwargs)  # type: ignore[misc]

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except UsageError as exc:
            _reworded(exc, translator())
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except UsageError as exc:
            _reworded(exc, translator())
            raise

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=translator().gettext(cli_words.USAGE))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if any(p.name == "lang" for p in self.params):  # type: ignore[attr-defined]
            asked = _asked_lang(args)
            if asked:
                ctx.meta[LANG_KEY] = asked
        return super().parse_args(ctx, args)  # type: ignore[misc]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self, ctx, translator(ctx.meta.get(LANG_KEY))):  # type: ignore[arg-type]
            super().format_help(ctx, formatter)  # type: ignore[misc]


class TranslatedCommand(_Translating, TyperCommand):
    pass


class TranslatedGroup(_Translating, TyperGroup):
    pass


def extract_command_docstrings(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extraction method: what ``extract_python`` finds, plus the docstring of every function decorated with
    ``….command`` / ``….command(…)`` (typer's help of the command), as ``inspect.getdoc`` gives it to typer."""
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        names = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
        if any((isinstance(n, ast.Attribute) and n.attr == "command") or (isinstance(n, ast.Name) and n.id == "command")
               for n in names):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.body[0].lineno, None, inspect.cleandoc(doc), []
