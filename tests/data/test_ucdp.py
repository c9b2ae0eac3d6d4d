"""UCDP GED adapter: types of violence, precision codes, fatalities range and sources."""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.data.importer import detect_format, read_any
from dashboard.data.schema import parse_sources
from dashboard.data.sources.ucdp import GED_COLUMNS, looks_like_ucdp
from dashboard.data.validate import validate_flat
from dashboard.errors import UnreadableFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def ged() -> pd.DataFrame:
    result = validate_flat(read_any(FIXTURES / "ucdp_ged.csv"), source_name="ucdp_ged.csv")
    assert result.rejects.empty, result.rejects.to_string()
    return result.valid.set_index("incident_id", drop=False)


def test_detected_and_all_49_columns_known():
    assert len(GED_COLUMNS) == 49
    assert detect_format(FIXTURES / "ucdp_ged.csv") == "ucdp"
    header = (FIXTURES / "ucdp_ged.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert tuple(header) == GED_COLUMNS and looks_like_ucdp(header)


def test_ids_dataset_and_count(ged):
    assert ged.index.tolist() == [f"UCDP-90000{i}" for i in range(1, 6)]
    assert ged["source_record_id"].tolist() == [f"90000{i}" for i in range(1, 6)]
    assert set(ged["dataset"]) == {"ucdp"} and set(ged["verification"]) == {"reported"}


def test_one_sided_violence_is_violence_against_civilians(ged):
    one = ged.loc["UCDP-900001"]
    assert (one["event_type"], one["sub_event_type"]) == ("Violence against civilians", "Attack")
    assert bool(one["civilian_targeting"]) and one["victims"] == "Civilians"
    assert one["perpetrators"] == "JNIM" and one["perpetrator_category"] == "jihadist_group"
    battle = ged.loc["UCDP-900002"]
    assert (battle["event_type"], battle["sub_event_type"]) == ("Battles", "Armed clash")
    assert not bool(battle["civilian_targeting"]) and pd.isna(battle["victims"])


def test_fatalities_low_high_best(ged):
    one = ged.loc["UCDP-900001"]
    assert (one["fatalities_min"], one["fatalities_best"], one["fatalities_max"]) == (7, 7, 9)
    assert tuple(ged.loc["UCDP-900004", ["fatalities_min", "fatalities_best", "fatalities_max"]]) == (15, 20, 40)


def test_where_prec_never_claims_more_precision(ged):
    # where_prec 1, 3 (cercle centroid), 2, 6 (country), 4 (region)
    assert ged["geo_precision"].tolist() == [1, 3, 2, 3, 3]


def test_date_prec_labels_with_ucdp_own_spans(ged):
    spans = [(r.date_precision, r.date_start.date().isoformat(), r.date_end.date().isoformat())
             for r in ged.itertuples()]
    assert spans == [
        ("day", "2023-02-10", "2023-02-10"),
        ("month", "2023-03-01", "2023-03-31"),
        ("week", "2023-05-03", "2023-05-05"),
        ("year", "2023-01-01", "2023-12-31"),
        ("day", "2023-08-08", "2023-08-08"),
    ]


def test_places_and_summary_as_given(ged):
    one = ged.loc["UCDP-900001"]
    assert one["location"] == "Dioura village"
    assert (one["admin1"], one["admin2"]) == ("Ségou region", "Macina cercle")
    assert one["summary"] == "Dioura, Ké-Macina cercle, Ségou region"


def test_sources_pair_offices_dates_and_headlines(ged):
    sources = parse_sources(ged.loc["UCDP-900001", "sources"])
    assert [(s.organisation, s.title, s.published) for s in sources] == [
        ("Reuters", "Gunmen kill villagers, officials say", "2023-02-11"),
        ("AFP", "Mali: village attacked", "2023-02-12"),
        ("UCDP GED", "event 900001", None),
    ]
    assert [s.organisation for s in parse_sources(ged.loc["UCDP-900002", "sources"])] == ["Le Républicain", "UCDP GED"]


def test_empty_office_and_unreadable_source_date(ged):
    assert [s.organisation for s in parse_sources(ged.loc["UCDP-900003", "sources"])] == ["UCDP GED"]
    hrw = parse_sources(ged.loc["UCDP-900004", "sources"])[0]
    assert (hrw.organisation, hrw.published) == ("HRW", None)  # "not a date" is dropped, not invented


def test_categories(ged):
    assert ged["perpetrator_category"].tolist() == [
        "jihadist_group", "state_forces", "progov_militia", "jihadist_group", "state_forces"]


def test_missing_ucdp_column_is_one_clear_message(tmp_path):
    raw = pd.read_csv(FIXTURES / "ucdp_ged.csv", dtype=str).drop(columns=["best"])
    path = tmp_path / "ged_cut.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(UnreadableFile, match=r"^ged_cut\.csv: missing UCDP GED column\(s\) best"):
        read_any(path)


# ---- the bundled UCDP GED 21.1 extract (14 columns) ------------------------------------------------------------
def test_the_bundled_extract_is_its_own_dataset_and_claims_no_precision_it_lacks():
    from dashboard.data.store import load_bundled

    layer = load_bundled().query("dataset == 'ucdp-ged-21.1'").set_index("incident_id")
    raw = pd.read_csv(FIXTURES.parents[1] / "dashboard" / "bundled" / "ucdp_ged211_segou.csv")
    assert len(layer) == len(raw) == 65 and set(layer["source_record_id"]) == set(raw["id"].astype(str))
    assert set(layer["geo_precision"]) == {2} and set(layer["located_to"]) == {"place"}  # where_prec 1 or 2
    assert set(layer["date_precision"]) == {"year"}  # no date_prec: from date_start to the end of its year
    first = layer.loc["UCDP-13162"]
    assert (first["date_start"].date().isoformat(), first["date_end"].date().isoformat()) == ("1994-07-14",
                                                                                              "1994-12-31")
    assert first["location"] == "place not named in the UCDP file"
    assert "where_prec 1 or 2" in first["verification_note"] and "not known" in first["verification_note"]
    odd = layer.loc["UCDP-13123"]  # best 0 outside its low–high 7–7: not asserted
    assert pd.isna(odd["fatalities_best"]) and (odd["fatalities_min"], odd["fatalities_max"]) == (7, 7)
    assert "best estimate (0) lies outside its low–high range (7–7)" in odd["verification_note"]
    assert layer["cercle_pcode"].notna().all()  # every point lies in the region


def test_a_fresh_store_counts_each_event_the_curated_record_and_ucdp_share_once(tmp_path):
    """The bundled decisions (dashboard/bundled/decisions.csv) link the UCDP events that report a curated incident;
    the figures a fresh store shows are the reconciliation's, recomputed here from the bundled files alone."""
    import json

    from typer.testing import CliRunner

    from dashboard import bundled
    from dashboard.cli import app
    from dashboard.data.reconcile.view import read_decisions_csv
    from dashboard.data.store import load_bundled

    reports = load_bundled().set_index("incident_id")
    links = [d for d in read_decisions_csv(bundled.path("decisions.csv")) if d.verdict == "linked"]
    assert {("SEG-2017-002", "UCDP-236615"), ("SEG-2020-001", "UCDP-365063")} <= {(d.a, d.b) for d in links}
    ends = [x for d in links for x in (d.a, d.b)]
    assert len(set(ends)) == len(ends)  # no report in two links: each link joins two incidents into one
    for d in links:  # the same start day, one curated and one UCDP report
        assert reports.loc[d.a, "date_start"] == reports.loc[d.b, "date_start"]
        assert {reports.loc[d.a, "dataset"], reports.loc[d.b, "dataset"]} == {"segou-curated", "ucdp-ged-21.1"}
    linked = {x for d in links for x in (d.a, d.b)}
    alone = reports.drop(index=list(linked))
    expected_min = int(alone["fatalities_min"].sum()) + sum(  # a linked incident: the lowest stated minimum
        int(reports.loc[[d.a, d.b], "fatalities_min"].min()) for d in links)

    out = CliRunner().invoke(app, ["stats", "--json", "--scope", "all", "--store", str(tmp_path / "fresh.gpkg")])
    assert out.exit_code == 0, out.output
    stats = json.loads(out.stdout)
    assert stats["incidents"] == len(reports) - len(links)
    assert stats["fatalities_min"] == expected_min
    curated = int((reports["dataset"] == "segou-curated").sum())
    ucdp = int((reports["dataset"] == "ucdp-ged-21.1").sum())
    assert stats["by_dataset"]["segou-curated"]["incidents"] == curated  # by the dataset of the lead report
    assert stats["by_dataset"]["ucdp-ged-21.1"]["incidents"] == ucdp - len(links)
    text = CliRunner().invoke(app, ["stats", "--scope", "all", "--store", str(tmp_path / "fresh.gpkg")]).stdout
    assert (f"2 datasets: incidents with a report from {curated} segou-curated, {ucdp} ucdp-ged-21.1; {len(links)} "
            "incidents are reported by more than one and counted once") in text


def test_a_reduced_file_without_provenance_is_region_level():
    from dashboard.data.sources.ucdp import ucdp_to_flat

    raw = pd.DataFrame([{"id": "1", "type_of_violence": "3", "side_a": "JNIM", "side_b": "Civilians",
                         "latitude": "14.0", "longitude": "-5.9", "date_start": "2019-03-02", "best": "2",
                         "low": "2", "high": "3", "year": "2019"}])
    out = ucdp_to_flat(raw)
    assert (out.loc[0, "geo_precision"], out.loc[0, "date_precision"], out.loc[0, "date_end"]) == ("3", "year",
                                                                                                   "2019-12-31")
    assert "the place precision is not known" in out.loc[0, "verification_note"]


@pytest.mark.parametrize("field", ["low", "high", "best"])
@pytest.mark.parametrize("value", ["INF", "-inf", "1e999"])
def test_an_infinite_toll_is_refused_with_a_reason_not_a_crash(field, value):
    # found by tests/hardening/test_properties.py: "INF" read as a number overflowed the best-estimate note
    from dashboard.data.sources.ucdp import ucdp_to_flat

    row = {"id": "1", "type_of_violence": "3", "side_a": "JNIM", "side_b": "Civilians", "latitude": "14.0",
           "longitude": "-5.9", "date_start": "2019-03-02", "best": "3", "low": "2", "high": "5", "year": "2019"}
    out = ucdp_to_flat(pd.DataFrame([{**row, field: value}]))
    result = validate_flat(out, source_name="ucdp", today=pd.Timestamp("2026-12-01").date())
    assert result.valid.empty  # no toll is made up from it: the row is refused
    assert set(result.rejects["row"]) == {0} and result.rejects["problem"].str.len().gt(0).all()
