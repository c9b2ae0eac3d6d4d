"""The words of the briefing pack and the story PDF, in English, marked for translation: :func:`briefing_words` gives
them in a language (its gettext catalogue, :mod:`dashboard.i18n`)."""

from __future__ import annotations

from dashboard.i18n import N_, tr

__all__ = ["BRIEFING", "SUMMARY", "briefing_words", "summary_words"]

BRIEFING: dict[str, str] = {
    "default_title": N_("Violence against civilians in the Ségou region, Mali"),
    "kind_briefing": N_("Briefing pack"),
    "kind_story": N_("Story"),
    "period": N_("Period"),
    "selection": N_("Selection"),
    "no_filter": N_(" — no filter: the whole dataset"),
    "story_selection": N_("A story of {n} incident(s), in the order they are presented"),
    "all_dates": N_("no date filter (the incidents are dated {first} – {last})"),
    "story_dates": N_("the incidents are dated {first} – {last}"),
    "map_ref_briefing": N_("Numbers refer to the incident table."),
    "map_ref_story": N_("Numbers are the steps of the story."),
    "no_incidents": N_("No incident matches this selection."),
    "key_figures": N_("Key figures"),
    "incidents": N_("Incidents"),
    "of_total": N_("of {total} in the dataset"),
    "killed": N_("Killed"),
    "killed_range": N_("at least {lo}, up to {hi}"),
    "killed_exact": N_("{lo}"),
    "toll_unknown": N_("Toll unknown"),
    "no_upper": N_("no upper bound reported for {n}"),
    "not_on_map": N_("Not on the map"),
    "region_only": N_("place known only to the region, or not located"),
    "by_category": N_("By alleged perpetrator category"),
    "by_category_note": N_("an incident attributed to two categories counts in both"),
    "by_cercle": N_("By cercle"),
    "category": N_("Category"),
    "cercle": N_("Cercle"),
    "not_stated": N_("(not stated)"),
    "killed_min_max": N_("Killed (min–max)"),
    "map": N_("Map of the selected incidents"),
    "map_note": N_("Filled circle: exact place. Hollow dashed circle with a "
                    "ring (≈{ring} km): approximate — a reference town, not the village. Size: number killed (upper "
                    "bound). Colour: first-named alleged perpetrator; an outer ring: the second one."),
    "legend_approx": N_("approximate (ring ≈{ring} km)"),
    "legend_second": N_("outer ring: second alleged perpetrator"),
    "map_credit": N_("Outlines: Natural Earth (public domain) · cercle seats: GeoNames (CC BY 4.0)"),
    "not_drawn_title": N_("Not drawn on the map"),
    "timeline": N_("Incidents over time"),
    "timeline_note": N_("Stacked by the first-named alleged perpetrator's category: each incident counts once. "
                         "Lighter bars: incidents dated only to the week, month or year (counted in the period they "
                         "start). Weeks are ISO weeks (Monday to Sunday)."),
    "table": N_("Incidents"),
    "steps": N_("Steps"),
    "step": N_("Step {n}"),
    "col_no": N_("#"),
    "col_date": N_("Date"),
    "col_place": N_("Place (as reported) and summary"),
    "col_perpetrators": N_("Alleged perpetrators"),
    "col_killed": N_("Killed"),
    "col_verification": N_("Verification"),
    "col_sources": N_("Sources"),
    "verification": N_("Verification"),
    "location": N_("Location"),
    "sources": N_("Sources"),
    "methods": N_("Methods and caveats"),
    "m_precision": N_("Location precision: {exact} exact place(s), {approx} approximate (a reference town such as a "
                       "commune or cercle seat, which can be tens of km from the village), {region} known only to the "
                       "region (listed, not drawn)."),
    "m_reported": N_("Verification is separate from attribution: an incident with a single source is coded "
                      "“reported”. Here: {confirmed} confirmed, {corroborated} corroborated, {reported} reported "
                      "(single source), {contested} contested."),
    "m_alleged": N_("Perpetrators are alleged: they are who the sources name, with the basis given (witnesses, "
                     "survivors, a claim, officials, or the outlet's own attribution). This is not a finding of "
                     "responsibility."),
    "m_ranges": N_("Tolls are ranges: “21–37” means the sources report between 21 and 37 killed. Totals add the "
                    "lower and the upper bounds separately."),
    "m_unknown": N_("Unknown is not zero: {unknown} incident(s) here have no reported toll and are counted as "
                     "unknown; {open} have a lower bound only (“at least”)."),
    "m_reports": N_("One incident, several reports: every incident is counted once, however many datasets report it "
                     "({merged} incident(s) here combine {reports} reports). An incident's toll runs from the lowest "
                     "minimum to the highest maximum among its reports (Airwars' convention); {disputed} have "
                     "reports whose figures do not overlap (disputed). Its date and place come from its most "
                     "precise report."),
    "m_dates": N_("{imprecise} incident(s) are dated only to the week, month or year."),
    "m_summaries": N_("Summaries are the project's paraphrases of the sources; the numbered sources are the "
                       "reference."),
    "m_public": N_("Public version: places are coarsened to the seat of the cercle or the centre of a 0.5° grid "
                    "cell, and internal notes are removed."),
    "footer": N_("Ségou incident map · dataset version {version} · generated {generated}"),
    "page": N_("page"),
    "public_badge": N_("Public version — places coarsened"),
    "note": N_("Note"),
    "listed_note": N_("This pack lists the {listed} most serious of the {n} incidents selected (highest known toll "
                       "first: the lower bound, then the upper one), and the map shows those; the key figures, the "
                       "timeline and the breakdowns count all {n}.",
                       ),
}
SUMMARY: dict[str, str] = {  # the executive summary's headings and the "prepared by" block
    "summary": N_("Executive summary"),
    "coverage": N_("Coverage"),
    "prepared_by": N_("Prepared by"), "organisation": N_("Organisation"), "analysis_date": N_("Date of analysis"),
    "marking": N_("Handling"),
    "most_serious": N_("The most serious incidents"),
    "most_serious_note": N_("The {k} incidents with the highest reported tolls (lower bound, then upper bound); "
                            "numbers refer to the annex, which lists all {n}."),
    "most_serious_note_bounded": N_("The {k} incidents with the highest reported tolls (lower bound, then upper "
                                    "bound); numbers refer to the annex."),
    "annex": N_("Annex: all {n} incidents"),
    "annex_bounded": N_("Annex: the {k} most serious of the {n} incidents"),
    "col_place": N_("Place (as reported)"),
}


def briefing_words(lang: str) -> dict[str, str]:
    t = tr(lang)
    return {key: t.gettext(text) for key, text in BRIEFING.items()}


def summary_words(lang: str) -> dict[str, str]:
    t = tr(lang)
    return {key: t.gettext(text) for key, text in SUMMARY.items()}
