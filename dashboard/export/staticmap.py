"""A static map of incidents for print (matplotlib, no tiles, no network): the same drawing rules as the web map.

* exact places (precision 1): filled circles;
* approximate places (precision 2): hollow dashed circles with a faint ring of :data:`APPROX_RING_M`;
* region-level incidents and incidents without a point: not drawn (the caller lists them);
* colour: first-named alleged perpetrator (Okabe–Ito, :mod:`dashboard.viz.palette`); size: upper toll.

Uses matplotlib's object API (no pyplot state), so it is safe inside the Streamlit server's threads.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence

import geopandas as gpd
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Rectangle
from matplotlib.transforms import Bbox

from dashboard.data.schema import PERPETRATOR_CATEGORIES, split_codes
from dashboard.viz.maps import APPROX_RING_M, Basemap, marker_radius, plottable
from dashboard.viz.palette import CATEGORY_COLOURS, OTHER_REGIONS_FILL, REGION_EDGE, REGION_FILL, WATER, colour_for

KM_PER_DEG = 111.32
_PAD_DEG = 0.25
ZOOM_BELOW = 0.45  # zoom on the incidents when they span less than this share of the region
MIN_VIEW_KM = 140
_MAX_LABELS = 120
_RC = {
    "svg.fonttype": "none",  # keep text as text: small files, crisp in the PDF
    "svg.hashsalt": "segou-incident-map",  # stable ids: the same data gives the same SVG
    "font.family": "DejaVu Sans",
    "font.size": 8,
}


def _span_km(box: tuple[float, float, float, float]) -> float:
    x0, y0, x1, y1 = box
    return max((x1 - x0) * KM_PER_DEG * math.cos(math.radians((y0 + y1) / 2)), (y1 - y0) * KM_PER_DEG)


def _extent(points: gpd.GeoDataFrame, basemap: Basemap, focus: tuple[float, float] | None,
            focus_km: float) -> tuple[tuple[float, float, float, float], bool]:
    """(x0, x1, y0, y1) to show, and whether it is zoomed in closer than the region (then an inset locates it)."""
    if focus is not None:
        lat, lon = focus
        dlat = focus_km / KM_PER_DEG
        dlon = dlat / math.cos(math.radians(lat))
        return (lon - dlon, lon + dlon, lat - dlat, lat + dlat), True
    region = tuple(basemap.region.total_bounds) if basemap.region is not None and len(basemap.region) else None
    box = tuple(points.total_bounds) if len(points) else None
    if box is not None and region is not None and _span_km(box) < ZOOM_BELOW * _span_km(region):
        # a few incidents in one part of the region: zoom on them (at least ~MIN_VIEW_KM across)
        pad = max(MIN_VIEW_KM / 2 / KM_PER_DEG, 0.25 * (box[3] - box[1]), 0.25 * (box[2] - box[0]))
        return (box[0] - pad, box[2] + pad, box[1] - pad, box[3] + pad), True
    boxes = [b for b in (region, box) if b is not None]
    if not boxes:
        return (-7.0, -4.0, 12.5, 15.8), False
    x0 = min(b[0] for b in boxes) - _PAD_DEG
    y0 = min(b[1] for b in boxes) - _PAD_DEG
    x1 = max(b[2] for b in boxes) + _PAD_DEG
    y1 = max(b[3] for b in boxes) + _PAD_DEG
    return (x0, x1, y0, y1), False


def _inset(fig: Figure, basemap: Basemap, view: tuple[float, float, float, float]):
    """A small locator map (upper left): the region among its neighbours, the main map's frame in red."""
    if basemap.region is None or not len(basemap.region):
        return None
    rx0, ry0, rx1, ry1 = basemap.region.total_bounds
    x0, x1, y0, y1 = _fit_aspect(rx0 - 0.8, rx1 + 0.8, ry0 - 0.8, ry1 + 0.8, 1.0)
    inset = fig.add_axes((0.008, 0.66, 0.24 * fig.get_figheight() / fig.get_figwidth(), 0.33))
    inset.set_facecolor(WATER)
    if basemap.other_regions is not None:
        basemap.other_regions.plot(ax=inset, facecolor=OTHER_REGIONS_FILL, edgecolor="#9a9a9a", linewidth=0.3)
    basemap.region.plot(ax=inset, facecolor=REGION_FILL, edgecolor=REGION_EDGE, linewidth=0.8)
    vx0, vx1, vy0, vy1 = view
    inset.add_patch(Rectangle((vx0, vy0), vx1 - vx0, vy1 - vy0, facecolor="none", edgecolor="#C00000",
                              linewidth=1.2, zorder=5))
    inset.set_xlim(x0, x1)
    inset.set_ylim(y0, y1)
    inset.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)), adjustable="box")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    for spine in inset.spines.values():
        spine.set_edgecolor("#555")
    inset.set_zorder(11)
    return inset.get_window_extent(fig.canvas.get_renderer())


def _scale_bar(ax, x0: float, x1: float, y0: float, y1: float) -> None:
    mid_lat = (y0 + y1) / 2
    km_per_deg_lon = KM_PER_DEG * math.cos(math.radians(mid_lat))
    span_km = (x1 - x0) * km_per_deg_lon
    length = next(k for k in (500, 200, 100, 50, 20, 10, 5, 2, 1) if k <= span_km / 4)
    sx = x0 + (x1 - x0) * 0.04
    sy = y0 + (y1 - y0) * 0.04
    ax.plot([sx, sx + length / km_per_deg_lon], [sy, sy], color="#222", linewidth=2, solid_capstyle="butt",
            zorder=9)
    ax.text(sx, sy + (y1 - y0) * 0.012, f"{length} km", fontsize=7, color="#222", zorder=9,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.7, "edgecolor": "none"})


def incident_map_svg(
    incidents: gpd.GeoDataFrame,
    basemap: Basemap,
    *,
    labels: Mapping[str, str] | None = None,
    highlight: str | None = None,
    focus: tuple[float, float] | None = None,
    focus_km: float = 60.0,
    size: tuple[float, float] = (7.2, 6.1),
    legend_labels: Mapping[str, str] | None = None,
    legend_words: Sequence[str] = ("exact place", f"approximate (ring ≈{APPROX_RING_M // 1000} km)",
                                   "outer ring: second alleged perpetrator"),
    show_legend: bool = True,
    show_inset: bool = True,
    attribution: str = "Outlines: Natural Earth (public domain) · cercle seats: GeoNames (CC BY 4.0)",
) -> str:
    """SVG text of the map. ``labels`` maps incident ids to the short label drawn beside their point (e.g. the
    row number in the table); incidents at the same point share one label. ``highlight`` circles one incident.
    ``focus`` (lat, lon) zooms on a point, ``focus_km`` around it."""
    points = plottable(incidents)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=size, dpi=100)
        FigureCanvasAgg(fig)  # a renderer to measure labels with
        ax = fig.add_axes((0, 0, 1, 1))
        extent, zoomed = _extent(points, basemap, focus, focus_km)
        x0, x1, y0, y1 = _fit_aspect(*extent, size[0] / size[1])
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)), adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_edgecolor("#777")
        ax.set_facecolor(WATER)
        if basemap.other_regions is not None:
            basemap.other_regions.plot(ax=ax, facecolor=OTHER_REGIONS_FILL, edgecolor="#9a9a9a", linewidth=0.6,
                                       zorder=1)
        if basemap.region is not None:
            basemap.region.plot(ax=ax, facecolor=REGION_FILL, edgecolor=REGION_EDGE, linewidth=1.4, zorder=2)
        ax.set_xlim(x0, x1)  # geopandas may have moved them
        ax.set_ylim(y0, y1)
        ax.set_xlabel("")
        ax.set_ylabel("")
        placed: list = []
        if zoomed and show_inset:
            box = _inset(fig, basemap, (x0, x1, y0, y1))
            if box is not None:
                placed.append(box)
        legend = _legend(ax, points, legend_labels, legend_words) if show_legend else None
        if legend is not None:
            placed.append(legend.get_window_extent(fig.canvas.get_renderer()))
        groups = _draw_incidents(ax, points, labels or {}, highlight)
        if len(groups) <= _MAX_LABELS:
            _place_labels(ax, groups, placed)
        obstacles = [*placed, *_marker_boxes(ax, groups)]
        if basemap.seats is not None:
            for s in basemap.seats.itertuples(index=False):
                if x0 <= s.longitude <= x1 and y0 <= s.latitude <= y1:
                    ax.plot(s.longitude, s.latitude, marker="s", markersize=2.6, color="#333", zorder=3)
                    _place(ax, s.name, (s.longitude, s.latitude), obstacles, further=(14.0, 24.0),
                           optional=True, fontsize=6.5, color="#333", zorder=7.5,
                           bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.55,
                                 "edgecolor": "none"})
        _scale_bar(ax, x0, x1, y0, y1)
        ax.text(0.995, 0.005, attribution, transform=ax.transAxes, ha="right", va="bottom", fontsize=5.5,
                color="#555", zorder=10, bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1})
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _fit_aspect(x0: float, x1: float, y0: float, y1: float, ratio: float) -> tuple[float, float, float, float]:
    """Grow the box so that, drawn with equal ground distances, it has the figure's width/height ``ratio``."""
    k = math.cos(math.radians((y0 + y1) / 2))
    width, height = (x1 - x0) * k, y1 - y0
    if width / height < ratio:
        grow = (height * ratio / k - (x1 - x0)) / 2
        return x0 - grow, x1 + grow, y0, y1
    grow = (width / ratio - height) / 2
    return x0, x1, y0 - grow, y1 + grow


# label offsets tried in turn, as multiples of the marker radius (+ a gap): right, left, above, below, diagonals
_DIRECTIONS = ((1, 0.35, "left", "bottom"), (1, -0.35, "left", "top"), (-1, 0.35, "right", "bottom"),
               (-1, -0.35, "right", "top"), (0, 1, "center", "bottom"), (0, -1, "center", "top"),
               (0.8, 0.8, "left", "bottom"), (-0.8, -0.8, "right", "top"), (0.8, -0.8, "left", "top"),
               (-0.8, 0.8, "right", "bottom"))


def _place(ax, text: str, xy: tuple[float, float], placed: list, radius: float = 2.0,
           further: tuple[float, ...] = (), optional: bool = False, **style) -> None:
    """Annotate ``xy`` just outside a marker of ``radius`` points, at the first offset whose box stays in the
    frame and overlaps nothing in ``placed``; then at the ``further`` radii. If every offset collides, an
    ``optional`` label is dropped; any other is drawn at the first offset."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    first = None
    for reach in (radius, *further):
        gap = reach + 2.5
        for ux, uy, ha, va in _DIRECTIONS:
            ann = ax.annotate(text, xy, xytext=(ux * gap, uy * gap), textcoords="offset points", ha=ha, va=va,
                              **style)
            box = ann.get_window_extent(renderer)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(p) for p in placed):
                placed.append(box)
                if first is not None:
                    first.remove()
                return
            if first is None and not optional:
                first = ann
            else:
                ann.remove()
    if first is not None:
        placed.append(first.get_window_extent(renderer))


def _marker_boxes(ax, groups: dict[tuple[float, float], tuple[list[str], float]]) -> list[Bbox]:
    """Display boxes of the drawn markers (so that place names do not sit on them)."""
    boxes = []
    points_to_px = ax.figure.dpi / 72
    for (lon, lat), (_, radius) in groups.items():
        x, y = ax.transData.transform((lon, lat))
        r = (radius + 3) * points_to_px
        boxes.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    return boxes


def _place_labels(ax, groups: dict[tuple[float, float], tuple[list[str], float]], placed: list) -> None:
    for (lon, lat), (names, radius) in sorted(groups.items(), key=lambda kv: -len(kv[1][0])):
        if not names:
            continue
        names = sorted(names, key=lambda n: (len(n), n))
        if len(names) > 12:
            names = [*names[:11], f"+{len(names) - 11}"]
        text = ", ".join(names[:6]) + (",\n" + ", ".join(names[6:]) if len(names) > 6 else "")
        _place(ax, text, (lon, lat), placed, radius=radius, fontsize=7.5, fontweight="bold", color="#111",
               zorder=8, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.85,
                               "edgecolor": "none"})


def _draw_incidents(ax, points: gpd.GeoDataFrame, labels: Mapping[str, str],
                    highlight: str | None) -> dict[tuple[float, float], tuple[list[str], float]]:
    ring_lat = APPROX_RING_M / 1000 / KM_PER_DEG
    # big markers first, so that small ones stay visible on top
    order = points.assign(radius_px=[marker_radius(lo, hi) for lo, hi in
                              zip(points["fatalities_min"], points["fatalities_max"], strict=True)])
    order = order.sort_values("radius_px", ascending=False, kind="stable")
    grouped: dict[tuple[float, float], tuple[list[str], float]] = {}
    for r in order.itertuples(index=False):
        lon, lat = r.geometry.x, r.geometry.y
        colour = colour_for(r.perpetrator_category)
        radius_pt = r.radius_px * 0.75  # Leaflet pixels → points, roughly the web map's size on paper
        approximate = int(r.geo_precision) >= 2
        size = (2 * radius_pt) ** 2
        if approximate:
            ax.add_patch(Ellipse((lon, lat), 2 * ring_lat / math.cos(math.radians(lat)), 2 * ring_lat,
                                 facecolor=to_rgba(colour, 0.06), edgecolor=to_rgba(colour, 0.5),
                                 linestyle=(0, (2, 3)), linewidth=0.7, zorder=4))
            ax.scatter([lon], [lat], s=size, facecolors=[(1, 1, 1, 0.6)], edgecolors=[colour],
                       linewidths=1.8, linestyles=[(0, (3, 2))], zorder=5)
        else:
            ax.scatter([lon], [lat], s=size, facecolors=[colour], edgecolors=["white"], linewidths=0.8,
                       alpha=0.9, zorder=6)
        codes = split_codes(r.perpetrator_category)
        if len(codes) > 1 and codes[1] in CATEGORY_COLOURS:
            # a second alleged perpetrator: an outer ring in its colour, as on the web map
            ax.scatter([lon], [lat], s=(2 * radius_pt + 5.5) ** 2, facecolors="none",
                       edgecolors=[CATEGORY_COLOURS[codes[1]]], linewidths=2.0, zorder=6)
        if highlight is not None and r.incident_id == highlight:
            ax.scatter([lon], [lat], s=(2 * radius_pt + 10) ** 2, facecolors="none", edgecolors=["#111"],
                       linewidths=2.2, zorder=7)
        outer = radius_pt + (2.8 if len(codes) > 1 else 0.0)
        key = (round(lon, 4), round(lat, 4))
        names, radius = grouped.get(key, ([], 0.0))
        label = [labels[r.incident_id]] if r.incident_id in labels else []
        grouped[key] = ([*names, *label], max(radius, outer))
    return grouped


def _legend(ax, points: gpd.GeoDataFrame, legend_labels: Mapping[str, str] | None, words: Sequence[str]):
    present = {c for cell in points["perpetrator_category"] for c in split_codes(cell)[:2]}
    if not present:
        return None
    two = bool(points["perpetrator_category"].str.contains(";", regex=False).any())
    handles = [
        Line2D([], [], marker="o", linestyle="none", markersize=6, markerfacecolor=CATEGORY_COLOURS[c],
               markeredgecolor="white", label=(legend_labels or {}).get(c, c))
        for c in PERPETRATOR_CATEGORIES if c in present
    ]
    handles.append(Line2D([], [], marker="o", linestyle="none", markersize=6, markerfacecolor="#555",
                          markeredgecolor="white", label=words[0]))
    handles.append(Line2D([], [], marker="o", linestyle="none", markersize=6, markerfacecolor="white",
                          markeredgecolor="#555", markeredgewidth=1.4, label=words[1]))
    if two and len(words) > 2:
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=9, markerfacecolor="none",
                              markeredgecolor="#555", markeredgewidth=2.0, label=words[2]))
    legend = ax.legend(handles=handles, loc="upper right", fontsize=6.5, framealpha=0.92, borderpad=0.5,
                       handletextpad=0.3, labelspacing=0.35)
    legend.set_zorder(10)
    return legend
