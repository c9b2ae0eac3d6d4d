"""What every ``incident-map`` command shares: the filter options, generated from the filter registry, and the
handling of errors a user can act on.

typer has no reusable option groups, so :func:`filter_options` builds them into a command's signature: one option
per registered filter (``Filter.flag``) plus ``--view URL``, the app's citable link. The command receives one
``spec``, parsed by the same code as the app's URL (:meth:`FilterSpec.from_query_params`), so the CLI and the app
cannot disagree about a filter. Options given on the command line replace the same filter in the view.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

import typer

from dashboard.cli_help import H_, TranslatedCommand, TranslatedGroup, run_language, translator
from dashboard.errors import SpecError, UserError
from dashboard.i18n import N_, Translator, languages
from dashboard.query.registry import FILTERS, Filter
from dashboard.query.spec import FilterSpec

__all__ = ["App", "Commands", "LangOpt", "checked_translator", "filter_options", "option_name", "spec_from_cli",
           "view_params"]

PANEL = N_("Filters")
LangOpt = Annotated[str | None, typer.Option(
    "--lang", metavar="|".join(languages()),
    help=H_("Language of the output (a PDF's too): {languages} (default: the environment's locale, "
            "LANGUAGE/LC_ALL/LC_MESSAGES/LANG, when it is one of them, else en)", languages=", ".join(languages())))]
_LANG = inspect.Parameter("lang", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=LangOpt)


def checked_translator(lang: str | None) -> Translator:
    """``--lang``'s translator, else the environment's language (:func:`dashboard.i18n.from_environment`); a
    language without a catalogue is refused."""
    if lang is not None and lang not in languages():
        t = translator()
        raise typer.BadParameter(t.gettext("--lang must be {choices}; got {value}").format(
            choices=t.words().either(list(languages())), value=repr(lang)))
    return translator(lang)
_TYPES: dict[str, Any] = {"date": str | None, "set": list[str] | None, "count": str | None, "text": str | None,
                          "flag": bool, "choice": str | None}


class App(typer.Typer):
    """A typer app whose commands show a :class:`UserError` as ``error: <message>`` (in the command's ``--lang``, else
    the environment's language) and exit 2; any other exception is a bug and surfaces as one (with its traceback).
    Its help is drawn in the user's language (:mod:`dashboard.cli_help`).

    Every command has ``--lang`` (:data:`LangOpt`, one definition): a command that takes ``lang`` receives it (checked);
    for the others it is added to the signature here, and the command runs with it as the run's language, which
    :func:`dashboard.cli_help.translator` (the messages of every command module) reads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, cls=TranslatedGroup, **kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable:
        register = super().command(*args, cls=TranslatedCommand, **kwargs)

        def decorate(fn: Callable) -> Callable:
            signature = inspect.signature(fn, eval_str=True)
            takes_lang = "lang" in signature.parameters

            @functools.wraps(fn)
            def run(*a: Any, **kw: Any) -> Any:
                lang = kw.get("lang") if takes_lang else kw.pop("lang", None)
                with run_language(checked_translator(lang).lang) as t:
                    try:
                        return fn(*a, **kw)
                    except UserError as exc:
                        typer.echo(t.gettext("error: {message}").format(message=exc.text(t)), err=True)
                        if exc.detail:
                            typer.echo(exc.detail, err=True)
                        raise typer.Exit(2) from None
            if not takes_lang:
                run.__signature__ = signature.replace(  # type: ignore[attr-defined]
                    parameters=[*signature.parameters.values(), _LANG])
            return register(run)
        return decorate


class Commands:
    """The functions a command module marks (``command = Commands()``, then ``@command``) as commands of the main
    app, added by :meth:`add_to` under their names (``send_back`` → ``send-back``). The marker is named
    ``command`` so that :func:`dashboard.cli_help.extract_command_docstrings` finds their docstrings (their help)."""

    def __init__(self) -> None:
        self._functions: list[Callable] = []

    def __call__(self, fn: Callable) -> Callable:
        self._functions.append(fn)
        return fn

    def add_to(self, app: typer.Typer) -> None:
        for fn in self._functions:
            app.command(fn.__name__.replace("_", "-"))(fn)


def option_name(f: Filter) -> str:
    """The Python parameter behind a filter's option."""
    return f"filter_{f.name}"


def _help(f: Filter) -> str:
    def own(t):
        return t.gettext(f.help)

    choices = ", ".join(map(str, f.choices))
    if f.kind == "choice":
        template = (N_("{help}; one of: {choices} (default {default}); repeatable") if f.multiple
                    else N_("{help}; one of: {choices} (default {default})"))
        return H_(template, help=own, choices=choices, default=str(f.empty))
    if f.choices:
        return H_(N_("{help}; one of: {choices}; repeatable") if f.multiple else N_("{help}; one of: {choices}"),
                  help=own, choices=choices)
    return H_(N_("{help}; repeatable") if f.multiple else "{help}", help=own)


def _metavar(f: Filter) -> str | None:
    if f.kind == "set":
        return "|".join(map(str, f.choices)) if 0 < len(f.choices) <= 4 else ("CODE" if f.choices else "NAME")
    if f.kind == "choice":
        return "|".join(f.choices)
    return {"date": "YYYY-MM-DD", "count": "N", "text": "WORDS"}.get(f.kind)


def _parameter(f: Filter) -> inspect.Parameter:
    option = typer.Option(f.flag, help=_help(f), rich_help_panel=PANEL, show_default=False, metavar=_metavar(f))
    return inspect.Parameter(option_name(f), inspect.Parameter.KEYWORD_ONLY, default=f.empty if f.kind == "flag"
                             else None, annotation=Annotated[_TYPES[f.kind], option])


_VIEW = inspect.Parameter("view", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
    str | None, typer.Option("--view", metavar="URL", rich_help_panel=PANEL,
                             help=N_("A view of the app (its address, or the 'Cite this view' link): its filters, "
                                     "which the options above replace one by one"))])


def view_params(url: str | None) -> dict[str, list[str]]:
    """The query parameters of an app URL (``http://host/?from=...``, ``/?from=...`` or just ``from=...``)."""
    if not url:
        return {}
    query = urlsplit(url).query if ("?" in url or "://" in url) else url
    return parse_qs(query)


def spec_from_cli(given: dict[str, Any], view: str | None = None) -> FilterSpec:
    """The spec of the filter options (by :func:`option_name`) on top of ``--view``'s; :class:`SpecError` if a value
    cannot be understood."""
    params: dict[str, Any] = dict(view_params(view))
    for f in FILTERS:
        value = given.get(option_name(f))
        if f.kind == "flag":
            if value:
                params[f.key] = "1"
        elif value not in (None, [], ""):
            params[f.key] = value
    return FilterSpec.from_query_params(params)


def filter_options(fn: Callable) -> Callable:
    """Give a command every registered filter as an option, and ``--view``; it is called with ``spec=`` instead."""
    signature = inspect.signature(fn, eval_str=True)
    own = [p for name, p in signature.parameters.items() if name != "spec"]

    @functools.wraps(fn)
    def command(**kwargs: Any) -> Any:
        given = {option_name(f): kwargs.pop(option_name(f)) for f in FILTERS}
        try:
            spec = spec_from_cli(given, kwargs.pop("view"))
        except SpecError as exc:
            raise typer.BadParameter(exc.text(translator(kwargs.get("lang")))) from None
        return fn(spec=spec, **kwargs)

    command.__signature__ = signature.replace(parameters=[*own, *(_parameter(f) for f in FILTERS), _VIEW])
    return command
