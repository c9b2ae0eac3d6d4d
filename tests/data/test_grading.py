"""Civilian-harm grading (issue 16, item 2): each rule, the source types, the override with its reason, responses,
the filter, the card line and the briefing's count sentence."""

from __future__ import annotations

import html as html_module
import io
import json
import sqlite3

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.engines import forget
from dashboard.data.engines.changes import StoreError
from dashboard.data.engines.migrate import current, head
from dashboard.data.grading import REPORT_COLUMNS, grade, grade_frame, perpetrators_disagree
from dashboard.data.reconcile.incidents import build_incidents
from dashboard.data.responses import add_response, set_grade
from dashboard.data.schema import SOURCE_TYPES, parse_sources
from dashboard.data.source_types import organisation_types, source_type, typed_sources
from dashboard.data.store import load_bundled, load_store, open_store, read_store, store_state
from dashboard.export.summary import grade_counts
from dashboard.grade_words import grade_basis
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.cards import incident_card_html
from tests.factories import incidents, row
from tests.old_stores import gpkg_store_at, postgis_store_at


def _sources(*orgs: str | tuple[str, str]) -> str:
    items = [{"organisation": o} if isinstance(o, str) else {"organisation": o[0], "type": o[1]} for o in orgs]
    return json.dumps(items)


DENIAL = {"incident_id": "T-1", "kind": "denial", "date": "2025-10", "party": "FAMa", "url": "https://e.org/d"}


# ---- each rule -----------------------------------------------------------------------------------------------
def test_two_independent_organisations_are_fair_one_is_weak_none_is_weak():
    assert grade({"sources": _sources("RFI", "Human Rights Watch")}) .grade == "fair"
    g = grade({"sources": _sources("RFI (via AllAfrica)", "RFI via PressAfrik")})  # one outlet, relayed twice
    assert (g.grade, g.rule, g.corroborating) == ("weak", "single_source", 1)
    g = grade({"sources": _sources("Maliweb (DIRPA press briefing)", "Wikipedia", "UCDP GED")})
    assert (g.grade, g.rule, g.corroborating) == ("weak", "no_independent_source", 0)
    assert g.types == ("compilation", "dataset", "official_statement")


def test_an_admission_confirms_and_outranks_the_other_rules():
    g = grade({"sources": _sources("RFI")}, responses=[{**DENIAL, "kind": "admission"}])
    assert (g.grade, g.rule) == ("confirmed", "admitted")
    g = grade({"sources": _sources("RFI")}, reports=[{"perpetrator_category": "state_forces"},
                                                      {"perpetrator_category": "jihadist_group"}],
              responses=[{**DENIAL, "kind": "admission"}])
    assert g.grade == "confirmed"


def test_reports_naming_different_perpetrators_are_contested_allies_and_unidentified_are_not():
    assert perpetrators_disagree(["state_forces", "jihadist_group"])
    assert not perpetrators_disagree(["state_forces", "progov_militia"])  # operate together
    assert not perpetrators_disagree(["state_forces;jihadist_group", "jihadist_group"])  # a shared category
    assert not perpetrators_disagree(["unidentified", "jihadist_group"])
    g = grade({"sources": _sources("RFI", "HRW", "AFP")}, reports=[{"perpetrator_category": "communal_militia"},
                                                                   {"perpetrator_category": "jihadist_group"}])
    assert (g.grade, g.rule) == ("contested", "perpetrators_disagree")


def test_a_denial_contests_press_reports_but_not_an_ngo_or_un_investigation():
    g = grade({"sources": _sources("RFI", "AFP", "Reuters")}, responses=[DENIAL])
    assert (g.grade, g.rule, g.denied) == ("contested", "denied_uninvestigated", True)
    g = grade({"sources": _sources("RFI", "Human Rights Watch")}, responses=[DENIAL])
    assert (g.grade, g.rule, g.denied) == ("fair", "corroborated", True)
    g = grade({"sources": _sources("RFI", "UN/MINUSMA (via ReliefWeb)")}, responses=[DENIAL])
    assert g.grade == "fair"
    # an inquiry announced by the accused party changes no grade
    assert grade({"sources": _sources("RFI")}, responses=[{**DENIAL, "kind": "inquiry"}]).grade == "weak"


def test_a_toll_disagreement_is_said_but_changes_no_grade():
    g = grade({"sources": _sources("RFI", "AFP"), "toll_disputed": True})
    assert (g.grade, g.toll_disputed) == ("fair", True)


def test_an_override_wins_with_its_reason():
    g = grade({"sources": _sources("RFI", "AFP"), "grade_override": "discounted",
               "grade_override_reason": "Victims were fighters per later HRW report"},
              responses=[{**DENIAL, "kind": "admission"}])
    assert (g.grade, g.rule, g.reason) == ("discounted", "override", "Victims were fighters per later HRW report")


# ---- source types -----------------------------------------------------------------------------------------------
def test_every_bundled_organisation_has_a_type_by_rule_and_a_stated_type_wins():
    bundled = load_bundled()
    curated = bundled[bundled["dataset"] == "segou-curated"]
    untyped = {s.organisation for cell in curated["sources"] for s in parse_sources(cell)
               if source_type(s.organisation) == "unknown"}
    assert not untyped, untyped
    assert set(organisation_types().values()) <= set(SOURCE_TYPES)
    assert source_type("HRW") == source_type("Human Rights Watch (reported via RFI/AllAfrica)") == "ngo_investigation"
    assert source_type("AFP (via Afrique24)") == "media" and source_type("Some blog") == "unknown"
    assert typed_sources(_sources(("Some blog", "local_witness"))) == (("some blog", "local_witness"),)
    assert parse_sources(_sources(("RFI", "un")))[0].type == "un"
    with pytest.raises(Exception, match="source type must be one of"):
        parse_sources(_sources(("RFI", "rumour")))


# ---- the frame, the filter, the card, the briefing ----------------------------------------------------------------
FRAME = incidents(
    row(incident_id="A", sources=_sources("RFI", "Human Rights Watch"), source_record_id="A"),
    row(incident_id="B", sources=_sources("RFI"), source_record_id="B"),
    row(incident_id="C", sources=_sources("RFI", "AFP"), source_record_id="C",
        grade_override="discounted", grade_override_reason="<b>fighters</b>, per the later UN report"),
)


def test_grade_frame_adds_grades_and_the_filter_selects_them_through_the_registry_and_the_url():
    graded = grade_frame(FRAME, responses=[{**DENIAL, "incident_id": "B"}])
    assert dict(zip(graded["incident_id"], graded["grade"], strict=True)) == {"A": "fair", "B": "contested",
                                                                              "C": "discounted"}
    spec = FilterSpec.from_query_params({"grade": ["fair", "discounted"]})
    assert spec.to_query_params() == {"grade": ["discounted", "fair"]}
    assert sorted(filter_incidents(graded, spec)["incident_id"]) == ["A", "C"]
    assert "graded fair or discounted" in spec.describe()  # in the order of the scale
    from dashboard.i18n import tr
    assert "au degré de certitude crédible ou écarté" in spec.describe(tr("fr").words())
    # a frame without grades (reports) is graded as its rows stand
    assert list(filter_incidents(FRAME, FilterSpec(grades=frozenset({"weak"})))["incident_id"]) == ["B"]
    with pytest.raises(Exception, match="grade"):
        FilterSpec.from_query_params({"grade": ["excellent"]})


def test_the_card_shows_the_grade_and_its_basis_escaped_and_translated():
    graded = grade_frame(FRAME).set_index("incident_id", drop=False)
    html = incident_card_html(graded.loc["A"].to_dict())
    assert "Civilian-harm grade:" in html and "fair" in html
    assert "2 independent sources (media, NGO investigation)" in html
    html = incident_card_html(graded.loc["C"].to_dict())
    assert "&lt;b&gt;fighters&lt;/b&gt;" in html and "<b>fighters</b>" not in html
    from dashboard.i18n import tr
    fr = html_module.unescape(incident_card_html(graded.loc["A"].to_dict(), t=tr("fr")))
    assert "Degré de certitude des dommages civils" in fr and "2 sources indépendantes (média, enquête d'ONG)" in fr
    assert grade_basis(graded.loc["B"].to_dict()) == "1 independent source (media)"


def test_the_briefing_counts_the_grades_in_english_and_french():
    graded = grade_frame(FRAME, responses=[{**DENIAL, "incident_id": "B"}])
    assert grade_counts(graded) == "Civilian-harm grades: of 3 incidents, 1 fair, 1 contested, 1 discounted."
    assert grade_counts(graded, "fr") == ("Degré de certitude des dommages civils : sur 3 incidents, crédible : 1, "
                                          "contesté : 1, écarté : 1.")
    assert grade_counts(FRAME) is None  # no grades: nothing said


# ---- the store: override, responses, bundled responses ----------------------------------------------------------------
def test_override_needs_a_reason_and_is_in_the_history(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "s.gpkg"
    st = open_store(path)
    with pytest.raises(StoreError, match="needs a reason"):
        set_grade(st, "SEG-2025-008", "weak", reason=" ")
    with pytest.raises(StoreError, match="grade must be one of"):
        set_grade(st, "SEG-2025-008", "excellent", reason="x")
    set_grade(st, "SEG-2025-008", "discounted", reason="Test reason", author="tester")
    entries = [e for e in st.history("SEG-2025-008") if e.field == "grade_override"]
    assert [(e.author, e.reason, e.after) for e in entries] == [("tester", "Test reason", "discounted")]
    data = load_store(path, use_cache=False)
    row_ = data.incidents.set_index("incident_id").loc["SEG-2025-008"]
    assert (row_["grade"], row_["grade_rule"], row_["grade_reason"]) == ("discounted", "override", "Test reason")
    set_grade(st, "SEG-2025-008", None, reason="The rules decide again", author="tester")
    assert load_store(path, use_cache=False).incidents.set_index("incident_id").loc["SEG-2025-008", "grade"] == "fair"
    forget(path)


def test_responses_are_validated_recorded_and_change_the_grade(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "s.gpkg"
    st = open_store(path)
    before = store_state(path)[0]
    bundled = {r["incident_id"]: r["kind"] for r in load_store(path, use_cache=False).responses}
    assert bundled == {"SEG-2020-007": "inquiry", "SEG-2021-003": "denial", "SEG-2022-002": "denial"}
    with pytest.raises(StoreError, match="kind: must be one of denial, admission, inquiry"):
        add_response(st, "SEG-2025-010", date="2025-10", party="FAMa", kind="rumour", url="https://e.org", at="t")
    with pytest.raises(StoreError, match="date: must be"):
        add_response(st, "SEG-2025-010", date="2025-13", party="FAMa", kind="denial", url="https://e.org", at="t")
    with pytest.raises(StoreError, match="url: must start with"):
        add_response(st, "SEG-2025-010", date="2025-10", party="FAMa", kind="denial", url="javascript:x", at="t")
    add_response(st, "SEG-2025-010", date="2025-10-20", party="FAMa", kind="admission", url="https://e.org/a",
                 at="2026-11-30T20:00:00Z", author="tester")
    assert store_state(path)[0] != before  # responses are part of the dataset version
    graded = load_store(path, use_cache=False).incidents.set_index("incident_id")
    assert (graded.loc["SEG-2025-010", "grade"], graded.loc["SEG-2025-010", "grade_rule"]) == ("confirmed", "admitted")
    with pytest.raises(StoreError, match="already recorded"):
        add_response(st, "SEG-2025-010", date="2025-10-20", party="FAMa", kind="admission", url="https://e.org/a",
                     at="later")
    forget(path)


def test_the_cli_sets_a_grade_and_adds_a_response(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    store = str(tmp_path / "s.gpkg")
    runner = CliRunner()
    out = runner.invoke(app, ["grade", "SEG-2025-016", "weak", "--store", store])
    assert out.exit_code != 0 and "reason" in out.output
    out = runner.invoke(app, ["grade", "SEG-2025-016", "weak", "--reason", "Only one outlet checked", "--author", "x",
                              "--store", store])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["response", "add", "SEG-2025-016", "--date", "2025-10-25", "--by", "FAMa", "--kind",
                              "inquiry", "--url", "https://e.org/i", "--store", store])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["query", "--grade", "weak", "--json", "--store", store])
    assert out.exit_code == 0 and "SEG-2025-016" in out.output
    out = runner.invoke(app, ["history", "SEG-2025-016", "--store", store])
    assert "Only one outlet checked" in out.output
    forget(store)


# ---- migration ------------------------------------------------------------------------------------------------------
def test_a_store_at_revision_0005_is_upgraded_and_keeps_its_version(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    path = gpkg_store_at(tmp_path / "old.gpkg", "0005")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0005"
        columns = [r[1] for r in conn.execute("PRAGMA table_info(incidents)")]
        hashed = conn.execute("SELECT value FROM store_meta WHERE key = 'dataset_hash'").fetchone()[0]
    assert "grade_override" not in columns
    version = store_state(path)[0]

    st = open_store(path)
    assert current(st.engine) == head()
    with sqlite3.connect(path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(incidents)")]
        tables = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
        assert conn.execute("SELECT value FROM store_meta WHERE key = 'dataset_hash'").fetchone()[0] == hashed
    assert {"grade_override", "grade_override_reason"} <= set(columns) and "responses" in tables
    frame = read_store(path)
    assert frame["grade_override"].isna().all() and store_state(path)[0] == version
    set_grade(st, "T-1", "weak", reason="Upgrade test", author="a")
    assert read_store(path).set_index("incident_id").loc["T-1", "grade_override"] == "weak"
    assert store_state(path)[0] != version
    assert pd.isna(read_store(path).set_index("incident_id").loc["T-2", "grade_override"])
    forget(path)


def test_the_basis_names_the_kinds_of_the_sources_it_counted():
    graded = grade_frame(incidents(row(sources=_sources("UCDP GED", "Europe 1", "Maliweb")))).iloc[0].to_dict()
    assert graded["source_types"] == "dataset;media"
    assert grade_basis(graded) == "2 independent sources (media)"
    graded = grade_frame(incidents(row(sources=_sources("UCDP GED")))).iloc[0].to_dict()
    assert grade_basis(graded) == "no independent source, only: conflict-event dataset"


def test_the_card_lists_the_responses_linked_and_escaped():
    said = {**DENIAL, "incident_id": "B", "party": "<i>FAMa</i>", "note": "Denied <script>x</script>"}
    graded = grade_frame(FRAME, responses=[said, {**said, "kind": "inquiry", "url": "javascript:alert(1)"}])
    html = incident_card_html(graded.set_index("incident_id", drop=False).loc["B"].to_dict())
    assert 'Denial:</b> <a href="https://e.org/d"' in html and "&lt;i&gt;FAMa&lt;/i&gt;, 2025-10" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "Inquiry announced:" in html
    assert pd.isna(graded.set_index("incident_id").loc["A", "responses"])


def test_a_postgis_store_at_revision_0005_is_upgraded(pg_cluster, tmp_path, monkeypatch):
    """The same upgrade on PostGIS: a database migrated to 0005 holding the fixture's rows, opened by incident-map."""
    from dashboard.data.engines.records import version_text

    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    url, meta = postgis_store_at(pg_cluster, "0005")
    st = open_store(url)
    assert current(st.engine) == head()
    frame = read_store(url)
    assert frame["grade_override"].isna().all() and frame["grade_override_reason"].isna().all()
    assert store_state(url)[0] == version_text(int(meta["dataset_hash"]))
    add_response(st, "T-1", date="2025-10", party="FAMa", kind="denial", url="https://e.org/d", at="t", author="a")
    assert [r["kind"] for r in load_store(url, use_cache=False).responses] == ["denial"]
    assert store_state(url)[0] != version_text(int(meta["dataset_hash"]))
    forget(url)


def test_csv_and_geojson_exports_carry_the_grade_and_its_rule():
    from dashboard.export.files import to_csv_bytes, to_geojson_bytes

    graded = grade_frame(FRAME)
    table = pd.read_csv(io.BytesIO(to_csv_bytes(graded)), dtype=str, comment="#")
    assert {"grade", "grade_rule", "corroborating_sources", "source_types"} <= set(table.columns)
    assert table["grade"].tolist() == ["fair", "weak", "discounted"]
    feature = json.loads(to_geojson_bytes(graded))["features"][2]["properties"]
    assert (feature["grade"], feature["grade_rule"]) == ("discounted", "override")
    assert "grade" not in pd.read_csv(io.BytesIO(to_csv_bytes(FRAME)), dtype=str, comment="#").columns


def test_the_cli_grades_an_incident_by_its_id_not_a_report_grouped_into_another(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    store = str(tmp_path / "s.gpkg")
    out = CliRunner().invoke(app, ["grade", "UCDP-67917", "weak", "--reason", "r", "--store", store])
    assert out.exit_code == 2 and "UCDP-67917 is a report of incident SEG-2013-001" in out.output
    out = CliRunner().invoke(app, ["grade", "NOPE-1", "weak", "--reason", "r", "--store", store])
    assert out.exit_code == 2 and "no such incident" in out.output
    forget(store)


def test_grade_frame_a_few_incidents_at_a_time_is_grade_frame_whole(monkeypatch):
    """The rules' objects are made GRADE_ROWS incidents at a time: the same grades, rules, reasons and responses
    (a response naming a report goes to its incident; reports of one incident that disagree are found across
    slices), and the frame given is left as it was."""
    from dashboard.data import grading

    frame = incidents(
        row(incident_id="A", sources=_sources("RFI", "AFP"), source_record_id="A"),
        row(incident_id="B", sources=_sources("RFI"), source_record_id="B"),
        row(incident_id="C", sources=_sources("RFI", "AFP"), source_record_id="C",
            grade_override="discounted", grade_override_reason="fighters, per the UN"),
        row(incident_id="D", sources=_sources("Human Rights Watch"), source_record_id="D"),
        row(incident_id="E", sources=_sources("UCDP GED"), source_record_id="E"),
    ).assign(n_reports=[2, 1, 1, 2, 1])
    reports = incidents(*(row(incident_id=i, source_record_id=i, perpetrator_category=c) for i, c in (
        ("A1", "state_forces"), ("B", "state_forces"), ("A2", "jihadist_group"), ("C", "state_forces"),
        ("D1", "state_forces"), ("D2", "progov_militia"), ("E", "unidentified"))))
    owner = ["A", "B", "A", "C", "D", "D", "E"]
    responses = [{**DENIAL, "incident_id": "D2"}, {**DENIAL, "incident_id": "B", "kind": "admission"},
                 {**DENIAL, "incident_id": "E"}]
    before = frame.copy()
    whole = grade_frame(frame, reports, owner, responses)
    got = {i: (g, r) for i, g, r in zip(whole["incident_id"], whole["grade"], whole["grade_rule"], strict=True)}
    assert got == {"A": ("contested", "perpetrators_disagree"), "B": ("confirmed", "admitted"),
                   "C": ("discounted", "override"), "D": ("weak", "single_source"),  # denied, but investigated
                   "E": ("contested", "denied_uninvestigated")}
    assert list(whole["denied"]) == [False, False, False, True, True]  # D's denial named its report D2
    assert json.loads(whole.set_index("incident_id").loc["D", "responses"])[0]["kind"] == "denial"
    assert whole.set_index("incident_id").loc["C", "grade_reason"] == "fighters, per the UN"
    for rows in (1, 2, 3):
        monkeypatch.setattr(grading, "GRADE_ROWS", rows)
        pd.testing.assert_frame_equal(grade_frame(frame, reports, owner, responses), whole)
    pd.testing.assert_frame_equal(frame, before)
    assert list(frame.columns) == list(before.columns)


def test_grading_reads_only_the_report_columns_it_names():
    """The cold load keeps only REPORT_COLUMNS of the reports for grading (the rest are moved into the incidents):
    grading with them alone is grading with the whole frame, for a perpetrator disagreement and a response naming a
    report that is not its incident's lead."""
    reports = incidents(row(incident_id="A-1", perpetrator_category="state_forces", sources=_sources("RFI")),
                        row(incident_id="A-2", perpetrator_category="jihadist_group", sources=_sources("AFP")),
                        row(incident_id="B-1", sources=_sources("HRW")),
                        row(incident_id="B-2", sources=_sources("Reuters")),
                        row(incident_id="C-1", sources=_sources("RFI")))
    built = build_incidents(reports, np.array([0, 0, 1, 1, 2]))
    responses = [{**DENIAL, "incident_id": "B-2"}]
    whole = grade_frame(built.frame, reports, built.report_incident, responses)
    alone = grade_frame(built.frame, reports[list(REPORT_COLUMNS)], built.report_incident, responses)
    pd.testing.assert_frame_equal(pd.DataFrame(alone), pd.DataFrame(whole))
    by_id = whole.set_index("incident_id")
    assert by_id.loc["A-1", "grade_rule"] == "perpetrators_disagree" and pd.notna(by_id.loc["B-1", "responses"])
