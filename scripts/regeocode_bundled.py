"""Re-geocode every curated incident (dashboard/bundled/incidents.csv) with the village geocoder.

Each incident gets a place decision below (:data:`PLACES`): the name to look up and how the incident relates to
it; the commune and cercle passed to the geocoder are the ones the row states (``admin3``, ``admin2``) unless
the decision says otherwise (and then says why). The script writes ``latitude``, ``longitude``, ``geo_precision``,
``located_to`` and ``geocoded_from``, then the units computed from them (``cercle``, ``cercle_pcode``, ``commune``,
``commune_pcode``: :func:`dashboard.data.units.assign_units`), and nothing else:

* ``in`` — the incident happened in that village: precision 1 if the geocoder finds it (``exact``), else what the
  geocoder can locate (its commune or cercle: precision 2), else no point (precision 3);
* ``near`` — near the village, on a road from it, in its fields: precision 2 at its point when found;
* ``unit`` — several places, or a road between communes: located to the commune or cercle the query names;
* ``inference`` — the row gives no (or not enough) commune/cercle and the place is identified by reasoning the
  note states (distances, the operation it belongs to): precision 2 at most, never 1;

``located_to`` is ``place`` for a village found (in it or near it), ``commune`` or ``cercle`` when the geocoder
located the row to that unit (the map draws its outline), ``region`` for a row without a point;
* ``region`` — not placed (precision 3), for the reason in the note.

``geocoded_from`` reads ``<gazetteer source id> <what the point is> — geocode(“name”, commune “…”, cercle “…”)
→ <verdict>: <the geocoder's reason> <the note>``, or ``not placed — …`` for rows without a point, so that what
each place was resolved to, and why, stays in the data (``tests/data/test_bundled.py`` re-runs every lookup).

Run: ``.venv/bin/python scripts/regeocode_bundled.py`` (rewrites dashboard/bundled/incidents.csv in place).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.data.geocoder import Geocoder
from dashboard.data.missing import is_blank
from dashboard.data.schema import FLAT_COLUMNS
from dashboard.data.units import assign_units

CSV = Path(__file__).resolve().parents[1] / "dashboard" / "bundled" / "incidents.csv"
SAME = object()  # "use what the row states"


@dataclass(frozen=True)
class Place:
    query: str
    relation: str  # in | near | unit | inference | region
    note: str = ""
    commune: object = SAME
    cercle: object = SAME


PLACES: dict[str, Place] = {
    "SEG-2012-001": Place("Diabaly", "in"),
    "SEG-2013-001": Place("Diabaly", "in"),
    "SEG-2013-002": Place("Siribala", "near", "Precision 2: “Siribala” is an alternate name of Siribala Coro in GeoNames, "
                          "but the commune seat Siribala Coura lies 4.2 km away and the report does not say which part of "
                          "the sugar town the Médine quarter is in."),
    "SEG-2015-001": Place("Barkérou", "in", "Barkérou lies 3.7 km from Nampala, as the report says (“less than 5 km”)."),
    "SEG-2016-001": Place("Kouna", "in"),
    "SEG-2016-002": Place("Sokolo", "in"),
    "SEG-2017-005": Place("commune Monimpébougou", "unit", "Near three villages, Nara, Sorodjila and Malicki-Wéré, none of "
                          "which is in the gazetteer's Monimpébougou commune (its Naras are in Diabaly, Sirifila-Boundy "
                          "and Kokry Centre)."),
    "SEG-2017-006": Place("cercle Macina", "unit", "An ambush on the road from Tougou to the Niono fair: the site on the "
                          "road is not given (the gazetteer has two Tougou in Monimpébougou commune)."),
    "SEG-2017-007": Place("Niono", "in"),
    "SEG-2018-001": Place("Darsalam", "near", "Precision 2: the arrests were at Nangaraba camp / Darsalam; Nangaraba is "
                          "not in the gazetteer, Darsalam is."),
    "SEG-2019-002": Place("Somo", "near", "Precision 2: about 1 km from Somo."),
    "SEG-2019-003": Place("cercle Tominian", "unit", "On the road between Safienso (Tominian commune) and Dobwo (Bénéna "
                          "commune), 12 km apart in two communes."),
    "SEG-2019-004": Place("Maracabougou", "in"),
    "SEG-2019-005": Place("Soumouni", "inference", "Inference: the row gives no cercle and the gazetteer has two Soumouni, "
                          "in Macina commune (23.8 km from Ké-Macina) and in Diéli commune, San (95.6 km away); the report "
                          "places it “about 40 km from Macina”, so the Macina one is used, at precision 2.",
                          cercle="Macina"),
    "SEG-2019-006": Place("Falémé", "near", "The cercle was assumed by the compilation from the road description."),
    "SEG-2019-007": Place("Diouna", "in"),
    "SEG-2019-008": Place("Farako", "in"),
    "SEG-2019-009": Place("Bla", "near", "Precision 2: on the Faana road about 7 km from Bla."),
    "SEG-2020-007": Place("Massabougou", "in", "The row gives no cercle or commune."),
    "SEG-2020-008": Place("Toridagako", "in"),
    "SEG-2020-009": Place("Dogofri", "in"),
    "SEG-2020-010": Place("Farabougou", "near", "Precision 2: in the fields around Farabougou."),
    "SEG-2020-011": Place("Dogofri", "near", "Precision 2: near Dogofri."),
    "SEG-2021-004": Place("Dogofry KO I", "in"),
    "SEG-2021-005": Place("commune Mariko", "unit", "Two villages, Niantiéla and Barikabougou, neither in the gazetteer's "
                          "Mariko commune (its only Niantiela is in Sy commune, San)."),
    "SEG-2021-006": Place("Boyagui-Wéré", "in"),
    "SEG-2021-007": Place("Cocody Bozo Daga", "in"),
    "SEG-2021-008": Place("cercle Niono", "unit", "On the road between Dogofry and Diabaly, which crosses two communes."),
    "SEG-2021-009": Place("Dogofri", "near", "Precision 2: the bridge on the Diabaly-Dogofry road named after Dogofry "
                          "(“pont de Dogofry”); its exact site is not given."),
    "SEG-2021-010": Place("Bamako Coura", "in"),
    "SEG-2022-003": Place("commune Diaramana", "unit", "On the track between Diaramana and Tounto, both in Diaramana "
                          "commune, 10.9 km apart."),
    "SEG-2023-005": Place("Soumouni", "inference", "Inference: the row gives no cercle and the gazetteer has two Soumouni, "
                          "in Macina commune (23.8 km from Ké-Macina) and in Diéli commune, San (95.6 km away); other "
                          "reports place Soumouni “about 40 km from Macina” (SEG-2019-005), so the Macina one is used, at "
                          "precision 2.", cercle="Macina"),
    "SEG-2023-006": Place("Tiouga", "in"),
    "SEG-2023-007": Place("Dobwo", "in"),
    "SEG-2023-008": Place("commune Nampalari", "unit", "Camps and hamlets along the Goma Koura-Nampala road; of those "
                          "named, Nambo (geonames:6687540) and Belel (cod-pp:ML040505014) are the only places of their "
                          "names in cercle Niono, both in commune Nampalari (26.8 km apart), so the row is located to "
                          "that commune, which the source does not name; Winde Tireje, Toladje and Goma Koura are not "
                          "in the gazetteer.", commune=None),
    "SEG-2023-009": Place("Farabougou", "in"),
    "SEG-2024-006": Place("Koungosso", "in"),
    "SEG-2025-011": Place("Kolongotomo", "near", "Precision 2: the report names Kolongo, the Office du Niger zone whose "
                          "seat, Kolongotomo, is also the seat of the commune; the site of the abduction is not given."),
    "SEG-2025-012": Place("Boussin", "in"),
    "SEG-2025-013": Place("Tigui", "near", "The only Tigui in the gazetteer (geonames:2449698) lies in Barouéli commune, "
                          "19.9 km from Konobougou, which fits “about 15 km from Konobougou, near Tigui”, but the row states "
                          "commune Konobougou, so the commune is used."),
    "SEG-2025-014": Place("", "region", "The site on the Ségou axis is not given."),
    "SEG-2025-015": Place("", "region", "The site on the Ségou-Bamako road is not given."),
    "SEG-2025-016": Place("Markala", "near", "Precision 2: near Markala, at the annual cattle crossing of the river."),
    "SEG-2026-002": Place("Tongolo Coura", "in"),
    "SEG-2026-003": Place("Ahl El Kory", "in", "The row gives no pre-2023 cercle (see admin2)."),
    # the first 36
    "SEG-2017-001": Place("Diawaribougou", "in", "Diawaribougou lies 6.9 km from Ké-Macina, as reported (“~7 km north”)."),
    "SEG-2017-002": Place("commune Ké-Macina", "unit", "Several Peuhl hamlets around Ké-Macina (Diawari, Toundé, "
                          "Dogononougou, Fokobougou, Nawel-Baba, Niona, Tyaguel; Kama and Sènèbamana)."),
    "SEG-2017-003": Place("commune Diabaly", "unit", "Near three villages, Bolikoro, Songo and Moribougou; the site of the "
                          "ambush is not given."),
    "SEG-2017-004": Place("Banikoro", "in"),
    "SEG-2019-001": Place("Heremakono", "in", "Correction 4 (ADDITIONS_NOTES): the commune is Mariko, no longer the Niono "
                          "town point."),
    "SEG-2020-001": Place("Farabougou", "near", "Precision 2: the residents were seized on their way to the Dogofry fair; "
                          "the siege was of Farabougou itself."),
    "SEG-2020-002": Place("Farabougou", "near", "Precision 2: near Farabougou."),
    "SEG-2020-003": Place("Farabougou", "near", "Precision 2: in fields near Farabougou."),
    "SEG-2020-004": Place("N'Débougou", "in"),
    "SEG-2020-005": Place("Dogofry K6", "in"),
    "SEG-2020-006": Place("N'Dougoula", "in"),
    "SEG-2021-001": Place("Songo", "in"),
    "SEG-2021-002": Place("cercle Niono", "unit", "An aggregate report on several localities of Niono cercle."),
    "SEG-2021-003": Place("N'Dola", "in", "The sources seen state no cercle or commune."),
    "SEG-2022-001": Place("Danguèrè Wotoro", "near"),
    "SEG-2022-002": Place("Robinet El Ataye", "in", "A water point near the Mauritanian border; the cercle is not stated."),
    "SEG-2023-001": Place("Bla", "in"),
    "SEG-2023-002": Place("Ségou", "in"),
    "SEG-2023-003": Place("Ndoupa", "near", "Precision 2: in the Ndoupa plains, around the village."),
    "SEG-2023-004": Place("Wouro Yero", "in"),
    "SEG-2024-001": Place("Boura", "in"),
    "SEG-2024-002": Place("Tièlan", "in"),
    "SEG-2024-003": Place("Kalala-peul", "in"),
    "SEG-2024-004": Place("Kingolola", "near", "Precision 2: two neighbouring villages, Kingolola and N'Golokouna "
                          "(cod-pp:ML040708061), 0.8 km apart, both in Saloba commune."),
    "SEG-2024-005": Place("commune Nampala", "unit", "Several hamlets of Nampala commune (Ndorgollé, Sikere-Tamba, "
                          "Fagui, Peretouma, Sikere Ndoupa)."),
    "SEG-2025-001": Place("", "region", "The killing site is reported in Mopti region (near Dioura or Doma), outside the "
                          "gazetteer."),
    "SEG-2025-002": Place("Kabanbougou", "in"),
    "SEG-2025-003": Place("Diarrakala", "near", "Precision 2: two villages, Diarrakala and Bocaribougou; Bocaribougou is not "
                          "in the gazetteer (GeoNames gives “Bouakaribougou” as another name of the Diarakala of "
                          "Monimpébougou, 2.0-3.5 km away)."),
    "SEG-2025-004": Place("commune Monimpébougou", "unit", "The end of the patrol's route in the commune; no village given."),
    "SEG-2025-005": Place("Berta", "in"),
    "SEG-2025-006": Place("Tominian", "near", "Precision 2: “Tominian area”."),
    "SEG-2025-007": Place("Farabougou", "in"),
    "SEG-2025-008": Place("Kamona", "in"),
    "SEG-2025-009": Place("Dougabougou", "inference", "Inference: the row gives no cercle and the gazetteer has two "
                          "Dougabougou, in Dougabougou commune of Ségou cercle (27.9 km from Kamona) and in Tesserla "
                          "commune of Barouéli (88.4 km); the killing belongs to the October 2025 army and Dozo "
                          "operations around Kamona, Balle and Markala, so the Ségou one is used, at precision 2 (the "
                          "victims were on their way to its fair; the site is not given).", cercle="Ségou"),
    "SEG-2025-010": Place("Balle", "inference", "Inference: the sources give no cercle or commune; this Balle, the only "
                          "Balle (or Balé) in the region, is 42.3 km in a straight line from the Kamona of Pogo, and HRW "
                          "says “about 55 km”; the other Ballé known lies in Nara cercle (Koulikoro region). Precision 2."),
    "SEG-2026-001": Place("Tongolo Coura", "in"),
}


LOCATED_TO = {"exact": "place", "commune": "commune", "cercle": "cercle"}


def resolve(row: dict, place: Place, geocoder: Geocoder) -> tuple[str, str, str, str, str]:
    """``latitude, longitude, geo_precision, located_to, geocoded_from`` for one row."""
    if place.relation == "region":
        return "", "", "3", "region", f"not placed — {place.note}"
    commune = row["admin3"] if place.commune is SAME else place.commune
    cercle = row["admin2"] if place.cercle is SAME else place.cercle
    result = geocoder.geocode(place.query, commune=commune or None, cercle=cercle or None)
    call = f"geocode(“{place.query}”" + (f", commune “{commune}”" if commune else "") + \
        (f", cercle “{cercle}”" if cercle else "") + f") → {result.verdict}: {result.reason}"
    notes = " ".join(n for n in (*result.notes, place.note) if n)
    text = f"{call} {notes}".strip()
    if result.point is None:
        return "", "", "3", "region", f"not placed — {text}"
    precision = 1 if result.verdict == "exact" and place.relation == "in" else 2
    what = result.geocoded_from.split(" — ")[0]
    return (repr(result.point.latitude), repr(result.point.longitude), str(precision), LOCATED_TO[result.verdict],
            f"{what} — {text}")


def regeocode(text: str, geocoder: Geocoder) -> str:
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = {r["incident_id"] for r in rows} ^ set(PLACES)
    if missing:
        raise SystemExit(f"no place decision for (or decision without a row): {sorted(missing)}")
    for row in rows:
        row["latitude"], row["longitude"], row["geo_precision"], row["located_to"], row["geocoded_from"] = resolve(
            row, PLACES[row["incident_id"]], geocoder)
    frame = assign_units(pd.DataFrame(rows, dtype=object), names=geocoder.names)
    out = io.StringIO()
    # the canonical columns the file has (an optional column it leaves out, such as grade_override, stays out)
    columns = [c for c in FLAT_COLUMNS if c in frame.columns]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: "" if is_blank(v) else v for c, v in r.items()}
                     for r in frame[columns].to_dict("records"))
    return out.getvalue()


def main() -> None:
    CSV.write_text(regeocode(CSV.read_text(encoding="utf-8"), Geocoder.default()), encoding="utf-8", newline="")
    print(f"{CSV}: re-geocoded")


if __name__ == "__main__":
    main()

