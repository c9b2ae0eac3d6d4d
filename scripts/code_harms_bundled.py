"""Victims and harms of the curated incidents (dashboard/bundled/incidents.csv), each value with the words it comes from.

:data:`CODINGS` holds, per incident, what its text says about who was killed (by sex and by age), the harms beyond
killing, and the cause of death (:mod:`dashboard.data.harms`), each value with a *quote*: words that stand in that
row's own text, either in the bundled file (``victims``, ``injured``, ``abducted``, ``summary``,
``verification_note``) or in the reference compilation's row (``victim_group``, ``summary``, ``injured``,
``abducted_or_missing``, ``verification_note``; ``tests/fixtures/reference/``). ``tests/data/test_bundled_harms.py``
checks that every quote is there and that this script reproduces the file.

The coding rules (also in dashboard/bundled/README.md):

* only what the text states: "men" only where it says men (or names boys/men: the sex breakdown counts males,
  men and boys, as ``men`` and females as ``women``); an age only where it gives one ("a 55-year-old", "a boy",
  "children");
* a number is coded as given ("about 100 cattle" → 100–100; "15-22" → 15–22); "at least N", "more than N" or "N
  among the dead" without saying how many in all → minimum only; a group named without a number ("women,
  children ... among them") → at least 1;
* a harm named without a number ("several wounded", "burned huts") is listed in ``harms`` with no count;
* the cause of death only where the text says how people were killed ("shot dead" → firearm, "throats cut" →
  sharp object, a grenade or a drone → explosive, drowned → other, deaths from a blockade → indirect);
* every other field stays empty (unknown), never 0.

A quote of several pieces joins them with " … " (each piece stands in the row's text).

Run: ``.venv/bin/python scripts/code_harms_bundled.py`` (rewrites the harm columns of dashboard/bundled/incidents.csv
in place, and nothing else).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.data.harms import HARM_COLUMNS, HARM_TYPES, harm_columns, killed_columns
from dashboard.data.schema import FLAT_COLUMNS

CSV = Path(__file__).resolve().parents[1] / "dashboard" / "bundled" / "incidents.csv"

Count = tuple[int | None, int | None, str]  # (min, max, quote)


@dataclass(frozen=True)
class Coding:
    killed: dict[str, Count] = field(default_factory=dict)  # group -> (min, max, quote)
    harms: dict[str, Count | str] = field(default_factory=dict)  # harm -> (min, max, quote), or the quote alone
    cause: tuple[tuple[str, str], ...] = ()  # (code, quote)

    def quotes(self) -> list[str]:
        out = [q for *_, q in self.killed.values()]
        out += [v if isinstance(v, str) else v[2] for v in self.harms.values()]
        return out + [q for _, q in self.cause]


def _n(lo: int | None, hi: int | None, quote: str) -> Count:
    return (lo, hi, quote)


FIRE = "firearm"
CODINGS: dict[str, Coding] = {
    "SEG-2012-001": Coding(cause=((FIRE, "shot dead sixteen unarmed members"),)),
    "SEG-2013-001": Coding(cause=((FIRE, "they shot dead a resident named Bakari"),)),
    "SEG-2013-002": Coding(killed={"men": _n(2, 2, "Two men: Aboubakrim Ag Mohamed and Samba Dicko")},
                           cause=((FIRE, "allegedly shot dead two men"),)),
    "SEG-2015-001": Coding(killed={"adults": _n(1, 1, "shot dead its 63-year-old imam")},
                           cause=((FIRE, "shot dead its 63-year-old imam"),)),
    "SEG-2016-001": Coding(harms={"injured": _n(1, 1, "a gendarme was wounded")},
                           cause=(("other", "four market-goers drowned while fleeing"),)),
    "SEG-2016-002": Coding(killed={"adults": _n(1, 1, "Philippe Coulibaly, 32")},
                           cause=((FIRE, "shot dead Philippe Coulibaly, 32"),)),
    "SEG-2017-001": Coding(cause=((FIRE, "a Bambara shopkeeper was shot dead in his shop"),)),
    "SEG-2017-002": Coding(harms={"injured": _n(16, 18, "16-18"), "buildings_burned": "shooting residents and burning huts"},
                           cause=((FIRE, "shooting residents and burning huts"),)),
    "SEG-2017-003": Coding(harms={"injured": _n(14, 14, "killing 10 and wounding 14")}),
    "SEG-2017-004": Coding(harms={"injured": "left 10 people dead and several injured",
                                  "displaced": "caused residents to flee"}),
    "SEG-2017-006": Coding(harms={"injured": "seven were killed and several wounded"},
                           cause=((FIRE, "robbing and shooting them"),)),
    "SEG-2017-007": Coding(harms={"abducted": _n(1, 1, "beat members of his household and abducted him")}),
    "SEG-2018-001": Coding(harms={"detained": _n(7, 9, "Arrest count 7 (Peul association) vs 9 (FIDH"),
                                  "abducted": _n(7, 9, "human-rights groups listed them as disappeared")}),
    "SEG-2019-001": Coding(harms={"injured": _n(6, 11, "6-11"), "abducted": _n(31, 31, "31 reported missing"),
                                  "buildings_burned": "burning huts and taking livestock",
                                  "livestock_taken": "burning huts and taking livestock"}),
    "SEG-2019-002": Coding(killed={"adults": _n(1, 1, "a 55-year-old Peul herder")},
                           harms={"livestock_taken": "took his animals"}),
    "SEG-2019-003": Coding(harms={"injured": _n(1, 1, "wounding a teenage girl")},
                           cause=((FIRE, "fired on a Satracom passenger coach"),)),
    "SEG-2019-005": Coding(harms={"injured": _n(5, 5, "killing one person and seriously wounding five")}),
    "SEG-2019-007": Coding(harms={"abducted": _n(1, 1, "seized Harouna Konaté, the mayor of Diouna")}),
    "SEG-2019-008": Coding(harms={"abducted": _n(1, 1, "abducted Aly Cissé, the sub-prefect of Farako")}),
    "SEG-2019-009": Coding(harms={"injured": _n(1, 1, "wounded one person")}),
    "SEG-2020-001": Coding(harms={"abducted": _n(11, 20, "about 20 (11 men per one report; a memorandum gives 18 taken")}),
    "SEG-2020-002": Coding(harms={"injured": _n(15, 22, "15-22"), "abducted": _n(10, 10, "about ten civilians taken"),
                                  "livestock_taken": _n(3000, None, "reportedly 3,000+ animals")}),
    "SEG-2020-003": Coding(harms={"injured": _n(1, 2, "1 (plus a woman shot per l'Indépendant)")},
                           cause=((FIRE, "were shot at on the way to their fields"),)),
    "SEG-2020-005": Coding(harms={"injured": _n(3, 3, "seriously wounding three"),
                                  "abducted": "others were reported missing"},
                           cause=((FIRE, "armed men fired on farmers harvesting"),)),
    "SEG-2020-006": Coding(harms={"abducted": _n(1, 1, "was abducted on the evening of 18 December 2020")}),
    "SEG-2020-009": Coding(killed={"men": _n(1, 1, "a man who tried to run was shot dead")},
                           harms={"detained": _n(11, None, "detained more than ten suspects")},
                           cause=((FIRE, "a man who tried to run was shot dead"),)),
    "SEG-2020-010": Coding(harms={"abducted": _n(2, 2, "abducted two farmers")}),
    "SEG-2021-001": Coding(cause=(("indirect", "The deaths were caused by the blockade, not by direct killings"),)),
    "SEG-2021-003": Coding(killed={"men": _n(2, None, "among them a boy and a man in his 80s"),
                                   "children": _n(1, None, "among them a boy and a man in his 80s"),
                                   "adults": _n(1, None, "among them a boy and a man in his 80s")},
                           cause=(("sharp_object", "several had been blindfolded and had their throats cut"),)),
    "SEG-2021-006": Coding(harms={"displaced": "after which the villagers fled"}),
    "SEG-2021-007": Coding(harms={"buildings_burned": "set fire to the hamlet of Cocody Bozo Daga",
                                  "displaced": "the residents had already fled"}),
    "SEG-2021-008": Coding(harms={"abducted": _n(8, 8, "took away eight men")}),
    "SEG-2021-010": Coding(harms={"injured": _n(5, 5, "killing two and wounding five")}),
    "SEG-2022-001": Coding(killed={"men": _n(35, 37, "The charred bodies of about 35 men … 35-37 per local sources")},
                           harms={"detained": "many reportedly arrested in prior days"}),
    "SEG-2022-002": Coding(killed={"men": _n(33, 33, "Herders: 29 Mauritanian and 4 Malian men")},
                           harms={"detained": _n(33, 33, "33 taken before being killed")}),
    "SEG-2022-003": Coding(killed={"adults": _n(1, 1, "a 45-year-old forest guide")},
                           harms={"injured": _n(1, 1, "wounded a motorcyclist")}),
    "SEG-2023-001": Coding(harms={"injured": _n(2, 2, "two civilians, a truck driver and a trader, were wounded")}),
    "SEG-2023-002": Coding(cause=(("explosive", "A grenade exploded in the Tam-Tam bar"),)),
    "SEG-2023-003": Coding(harms={"detained": _n(14, 14, "were detained one by one on the Ndoupa plains")}),
    "SEG-2023-005": Coding(harms={"injured": _n(4, 7, "Injured counts differ between relays (4 to 7)")},
                           cause=((FIRE, "shot dead five civilians"),)),
    "SEG-2023-007": Coding(killed={"men": _n(1, 1, "A man of about 40, killed at home"),
                                   "adults": _n(1, 1, "A man of about 40, killed at home")}),
    "SEG-2023-008": Coding(killed={"women": _n(1, None, "among them herders, farmers, women, children and elderly"),
                                   "children": _n(1, None, "among them herders, farmers, women, children and elderly")}),
    "SEG-2024-001": Coding(killed={"men": _n(17, 17, "abducted 24 men from the Peuhl village of Boura on 2 January "
                                                     "2024, and RFI reported that 17 of their bodies")},
                           harms={"abducted": _n(24, 24, "abducted 24 men")}),
    "SEG-2024-002": Coding(harms={"injured": _n(2, 2, "2 (a woman and her one-month-old baby, burned)"),
                                  "abducted": _n(2, 2, "abducting two teachers"),
                                  "buildings_burned": "set fire to Tièlan",
                                  "livestock_taken": "taking livestock"}),
    "SEG-2024-003": Coding(killed={"children": _n(2, None, "including the village chief and two children"),
                                   "women": _n(3, None, "3 women (survivor)")},
                           harms={"livestock_taken": "looted property and livestock"},
                           cause=((FIRE, "opened fire on Peuhl residents"),)),
    "SEG-2024-004": Coding(harms={"injured": "reported, number not given"}),
    "SEG-2024-005": Coding(harms={"detained": _n(20, 20, "detained about 20 people"),
                                  "abducted": _n(22, 22, "~20 arrested (whereabouts unknown) + 2 missing")}),
    "SEG-2024-006": Coding(harms={"displaced": "emptied the village of its inhabitants"}),
    "SEG-2025-002": Coding(killed={"men": _n(1, 1, "detained two men, one of whom was later found dead")},
                           harms={"detained": _n(2, 2, "detained two men"), "abducted": _n(1, 1, "1 missing"),
                                  "buildings_burned": "burned houses and granaries"}),
    "SEG-2025-003": Coding(harms={"buildings_burned": "set houses on fire"}),
    "SEG-2025-005": Coding(harms={"injured": "wounding and abducting others", "abducted": "wounding and abducting others"}),
    "SEG-2025-007": Coding(killed={"men": _n(6, None, "killed men they suspected of Dozo links")},
                           harms={"abducted": "abducted others", "buildings_burned": "burned the village"}),
    "SEG-2025-008": Coding(killed={"men": _n(21, None, "executed at least 21 of them")},
                           harms={"detained": "detained the men who had not fled",
                                  "buildings_burned": _n(10, None, "burned at least ten homes")},
                           cause=((FIRE, "rounded up and shot the men who remained"),)),
    "SEG-2025-010": Coding(killed={"men": _n(9, 9, "nine men and one woman"), "women": _n(1, 1, "nine men and one woman")},
                           harms={"livestock_taken": _n(100, 100, "took about 100 cattle")}),
    "SEG-2025-011": Coding(harms={"abducted": _n(5, 5, "kidnapped five Office du Niger agents")}),
    "SEG-2025-013": Coding(harms={"injured": _n(4, 4, "slightly wounded four other occupants")},
                           cause=((FIRE, "shot dead the former deputy"),)),
    "SEG-2025-014": Coding(harms={"abducted": _n(2, 2, "kidnapped two contractors")}),
    "SEG-2025-015": Coding(harms={"abducted": _n(2, 2, "seized Siaka Dembélé, the president of the Ségou regional "
                                                       "council, and his driver")}),
    "SEG-2026-001": Coding(harms={"injured": _n(2, 2, "killing one person and injuring two")},
                           cause=(("explosive", "A kamikaze drone struck Tongolo Coura"),)),
    "SEG-2026-002": Coding(harms={"injured": _n(3, 3, "seriously wounding three")}),
}


def _text(v: int | None) -> str:
    return "" if v is None else str(v)


def harm_values(coding: Coding) -> dict[str, str]:
    """The harm columns of one row, as the CSV writes them."""
    out = dict.fromkeys(HARM_COLUMNS, "")
    for group, (lo, hi, _) in coding.killed.items():
        lo_col, hi_col = killed_columns(group)
        out[lo_col], out[hi_col] = _text(lo), _text(hi)
    listed = []
    for harm in HARM_TYPES:  # in the vocabulary's order
        if harm not in coding.harms:
            continue
        listed.append(harm)
        value = coding.harms[harm]
        if not isinstance(value, str):
            lo_col, hi_col = harm_columns(harm)
            out[lo_col], out[hi_col] = _text(value[0]), _text(value[1])
    out["harms"] = ";".join(listed)
    out["cause_of_death"] = ";".join(dict.fromkeys(code for code, _ in coding.cause))
    return out


def code_harms(text: str) -> str:
    rows = list(csv.DictReader(io.StringIO(text)))
    unknown = set(CODINGS) - {r["incident_id"] for r in rows}
    if unknown:
        raise SystemExit(f"coding for incidents not in the file: {sorted(unknown)}")
    # the canonical columns the file has, and the harm columns (an optional column it leaves out, such as
    # grade_override, stays out)
    present = set(rows[0]) if rows else set()
    columns = [c for c in FLAT_COLUMNS if c in present or c in HARM_COLUMNS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row.update(harm_values(CODINGS.get(row["incident_id"], Coding())))
        writer.writerow({c: row.get(c, "") for c in columns})
    return out.getvalue()


def main() -> None:
    CSV.write_text(code_harms(CSV.read_text(encoding="utf-8")), encoding="utf-8", newline="")
    print(f"{CSV}: victims and harms coded for {len(CODINGS)} incidents")


if __name__ == "__main__":
    main()
