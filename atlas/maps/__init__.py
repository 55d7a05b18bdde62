"""Folium maps of the atlas: a region's layers, the overview choropleth, basemaps and legends.

Modules: :mod:`~atlas.maps.basemaps` (basemaps and datum), :mod:`~atlas.maps.styles` (colours, CSS,
the legend), :mod:`~atlas.maps.elements` (folium elements, offline assets),
:mod:`~atlas.maps.popups` (popups, tooltips, evidence), :mod:`~atlas.maps.region` (the region
map), :mod:`~atlas.maps.overview` (choropleth), :mod:`~atlas.maps.compare` (comparison maps).
Labels and :class:`~atlas.labels.Evidence` live in :mod:`atlas.labels`.

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

from atlas.labels import (
    KIND_LABELS,
    LEVEL_LABELS,
    PRECISION_LABELS,
    STATUS_LABELS,
    THEME_STYLES,
    Evidence,
    is_missing,
)
from atlas.maps.basemaps import Basemap, available_basemaps, get_basemap
from atlas.maps.compare import (
    COMPARE_THEMES,
    REGION_COLORS,
    combined_map,
    comparison_maps,
    shared_extent_km,
    view_bounds,
)
from atlas.maps.elements import DataLayer, Legend, localize_assets, map_html
from atlas.maps.overview import Classes, classify, overview_map
from atlas.maps.popups import evidence_html, popup_html, region_popup_html, tooltip_html
from atlas.maps.region import counties_of, region_map

__all__ = [
    "COMPARE_THEMES",
    "KIND_LABELS",
    "LEVEL_LABELS",
    "PRECISION_LABELS",
    "REGION_COLORS",
    "STATUS_LABELS",
    "THEME_STYLES",
    "Basemap",
    "Classes",
    "DataLayer",
    "Evidence",
    "Legend",
    "available_basemaps",
    "classify",
    "combined_map",
    "comparison_maps",
    "counties_of",
    "evidence_html",
    "get_basemap",
    "is_missing",
    "localize_assets",
    "map_html",
    "overview_map",
    "popup_html",
    "region_map",
    "region_popup_html",
    "shared_extent_km",
    "tooltip_html",
    "view_bounds",
]
