"""Build the bundled reference geography (dashboard/bundled/) from the raw inputs in data/reference/ (offline).

Deterministic: the same inputs give the same bytes (``tests/data/test_reference_build.py`` rebuilds into a
temporary folder and compares with the committed files). What it writes:

* ``segou_cercles.geojson``, ``segou_communes.geojson``, ``segou_region_cod.geojson``: the COD-AB polygons of the
  pre-2023 frame (7 cercles, 119 communes, the region), with names and P-codes; coordinates rounded to 6
  decimals (0.1 m), every geometry checked valid.
* ``segou_villages.csv``: the 6,272 populated places of the team gazetteer (OCHA COD populated places + GeoNames)
  with every commune seat's duplicate record folded into the seat (the README's rule: same point, same commune),
  a ``place_id`` grouping the records of one place (the gazetteer's ``same_place_as`` links, the links in
  ``place_links.csv``, and a seat with a same-named record of its commune within 3 km), ``seat_of`` (the units a
  seat record is the seat of, from its P-code) and a check of each point against its commune's polygon
  (``point_commune_pcode``, ``km_outside_commune``).
* ``admin_names.csv``: ``admin_names.csv`` (2023-reform names and source spellings, each with its basis) with
  P-codes added and checked, plus one row per commune whose seat has another name (from the COD seat records).
* ``ucdp_ged211_segou.csv``: the UCDP GED 21.1 extract for the region, copied unchanged.
* ``segou_region.geojson``, ``mali_regions.geojson``: the Natural Earth outlines, copied unchanged.

Run: ``.venv/bin/python scripts/build_reference_data.py [--reference DIR] [--out DIR]``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import shape

from dashboard.data import admin
from dashboard.data.placekeys import key, loose_key

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
BUNDLED = ROOT / "dashboard" / "bundled"
METRIC_CRS = "EPSG:32630"  # UTM 30N: the region spans 7°W–3.9°W, metres within ~0.1 %
SAME_POINT_DEG = 1e-5  # "the same point": equal to about a metre (one seat pair differs in the 6th decimal)
SAME_PLACE_KM = 3.0  # the gazetteer's own linking distance (team geodata README)
COPIED = {
    "segou_ged211_juanr_subset.csv": "ucdp_ged211_segou.csv",
    "segou_region_ne10m.geojson": "segou_region.geojson",
    "mali_regions_ne10m.geojson": "mali_regions.geojson",
}
VILLAGE_COLUMNS = (
    "source_id", "name", "alt_names", "latitude", "longitude", "feature_code", "cercle", "cercle_pcode",
    "commune", "commune_pcode", "seat_of", "place_id", "same_place_as", "also_source_ids",
    "point_commune_pcode", "km_outside_commune", "source",
)
NAME_COLUMNS = ("name", "level", "kind", "cercle", "cercle_pcode", "commune", "commune_pcode", "status", "basis")


# ---- polygons -------------------------------------------------------------------------------------------------
def _rounded(coords):
    if isinstance(coords[0], (int, float)):
        return [round(float(c), 6) for c in coords]
    return [_rounded(c) for c in coords]


def _features(path: Path, props) -> list[tuple[dict, dict]]:
    out = []
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        geometry = {"type": feature["geometry"]["type"], "coordinates": _rounded(feature["geometry"]["coordinates"])}
        if not shape(geometry).is_valid:
            raise ValueError(f"{path.name}: invalid geometry after rounding ({feature['properties']})")
        out.append((props(feature["properties"]), geometry))
    return out


def _geojson_text(name: str, features: list[tuple[dict, dict]]) -> str:
    lines = ["{", '"type": "FeatureCollection",', f'"name": {json.dumps(name)},', '"features": [']
    for i, (props, geometry) in enumerate(features):
        feature = {"type": "Feature", "properties": props, "geometry": geometry}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")) + ("," if i < len(features) - 1 else ""))
    return "\n".join([*lines, "]", "}"]) + "\n"


def build_units(ref: Path) -> dict[str, str]:
    cercles = sorted(_features(ref / "segou_cercles_cod.geojson", lambda p: {
        "cercle": p["admin2_name_fr"], "cercle_pcode": p["admin2_pcode"], "name_in_source": p["admin2_name"],
        "area_km2": p["area_km2"]}), key=lambda f: f[0]["cercle_pcode"])
    communes = sorted(_features(ref / "segou_communes_cod.geojson", lambda p: {
        "commune": p["admin3_name_fr"], "commune_pcode": p["admin3_pcode"], "cercle": p["admin2_name_fr"],
        "cercle_pcode": p["admin2_pcode"], "name_in_source": p["admin3_name"], "area_km2": p["area_km2"],
        "note": p["note"]}), key=lambda f: f[0]["commune_pcode"])
    region = _features(ref / "segou_region_cod.geojson", lambda p: {
        "region": p["admin1_name"], "region_pcode": p["admin1_pcode"], "area_km2": p["area_km2"]})
    if (len(cercles), len(communes), len(region)) != (7, 119, 1):
        raise ValueError("expected 7 cercles, 119 communes and 1 region")
    known = {(p["cercle"], p["cercle_pcode"]) for p, _ in cercles}
    if any((p["cercle"], p["cercle_pcode"]) not in known for p, _ in communes):
        raise ValueError("a commune names a cercle that is not in the cercle layer")
    return {"segou_cercles.geojson": _geojson_text("segou_cercles", cercles),
            "segou_communes.geojson": _geojson_text("segou_communes", communes),
            "segou_region_cod.geojson": _geojson_text("segou_region_cod", region)}


# ---- villages -------------------------------------------------------------------------------------------------
def _split(cell: str) -> list[str]:
    return [v for v in cell.split("|") if v]


def _join(values) -> str:
    return "|".join(dict.fromkeys(v for v in values if v))


def _seat_of(source_id: str, row: dict) -> str:
    """COD P-codes of populated places end in 000 for a seat: ML04XXYY000 a commune's, ML04XX00000 a cercle's
    (and its commune's), ML040000000 the region's (and its cercle's and commune's)."""
    code = source_id.removeprefix("cod-pp:")
    if not source_id.startswith("cod-pp:") or not code.endswith("000"):
        return ""
    units = [row["admin3_pcode"]]
    if code.endswith("00000"):
        units.insert(0, row["admin2_pcode"])
    if code.endswith("0000000"):
        units.insert(0, code[:4])
    return " ".join(units)


def _fold_seat_duplicates(g: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every commune seat appears twice in the COD rows, a seat record (P-code ending 000) and an ordinary record
    at the same point (team geodata README): keep the seat record, with the other's id, name and links."""
    rows = g.to_dict("records")
    is_cod = g["source_id"].str.startswith("cod-pp:")
    seats = {i for i in g.index[is_cod & g["source_id"].str.endswith("000")]}
    lat, lon = g["lat"].astype(float), g["lon"].astype(float)
    merged: dict[str, str] = {}
    drop = set()
    for i in sorted(seats):
        seat = rows[i]
        same = (is_cod & (g["admin3_pcode"] == seat["admin3_pcode"]) & ((lat - lat[i]).abs() <= SAME_POINT_DEG)
                & ((lon - lon[i]).abs() <= SAME_POINT_DEG))
        others = [j for j in g.index[same] if j not in seats]
        for j in others:
            other = rows[j]
            names = [other["name"]] if key(other["name"]) != key(seat["name"]) else []
            seat["alt_names"] = _join([*_split(seat["alt_names"]), *names, *_split(other["alt_names"])])
            seat["also_source_ids"] = _join([*_split(seat.get("also_source_ids", "")), other["source_id"]])
            seat["same_place_as"] = _join([*_split(seat["same_place_as"]), *_split(other["same_place_as"])])
            merged[other["source_id"]] = seat["source_id"]
            drop.add(j)
    kept = [r for i, r in enumerate(rows) if i not in drop]
    for r in kept:
        links = [merged.get(v, v) for v in _split(r["same_place_as"])]
        r["same_place_as"] = _join(v for v in links if v != r["source_id"])
        r.setdefault("also_source_ids", "")
    return pd.DataFrame(kept), merged


def _groups(v: pd.DataFrame, links: pd.DataFrame, merged: dict[str, str]) -> dict[str, str]:
    """``place_id`` of every record: union of the linked records, named after the most trusted one."""
    parent = {s: s for s in v["source_id"]}

    def find(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    def union(a: str, b: str) -> None:
        a, b = merged.get(a, a), merged.get(b, b)
        if a in parent and b in parent:
            parent[find(a)] = find(b)

    for sid, cell in zip(v["source_id"], v["same_place_as"], strict=True):
        for other in _split(cell):
            union(sid, other)
    for sid, other in zip(links["source_id"], links["same_place_as"], strict=True):
        if sid not in parent or merged.get(other, other) not in parent:
            raise ValueError(f"place_links.csv: unknown id in {sid} = {other}")
        union(sid, other)
    # a seat and a record of its commune with the same name (loose spelling) within 3 km are one place
    metric = gpd.GeoSeries(gpd.points_from_xy(v["longitude"].astype(float), v["latitude"].astype(float)),
                           crs=4326).to_crs(METRIC_CRS)
    names = [{loose_key(n) for n in [name, *_split(alts)]} for name, alts in zip(v["name"], v["alt_names"], strict=True)]
    by_commune: dict[str, list[int]] = {}
    for i, pcode in enumerate(v["commune_pcode"]):
        by_commune.setdefault(pcode, []).append(i)
    for i in [i for i, s in enumerate(v["seat_of"]) if s]:
        for j in by_commune[v["commune_pcode"].iat[i]]:
            if j != i and names[i] & names[j] and metric.iat[i].distance(metric.iat[j]) <= SAME_PLACE_KM * 1000:
                union(v["source_id"].iat[i], v["source_id"].iat[j])
    members: dict[str, list[int]] = {}
    for i, sid in enumerate(v["source_id"]):
        members.setdefault(find(sid), []).append(i)
    untrusted = v["km_outside_commune"].astype(float) > 5.0
    place_of = {}
    for group in members.values():
        best = min(group, key=lambda i: (bool(untrusted.iat[i]), not v["seat_of"].iat[i],
                                         not v["source_id"].iat[i].startswith("cod-pp:"), v["source_id"].iat[i]))
        for i in group:
            place_of[v["source_id"].iat[i]] = v["source_id"].iat[best]
    return place_of


def build_villages(ref: Path, communes: gpd.GeoDataFrame) -> tuple[str, pd.DataFrame]:
    g = pd.read_csv(ref / "segou_gazetteer.csv", dtype=str, keep_default_na=False)
    if len(g) != 6272 or not g["source_id"].is_unique:
        raise ValueError("segou_gazetteer.csv: expected 6,272 rows with unique source ids")
    g, merged = _fold_seat_duplicates(g)
    v = pd.DataFrame({
        "source_id": g["source_id"], "name": g["name"], "alt_names": g["alt_names"], "latitude": g["lat"],
        "longitude": g["lon"], "feature_code": g["feature_code"], "cercle": g["admin2"],
        "cercle_pcode": g["admin2_pcode"], "commune": g["admin3"], "commune_pcode": g["admin3_pcode"],
        "seat_of": [_seat_of(s, r) for s, r in zip(g["source_id"], g.to_dict("records"), strict=True)],
        "same_place_as": g["same_place_as"], "also_source_ids": g["also_source_ids"], "source": g["source"],
    })
    lat, lon = v["latitude"].astype(float), v["longitude"].astype(float)
    v["point_commune_pcode"] = admin.assign(lat, lon, communes)["commune_pcode"].fillna("").to_numpy()
    polygons = communes.set_index("commune_pcode").to_crs(METRIC_CRS).geometry
    points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(METRIC_CRS)
    inside = v["point_commune_pcode"] == v["commune_pcode"]
    km = [0.0 if ok else polygons[p].distance(pt) / 1000 for ok, p, pt in zip(inside, v["commune_pcode"], points, strict=True)]
    v["km_outside_commune"] = [f"{k:.1f}" for k in km]
    links = pd.read_csv(ref / "place_links.csv", dtype=str, keep_default_na=False)
    place_of = _groups(v, links, merged)
    v["place_id"] = v["source_id"].map(place_of)
    v = v.sort_values(["commune_pcode", "source_id"], kind="stable").reset_index(drop=True)
    return _csv_text(v, VILLAGE_COLUMNS), v


# ---- unit names -----------------------------------------------------------------------------------------------
def build_names(ref: Path, communes: gpd.GeoDataFrame, villages: pd.DataFrame) -> str:
    units = communes.drop(columns="geometry")
    cercle_pcode = dict(zip(units["cercle"], units["cercle_pcode"], strict=False))
    table = pd.read_csv(ref / "admin_names.csv", dtype=str, keep_default_na=False)
    rows = []
    for r in table.to_dict("records"):
        cercles = _split(r["cercle"])
        if any(c not in cercle_pcode for c in cercles):
            raise ValueError(f"admin_names.csv: unknown cercle in {r}")
        r["cercle_pcode"] = "|".join(cercle_pcode[c] for c in cercles)
        r["commune_pcode"] = ""
        if r["commune"]:
            hit = units[(units["commune"] == r["commune"]) & units["cercle"].isin(cercles)]
            if len(hit) != 1:
                raise ValueError(f"admin_names.csv: commune {r['commune']!r} is not one commune of {cercles}")
            r["commune_pcode"] = hit["commune_pcode"].iat[0]
        rows.append(r)
    seats = villages[villages["seat_of"] != ""]
    for commune in units.sort_values("commune_pcode").to_dict("records"):
        seat = seats[seats["seat_of"].str.split().map(lambda s, p=commune["commune_pcode"]: p in s)]
        if len(seat) != 1:
            raise ValueError(f"commune {commune['commune_pcode']}: expected one seat record, found {len(seat)}")
        seat = seat.iloc[0]
        if loose_key(seat["name"]) != loose_key(commune["commune"]):
            rows.append({
                "name": seat["name"], "level": "commune", "kind": "seat", "cercle": commune["cercle"],
                "cercle_pcode": commune["cercle_pcode"], "commune": commune["commune"],
                "commune_pcode": commune["commune_pcode"], "status": "same",
                "basis": f"COD populated places: {seat['name']} ({seat['source_id']}) is the seat of the commune "
                         f"{commune['commune']} ({commune['commune_pcode']})"})
    out = pd.DataFrame(rows, columns=list(NAME_COLUMNS))
    out = out.assign(_k=out["name"].map(key)).sort_values(["level", "kind", "_k", "commune_pcode", "cercle_pcode"],
                                                           kind="stable").drop(columns="_k")
    return _csv_text(out, NAME_COLUMNS)


def _csv_text(frame: pd.DataFrame, columns) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(frame[list(columns)].itertuples(index=False, name=None))
    return buf.getvalue()


# ---- everything -----------------------------------------------------------------------------------------------
def build(reference: Path = REFERENCE, out: Path = BUNDLED) -> list[str]:
    """Write every derived file into ``out``; returns their names."""
    texts = build_units(reference)
    communes = gpd.read_file(io.StringIO(texts["segou_communes.geojson"]))
    texts["segou_villages.csv"], villages = build_villages(reference, communes)
    texts["admin_names.csv"] = build_names(reference, communes, villages)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")
    ucdp = pd.read_csv(reference / "segou_ged211_juanr_subset.csv")
    if len(ucdp) != 65 or not ucdp["id"].is_unique:
        raise ValueError("segou_ged211_juanr_subset.csv: expected 65 events with unique ids")
    for src, dst in COPIED.items():
        shutil.copyfile(reference / src, out / dst)
    return sorted([*texts, *COPIED.values()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REFERENCE, help="raw inputs (default: data/reference)")
    parser.add_argument("--out", type=Path, default=BUNDLED, help="output folder (default: dashboard/bundled)")
    args = parser.parse_args()
    for name in build(args.reference, args.out):
        print(args.out / name)


if __name__ == "__main__":
    main()
