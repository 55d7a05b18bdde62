"""The overview choropleth: classes, palette, the no-data hatch."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import folium
import folium.map
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
from branca.utilities import color_brewer

from atlas._errors import InputError
from atlas.boundaries import Boundaries, load_boundaries
from atlas.labels import (
    display_text,
)
from atlas.maps.basemaps import (
    Basemap,
    _datum_note,
    _shift_bounds,
    get_basemap,
)
from atlas.maps.elements import (
    DataLayer,
    Legend,
    _FitBounds,
    _new_map,
    localize_assets,
)
from atlas.maps.popups import (
    region_popup_html,
)
from atlas.maps.region import (
    _bounds,
    _Geometries,
)
from atlas.maps.styles import (
    _NODATA_COLOR,
)

log = logging.getLogger("atlas")


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
                "t": html.escape(f"{display_text(row.get('name'))}: {value_text}"),
                "p": region_popup_html(props, label=label, value=value_text),
                "s": {
                    "color": "#455a64",
                    "weight": 1.2,
                    "fillColor": _NODATA_COLOR if nodata else classes.colors[cls],
                    "fillOpacity": 0.35 if nodata else 0.8,
                    "dashArray": "4 3" if nodata else None,
                    "className": "atlas-feature atlas-region "
                    + ("atlas-nodata" if nodata else f"atlas-class-{cls}")
                    + f" atlas-region-{display_text(row.get('region_code'))}",
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
