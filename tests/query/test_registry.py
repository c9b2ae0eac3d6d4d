"""Every registered filter, through every surface: URL → spec → URL, CLI → spec, sidebar widget → spec, its mask and
its phrase. A filter added to the registry without an example below fails ``test_every_filter_is_tested``."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlencode

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.cli_options import App, filter_options
from dashboard.data.grading import grade_frame
from dashboard.data.reconcile.view import incidents_of
from dashboard.data.store import load_bundled
from dashboard.query.aggregate import distinct_values
from dashboard.query.filters import FrameIndex, filter_incidents, filter_mask
from dashboard.query.registry import FILTERS, Filter
from dashboard.query.spec import FilterSpec
from tests.factories import incidents, row
from tests.ui.opened import open_more_filters
from tests.ui.test_app import open_page, qp, store  # noqa: F401  (store: autouse fixture)

runner = CliRunner()

SAMPLE = incidents_of(incidents(
    row(incident_id="a", date_start="2025-10-02", admin2="Niono", perpetrators="Malian army; Dozo hunters",
        perpetrator_category="state_forces;progov_militia", fatalities_min="21", fatalities_max="37",
        verification="corroborated", dataset="user", geo_precision="2", summary="Kamona raid",
        killed_women_min="1", killed_women_max="1", harms="livestock_taken", livestock_taken_min="100"),
    row(incident_id="b", date_start="2025-09-01", date_precision="month", admin2="Macina", perpetrators="JNIM",
        perpetrator_category="jihadist_group", fatalities_min="", fatalities_max="", verification="reported",
        dataset="acled", event_type="Battles", civilian_targeting="false", latitude="", longitude="",
        geo_precision="3", summary="Siege of a village", source_record_id="B"),
    row(incident_id="c", date_start="2025-11-20", admin2="Segou", latitude="13.4404", longitude="-6.2723",
        perpetrators="Unidentified gunmen",
        perpetrator_category="unidentified", fatalities_min="4", fatalities_max="4", verification="confirmed",
        dataset="segou-curated", geo_precision="1", summary="Market attack", source_record_id="C",
        killed_children_min="1", killed_women_max="2", injured_min="2", injured_max="2", harms="injured",
        sources=json.dumps([{"organisation": "HRW"}, {"organisation": "Human Rights Watch (via RFI)"},
                            {"organisation": "AFP"}])),
), ()).frame.assign(status=["published", "draft", "in_review"])  # three one-report incidents

# filter name -> (a value, the SAMPLE incidents it selects)
MASKS: dict[str, tuple[object, list[str]]] = {
    "scope": ("civilian", ["a", "c"]),  # "b" did not target civilians
    "start": (date(2025, 10, 3), ["c"]),
    "end": (date(2025, 9, 5), ["b"]),  # "b" spans September: it overlaps
    "cat": (frozenset({"progov_militia", "unidentified"}), ["a", "c"]),
    "group": (frozenset({"Dozo militias", "JNIM / Katiba Macina"}), ["a", "b"]),
    "actor": (frozenset({"jnim", "DOZO"}), ["a", "b"]),
    "type": (frozenset({"Battles"}), ["b"]),
    "cercle": (frozenset({"Macina", "Ségou"}), ["b", "c"]),  # "b" by its reported name, "c" by its point
    "commune": (frozenset({"ML040506"}), ["a"]),  # Niono commune; "b" is known only to its cercle
    "min_killed": (5, ["a"]),  # an unknown toll never passes a minimum
    "killed_group": (frozenset({"women"}), ["a"]),  # "c": up to 2 women, but none known: not "among the killed"
    "harm": (frozenset({"injured", "displaced"}), ["c"]),
    "viol": (frozenset({"abuse"}), ["b"]),  # "a": army with Dozo (a violation); "c": unidentified
    "verif": (frozenset({"confirmed", "reported"}), ["b", "c"]),
    "grade": (frozenset({"fair"}), ["c"]),  # HRW and AFP: two independent sources; "a" and "b" have one
    "prec": (frozenset({1, 3}), ["b", "c"]),
    "dataset": (frozenset({"acled"}), ["b"]),
    "min_sources": (2, ["c"]),  # HRW, relayed or not, is one organisation: HRW and AFP
    "status": (frozenset({"draft", "published"}), ["a", "b"]),  # the review workflow (issue 14)
    "text": ("SIÈGE", ["b"]),
}


def by_name(name: str) -> Filter:
    return next(f for f in FILTERS if f.name == name)


def example(f: Filter):
    """A value the bundled data has (the sidebar only offers those)."""
    if f.kind == "set":
        values = f.choices or distinct_values(incidents_of(load_bundled(), ()).frame, f.options, split=f.split)
        return frozenset({values[0]})
    if f.kind == "choice":
        return f.choices[-1]  # not the default, which a URL or a command line leaves out
    return {"date": date(2025, 10, 1), "count": 10, "text": "Dozo", "flag": True}[f.kind]


def spec_of(f: Filter, value) -> FilterSpec:
    return FilterSpec(**{f.field: value})


def argv(f: Filter, value) -> list[str]:
    if f.kind == "flag":
        return [f.flag] if value else []
    if f.kind == "set":
        return [a for v in sorted(value, key=str) for a in (f.flag, str(v))]
    return [f.flag, value.isoformat() if f.kind == "date" else str(value)]


def test_every_filter_is_tested():
    assert [f.name for f in FILTERS] == list(MASKS)
    assert [f.name for f in FILTERS] == list(dict.fromkeys(f.name for f in FILTERS))  # names are unique
    assert len({f.key for f in FILTERS}) == len({f.flag for f in FILTERS}) == len(FILTERS)


@pytest.mark.parametrize("name", list(MASKS))
def test_mask(name):
    f = by_name(name)
    value, expected = MASKS[name]
    spec = FilterSpec(**{"scope": "all", f.field: value})  # every incident counted: only this filter at work
    assert sorted(filter_incidents(SAMPLE, spec)["incident_id"]) == expected


@pytest.mark.parametrize("name", list(MASKS))
def test_mask_through_the_loaders_index_computes_nothing_more(name):
    """The app's loader computes the frame's index ahead (``FrameIndex.warmed``): every mask gives the same rows
    through it and finds there all it reads (a column missing from ``CODED_COLUMNS`` would be computed here)."""
    f = by_name(name)
    value, expected = MASKS[name]
    loaded = grade_frame(SAMPLE)  # graded, as the store's cache holds incidents
    index = FrameIndex(loaded).warmed()
    before = index.computed()
    mask = filter_mask(loaded, FilterSpec(**{"scope": "all", f.field: value}), index)
    assert sorted(loaded.loc[mask, "incident_id"]) == expected
    assert index.computed() == before


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: f.name)
def test_url_round_trip_and_sentence(f):
    spec = spec_of(f, example(f))
    params = spec.to_query_params()
    assert set(params) == {f.key}
    assert FilterSpec.from_query_params(params) == spec
    url = urlencode(params, doseq=True)  # as a browser sends it back
    assert FilterSpec.from_query_params(parse_qs(url)).to_query_params() == params
    assert spec.describe() != FilterSpec().describe()  # it says itself


probe = App()


@probe.command()
@filter_options
def show(spec: FilterSpec) -> None:
    typer.echo(json.dumps(spec.to_query_params()))


@probe.command()
def other() -> None:  # a second command, so that "show" is a subcommand as in the real CLI
    pass


def cli_spec(*args: str) -> FilterSpec:
    result = runner.invoke(probe, ["show", *args])
    assert result.exit_code == 0, result.output
    return FilterSpec.from_query_params(json.loads(result.stdout))


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: f.name)
def test_cli_to_spec(f):
    spec = spec_of(f, example(f))
    assert cli_spec(*argv(f, example(f))) == spec
    assert cli_spec("--view", f"http://127.0.0.1:8501/?{urlencode(spec.to_query_params(), doseq=True)}") == spec


def test_cli_options_replace_the_view_filter_by_filter():
    view = "http://127.0.0.1:8501/?page=table&from=2025-10-01&to=2025-10-31&cat=state_forces&sel=SEG-2025-008"
    assert cli_spec("--view", view, "--perpetrator-category", "jihadist_group", "--min-killed", "5") == FilterSpec(
        start=date(2025, 10, 1), end=date(2025, 10, 31), perpetrator_categories=frozenset({"jihadist_group"}),
        min_fatalities=5)
    bad = runner.invoke(probe, ["show", "--view", "/?prec=7"])
    assert bad.exit_code == 2 and "prec must be 1, 2 or 3" in bad.output


@pytest.mark.parametrize("command", ["stats", "query", "export"])
def test_the_cli_options_are_the_registry(command):
    params = get_command(app).commands[command].params
    filters = [p.opts for p in params if p.name.startswith("filter_")]
    assert filters == [[f.flag] for f in FILTERS]
    assert ["--view"] in [p.opts for p in params]


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: f.name)
def test_widget_to_spec(f):
    value = example(f)
    at = open_page("map")
    if f.sidebar == "more":
        open_more_filters(at)  # its widgets are drawn once it is opened
    key = f"f_{f.name}"
    widget = {"date": at.sidebar.date_input, "set": at.sidebar.multiselect, "count": at.sidebar.number_input,
              "text": at.sidebar.text_input, "flag": at.sidebar.checkbox, "choice": at.sidebar.radio}[f.kind](key=key)
    widget.set_value(sorted(value, key=str) if f.kind == "set" else value).run()
    assert not at.exception, [e.value for e in at.exception]
    spec = spec_of(f, value)
    params = {k: qp(at, k) for k in spec.to_query_params()}
    assert FilterSpec.from_query_params(params) == spec
    assert spec.describe() in [m.value.strip("*").replace("\\", "") for m in at.markdown]
