"""Compare ecological protection across regions: a table, its long form, CSV and charts.

:func:`comparison_table` gives one row per chosen region (a county or a prefecture, any
document): protected areas by kind and level, named ecological zones and barriers, red-line
figures, ecological indicators, counts per 1,000 km² of region area, the share of features placed
finer than county and, when a raster is given, its zonal statistics. :data:`COLUMNS` documents
every column (label, unit, what it counts).

Rules the table keeps:

- **Distinct names.** Counts are of distinct names per region (NFKC-folded, spaces removed): a park
  the plan mentions five times is one park. Its kind is that of its first mention, its level the
  first level stated for it, its precision the finest of its placements.
- **Not stated is not zero.** A figure the plan does not state (a red-line area, a forest-cover
  target) is NaN/None and shown as "未说明 not stated"; counts are real zeros (the plan names no
  such feature). Shares and densities are NaN when there is nothing to divide.
- **Equal area.** Densities use the region's area from ``regions.geojson`` (Albers equal-area), or
  :func:`atlas.layers.area_km2` when that column is absent.
- Features belong to a region through their document's region (``region_code``), as on the
  county page: a prefecture's row holds what the prefecture's own plan says.

The comparison maps live with the other Folium builders in :mod:`atlas.maps`
(:func:`atlas.maps.comparison_maps`, :func:`atlas.maps.combined_map`).

Nothing here imports Streamlit.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from atlas._errors import InputError
from atlas.app_data import FINER_THAN_COUNTY
from atlas.boundaries import Boundaries, load_boundaries
from atlas.labels import KIND_LABELS, LEVEL_LABELS, STATEMENT_KEYS, THEME_STYLES, is_missing, statement_of
from atlas.layers import area_km2
from atlas.models import PRECISIONS
from atlas.text import fold

log = logging.getLogger("atlas")

#: Park / protected-area kinds of the layer contract (DESIGN.md), in table order.
PARK_KINDS: tuple[str, ...] = (
    "nature_reserve", "forest_park", "wetland_park", "geopark", "scenic_area", "mine_park",
    "heritage_park", "cultural_park", "urban_park", "other_park",
)  # fmt: skip

#: Park levels counted separately (a park with no stated level goes to ``n_parks_level_not_stated``).
PARK_LEVELS: tuple[str, ...] = ("national", "provincial", "municipal")

#: Ecological-zone kinds of the layer contract, in table order.
ECO_ZONE_KINDS: tuple[str, ...] = (
    "eco_function_zone", "eco_barrier", "eco_corridor", "water_source_protection", "restoration_area",
    "watershed", "river", "lake_reservoir", "mountain", "other",
)  # fmt: skip

#: Zone kinds whose names are listed in ``eco_zone_names`` (designated zones, not plain rivers/hills).
NAMED_ZONE_KINDS: tuple[str, ...] = (
    "eco_function_zone", "eco_barrier", "eco_corridor", "water_source_protection", "restoration_area",
)  # fmt: skip

#: Ecological indicators given base/target columns (canonical keys of ``atlas.indicators``).
INDICATOR_KEYS: tuple[str, ...] = (
    "forest_cover", "forest_grass_cover", "pm25", "good_air_days", "good_air_ratio", "water_quality",
)  # fmt: skip

#: Largest number of regions a comparison page shows.
MAX_REGIONS: int = 4

NOT_STATED = "未说明 not stated"
NO_DATA = "无数据 no data"
NO_FEATURES = "无要素 no features"

#: Column groups → Chinese + English title.
GROUPS: dict[str, str] = {
    "region": "地区 Region",
    "protected": "保护地 Protected areas",
    "zones": "生态区域 Ecological zones",
    "red_lines": "生态保护红线 Ecological red lines",
    "indicators": "生态指标 Ecological indicators",
    "density": "密度 Density (per 1,000 km²)",
    "placement": "定位精度 Placement",
    "raster": "栅格统计 Raster statistics",
}

_KIND_ZH: dict[str, str] = {**KIND_LABELS, "other_park": "其他公园", "other": "其他"}
_KIND_EN: dict[str, str] = {
    "nature_reserve": "nature reserves", "forest_park": "forest parks", "wetland_park": "wetland parks",
    "geopark": "geoparks", "scenic_area": "scenic areas", "mine_park": "mine parks",
    "heritage_park": "heritage parks", "cultural_park": "cultural parks", "urban_park": "urban parks",
    "other_park": "other parks", "eco_function_zone": "ecological function zones",
    "eco_barrier": "ecological barriers", "eco_corridor": "ecological corridors",
    "water_source_protection": "water-source protection areas", "restoration_area": "restoration areas",
    "watershed": "watersheds", "river": "rivers", "lake_reservoir": "lakes & reservoirs",
    "mountain": "mountains", "other": "other zones",
}  # fmt: skip
_INDICATOR_NAMES: dict[str, tuple[str, str]] = {
    "forest_cover": ("森林覆盖率 Forest cover", "%"),
    "forest_grass_cover": ("林草覆盖率 Forest & grass cover", "%"),
    "pm25": ("PM2.5 浓度 PM2.5", "μg/m³"),
    "good_air_days": ("空气优良天数 Good-air days", "days"),
    "good_air_ratio": ("优良天数比例 Good-air ratio", "%"),
    "water_quality": ("地表水Ⅲ类以上比例 Surface water ≥ class III", "%"),
}


@dataclass(frozen=True)
class Column:
    """What one column of :func:`comparison_table` holds.

    Attributes
    ----------
    key
        Column name.
    label
        Chinese + English header.
    group
        Key of :data:`GROUPS`.
    unit
        Unit of the values (``""`` for counts and text).
    doc
        What the value is and how it is counted.
    kind
        ``"count"`` (integer, 0 is a real zero), ``"value"`` (float, NaN = missing), ``"share"``
        (0–1, NaN = nothing to divide) or ``"text"``.
    missing
        How a missing value is shown.
    """

    key: str
    label: str
    group: str
    unit: str = ""
    doc: str = ""
    kind: str = "value"
    missing: str = NOT_STATED

    @property
    def numeric(self) -> bool:
        """Whether the column holds numbers (charts and the long form use these)."""
        return self.kind != "text"


def _build_columns() -> dict[str, Column]:
    cols: list[Column] = [
        Column("region_code", "代码 Adcode", "region", kind="text"),
        Column("region_name", "地区 Region", "region", kind="text"),
        Column("level", "级别 Level", "region", kind="text", doc="prefecture or county"),
        Column("prefecture", "所属地级市 Prefecture", "region", kind="text"),
        Column("province", "省 Province", "region", kind="text"),
        Column("documents", "文件 Documents", "region", kind="text", doc="doc_id of the region's documents"),
        Column(
            "area_km2",
            "面积 Area (km²)",
            "region",
            "km²",
            "area of the region's boundary in an Albers equal-area projection",
            missing=NO_DATA,
        ),
        Column(
            "n_parks",
            "公园与保护地 Parks & protected areas",
            "protected",
            doc="distinct park / protected-area names in the region's plans (5 mentions of one park = 1)",
            kind="count",
        ),
    ]
    for level in PARK_LEVELS:
        cols.append(
            Column(
                f"n_parks_{level}",
                f"{LEVEL_LABELS[level]} 保护地",
                "protected",
                doc=f"distinct parks whose first stated level is {level}",
                kind="count",
            )
        )
    cols.append(
        Column(
            "n_parks_level_not_stated",
            "级别未说明 level not stated",
            "protected",
            doc="distinct parks for which the plan states no level",
            kind="count",
        )
    )
    for kind in PARK_KINDS:
        cols.append(
            Column(
                f"n_parks_{kind}",
                f"{_KIND_ZH[kind]} {_KIND_EN[kind]}",
                "protected",
                doc=f"distinct parks of kind {kind} (kind of the first mention)",
                kind="count",
            )
        )
    cols.append(
        Column(
            "park_names",
            "保护地名称 Park names",
            "protected",
            kind="text",
            doc="distinct names, 、-separated",
        )
    )
    cols.append(
        Column(
            "n_eco_zones",
            "生态区域 Ecological zones",
            "zones",
            doc="distinct names of ecological zones, corridors, barriers, watersheds, rivers, lakes, "
            "mountains in an ecological role",
            kind="count",
        )
    )
    for kind in ECO_ZONE_KINDS:
        cols.append(
            Column(
                f"n_eco_zones_{kind}",
                f"{_KIND_ZH[kind]} {_KIND_EN[kind]}",
                "zones",
                doc=f"distinct ecological-zone names of kind {kind}",
                kind="count",
            )
        )
    cols += [
        Column(
            "eco_zone_names",
            "生态功能区/廊道/屏障 Named zones",
            "zones",
            kind="text",
            doc="distinct names of function zones, barriers, corridors, water-source and restoration areas",
        ),
        Column("eco_barrier_names", "生态屏障 Ecological barriers", "zones", kind="text"),
        Column(
            "n_red_lines",
            "红线表述 Red-line statements",
            "red_lines",
            doc="distinct red-line statements (生态保护红线, 三线一单 …) by name",
            kind="count",
        ),
        *[
            Column(
                f"n_red_lines_{key}",
                f"{label}表述 {label} statements",
                "red_lines",
                doc=f"distinct red-line statements labelled {label} (statement property)",
                kind="count",
            )
            for label, key in STATEMENT_KEYS.items()
        ],
        Column(
            "red_line_area_km2",
            "红线面积 Red-line area (km²)",
            "red_lines",
            "km²",
            "first area the plan states for its ecological red line",
        ),
        Column(
            "red_line_share_pct",
            "红线占比 Red-line share (%)",
            "red_lines",
            "%",
            "first share of the region's area the plan states for its red line",
        ),
        Column(
            "red_line_zones", "红线区域 Red-line zones", "red_lines", kind="text", doc="named red-line zones"
        ),
    ]
    for key in INDICATOR_KEYS:
        name, unit = _INDICATOR_NAMES[key]
        for part, zh in (("base", "基期 base"), ("target", "目标 target")):
            cols.append(
                Column(
                    f"{key}_{part}",
                    f"{name} · {zh}",
                    "indicators",
                    unit,
                    f"{part} value of {key}: the indicator table first, then prose facts, in text order",
                )
            )
    cols += [
        Column(
            "parks_per_1000km2",
            "保护地密度 Parks per 1,000 km²",
            "density",
            "per 1,000 km²",
            "n_parks / area_km2 × 1000",
            missing=NO_DATA,
        ),
        Column(
            "national_parks_per_1000km2",
            "国家级保护地密度 National parks per 1,000 km²",
            "density",
            "per 1,000 km²",
            "n_parks_national / area_km2 × 1000",
            missing=NO_DATA,
        ),
        Column(
            "eco_zones_per_1000km2",
            "生态区域密度 Eco zones per 1,000 km²",
            "density",
            "per 1,000 km²",
            "n_eco_zones / area_km2 × 1000",
            missing=NO_DATA,
        ),
        Column(
            "eco_features_per_1000km2",
            "生态要素密度 Ecological features per 1,000 km²",
            "density",
            "per 1,000 km²",
            "(n_parks + n_eco_zones) / area_km2 × 1000",
            missing=NO_DATA,
        ),
        Column(
            "n_eco_features",
            "生态要素 Ecological features",
            "placement",
            doc="n_parks + n_eco_zones (red-line statements are region-wide by design)",
            kind="count",
        ),
        Column(
            "finer_share",
            "细于县级 Placed finer than county",
            "placement",
            "share",
            "share of distinct parks and eco zones whose finest placement is exact, town or schematic",
            kind="share",
            missing=NO_FEATURES,
        ),
        Column(
            "raster_mean",
            "栅格均值 Raster mean",
            "raster",
            doc="mean of the cells in the region",
            missing=NO_DATA,
        ),
        Column("raster_min", "栅格最小值 Raster min", "raster", missing=NO_DATA),
        Column("raster_max", "栅格最大值 Raster max", "raster", missing=NO_DATA),
        Column(
            "raster_cells",
            "栅格单元数 Raster cells",
            "raster",
            doc="cells used (centre inside the region; all touched for slivers)",
            kind="count",
            missing=NO_DATA,
        ),
    ]
    return {c.key: c for c in cols}


#: Every column :func:`comparison_table` can return, by key, in table order.
COLUMNS: dict[str, Column] = _build_columns()

_RASTER_COLUMNS = ("raster_mean", "raster_min", "raster_max", "raster_cells")
_SPACE = re.compile(r"\s+")


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def _name_key(name: Any) -> str:
    return _SPACE.sub("", fold(str(name)))


def _region_rows(frame: gpd.GeoDataFrame | None, code: str) -> pd.DataFrame:
    if frame is None or not len(frame) or "region_code" not in frame:
        return pd.DataFrame()
    return frame[frame["region_code"].astype(str) == code]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _first_present(values: Iterable[Any]) -> Any:
    for v in values:
        if not is_missing(v):
            return v
    return None


_PRECISION_RANK = {p: i for i, p in enumerate(PRECISIONS)}


def distinct_features(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct name of a theme layer's rows (``name``, ``kind``, ``level``, ``precision``).

    Names are compared NFKC-folded with spaces removed. ``kind`` is that of the first mention in
    text order, ``level`` the first level stated, ``precision`` the finest placement; ``mentions``
    counts the rows merged.
    """
    cols = ["name", "kind", "level", "precision", "mentions"]
    if frame is None or not len(frame) or "name" not in frame:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(
        {
            "name": frame["name"].to_numpy(),
            "kind": _column(frame, "kind").to_numpy(),
            "level": _column(frame, "level").to_numpy(),
            "precision": _column(frame, "precision").to_numpy(),
            "start": pd.to_numeric(_column(frame, "char_start"), errors="coerce").to_numpy(),
        }
    )
    df = df[[not is_missing(v) for v in df["name"]]]
    if not len(df):
        return pd.DataFrame(columns=cols)
    df = df.assign(key=df["name"].map(_name_key)).sort_values("start", kind="stable", na_position="last")
    rows = []
    for _, g in df.groupby("key", sort=False):
        precisions = [str(p) for p in g["precision"] if not is_missing(p)]
        rows.append(
            {
                "name": str(g["name"].iloc[0]),
                "kind": _first_present(g["kind"]),
                "level": _first_present(g["level"]),
                "precision": min(precisions, key=lambda p: _PRECISION_RANK.get(p, len(PRECISIONS)))
                if precisions
                else None,
                "mentions": len(g),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _names(distinct: pd.DataFrame, kinds: Iterable[str] | None = None) -> str | None:
    if not len(distinct):
        return None
    if kinds is not None:
        distinct = distinct[distinct["kind"].isin(list(kinds))]
    names = [str(n) for n in distinct["name"]]
    return "、".join(names) if names else None


def _per_1000(count: float, area: float) -> float:
    if area is None or not math.isfinite(area) or area <= 0:
        return math.nan
    return round(count / area * 1000, 3)


def _indicator_values(layers: Mapping[str, gpd.GeoDataFrame], code: str, key: str) -> tuple[float, float]:
    """(base, target) of an indicator: the indicator table first, then prose facts, text order."""
    out = [math.nan, math.nan]
    for layer in ("indicators", "facts"):
        rows = _region_rows(layers.get(layer), code)
        if not len(rows) or "key" not in rows:
            continue
        rows = rows[rows["key"].astype(str) == key]
        if not len(rows):
            continue
        if "char_start" in rows:
            rows = rows.assign(_s=pd.to_numeric(rows["char_start"], errors="coerce")).sort_values(
                "_s", kind="stable", na_position="last"
            )
        for i, part in enumerate(("base_value", "target_value")):
            if math.isnan(out[i]) and part in rows:
                v = _first_present(pd.to_numeric(rows[part], errors="coerce"))
                if v is not None:
                    out[i] = float(v)
    return out[0], out[1]


def _region_row(regions: gpd.GeoDataFrame, code: str) -> pd.Series:
    hit = regions[regions["region_code"].astype(str) == code]
    return hit.iloc[0]


def _region_geometry(row: pd.Series, code: str, b: Boundaries | None) -> shapely.Geometry | None:
    geom = row.get("geometry")
    if geom is not None and not geom.is_empty:
        return geom
    try:
        return (b or load_boundaries()).geometry(code)
    except KeyError:
        return None


def _check_codes(regions: gpd.GeoDataFrame | None, region_codes: Sequence[str]) -> list[str]:
    if regions is None or "region_code" not in regions:
        msg = "the atlas has no regions layer; build it with `atlas build PATH --out DIR` first"
        raise InputError(msg)
    codes = list(dict.fromkeys(str(c).strip() for c in region_codes))
    if not codes:
        msg = "no region to compare; pass one or more adcodes of the atlas's regions"
        raise InputError(msg)
    known = set(regions["region_code"].astype(str))
    unknown = [c for c in codes if c not in known]
    if unknown:
        msg = f"regions {unknown} are not in the atlas; choose among {sorted(known)}"
        raise InputError(msg)
    return codes


# ---------------------------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------------------------
def comparison_table(
    layers: Mapping[str, gpd.GeoDataFrame],
    region_codes: Sequence[str],
    *,
    raster: Any = None,
    boundaries: Boundaries | None = None,
) -> pd.DataFrame:
    """One row per region: ecological protection in its plans, side by side.

    Parameters
    ----------
    layers
        Layer frames by name (:func:`atlas.app_data.load_atlas`); ``regions`` is required, the
        theme, ``indicators`` and ``facts`` layers are used when present.
    region_codes
        Adcodes of regions of the atlas (counties or prefectures), in display order; repeats are
        dropped.
    raster
        An :class:`atlas.raster.Raster` (e.g. :func:`atlas.raster.load_raster`, the sample DEM):
        adds ``raster_mean/min/max/cells`` from :func:`atlas.raster.zonal_stats` over each region.
        Without it those columns are left out (not filled with "not stated").
    boundaries
        Boundary data, used only when a region row has no geometry.

    Returns
    -------
    pandas.DataFrame
        Columns in the order of :data:`COLUMNS` (see there for each one's meaning): counts are
        integers of distinct names; stated figures are floats with NaN when the plan does not
        state them; text columns hold None when empty. ``attrs["raster"]`` describes the raster.

    Raises
    ------
    InputError
        No region given, a code not among the atlas's regions, or no regions layer.
    """
    regions = layers.get("regions")
    codes = _check_codes(regions, region_codes)
    assert regions is not None
    rows = []
    geoms: dict[str, shapely.Geometry] = {}
    for code in codes:
        reg = _region_row(regions, code)
        geom = _region_geometry(reg, code, boundaries)
        if geom is not None:
            geoms[code] = geom
        area = pd.to_numeric(pd.Series([reg.get("area_km2")]), errors="coerce").iloc[0]
        if is_missing(area) and geom is not None:
            area = round(area_km2(geom), 1)
        area = float(area) if not is_missing(area) else math.nan

        row: dict[str, Any] = {
            "region_code": code,
            "region_name": None if is_missing(reg.get("name")) else str(reg.get("name")),
            "level": None if is_missing(reg.get("level")) else str(reg.get("level")),
            "prefecture": None if is_missing(reg.get("prefecture")) else str(reg.get("prefecture")),
            "province": None if is_missing(reg.get("province")) else str(reg.get("province")),
            "documents": None if is_missing(reg.get("doc_id")) else str(reg.get("doc_id")),
            "area_km2": area,
        }
        if row["region_name"] is None:
            row["region_name"] = code

        parks = distinct_features(_region_rows(layers.get("parks"), code))
        zones = distinct_features(_region_rows(layers.get("eco_zones"), code))
        red = _region_rows(layers.get("red_lines"), code)
        red_distinct = distinct_features(red)

        row["n_parks"] = len(parks)
        levels = parks["level"].map(lambda v: None if is_missing(v) else str(v))
        for level in PARK_LEVELS:
            row[f"n_parks_{level}"] = int((levels == level).sum())
        row["n_parks_level_not_stated"] = int(levels.isna().sum())
        for kind in PARK_KINDS:
            row[f"n_parks_{kind}"] = int((parks["kind"] == kind).sum())
        row["park_names"] = _names(parks)

        row["n_eco_zones"] = len(zones)
        for kind in ECO_ZONE_KINDS:
            row[f"n_eco_zones_{kind}"] = int((zones["kind"] == kind).sum())
        row["eco_zone_names"] = _names(zones, NAMED_ZONE_KINDS)
        row["eco_barrier_names"] = _names(zones, ("eco_barrier",))

        row["n_red_lines"] = len(red_distinct)
        kinds = [
            str(v) if not is_missing(v) else statement_of(str(n))
            for v, n in zip(_column(red_distinct, "statement"), _column(red_distinct, "name"), strict=True)
        ]
        for label, key in STATEMENT_KEYS.items():
            row[f"n_red_lines_{key}"] = sum(1 for k in kinds if k == label)
        if len(red) and "char_start" in red:
            red = red.assign(_s=pd.to_numeric(red["char_start"], errors="coerce")).sort_values(
                "_s", kind="stable", na_position="last"
            )
        for col, field in (("red_line_area_km2", "area_km2"), ("red_line_share_pct", "share_pct")):
            v = _first_present(pd.to_numeric(_column(red, field), errors="coerce")) if len(red) else None
            row[col] = math.nan if v is None else float(v)
        zone_names = list(dict.fromkeys(str(z) for z in _column(red, "named_zone") if not is_missing(z)))
        row["red_line_zones"] = "、".join(zone_names) if zone_names else None

        for key in INDICATOR_KEYS:
            base, target = _indicator_values(layers, code, key)
            for part, value in (("base", base), ("target", target)):
                if math.isnan(value):  # fall back to the regions layer's copy
                    v = pd.to_numeric(pd.Series([reg.get(f"{key}_{part}")]), errors="coerce").iloc[0]
                    value = math.nan if is_missing(v) else float(v)
                row[f"{key}_{part}"] = value

        n_eco = len(parks) + len(zones)
        row["parks_per_1000km2"] = _per_1000(len(parks), area)
        row["national_parks_per_1000km2"] = _per_1000(row["n_parks_national"], area)
        row["eco_zones_per_1000km2"] = _per_1000(len(zones), area)
        row["eco_features_per_1000km2"] = _per_1000(n_eco, area)
        row["n_eco_features"] = n_eco
        placed = [*parks["precision"], *zones["precision"]]
        row["finer_share"] = (
            round(sum(1 for p in placed if p in FINER_THAN_COUNTY) / len(placed), 4) if placed else math.nan
        )
        rows.append(row)

    keys = [k for k in COLUMNS if k not in _RASTER_COLUMNS]
    table = pd.DataFrame(rows, columns=keys)
    if raster is not None:
        from atlas.raster import zonal_stats

        stats = zonal_stats(raster, geoms) if geoms else {}
        for col, field in zip(_RASTER_COLUMNS, ("mean", "min", "max", "count"), strict=True):
            values = [stats.get(c, {}).get(field) for c in codes]
            if field == "count":
                table[col] = [int(v or 0) for v in values]
            else:
                table[col] = [math.nan if v is None else round(float(v), 1) for v in values]
        table.attrs["raster"] = {
            "name": getattr(raster, "name", "") or "",
            "units": getattr(raster, "units", "") or "",
            "source": getattr(raster, "source", "") or "",
            "resolution": list(getattr(raster, "resolution", ()) or ()),
        }
    for col in table.columns:
        kind = COLUMNS[col].kind
        if kind == "count":
            table[col] = table[col].astype("int64")
        elif kind in ("value", "share"):
            table[col] = pd.to_numeric(table[col], errors="coerce").astype("float64")
        else:
            table[col] = table[col].astype(object).where(table[col].notna(), None)
    return table


def column_labels(table: pd.DataFrame) -> dict[str, str]:
    """Column key → Chinese + English header (raster columns name the raster and its unit)."""
    labels = {k: COLUMNS[k].label for k in table.columns if k in COLUMNS}
    info = table.attrs.get("raster") or {}
    name = info.get("name") or ""
    units = info.get("units") or ""
    if name:
        for key, zh in (("raster_mean", "均值 mean"), ("raster_min", "最小 min"), ("raster_max", "最大 max")):
            if key in labels:
                labels[key] = f"{name} {zh}" + (f" ({units})" if units else "")
        if "raster_cells" in labels:
            labels["raster_cells"] = f"{name} 单元数 cells"
    return labels


def column_notes(table: pd.DataFrame) -> pd.DataFrame:
    """Documentation of the table's columns: group, header, unit, what is counted, missing shown as."""
    labels = column_labels(table)
    return pd.DataFrame(
        [
            {
                "group": GROUPS[COLUMNS[k].group],
                "column": k,
                "label": labels[k],
                "unit": COLUMNS[k].unit,
                "meaning": COLUMNS[k].doc,
                "missing": ""
                if COLUMNS[k].kind in ("count",) and k != "raster_cells"
                else COLUMNS[k].missing,
            }
            for k in table.columns
            if k in COLUMNS
        ]
    )


def comparison_long(table: pd.DataFrame) -> pd.DataFrame:
    """The numeric columns of :func:`comparison_table` in long form, for charts.

    Returns
    -------
    pandas.DataFrame
        One row per region and numeric column: ``region_code``, ``region_name``, ``column``,
        ``label``, ``group``, ``unit``, ``value`` (NaN when not stated) and ``stated`` (bool).
    """
    labels = column_labels(table)
    numeric = [k for k in table.columns if k in COLUMNS and COLUMNS[k].numeric]
    out = table.melt(
        id_vars=["region_code", "region_name"], value_vars=numeric, var_name="column", value_name="value"
    )
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    out["label"] = out["column"].map(labels)
    out["group"] = out["column"].map(lambda k: COLUMNS[k].group)
    out["unit"] = out["column"].map(lambda k: COLUMNS[k].unit)
    out["stated"] = out["value"].notna()
    return out[["region_code", "region_name", "column", "label", "group", "unit", "value", "stated"]]


def comparison_csv(table: pd.DataFrame, *, labels: bool = False, na_rep: str = "") -> bytes:
    """The table as UTF-8 CSV with a BOM (spreadsheet programs then read the Chinese).

    Parameters
    ----------
    labels
        Chinese + English headers instead of the column keys.
    na_rep
        How a missing value is written (``""`` by default; the app writes ``未说明 not stated``).
    """
    out = table.rename(columns=column_labels(table)) if labels else table
    return out.to_csv(index=False, na_rep=na_rep, lineterminator="\n").encode("utf-8-sig")


def _format(value: Any, col: Column) -> str:
    if is_missing(value):
        return col.missing
    if col.kind == "count":
        return str(int(value))
    if col.kind == "share":
        return f"{float(value) * 100:.0f}%"
    if col.kind == "text":
        return str(value)
    v = float(value)
    return str(int(v)) if v.is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def display_table(table: pd.DataFrame, *, transpose: bool = False) -> pd.DataFrame:
    """The table as text for display: missing values spelled out (``未说明 not stated``), never 0.

    With ``transpose`` the rows are the columns (labelled) and the columns the regions.
    """
    shown = pd.DataFrame(
        {k: [_format(v, COLUMNS[k]) for v in table[k]] for k in table.columns if k in COLUMNS},
        index=table.index,
    )
    if not transpose:
        return shown
    labels = column_labels(table)
    out = shown.drop(columns=["region_name"]).T
    out.columns = [f"{n} ({c})" for n, c in zip(table["region_name"], table["region_code"], strict=True)]
    out.index = [labels[k] for k in out.index]
    out.index.name = "项目 Item"
    return out


def parse_region_param(
    text: str | Sequence[str] | None, choices: Iterable[str], *, limit: int = MAX_REGIONS
) -> tuple[list[str], list[str]]:
    """Region codes from a shared link's ``regions=141082,140521`` value.

    Returns
    -------
    tuple
        (codes of the atlas, in order, repeats dropped, at most ``limit``; the values ignored).
    """
    if text is None:
        return [], []
    parts = [text] if isinstance(text, str) else list(text)
    raw = [p.strip() for part in parts for p in re.split(r"[,，\s]+", str(part)) if p.strip()]
    known = set(choices)
    codes: list[str] = []
    ignored: list[str] = []
    for code in raw:
        if code in known and code not in codes and len(codes) < limit:
            codes.append(code)
        elif code not in codes:
            ignored.append(code)
    return codes, ignored


def csv_file_name(table: pd.DataFrame) -> str:
    """``plan-atlas_compare_141082-霍州市_140521-沁水县.csv``."""
    parts = [f"{c}-{n}" for c, n in zip(table["region_code"], table["region_name"], strict=True)]
    safe = re.sub(r'[\\/:*?"<>|\s]+', "-", "_".join(parts)).strip("-")
    return f"plan-atlas_compare_{safe}.csv"


# ---------------------------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------------------------
#: Chart name → (Chinese + English title, columns shown).
CHARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "counts": ("数量 Counts", ("n_parks", "n_eco_zones", "n_red_lines")),
    "levels": (
        "保护地级别 Park levels",
        (*(f"n_parks_{lv}" for lv in PARK_LEVELS), "n_parks_level_not_stated"),
    ),
    "kinds": ("保护地类型 Park kinds", tuple(f"n_parks_{k}" for k in PARK_KINDS)),
    "density": (
        "密度 Density",
        (
            "parks_per_1000km2",
            "national_parks_per_1000km2",
            "eco_zones_per_1000km2",
            "eco_features_per_1000km2",
        ),
    ),
    "indicators": (
        "生态指标 Indicators",
        tuple(f"{k}_{p}" for k in INDICATOR_KEYS for p in ("base", "target")),
    ),
}


def chart_data(table: pd.DataFrame, chart: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values shown, values not stated) of one chart of :data:`CHARTS`, from the long form."""
    if chart not in CHARTS:
        msg = f"unknown chart {chart!r}; use one of {sorted(CHARTS)}"
        raise InputError(msg)
    long = comparison_long(table)
    part = long[long["column"].isin(CHARTS[chart][1])]
    if chart == "kinds":  # kinds no region has would only be empty bars
        present = part.groupby("column")["value"].sum()
        part = part[part["column"].map(present) > 0]
    return part[part["stated"]], part[~part["stated"]]


def not_stated_summary(table: pd.DataFrame, chart: str) -> list[str]:
    """One line per region listing the values of a chart its plans do not state.

    ``["沁水县: 森林覆盖率 (基期 base, 目标 target)、PM2.5 浓度 (基期 base)"]``; regions stating every
    value get no line.
    """
    _, missing = chart_data(table, chart)
    lines = []
    for region, group in missing.groupby("region_name", sort=False):
        items: dict[str, list[str]] = {}
        for label in group["label"]:
            name, _, part = str(label).partition(" · ")
            items.setdefault(name.split(" ")[0], []).append(part)
        text = "、".join(
            f"{n} ({', '.join(p for p in parts if p)})" if any(parts) else n for n, parts in items.items()
        )
        lines.append(f"{region}: {text}")
    return lines


def comparison_chart(table: pd.DataFrame, chart: str) -> Any:
    """An Altair grouped bar chart of one entry of :data:`CHARTS` (None when nothing is stated).

    Indicators are drawn one small chart per indicator (their units differ); values the plan does
    not state get no bar (never a bar of zero).
    """
    import altair as alt

    shown, _ = chart_data(table, chart)
    if not len(shown):
        return None
    order = list(dict.fromkeys(table["region_name"]))
    tooltip = [
        alt.Tooltip("region_name:N", title="地区 Region"),
        alt.Tooltip("label:N", title="项目 Item"),
        alt.Tooltip("value:Q", title="数值 Value", format=",.2f"),
        alt.Tooltip("unit:N", title="单位 Unit"),
    ]
    if chart == "indicators":
        return (
            alt.Chart(shown)
            .mark_bar()
            .encode(
                x=alt.X("region_name:N", sort=order, title=None),
                y=alt.Y("value:Q", title=None),
                color=alt.Color("region_name:N", sort=order, title="地区 Region"),
                tooltip=tooltip,
            )
            .properties(width=140, height=170)
            .facet(facet=alt.Facet("label:N", title=None), columns=4)
            .resolve_scale(y="independent")
        )
    labels = list(dict.fromkeys(shown["label"]))
    scale: Any = alt.Undefined
    if chart == "counts":  # the maps' theme colours
        theme_of = {"n_parks": "parks", "n_eco_zones": "eco_zones", "n_red_lines": "red_lines"}
        cols = list(dict.fromkeys(shown["column"]))
        scale = alt.Scale(domain=labels, range=[THEME_STYLES[theme_of[c]][1] for c in cols])
    return (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            x=alt.X("region_name:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("label:N", sort=labels),
            y=alt.Y("value:Q", title=CHARTS[chart][0]),
            color=alt.Color(
                "label:N",
                sort=labels,
                scale=scale,
                title=None,
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=0),
            ),
            tooltip=tooltip,
        )
        .properties(height=320)
    )
