"""Comparison maps (the Compare page): one ground scale side by side, or all regions combined."""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence

import folium
import folium.map
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.template import Template
from pyproj import Transformer

from atlas._errors import InputError
from atlas.boundaries import Boundaries, load_boundaries
from atlas.datum import wgs84_to_gcj02
from atlas.labels import (
    THEME_STYLES,
    Evidence,
)
from atlas.maps.basemaps import (
    Basemap,
    _datum_note,
    get_basemap,
)
from atlas.maps.elements import (
    DataLayer,
    Legend,
    _FitBounds,
    _new_map,
    localize_assets,
)
from atlas.maps.region import (
    _Geometries,
    _payload,
    _records,
    _regions_features,
    region_map,
)
from atlas.maps.styles import (
    legend_rows,
)

log = logging.getLogger("atlas")

# ---------------------------------------------------------------------------------------------
# comparison maps (the Compare page): one ground scale side by side, or all regions combined
# ---------------------------------------------------------------------------------------------
#: Themes drawn on the comparison maps (corridors as context), in the county page's order.
COMPARE_THEMES: tuple[str, ...] = ("parks", "red_lines", "corridors", "eco_zones")

#: Outline colours of the regions on the combined map (distinct from the theme colours).
REGION_COLORS: tuple[str, ...] = ("#1565c0", "#ad1457", "#6d4c41", "#b28704")


def _extent_km(geom: shapely.Geometry) -> tuple[float, float, float, float]:
    """(width km, height km, centre lon, centre lat) of a geometry's box, measured about its centre."""
    x0, y0, x1, y1 = geom.bounds
    lon, lat = (x0 + x1) / 2, (y0 + y1) / 2
    to_km = Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={lat} +lon_0={lon} +units=km +ellps=WGS84", always_xy=True
    )
    xy = shapely.get_coordinates(geom)
    x, y = to_km.transform(xy[:, 0], xy[:, 1])
    return float(np.max(x) - np.min(x)), float(np.max(y) - np.min(y)), lon, lat


def shared_extent_km(
    region_codes: Sequence[str], *, boundaries: Boundaries | None = None
) -> tuple[float, float]:
    """(width, height) in km of a box that holds every region's outline: the shared map extent."""
    b = boundaries or load_boundaries()
    sizes = [_extent_km(b.display_geometry(str(c)))[:2] for c in region_codes]
    if not sizes:
        msg = "no region given; pass at least one adcode"
        raise InputError(msg)
    return max(w for w, _ in sizes), max(h for _, h in sizes)


def view_bounds(
    region_code: str, extent_km: tuple[float, float], *, boundaries: Boundaries | None = None
) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of a box of ``extent_km`` (width, height) centred on a region."""
    b = boundaries or load_boundaries()
    _, _, lon, lat = _extent_km(b.display_geometry(str(region_code)))
    to_deg = Transformer.from_crs(
        f"+proj=aeqd +lat_0={lat} +lon_0={lon} +units=km +ellps=WGS84", "EPSG:4326", always_xy=True
    )
    w, h = extent_km
    xs, ys = to_deg.transform([-w / 2, w / 2, 0.0, 0.0], [0.0, 0.0, -h / 2, h / 2])
    return [[float(ys[2]), float(xs[0])], [float(ys[3]), float(xs[1])]]


#: A smaller, see-through legend for maps that share the page width (same rows as the county page).
_COMPACT_LEGEND_CSS = (
    ".atlas-legend{font-size:11px;line-height:1.3;padding:4px 7px;background:rgba(255,255,255,0.82);}"
    ".atlas-legend .atlas-legend-note{font-size:10px;}"
)


def _collapse_layer_control(m: folium.Map) -> None:
    """Fold the layer switcher into its button: narrow side-by-side maps keep room for features."""
    for child in m._children.values():
        if isinstance(child, folium.LayerControl):
            child.options["collapsed"] = True


def _set_view(m: folium.Map, bounds: list[list[float]], *, gcj02: bool) -> None:
    """Fit the map to ``bounds`` with fractional zoom (runs after the builder's own fit)."""
    if gcj02:
        (s, w), (n, e) = bounds
        lon, lat = wgs84_to_gcj02(np.array([w, e]), np.array([s, n]))
        bounds = [[float(lat[0]), float(lon[0])], [float(lat[1]), float(lon[1])]]
    m.options["zoom_snap"] = 0
    m.add_child(_FitBounds(bounds, padding=(4, 4)))


def comparison_maps(
    layers: Mapping[str, gpd.GeoDataFrame],
    region_codes: Sequence[str],
    *,
    basemap: str | Basemap = "blank",
    evidence: Mapping[str, Evidence | str] | None = None,
    themes: Sequence[str] = COMPARE_THEMES,
    boundaries: Boundaries | None = None,
    asset_base_url: str | None = None,
    collapse_layers: bool = True,
) -> tuple[dict[str, folium.Map], tuple[float, float]]:
    """One :func:`atlas.region_map` per region, all at one shared ground scale.

    Every map gets the same styles and legend (the county page's) and is fitted to a box of the
    same size in km centred on its region, with fractional zoom: drawn in frames of equal size,
    the maps then show equal metres per pixel, so areas can be compared by eye.

    The layer switcher is folded into its button and the legend to its summary line
    (``collapse_layers``; a click opens either) so narrow maps keep room for the features: open,
    the two covered about half of a map.

    Returns
    -------
    tuple
        (adcode → map, shared (width, height) extent in km).
    """
    b = boundaries or load_boundaries()
    codes = [str(c) for c in region_codes]
    extent = shared_extent_km(codes, boundaries=b)
    bm = get_basemap(basemap)
    out = {}
    for code in codes:
        m = region_map(
            layers,
            code,
            themes=themes,
            basemap=bm,
            evidence=evidence,
            boundaries=b,
            asset_base_url=asset_base_url,
            fold_legend=collapse_layers,
        )
        _set_view(m, view_bounds(code, extent, boundaries=b), gcj02=bm.datum == "gcj02")
        if collapse_layers:
            _collapse_layer_control(m)
            m.add_child(_Style(_COMPACT_LEGEND_CSS))
        out[code] = m
    return out, extent


class _Style(MacroElement):
    """Extra CSS of the comparison maps (compact legend, region colours of the combined map)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style id="atlas-compare-style">{{ this.css }}</style>
        {% endmacro %}
        """
    )

    def __init__(self, css: str) -> None:
        super().__init__()
        self._name = "AtlasCompareStyle"
        self.css = css


def combined_map(
    layers: Mapping[str, gpd.GeoDataFrame],
    region_codes: Sequence[str],
    *,
    basemap: str | Basemap = "blank",
    evidence: Mapping[str, Evidence | str] | None = None,
    themes: Sequence[str] = COMPARE_THEMES,
    boundaries: Boundaries | None = None,
    tolerance: float = 0.0005,
    asset_base_url: str | None = None,
) -> folium.Map:
    """All chosen regions on one map, colour-coded by region.

    Each region's outline and light fill take its colour of :data:`REGION_COLORS`; features keep
    their theme styles and precision shapes (the legend of the county page), and markers get the
    region's colour as outline. Tooltips start with the region's name.
    """
    codes = [str(c) for c in region_codes]
    if not codes or len(codes) > len(REGION_COLORS):
        msg = f"got {len(codes)} regions; the combined map shows 1 to {len(REGION_COLORS)}"
        raise InputError(msg)
    bm = get_basemap(basemap)
    b = boundaries or load_boundaries()
    shift = bm.datum == "gcj02"
    m = _new_map(bm)
    colors = dict(zip(codes, REGION_COLORS, strict=False))
    index = {c: i for i, c in enumerate(codes)}
    css = "".join(
        f".atlas-compare-r{i} .atlas-shape{{border-color:{col} !important;border-width:3px;}}"
        for i, col in enumerate(colors.values())
    )
    m.add_child(_Style(_COMPACT_LEGEND_CSS + css))

    names = {c: b.get(c).name for c in codes}
    outlines = _Geometries(tolerance=0.0, shift=shift)
    outline_specs = [
        {
            "g": outlines.add(b.display_geometry(c)),
            "t": html.escape(f"{names[c]} ({c})"),
            "s": {
                "color": colors[c],
                "weight": 3,
                "fillColor": colors[c],
                "fillOpacity": 0.1,
                "className": f"atlas-compare-region atlas-compare-r{index[c]}",
            },
        }
        for c in codes
    ]
    m.add_child(DataLayer("地区 Regions", {"g": outlines.items, "f": outline_specs}, control=False))

    selected, slots = _regions_features(layers, themes, codes)
    counts: dict[str, int] = {}
    precisions: set[str] = set()
    for theme, frame in selected.items():
        payload = _payload(frame, evidence=evidence, tolerance=tolerance, shift=shift, slots=slots)
        for spec in payload["f"]:
            code = spec.get("r")
            if code not in index:  # a label (→ 昆明市) belongs to the line before it
                continue
            cls = f" atlas-compare-r{index[code]}"
            if "c" in spec:
                spec["c"] += cls
            else:
                spec["s"] = {**spec["s"], "className": spec["s"]["className"] + cls}
            spec["t"] = html.escape(names[code]) + " · " + spec["t"]
        counts[theme] = len(_records(frame))
        if len(frame):
            precisions.update(str(p) for p in frame["precision"].dropna())
        m.add_child(DataLayer(html.escape(f"{THEME_STYLES[theme][0]} ({counts[theme]})"), payload))
    folium.LayerControl(collapsed=False, position="topright").add_to(m)

    rows = ['<div class="atlas-legend-title">地区 Regions</div>']
    for c in codes:
        rows.append(
            f'<div class="atlas-legend-row" data-region="{c}"><span class="atlas-swatch" '
            f'style="background:{colors[c]}33;border:2px solid {colors[c]}"></span>{html.escape(names[c])}</div>'
        )
    rows.append('<div class="atlas-legend-note">标记边框颜色 = 地区 Marker outline colour = region</div>')
    rows.append('<div class="atlas-legend-title">图层 Layers</div>')
    rows.extend(legend_rows(counts, precisions))
    rows.append(_datum_note(bm))
    m.add_child(Legend("".join(rows), kind="compare"))

    x0, y0, x1, y1 = shapely.total_bounds(np.asarray([b.display_geometry(c) for c in codes], dtype=object))
    bounds = [[float(y0), float(x0)], [float(y1), float(x1)]]
    _set_view(m, bounds, gcj02=shift)
    return localize_assets(m, base_url=asset_base_url)
