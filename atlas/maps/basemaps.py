"""Basemaps (blank, OSM, CartoDB, Tianditu, AMap) and the datum they need (WGS84 or GCJ-02)."""

from __future__ import annotations

import html
import logging
import os
import urllib.parse
from dataclasses import dataclass

import numpy as np

from atlas._errors import InputError
from atlas.datum import wgs84_to_gcj02

log = logging.getLogger("atlas")


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


def _shift_bounds(bounds: list[list[float]]) -> list[list[float]]:
    (s, w), (n, e) = bounds
    lon, lat = wgs84_to_gcj02(np.array([w, e]), np.array([s, n]))
    return [[float(lat[0]), float(lon[0])], [float(lat[1]), float(lon[1])]]


def _datum_note(basemap: Basemap) -> str:
    if basemap.datum == "gcj02":
        text = "叠加图层已由 WGS84 偏移至 GCJ-02 以对齐高德底图；导出数据仍为 WGS84。 Overlays shifted WGS84 → GCJ-02 to match AMap tiles; exports stay WGS84."
        return f'<div class="atlas-legend-note" data-datum="gcj02">{html.escape(text)}</div>'
    text = f"底图 Basemap: {basemap.label} · WGS84"
    return f'<div class="atlas-legend-note" data-datum="wgs84">{html.escape(text)}</div>'
