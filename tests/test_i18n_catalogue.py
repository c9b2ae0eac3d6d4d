"""Every string marked for translation in the code is in every catalogue, translated; nothing in a catalogue is stale.

The marked strings are extracted here as ``pybabel extract`` does (the ``[tool.babel]`` configuration of
pyproject.toml: method map and keywords), with Babel's API, and compared with each ``messages.po``.
"""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.pofile import read_po

from dashboard.i18n import LOCALE_DIR, languages

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["babel"]
OTHER_LANGUAGES = [lang for lang in languages() if lang != "en"]


def extracted() -> dict[tuple[str | None, str], object]:
    """(context, msgid) → msgid as extracted (a tuple for a plural entry)."""
    options = CONFIG["extract_messages"]
    keywords = dict(DEFAULT_KEYWORDS) | parse_keywords(options["keywords"])
    method_map = [(m["pattern"], m["method"]) for m in CONFIG["mappings"]]
    found: dict[tuple[str | None, str], object] = {}
    for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / options["input-dirs"][0], method_map=method_map, keywords=keywords):
        key = (context, message if isinstance(message, str) else message[0])
        found[key] = message
    return found


def catalogue(lang: str) -> Catalog:
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def marked():
    return extracted()


def test_extraction_finds_the_marked_strings(marked):
    # a guard on the extraction itself: markers of every kind the code uses are found
    assert (None, "Cite this view") in marked  # _() in the UI
    assert ("attributed to", "state forces") in marked  # NP_() in labels.py
    assert marked[(None, "in the commune of {values}")] == ("in the commune of {values}",
                                                              "in the communes of {values}")  # _phrase:1,2
    assert (None, "Violence against civilians in the Ségou region, Mali") in marked  # N_() in export/words.py
    assert (None, "Key figures: incidents, killed as a min–max range, by perpetrator category and cercle.") in marked
    assert (None, "Create an empty store (schema by migrations), or upgrade the schema of the one there.") in marked
    assert (None, "Layout: {choices}") in marked  # H_() in the CLI: a help text holding values from the code
    assert (None, "{name}: the file is empty; expected a CSV with a header row") in marked  # N_() in an error
    assert len(marked) > 400


def test_every_commands_help_is_marked():
    # a command's help is its docstring (extracted by dashboard.cli_help.extract_command_docstrings) or a marked
    # help=; each has a French translation (the test below), so no command's help stays English in French
    import click
    import typer

    from dashboard.cli import app
    from dashboard.cli_help import help_text
    from dashboard.i18n import tr

    def commands(group: click.Group):
        for command in group.commands.values():
            yield command
            if isinstance(command, click.Group):
                yield from commands(command)

    root = typer.main.get_command(app)
    fr = tr("fr")
    english = [c.name for c in [root, *commands(root)] if c.help and help_text(c.help, fr) == c.help]
    options = [(c.name, p.name) for c in [root, *commands(root)] for p in c.params
               if getattr(p, "help", None) and help_text(p.help, fr) == p.help]
    assert not english, f"commands whose help has no French: {english}"
    assert not options, f"options whose help has no French: {options}"


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_marked_string_is_translated(marked, lang):
    cat = catalogue(lang)
    missing, untranslated, fuzzy, wrong_kind = [], [], [], []
    for (context, msgid), message in marked.items():
        entry = cat.get(message if isinstance(message, str) else message[0], context=context)
        if entry is None:
            missing.append((context, msgid))
            continue
        if entry.fuzzy:
            fuzzy.append(msgid)
        if isinstance(message, tuple) != isinstance(entry.id, tuple):
            wrong_kind.append(msgid)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(s.strip() for s in strings):
            untranslated.append(msgid)
    assert not missing, f"marked in the code, missing from {lang}/messages.po (run `make messages`): {missing}"
    assert not untranslated, f"no {lang} translation: {untranslated}"
    assert not fuzzy, f"fuzzy (not used at run time) in {lang}: {fuzzy}"
    assert not wrong_kind, f"plural in the code but not in {lang}, or the reverse: {wrong_kind}"


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_no_stale_entry_in_the_catalogue(marked, lang):
    stale = [(m.context, m.id) for m in catalogue(lang) if m.id
             and (m.context, m.id if isinstance(m.id, str) else m.id[0]) not in marked]
    assert not stale, f"in {lang}/messages.po but no longer in the code (run `make messages`): {stale}"


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    cat = catalogue(lang)
    problems = []
    for m in cat:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = fields(ids[-1]) | fields(ids[0])
        for s in strings:
            got = fields(s)
            # a singular may leave out the number it is chosen by ("the {n} incident" → "l'incident")
            if not got <= wanted or not (fields(ids[-1]) - {"n"} <= got or fields(ids[0]) - {"n"} <= got):
                problems.append((ids[0], s))
    assert not problems, problems


def test_no_compiled_catalogue_is_committed():
    # compiled in memory from the .po at run time (dashboard/i18n.py): a committed .mo could drift from it
    assert not list(LOCALE_DIR.rglob("*.mo"))


def test_a_new_language_is_one_catalogue(tmp_path, monkeypatch):
    from dashboard import i18n

    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "de" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Cite this view"\nmsgstr "Diese Ansicht zitieren"\n', encoding="utf-8")  # the rest: English
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._catalogue.cache_clear()
    i18n.tr.cache_clear()
    try:
        assert i18n.languages() == ("en", "de")
        t = i18n.tr("de")
        assert t.gettext("Cite this view") == "Diese Ansicht zitieren"
        assert t.gettext("Map") == "Map"  # untranslated: English
        assert t.day(__import__("datetime").date(2025, 10, 2)) == "2 Okt. 2025"  # CLDR's month names
    finally:
        i18n._catalogue.cache_clear()
        i18n.tr.cache_clear()
