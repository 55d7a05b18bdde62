"""Folium elements of every map: the drawing runtime, data layers, legend control, fitting, offline assets."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import folium
import folium.map
from branca.element import MacroElement
from folium.template import Template

from atlas import assets
from atlas._errors import DataMissingError
from atlas.maps.basemaps import (
    Basemap,
)
from atlas.maps.styles import (
    _css,
)

log = logging.getLogger("atlas")

#: The summary line of a folded legend (click it to open the legend).
FOLDED_LEGEND_SUMMARY = "图例 Legend"


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


_DRAW_JS = """
window.atlasDraw = window.atlasDraw || function (group, data) {
  data.f.forEach(function (f) {
    var g = data.g[f.g], layer;
    if (g.type === "Point" && f.s) {  // a small reference dot (a town of the overlay)
      layer = L.circleMarker([g.coordinates[1], g.coordinates[0]], f.s);
    } else if (g.type === "Point") {
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
    """A Leaflet control holding prepared (escaped) legend HTML; always present.

    ``folded`` puts the rows in a ``<details>`` that opens on a click of its summary line, for
    maps the user clicks on (the open legend would cover the region there, and a click on a
    control never reaches the map).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var legend = L.control({position: {{ this.position_json }}});
                legend.onAdd = function () {
                    var div = L.DomUtil.create("div", "atlas-legend leaflet-control");
                    div.setAttribute("data-legend", {{ this.kind_json }});
                    div.innerHTML = {{ this.html_json }};
                    {% if this.folded %}div.classList.add("atlas-legend-folded");{% endif %}
                    L.DomEvent.disableClickPropagation(div);
                    L.DomEvent.disableScrollPropagation(div);
                    return div;
                };
                legend.addTo({{ this._parent.get_name() }});
            })();
        {% endmacro %}
        """
    )

    def __init__(
        self, html_text: str, *, kind: str, position: str = "bottomright", folded: bool = False
    ) -> None:
        super().__init__()
        self._name = "AtlasLegend"
        self.legend_html = html_text
        self.folded = folded
        shown = (
            f'<details class="atlas-legend-fold"><summary>{FOLDED_LEGEND_SUMMARY}</summary>{html_text}</details>'
            if folded
            else html_text
        )
        self.html_json = _js_json(shown)
        self.kind_json = _js_json(kind)
        self.position_json = _js_json(position)


class _ContainerClass(MacroElement):
    """Adds a CSS class to the map's container (e.g. ``atlas-picking``: a crosshair cursor)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.getContainer().classList.add({{ this.name_json }});
        {% endmacro %}
        """
    )

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = "AtlasContainerClass"
        self.name_json = _js_json(name)


class _FitBounds(folium.map.FitBounds):
    """``fitBounds`` that waits until the map has a size.

    Streamlit may run the map's script while its iframe is still 0 px wide; Leaflet's padded
    ``fitBounds`` then computes a NaN zoom and throws, which stops the rest of the script (and
    streamlit-folium's hooks that follow it). The map keeps its initial view until it is resized.
    The fit is not animated: the first view appears in place instead of sliding there (a click
    during the slide would land somewhere else than where it was aimed).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (map, options) {
                var pad = options.padding || [0, 0];
                function fit() {
                    var size = map.getSize();
                    if (size.x <= 2 * pad[0] || size.y <= 2 * pad[1]) { return false; }
                    map.fitBounds({{ this.bounds|tojson }}, L.extend({}, options, {animate: false}));
                    return true;
                }
                if (!fit()) {
                    map.on("resize", function later() { if (fit()) { map.off("resize", later); } });
                }
            })({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )


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
