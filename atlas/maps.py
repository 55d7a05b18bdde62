"""Folium maps of the atlas: a region's layers, the overview choropleth, basemaps and legends.

Every map is built the same way: one :class:`DataLayer` per theme (a Leaflet feature group drawn
from a compact JSON blob by a small script, so a few hundred features cost kilobytes, not one
folium element each), a legend that is a Leaflet control (always visible, not a toggle), and a
single basemap. Nothing here loads anything from the network:

- JavaScript/CSS: only Leaflet, served from the vendored copy of :mod:`atlas.assets`
  (:func:`localize_assets` checks every element of the map and refuses unknown CDN assets);
- the default basemap is ``blank`` (no tiles); OpenStreetMap, CartoDB, Tianditu (with
  ``TIANDITU_KEY``) and AMap/Gaode draw tiles from the network when chosen;
- AMap tiles are GCJ-02: for that basemap only, every overlay is shifted WGS84 → GCJ-02 with
  :mod:`atlas.datum`, and the legend says so.

Precision is drawn, not hidden: an ``exact`` point is a solid circle, a ``town`` point a diamond,
a ``county`` point a dashed hollow circle and a ``region`` point a dashed hollow square; points
that share a spot fan out around it in screen space (their coordinates are not changed).
Popups and tooltips are built here from layer properties and the evidence sentence, every piece
of text HTML-escaped.

Stable hooks for browser tests: every drawn feature has exactly one element with the classes
``atlas-feature`` (further parts of a multi-part geometry get ``atlas-feature-part`` instead),
``atlas-theme-<theme>`` and ``atlas-prec-<precision>`` (markers also carry ``data-feature-id`` on
their inner ``.atlas-shape``); region polygons of the overview have ``atlas-region`` and
``atlas-class-<i>`` or ``atlas-nodata``; the legend is ``.atlas-legend`` (``data-legend`` =
``region``/``choropleth``) with rows ``.atlas-legend-row`` carrying ``data-theme`` +
``data-count``, ``data-precision`` or ``data-class``; popups are ``.atlas-popup`` with
``data-feature-id``.
"""

from __future__ import annotations

import html
import json
import logging
import math
import os
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import folium.map
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from branca.utilities import color_brewer
from folium.template import Template
from pyproj import Transformer

from atlas import assets
from atlas._errors import DataMissingError, InputError
from atlas.boundaries import Boundaries, load_boundaries
from atlas.datum import geometry_to_gcj02, wgs84_to_gcj02
from atlas.labels import KIND_LABELS, LEVEL_LABELS, PRECISION_LABELS, STATUS_LABELS, THEME_LABELS
from atlas.models import PRECISIONS, THEMES

log = logging.getLogger("atlas")

# ---------------------------------------------------------------------------------------------
# labels and styles
# ---------------------------------------------------------------------------------------------
#: Theme → (legend label, colour).
THEME_STYLES: dict[str, tuple[str, str]] = {
    "parks": (THEME_LABELS["parks"], "#2e7d32"),
    "red_lines": (THEME_LABELS["red_lines"], "#d32f2f"),
    "corridors": (THEME_LABELS["corridors"], "#ef6c00"),
    "eco_zones": (THEME_LABELS["eco_zones"], "#00838f"),
    "structure": (THEME_LABELS["structure"], "#7b1fa2"),
}

# code → label tables live in atlas.labels (shared with the app's tables and filters)

#: Extra properties shown in popups, per theme, with their labels.
_EXTRA_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "parks": (("place", "地点 Place"),),
    "red_lines": (
        ("area_km2", "面积 Area (km²)"),
        ("share_pct", "占比 Share (%)"),
        ("named_zone", "区域 Zone"),
    ),
    "corridors": (
        ("code", "编号 Code"),
        ("endpoints", "端点 Endpoints"),
        ("length_km", "示意长度 Length (km)"),
    ),
    "eco_zones": (("places", "涉及地点 Places"),),
    "structure": (("pattern", "格局 Pattern"), ("role", "角色 Role")),
}

_MARKER_PX = 14
_SPREAD_PX = 11.0
_BOUNDARY_COLOR = "#37474f"
_NODATA_COLOR = "#bdbdbd"
_BLANK_BACKGROUND = "#f3f1ea"


def _theme_label(theme: str) -> str:
    return THEME_STYLES.get(theme, (theme, "#555555"))[0]


def _theme_color(theme: str) -> str:
    return THEME_STYLES.get(theme, (theme, "#555555"))[1]


# ---------------------------------------------------------------------------------------------
# basemaps
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Basemap:
    """A background for the maps.

    Attributes
    ----------
    key
        ``blank``, ``osm``, ``cartodb``, ``tianditu`` or ``amap``.
    label
        Chinese + English name for pickers and the legend.
    tiles
        Leaflet URL templates drawn bottom to top (empty for ``blank``).
    attribution
        Attribution HTML of the tile provider.
    datum
        ``"wgs84"`` or ``"gcj02"`` (AMap): overlays are shifted to match a GCJ-02 basemap.
    subdomains
        Leaflet ``{s}`` values.
    """

    key: str
    label: str
    tiles: tuple[str, ...] = ()
    attribution: str = ""
    datum: str = "wgs84"
    subdomains: str = "abc"
    max_zoom: int = 18

    @property
    def needs_network(self) -> bool:
        """Whether drawing this basemap fetches tiles from the network."""
        return bool(self.tiles)


_BASEMAPS: dict[str, Basemap] = {
    "blank": Basemap("blank", "空白（离线）Blank (offline)"),
    "osm": Basemap(
        "osm",
        "OpenStreetMap",
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        max_zoom=19,
    ),
    "cartodb": Basemap(
        "cartodb",
        "CartoDB Positron",
        ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",),
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
        '&copy; <a href="https://carto.com/attributions">CARTO</a>',
        subdomains="abcd",
        max_zoom=20,
    ),
    "amap": Basemap(
        "amap",
        "高德 AMap (GCJ-02)",
        ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",),
        "&copy; 高德地图 AutoNavi",
        datum="gcj02",
        subdomains="1234",
    ),
}

_TIANDITU_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
    "&TILECOL={{x}}&tk={key}"
)


def _tianditu(key: str) -> Basemap:
    quoted = urllib.parse.quote(key, safe="")
    return Basemap(
        "tianditu",
        "天地图 Tianditu",
        (
            _TIANDITU_URL.format(layer="vec", key=quoted),
            _TIANDITU_URL.format(layer="cva", key=quoted),
        ),
        "&copy; 天地图 Tianditu",
        subdomains="01234567",
    )


def available_basemaps(*, tianditu_key: str | None = None) -> dict[str, Basemap]:
    """Basemaps that can be drawn here, ``blank`` first; Tianditu only with a key.

    Parameters
    ----------
    tianditu_key
        Tianditu browser key; default the ``TIANDITU_KEY`` environment variable.
    """
    key = os.environ.get("TIANDITU_KEY", "") if tianditu_key is None else tianditu_key
    out = {k: _BASEMAPS[k] for k in ("blank", "osm", "cartodb")}
    if key.strip():
        out["tianditu"] = _tianditu(key.strip())
    out["amap"] = _BASEMAPS["amap"]
    return out


def get_basemap(basemap: str | Basemap, *, tianditu_key: str | None = None) -> Basemap:
    """The :class:`Basemap` called ``basemap``; ``InputError`` names the choices when unknown."""
    if isinstance(basemap, Basemap):
        return basemap
    choices = available_basemaps(tianditu_key=tianditu_key)
    if basemap in choices:
        return choices[basemap]
    if basemap == "tianditu":
        msg = "the Tianditu basemap needs a key: set TIANDITU_KEY (free at the Tianditu developer site)"
        raise InputError(msg)
    msg = f"unknown basemap {basemap!r}; use one of {sorted(choices)}"
    raise InputError(msg)


# ---------------------------------------------------------------------------------------------
# folium elements
# ---------------------------------------------------------------------------------------------
def _js_json(obj: Any) -> str:
    """JSON safe to put inside a ``<script>``: no ``<``, ``>``, ``&`` or line separators left raw."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, esc)
    return text


def _css() -> str:
    rules = [
        f".leaflet-container.atlas-blank{{background:{_BLANK_BACKGROUND};}}",
        ".atlas-marker{background:transparent;border:none;}",
        ".atlas-marker .atlas-shape{display:block;box-sizing:border-box;width:100%;height:100%;"
        "border:2px solid #1b1b1b;border-radius:50%;}",
        ".atlas-marker.atlas-prec-town .atlas-shape{border-radius:2px;transform:rotate(45deg) scale(0.86);}",
        ".atlas-marker.atlas-prec-county .atlas-shape{border-style:dashed;}",
        ".atlas-marker.atlas-prec-region .atlas-shape{border-style:dashed;border-radius:1px;}",
        ".atlas-legend{background:rgba(255,255,255,0.94);padding:6px 9px;border-radius:5px;"
        "box-shadow:0 1px 4px rgba(0,0,0,0.35);font:12px/1.45 'Noto Sans CJK SC','Microsoft YaHei',"
        "'PingFang SC',sans-serif;color:#222;max-width:290px;max-height:60vh;overflow:auto;}",
        ".atlas-legend-title{font-weight:bold;margin:2px 0 3px;}",
        ".leaflet-control-layers-expanded{font:12px/1.5 'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',"
        "sans-serif;padding:4px 8px;}",
        ".atlas-legend-row{display:flex;align-items:center;gap:6px;white-space:nowrap;}",
        ".atlas-legend-note{color:#555;font-size:11px;white-space:normal;margin-top:3px;}",
        ".atlas-legend .atlas-marker{display:inline-block;position:relative;width:13px;height:13px;flex:none;}",
        ".atlas-swatch{display:inline-block;width:16px;height:11px;flex:none;border:1px solid #444;}",
        ".atlas-line{display:inline-block;width:18px;height:0;flex:none;border-top:3px solid #444;}",
        ".atlas-line.dashed{border-top-style:dashed;}",
        ".atlas-ramp{display:inline-block;width:120px;height:10px;flex:none;border:1px solid #444;}",
        ".atlas-popup{font:13px/1.5 'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;}",
        ".atlas-popup-title{font-weight:bold;font-size:14px;margin-bottom:3px;}",
        ".atlas-popup table{border-collapse:collapse;}",
        ".atlas-popup th{text-align:left;color:#555;font-weight:normal;padding:0 8px 0 0;"
        "vertical-align:top;white-space:nowrap;}",
        ".atlas-evidence{margin-top:5px;padding:4px 6px;background:#f6f6f2;border-left:3px solid #999;"
        "max-height:9em;overflow:auto;}",
        ".atlas-evidence mark{background:#fff3a0;}",
        ".atlas-swatch.atlas-nodata{background:repeating-linear-gradient(45deg,#e0e0e0 0 3px,#fafafa 3px 6px);}",
    ]
    for theme, (_, color) in THEME_STYLES.items():
        rules.append(f".atlas-theme-{theme} .atlas-shape{{background:{color};}}")
        rules.append(
            f".atlas-theme-{theme}.atlas-prec-county .atlas-shape,"
            f".atlas-theme-{theme}.atlas-prec-region .atlas-shape{{background:{color}55;border-color:{color};}}"
        )
        rules.append(f".atlas-swatch.atlas-theme-{theme}{{background:{color};}}")
    return "".join(rules)


_DRAW_JS = """
window.atlasDraw = window.atlasDraw || function (group, data) {
  data.f.forEach(function (f) {
    var g = data.g[f.g], layer;
    if (g.type === "Point") {
      layer = L.marker([g.coordinates[1], g.coordinates[0]], {
        icon: L.divIcon({className: f.c, html: f.h, iconSize: [f.z, f.z], iconAnchor: f.a}),
        keyboard: false, riseOnHover: true
      });
    } else if (g.type === "MultiPoint") {  // one element keeps "atlas-feature", the rest are parts
      layer = L.featureGroup(g.coordinates.map(function (c, i) {
        var s = Object.assign({}, f.s);
        if (i > 0) { s.className = String(f.s.className).replace("atlas-feature ", "atlas-feature-part "); }
        return L.circleMarker([c[1], c[0]], s);
      }));
    } else {
      layer = L.geoJSON(g, {style: function () { return f.s; }});
    }
    if (f.t) { layer.bindTooltip(f.t, {sticky: g.type !== "Point", direction: "top"}); }
    if (f.p) { layer.bindPopup(f.p, {maxWidth: 380, minWidth: 220}); }
    layer.addTo(group);
  });
  return group;
};
"""


class _Runtime(MacroElement):
    """CSS (header) and the drawing function (script) shared by every :class:`DataLayer`."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style id="atlas-style">{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            {{ this.js }}
            {% if this.blank %}{{ this._parent.get_name() }}.getContainer().classList.add("atlas-blank");{% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, *, blank: bool) -> None:
        super().__init__()
        self._name = "AtlasRuntime"
        self.css = _css()
        self.js = _DRAW_JS
        self.blank = blank


class DataLayer(folium.map.Layer):
    """A toggleable feature group drawn from a compact JSON payload (see :func:`_payload`).

    Parameters
    ----------
    name
        Name in the layer control (already HTML-escaped by the caller).
    payload
        ``{"g": [geometries], "f": [feature specs]}``.
    show, control
        As for any folium layer.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = atlasDraw(L.featureGroup(), {{ this.payload_json }});
            {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self, name: str, payload: Mapping[str, Any], *, show: bool = True, control: bool = True
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "AtlasLayer"
        self.payload = payload
        self.payload_json = _js_json(payload)
        self.feature_count = len(payload["f"])


class Legend(MacroElement):
    """A Leaflet control holding prepared (escaped) legend HTML; always visible."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var legend = L.control({position: {{ this.position_json }}});
                legend.onAdd = function () {
                    var div = L.DomUtil.create("div", "atlas-legend leaflet-control");
                    div.setAttribute("data-legend", {{ this.kind_json }});
                    div.innerHTML = {{ this.html_json }};
                    L.DomEvent.disableClickPropagation(div);
                    L.DomEvent.disableScrollPropagation(div);
                    return div;
                };
                legend.addTo({{ this._parent.get_name() }});
            })();
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, *, kind: str, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "AtlasLegend"
        self.legend_html = html_text
        self.html_json = _js_json(html_text)
        self.kind_json = _js_json(kind)
        self.position_json = _js_json(position)


class _FitBounds(folium.map.FitBounds):
    """``fitBounds`` that waits until the map has a size.

    Streamlit may run the map's script while its iframe is still 0 px wide; Leaflet's padded
    ``fitBounds`` then computes a NaN zoom and throws, which stops the rest of the script (and
    streamlit-folium's hooks that follow it). The map keeps its initial view until it is resized.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (map, options) {
                var pad = options.padding || [0, 0];
                function fit() {
                    var size = map.getSize();
                    if (size.x <= 2 * pad[0] || size.y <= 2 * pad[1]) { return false; }
                    map.fitBounds({{ this.bounds|tojson }}, options);
                    return true;
                }
                if (!fit()) {
                    map.on("resize", function later() { if (fit()) { map.off("resize", later); } });
                }
            })({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )


# ---------------------------------------------------------------------------------------------
# offline assets
# ---------------------------------------------------------------------------------------------
def _walk(element: Any) -> Iterable[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localize_assets(m: folium.Map, *, base_url: str | None = None) -> folium.Map:
    """Point every ``<script>``/``<link>`` of the map at the vendored copies (no CDN left).

    The map itself keeps only Leaflet (folium's jQuery, Bootstrap, Font Awesome and
    awesome-markers are not used by these maps). Any other element that brings its own
    JavaScript/CSS must be vendored in :data:`atlas.assets.VENDOR_ASSETS`.

    Raises
    ------
    DataMissingError
        An element needs a JavaScript/CSS file that is not vendored.
    """
    js, css = assets.asset_links(base_url=base_url)
    local = dict(js + css)
    for element in _walk(m):
        if isinstance(element, folium.Map):
            element.default_js = list(js)
            element.default_css = list(css)
            continue
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            missing = [name for name, _ in links if name not in local]
            if missing:
                msg = (
                    f"map element {type(element).__name__} needs {missing} from a CDN; vendor it in "
                    "atlas.assets.VENDOR_ASSETS (then run `make assets`) or do not use that element"
                )
                raise DataMissingError(msg)
            setattr(element, attr, [(name, local[name]) for name, _ in links])
    return m


def map_html(m: folium.Map) -> str:
    """The map as a standalone HTML page (assets point at the vendored copies)."""
    return m.get_root().render()


def _new_map(basemap: Basemap) -> folium.Map:
    m = folium.Map(
        location=(35.0, 105.0),
        zoom_start=5,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        max_zoom=basemap.max_zoom,
    )
    m.add_child(_Runtime(blank=not basemap.tiles))
    for i, url in enumerate(basemap.tiles):
        folium.TileLayer(
            tiles=url,
            attr=basemap.attribution,
            name=basemap.label if i == 0 else f"{basemap.label} ({i})",
            subdomains=basemap.subdomains,
            max_zoom=basemap.max_zoom,
            control=False,
            overlay=i > 0,
        ).add_to(m)
    return m


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


def _spread_offsets(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Screen offsets (px) fanning out points that share a spot, on a golden-angle spiral."""
    seen: dict[tuple[float, float], int] = {}
    out = []
    for x, y in points:
        key = (round(x, 5), round(y, 5))
        i = seen.get(key, 0)
        seen[key] = i + 1
        if i == 0:
            out.append((0.0, 0.0))
            continue
        r = _SPREAD_PX * math.sqrt(i)
        a = i * 2.399963  # golden angle in radians
        out.append((r * math.cos(a), r * math.sin(a)))
    return out


# ---------------------------------------------------------------------------------------------
# popups and tooltips
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evidence:
    """The sentence of a source document holding a mention.

    ``start``/``end`` locate the mention inside ``text`` (``None`` when it could not be found).
    """

    text: str
    start: int | None = None
    end: int | None = None
    source_file: str | None = None


def is_missing(value: Any) -> bool:
    """True for None, NaN, blank text and empty lists: a value the plan does not state."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    if isinstance(value, list | tuple | np.ndarray):
        return len(value) == 0
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    if isinstance(value, list | tuple | np.ndarray):
        return "、".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _labelled(value: Any, labels: Mapping[str, str]) -> str:
    """``湿地公园 (wetland_park)`` for Chinese-only labels; bilingual labels that name the key as is."""
    text = _text(value)
    label = labels.get(text)
    if not label:
        return text
    return label if text in label else f"{label} ({text})"


def evidence_html(evidence: Evidence | str | None) -> str:
    """Escaped HTML of an evidence sentence, the mention wrapped in ``<mark>``."""
    if evidence is None:
        return ""
    if isinstance(evidence, str):
        evidence = Evidence(evidence)
    text = evidence.text
    a, b = evidence.start, evidence.end
    if a is not None and b is not None and 0 <= a < b <= len(text):
        body = html.escape(text[:a]) + "<mark>" + html.escape(text[a:b]) + "</mark>" + html.escape(text[b:])
    else:
        body = html.escape(text)
    return f'<div class="atlas-evidence"><b>原文 Evidence</b><br>{body}</div>'


def popup_html(props: Mapping[str, Any], *, evidence: Evidence | str | None = None) -> str:
    """Popup of one feature: name, theme, kind, level, status, precision, county, source, evidence.

    Every value is HTML-escaped; ``evidence`` (looked up from the source document at display
    time) is escaped too, with the mention highlighted.
    """
    theme = str(props.get("theme") or "")
    rows: list[tuple[str, str]] = [("主题 Theme", _theme_label(theme))]
    if not is_missing(props.get("kind")):
        rows.append(("类型 Kind", _labelled(props["kind"], KIND_LABELS)))
    if not is_missing(props.get("level")):
        rows.append(("级别 Level", _labelled(props["level"], LEVEL_LABELS)))
    status = props.get("status")
    rows.append(
        ("状态 Status", "未注明 not stated" if is_missing(status) else _labelled(status, STATUS_LABELS))
    )
    if not is_missing(props.get("precision")):
        rows.append(("精度 Precision", _labelled(props["precision"], PRECISION_LABELS)))
    county = props.get("county_name")
    if not is_missing(county):
        code = props.get("county_code")
        rows.append(
            ("所在县区 County", f"{_text(county)} ({_text(code)})" if not is_missing(code) else _text(county))
        )
    for key, label in _EXTRA_FIELDS.get(theme, ()):
        if not is_missing(props.get(key)):
            rows.append((label, _text(props[key])))
    source = " · ".join(_text(props[k]) for k in ("doc_id", "source_file") if not is_missing(props.get(k)))
    if source:
        rows.append(("来源 Source", source))
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    fid = html.escape(_text(props.get("id", "")), quote=True)
    name = html.escape(_text(props.get("name", "")))
    return (
        f'<div class="atlas-popup" data-feature-id="{fid}"><div class="atlas-popup-title">{name}</div>'
        f"<table>{table}</table>{evidence_html(evidence)}</div>"
    )


def tooltip_html(props: Mapping[str, Any]) -> str:
    """One escaped line: name · theme · precision."""
    parts = [_text(props.get("name", ""))]
    theme = props.get("theme")
    if not is_missing(theme):
        parts.append(_theme_label(str(theme)).split(" ")[0])
    if not is_missing(props.get("precision")):
        parts.append(PRECISION_LABELS.get(str(props["precision"]), str(props["precision"])).split(" ")[0])
    return html.escape(" · ".join(parts))


# ---------------------------------------------------------------------------------------------
# region (county) map
# ---------------------------------------------------------------------------------------------
def _path_style(theme: str, precision: str, geom_type: str) -> dict[str, Any]:
    color = _theme_color(theme)
    vague = precision in ("county", "region")
    style: dict[str, Any] = {
        "color": color,
        "weight": 2,
        "opacity": 0.9,
        "fillColor": color,
        "fillOpacity": 0.06 if vague else 0.25,
        "className": f"atlas-feature atlas-theme-{theme} atlas-prec-{precision}",
    }
    if "Line" in geom_type:
        style.update(weight=3 if precision == "schematic" else 4, fillOpacity=0.0)
    if precision == "schematic" or vague:
        style["dashArray"] = "9 6" if precision == "schematic" else "5 5"
    if "Point" in geom_type:
        style.update(radius=6, fillOpacity=0.8)
    return style


def _payload(
    frame: gpd.GeoDataFrame,
    *,
    evidence: Mapping[str, Evidence | str] | None,
    offsets: Mapping[str, tuple[float, float]],
    tolerance: float,
    shift: bool,
) -> dict[str, Any]:
    geoms = _Geometries(tolerance=tolerance, shift=shift)
    specs = []
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for row, geom in zip(frame[columns].to_dict("records"), frame.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        theme = str(row.get("theme") or "")
        precision = str(row.get("precision") or "region")
        fid = _text(row.get("id", ""))
        spec: dict[str, Any] = {
            "g": geoms.add(geom),
            "t": tooltip_html(row),
            "p": popup_html(row, evidence=(evidence or {}).get(fid)),
        }
        if geom.geom_type == "Point":
            dx, dy = offsets.get(fid, (0.0, 0.0))
            half = _MARKER_PX / 2
            spec.update(
                c=f"atlas-feature atlas-marker atlas-theme-{theme} atlas-prec-{precision}",
                h=f'<span class="atlas-shape" data-feature-id="{html.escape(fid, quote=True)}"></span>',
                z=_MARKER_PX,
                a=[round(half - dx, 1), round(half - dy, 1)],
            )
        else:
            spec["s"] = _path_style(theme, precision, geom.geom_type)
        specs.append(spec)
    return {"g": geoms.items, "f": specs}


def _legend_marker(theme: str | None, precision: str) -> str:
    cls = f"atlas-marker atlas-prec-{precision}" + (f" atlas-theme-{theme}" if theme else "")
    style = "" if theme else ' style="background:#9e9e9e"'
    return f'<span class="{cls}"><span class="atlas-shape"{style}></span></span>'


def _region_legend(
    counts: Mapping[str, int],
    precisions: Iterable[str],
    *,
    basemap: Basemap,
    region_label: str,
    overlay: Any = None,
) -> str:
    rows = ['<div class="atlas-legend-title">图例 Legend</div>']
    rows.append(
        f'<div class="atlas-legend-row" data-layer="boundary"><span class="atlas-line" '
        f'style="border-top-color:{_BOUNDARY_COLOR}"></span>{html.escape(region_label)} 边界 boundary</div>'
    )
    for theme, n in counts.items():
        rows.append(
            f'<div class="atlas-legend-row" data-theme="{theme}" data-count="{int(n)}">'
            f'<span class="atlas-swatch atlas-theme-{theme}"></span>{html.escape(_theme_label(theme))} ({int(n)})</div>'
        )
    shown = [p for p in PRECISIONS if p in set(precisions)] or ["exact", "county"]
    rows.append('<div class="atlas-legend-title">位置精度 Precision</div>')
    for p in shown:
        sample = '<span class="atlas-line dashed"></span>' if p == "schematic" else _legend_marker(None, p)
        rows.append(
            f'<div class="atlas-legend-row" data-precision="{p}">{sample}{html.escape(PRECISION_LABELS[p])}</div>'
        )
    if overlay is not None:
        colors = ",".join(overlay.colormap.rgb_hex_str(v) for v in np.linspace(overlay.vmin, overlay.vmax, 7))
        rows.append(
            f'<div class="atlas-legend-row" data-layer="raster"><span class="atlas-ramp" '
            f'style="background:linear-gradient(to right,{colors})"></span>'
            f"{overlay.vmin:.0f}–{overlay.vmax:.0f}</div>"
            f'<div class="atlas-legend-note">{html.escape(overlay.caption)}</div>'
        )
    rows.append(_datum_note(basemap))
    return "".join(rows)


def _datum_note(basemap: Basemap) -> str:
    if basemap.datum == "gcj02":
        text = "叠加图层已由 WGS84 偏移至 GCJ-02 以对齐高德底图；导出数据仍为 WGS84。 Overlays shifted WGS84 → GCJ-02 to match AMap tiles; exports stay WGS84."
        return f'<div class="atlas-legend-note" data-datum="gcj02">{html.escape(text)}</div>'
    text = f"底图 Basemap: {basemap.label} · WGS84"
    return f'<div class="atlas-legend-note" data-datum="wgs84">{html.escape(text)}</div>'


def _bounds(geoms: Sequence[shapely.Geometry]) -> list[list[float]] | None:
    valid = [g for g in geoms if g is not None and not g.is_empty]
    if not valid:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(valid, dtype=object))
    return [[float(y0), float(x0)], [float(y1), float(x1)]]


def _shift_bounds(bounds: list[list[float]]) -> list[list[float]]:
    (s, w), (n, e) = bounds
    lon, lat = wgs84_to_gcj02(np.array([w, e]), np.array([s, n]))
    return [[float(lat[0]), float(lon[0])], [float(lat[1]), float(lon[1])]]


def _regions_features(
    layers: Mapping[str, gpd.GeoDataFrame], themes: Sequence[str], region_codes: Sequence[str]
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, Any]]:
    """Each theme's features of the regions (an empty frame for a missing layer), and the fan
    offsets that keep points sharing one position apart (by feature id)."""
    selected: dict[str, gpd.GeoDataFrame] = {}
    for theme in themes:
        frame = layers.get(theme)
        if frame is None or not len(frame):
            selected[theme] = gpd.GeoDataFrame({"id": [], "region_code": []}, geometry=[], crs="EPSG:4326")
        else:
            selected[theme] = frame[frame["region_code"].astype(str).isin(region_codes)]
    points = [
        (str(fid), g.x, g.y)
        for frame in selected.values()
        for fid, g in zip(frame.get("id", []), frame.geometry, strict=False)
        if g is not None and not g.is_empty and g.geom_type == "Point"
    ]
    offsets = dict(zip([p[0] for p in points], _spread_offsets([(x, y) for _, x, y in points]), strict=True))
    return selected, offsets


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

    Returns
    -------
    folium.Map
    """
    bm = get_basemap(basemap)
    b = boundaries or load_boundaries()
    unit = b.get(region_code)
    shift = bm.datum == "gcj02"
    m = _new_map(bm)

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

    selected, offsets = _regions_features(layers, themes, [str(unit.adcode)])

    counts: dict[str, int] = {}
    precisions: set[str] = set()
    all_geoms = [region_geom]
    for theme, frame in selected.items():
        payload = _payload(frame, evidence=evidence, offsets=offsets, tolerance=tolerance, shift=shift)
        counts[theme] = len(payload["f"])
        if len(frame):
            precisions.update(str(p) for p in frame["precision"].dropna())
            all_geoms.extend(frame.geometry.dropna())
        name = html.escape(f"{_theme_label(theme)} ({counts[theme]})")
        m.add_child(DataLayer(name, payload))

    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.add_child(
        Legend(
            _region_legend(counts, precisions, basemap=bm, region_label=unit.name, overlay=overlay),
            kind="region",
        )
    )
    bounds = _bounds([region_geom]) or [[30.0, 100.0], [40.0, 115.0]]
    m.add_child(_FitBounds(_shift_bounds(bounds) if shift else bounds, padding=(12, 12)))
    return localize_assets(m, base_url=asset_base_url)


# ---------------------------------------------------------------------------------------------
# overview choropleth
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Classes:
    """Classes of a choropleth.

    Attributes
    ----------
    index
        Class of each value (``-1`` = no data), aligned with the input.
    bins
        Upper bound of each class.
    lower
        Lower bound of each class (the smallest value for the first).
    colors
        Fill colour of each class.
    labels
        Legend text of each class.
    """

    index: np.ndarray
    bins: tuple[float, ...]
    lower: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]


_SCHEMES = {
    "quantiles": mapclassify.Quantiles,
    "natural_breaks": mapclassify.NaturalBreaks,
    "equal_interval": mapclassify.EqualInterval,
    "fisher_jenks": mapclassify.FisherJenks,
}


def _fmt(v: float) -> str:
    if float(v).is_integer():
        return f"{int(v)}"
    return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


def _palette(name: str, k: int) -> list[str]:
    if k <= 0:
        return []
    colors = color_brewer(name, n=max(k, 3))
    if k >= 3:
        return (
            list(colors[:k])
            if len(colors) == k
            else [colors[round(i * (len(colors) - 1) / (k - 1))] for i in range(k)]
        )
    return [colors[1], colors[-1]][-k:] if k == 2 else [colors[len(colors) // 2]]


def classify(
    values: Sequence[float] | pd.Series, *, k: int = 5, scheme: str = "quantiles", palette: str = "YlGn"
) -> Classes:
    """Choropleth classes of ``values`` with mapclassify; NaN/None are "no data", never zero.

    With at most ``k`` distinct values each value is its own class; otherwise ``scheme`` (one
    of ``quantiles``, ``natural_breaks``, ``equal_interval``, ``fisher_jenks``) makes ``k``
    classes.
    """
    if scheme not in _SCHEMES:
        msg = f"unknown classification scheme {scheme!r}; use one of {sorted(_SCHEMES)}"
        raise InputError(msg)
    v = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").astype(float).to_numpy()
    ok = np.isfinite(v)
    index = np.full(len(v), -1, dtype=int)
    if not ok.any():
        return Classes(index, (), (), (), ())
    valid = v[ok]
    uniq = np.unique(valid)
    if len(uniq) <= k:
        bins = uniq
        index[ok] = np.searchsorted(uniq, valid)
        lower = uniq
        labels = tuple(_fmt(x) for x in uniq)
    else:
        bins = np.asarray(_SCHEMES[scheme](valid, k=k).bins, dtype=float)
        integers = bool(np.all(valid == np.round(valid)))
        if integers:  # counts: whole-number classes 0–13, 14–20 …
            bins = np.unique(np.floor(bins))
        index[ok] = np.searchsorted(bins, valid, side="left")
        step = 1.0 if integers else 0.0
        lower = np.concatenate([[valid.min()], bins[:-1] + step])
        labels = tuple(
            _fmt(a) if a == b else f"{_fmt(a)} – {_fmt(b)}" for a, b in zip(lower, bins, strict=True)
        )
    colors = tuple(_palette(palette, len(bins)))
    return Classes(index, tuple(float(x) for x in bins), tuple(float(x) for x in lower), colors, labels)


def overview_map(
    regions: gpd.GeoDataFrame,
    values: Sequence[float] | pd.Series,
    *,
    label: str,
    basemap: str | Basemap = "blank",
    k: int = 5,
    scheme: str = "quantiles",
    palette: str = "YlGn",
    boundaries: Boundaries | None = None,
    tolerance: float = 0.003,
    asset_base_url: str | None = None,
) -> folium.Map:
    """Every region of the atlas on one map, coloured by ``values`` (one per row of ``regions``).

    Regions without a value get the hatched "no data" style (never the colour of zero). Province
    outlines are drawn underneath for orientation on the blank basemap.

    Parameters
    ----------
    regions
        ``regions.geojson`` as a frame (``region_code``, ``name``, ``level`` …).
    values
        The value of each region, aligned with the rows of ``regions``; NaN = no data.
    label
        What the values are (legend title), e.g. ``"生态要素数 Ecological features"``.
    """
    if len(values) != len(regions):
        msg = f"got {len(values)} values for {len(regions)} regions; pass one value per region row"
        raise InputError(msg)
    bm = get_basemap(basemap)
    b = boundaries or load_boundaries()
    shift = bm.datum == "gcj02"
    m = _new_map(bm)
    classes = classify(values, k=k, scheme=scheme, palette=palette)
    vals = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").astype(float).to_numpy()

    # context: provinces of the regions
    provinces = sorted({str(c)[:2] + "0000" for c in regions["region_code"].dropna()})
    ctx = _Geometries(tolerance=0.01, shift=shift)
    ctx_specs = []
    for code in provinces:
        try:
            geom = b.geometry(code)
        except KeyError:
            continue
        ctx_specs.append(
            {
                "g": ctx.add(geom),
                "s": {
                    "color": "#9e9e9e",
                    "weight": 1,
                    "fillColor": "#ffffff",
                    "fillOpacity": 0.5,
                    "interactive": False,
                    "className": "atlas-context",
                },
            }
        )
    m.add_child(DataLayer("省界 Provinces", {"g": ctx.items, "f": ctx_specs}, control=False))

    level_rank = {"province": 0, "prefecture": 1, "county": 2}
    order = sorted(
        range(len(regions)), key=lambda i: (level_rank.get(str(regions.iloc[i].get("level")), 3), i)
    )
    geoms = _Geometries(tolerance=tolerance, shift=shift)
    specs = []
    for i in order:
        row = regions.iloc[i]
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        cls = int(classes.index[i])
        nodata = cls < 0
        value_text = "无数据 no data" if nodata else _fmt(vals[i])
        props = {k2: row.get(k2) for k2 in regions.columns if k2 != regions.geometry.name}
        specs.append(
            {
                "g": geoms.add(geom),
                "t": html.escape(f"{_text(row.get('name'))}: {value_text}"),
                "p": region_popup_html(props, label=label, value=value_text),
                "s": {
                    "color": "#455a64",
                    "weight": 1.2,
                    "fillColor": _NODATA_COLOR if nodata else classes.colors[cls],
                    "fillOpacity": 0.35 if nodata else 0.8,
                    "dashArray": "4 3" if nodata else None,
                    "className": "atlas-feature atlas-region "
                    + ("atlas-nodata" if nodata else f"atlas-class-{cls}")
                    + f" atlas-region-{_text(row.get('region_code'))}",
                },
            }
        )
    m.add_child(DataLayer(html.escape(label), {"g": geoms.items, "f": specs}))

    rows = [f'<div class="atlas-legend-title">{html.escape(label)}</div>']
    for i, (color, text) in enumerate(zip(classes.colors, classes.labels, strict=True)):
        n = int((classes.index == i).sum())
        rows.append(
            f'<div class="atlas-legend-row" data-class="{i}" data-count="{n}"><span class="atlas-swatch" '
            f'style="background:{color}"></span>{html.escape(text)} ({n})</div>'
        )
    n_missing = int((classes.index < 0).sum())
    rows.append(
        f'<div class="atlas-legend-row" data-class="nodata" data-count="{n_missing}">'
        f'<span class="atlas-swatch atlas-nodata"></span>无数据 No data ({n_missing})</div>'
    )
    rows.append(_datum_note(bm))
    m.add_child(Legend("".join(rows), kind="choropleth"))

    bounds = _bounds(list(regions.geometry)) or [[30.0, 100.0], [45.0, 120.0]]
    m.add_child(_FitBounds(_shift_bounds(bounds) if shift else bounds, padding=(12, 12)))
    return localize_assets(m, base_url=asset_base_url)


def region_popup_html(props: Mapping[str, Any], *, label: str, value: str) -> str:
    """Popup of a region on the overview: name, level, hierarchy, the mapped value, counts."""
    rows = [(label, value)]
    if not is_missing(props.get("level")):
        rows.append(("级别 Level", _labelled(props["level"], LEVEL_LABELS)))
    hierarchy = " / ".join(
        _text(props[k]) for k in ("province", "prefecture") if not is_missing(props.get(k))
    )
    if hierarchy:
        rows.append(("上级 Within", hierarchy))
    for theme in THEMES:
        key = f"n_{theme}"
        if not is_missing(props.get(key)):
            rows.append((_theme_label(theme), _text(props[key])))
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    code = html.escape(_text(props.get("region_code", "")), quote=True)
    name = html.escape(_text(props.get("name", "")))
    return (
        f'<div class="atlas-popup" data-region-code="{code}"><div class="atlas-popup-title">{name} ({code})</div>'
        f"<table>{table}</table></div>"
    )


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

    The layer switcher is folded into its button (``collapse_layers``) so narrow maps keep room
    for the features; the legend stays open.

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

    selected, offsets = _regions_features(layers, themes, codes)
    counts: dict[str, int] = {}
    precisions: set[str] = set()
    for theme, frame in selected.items():
        payload = _payload(frame, evidence=evidence, offsets=offsets, tolerance=tolerance, shift=shift)
        drawn = [
            str(c)
            for c, g in zip(frame["region_code"], frame.geometry, strict=True)
            if g is not None and not g.is_empty
        ]
        for spec, code in zip(payload["f"], drawn, strict=True):
            cls = f" atlas-compare-r{index[code]}"
            if "c" in spec:
                spec["c"] += cls
            else:
                spec["s"] = {**spec["s"], "className": spec["s"]["className"] + cls}
            spec["t"] = html.escape(names[code]) + " · " + spec["t"]
        counts[theme] = len(payload["f"])
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
    for theme, n in counts.items():
        rows.append(
            f'<div class="atlas-legend-row" data-theme="{theme}" data-count="{n}">'
            f'<span class="atlas-swatch atlas-theme-{theme}"></span>'
            f"{html.escape(THEME_STYLES[theme][0])} ({n})</div>"
        )
    rows.append('<div class="atlas-legend-title">位置精度 Precision</div>')
    for p in [p for p in PRECISIONS if p in precisions] or ["exact", "county"]:
        sample = '<span class="atlas-line dashed"></span>' if p == "schematic" else _legend_marker(None, p)
        rows.append(
            f'<div class="atlas-legend-row" data-precision="{p}">{sample}'
            f"{html.escape(PRECISION_LABELS[p])}</div>"
        )
    rows.append(_datum_note(bm))
    m.add_child(Legend("".join(rows), kind="compare"))

    x0, y0, x1, y1 = shapely.total_bounds(np.asarray([b.display_geometry(c) for c in codes], dtype=object))
    bounds = [[float(y0), float(x0)], [float(y1), float(x1)]]
    _set_view(m, bounds, gcj02=shift)
    return localize_assets(m, base_url=asset_base_url)
