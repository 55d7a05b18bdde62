"""Layers: GeoDataFrames per theme, written as RFC 7946 GeoJSON + one GeoPackage, read back validated.

Contract (DESIGN.md): one FeatureCollection per layer, WGS84 lon/lat, no ``crs`` member,
coordinates rounded to 6 decimals, polygons counter-clockwise (right-hand rule), features sorted
by ``id``, byte-identical for the same input; the same layers in ``atlas.gpkg``; ``report.json``.
Nothing half-written is left behind: the whole atlas is written into a folder next to the output
and swapped in only when complete (:mod:`atlas.output`).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from atlas._errors import LayerError
from atlas.boundaries import Boundaries, load_boundaries
from atlas.models import THEMES, Document, Feature, Indicator

log = logging.getLogger("atlas")

#: Layer files in the order the app lists them.
LAYERS: tuple[str, ...] = ("documents", "regions", *THEMES, "indicators", "facts")

COMMON_FIELDS: tuple[str, ...] = (
    "id", "doc_id", "theme", "name", "region_code", "region_name", "county_code", "county_name",
    "precision", "source_file", "char_start", "char_end",
)  # fmt: skip

THEME_FIELDS: dict[str, tuple[str, ...]] = {
    "documents": (
        "title",
        "kind",
        "year",
        "char_count",
        "region_level",
        "region_confidence",
        "region_evidence",
        "region_source",
    ),
    "regions": ("level", "province", "prefecture"),  # + counts and indicator columns
    "parks": ("kind", "level", "status", "place", "mentions"),
    "red_lines": ("kind", "area_km2", "share_pct", "named_zone", "status", "statement"),
    "corridors": (
        "kind",
        "code",
        "endpoints",
        "endpoint_codes",
        "status",
        "length_km",
        "leads_to",
        "mentions",
    ),
    "eco_zones": ("kind", "places", "status", "mentions"),
    "structure": ("kind", "pattern", "role", "status"),
    "indicators": (
        "key",
        "unit",
        "base",
        "target",
        "growth",
        "attribute",
        "ecological",
        "base_value",
        "target_value",
    ),
    "facts": ("key", "unit", "base", "target", "base_value", "target_value", "ecological", "year"),
}

#: Indicator keys copied onto regions.geojson as ``<key>_base`` / ``<key>_target`` columns.
REGION_INDICATOR_KEYS: tuple[str, ...] = (
    "forest_cover", "pm25", "good_air_days", "good_air_ratio", "water_quality", "energy_intensity",
    "co2_intensity", "urbanisation", "gdp_growth",
)  # fmt: skip

#: Field types of the layers, the same in every build whatever the input (an empty numeric column
#: stays numeric in the GeoPackage; a float is written 30.0, never 30, in GeoJSON): "str", "int",
#: "float", "bool", "list" (JSON text in the GeoPackage). Columns not listed are text.
FIELD_TYPES: dict[str, str] = {
    "id": "str", "doc_id": "str", "theme": "str", "name": "str", "region_code": "str", "region_name": "str",
    "county_code": "str", "county_name": "str", "precision": "str", "source_file": "str",
    "char_start": "int", "char_end": "int", "placed_at": "str", "place_source": "str",
    "title": "str", "kind": "str", "year": "int", "char_count": "int", "level": "str", "status": "str",
    "place": "str", "area_km2": "float", "share_pct": "float", "named_zone": "str", "code": "str",
    "endpoints": "list", "endpoint_codes": "list", "length_km": "float", "places": "list",
    "pattern": "str", "role": "str", "key": "str", "unit": "str", "base": "str", "target": "str",
    "growth": "str", "attribute": "str", "ecological": "bool", "base_value": "float",
    "target_value": "float", "province": "str", "prefecture": "str", "mentions": "list",
    "region_level": "str", "region_confidence": "float", "region_evidence": "str", "region_source": "str",
    **{f"n_{theme}": "int" for theme in THEMES},
    **{f"{key}_{end}": "float" for key in REGION_INDICATOR_KEYS for end in ("base", "target")},
}  # fmt: skip

#: Geometry family of a layer when it is empty (so that its GeoPackage layer type stays the same).
_EMPTY_FAMILY: dict[str, str] = {"parks": "points", "corridors": "points", "eco_zones": "points",
                                 "structure": "points"}  # fmt: skip

GPKG_NAME = "atlas.gpkg"
#: GeoPackage version written (1.2 is read by every GDAL since 2.2 without a warning).
GPKG_VERSION = "1.2"
REPORT_NAME = "report.json"


def feature_id(*parts: object) -> str:
    """Stable id: the first 16 hex digits of the SHA-1 of the parts."""
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _precision_of(unit_level: str | None) -> str:
    """Precision of a feature placed on a unit of this level; ``unplaced`` when there is none."""
    if unit_level is None:
        return "unplaced"
    return "county" if unit_level == "county" else "region"


# ---------------------------------------------------------------------------------------------
# frames
# ---------------------------------------------------------------------------------------------
def frame_from_rows(rows: list[dict[str, Any]], layer: str) -> gpd.GeoDataFrame:
    """The layer frame of ``rows`` (dicts with a ``geometry``): contract columns first, sorted by id."""
    return _frame(rows, layer)


#: Further columns a layer always has (sorted after its theme fields), even when it has no feature,
#: so that the schema does not change between builds.
LAYER_EXTRA_FIELDS: dict[str, tuple[str, ...]] = {theme: ("place_source", "placed_at") for theme in THEMES}


def _frame(rows: list[dict[str, Any]], layer: str) -> gpd.GeoDataFrame:
    columns = [*COMMON_FIELDS, *THEME_FIELDS.get(layer, ())]
    known = set(LAYER_EXTRA_FIELDS.get(layer, ()))
    extra = sorted(({k for r in rows for k in r} | known) - {*columns, "geometry"})
    frame = pd.DataFrame(rows, columns=[*columns, *extra, "geometry"])
    gdf = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
    return gdf.sort_values("id", kind="stable").reset_index(drop=True)


def _doc_common(doc: Document) -> dict[str, Any]:
    region = doc.region
    return {
        "doc_id": doc.doc_id,
        "region_code": region.adcode if region else None,
        "region_name": region.name if region else None,
        "source_file": doc.source_file,
    }


def documents_frame(docs: Sequence[Document], *, boundaries: Boundaries | None = None) -> gpd.GeoDataFrame:
    """One feature per document; geometry = its region's polygon (null when no region was found)."""
    return _frame(documents_rows(docs, boundaries=boundaries), "documents")


def documents_rows(docs: Iterable[Document], *, boundaries: Boundaries | None = None) -> list[dict[str, Any]]:
    """The rows of :func:`documents_frame` ."""
    b = boundaries or load_boundaries()
    rows = []
    for doc in docs:
        region = doc.region
        rows.append(
            {
                "id": feature_id("documents", doc.doc_id),
                "theme": "documents",
                "name": doc.title,
                **_doc_common(doc),
                "county_code": region.adcode if region else None,
                "county_name": region.name if region else None,
                "precision": _precision_of(region.level if region else None),
                "char_start": doc.char_start,
                "char_end": doc.char_end,
                "title": doc.title,
                "kind": doc.kind,
                "year": doc.year,
                "char_count": len(doc.text),
                "region_level": doc.region_level,
                "region_confidence": doc.region_confidence,
                "region_evidence": doc.region_evidence,
                "region_source": doc.region_source,
                "geometry": b.geometry(region.adcode) if region else None,
            }
        )
    return rows


def theme_frame(theme: str, features: Iterable[Feature], docs: Mapping[str, Document]) -> gpd.GeoDataFrame:
    """The layer of one theme from its geocoded features."""
    return _frame(theme_rows(theme, features, docs), theme)


def theme_rows(theme: str, features: Iterable[Feature], docs: Mapping[str, Document]) -> list[dict[str, Any]]:
    """The rows of :func:`theme_frame`."""
    rows = []
    fields = THEME_FIELDS[theme]
    for f in features:
        m = f.mention
        if m.theme != theme:
            continue
        doc = docs[m.doc_id]
        row = {
            "id": feature_id(theme, m.doc_id, m.char_start, m.char_end, m.name, m.get("role")),
            "theme": theme,
            "name": m.name,
            **_doc_common(doc),
            "county_code": f.county_code,
            "county_name": f.county_name,
            "precision": f.precision,
            "char_start": m.char_start,
            "char_end": m.char_end,
            "placed_at": f.placed_at,
            "place_source": f.place_source,
            "geometry": f.geometry,
        }
        for key in fields:
            row[key] = m.kind if key == "kind" else f.properties.get(key, m.attrs.get(key))
        if theme == "corridors" and f.precision == "schematic":
            row["length_km"] = round(length_km(f.geometry), 1)
        rows.append(row)
    return rows


def indicators_frame(
    indicators: Iterable[Indicator],
    docs: Mapping[str, Document],
    *,
    source: str = "table",
    boundaries: Boundaries | None = None,
) -> gpd.GeoDataFrame:
    """Indicator-table rows (``source="table"``) or prose facts (``"prose"``) on the region polygon."""
    layer = "indicators" if source == "table" else "facts"
    return _frame(indicator_rows(indicators, docs, source=source, boundaries=boundaries), layer)


def indicator_rows(
    indicators: Iterable[Indicator],
    docs: Mapping[str, Document],
    *,
    source: str = "table",
    boundaries: Boundaries | None = None,
) -> list[dict[str, Any]]:
    """The rows of :func:`indicators_frame`."""
    b = boundaries or load_boundaries()
    layer = "indicators" if source == "table" else "facts"
    rows = []
    for ind in indicators:
        if ind.source != source:
            continue
        doc = docs[ind.doc_id]
        region = doc.region
        row = {
            "id": feature_id(layer, ind.doc_id, ind.char_start, ind.char_end, ind.name),
            "theme": layer,
            "name": ind.name,
            **_doc_common(doc),
            "county_code": region.adcode if region else None,
            "county_name": region.name if region else None,
            "precision": _precision_of(region.level if region else None),
            "char_start": ind.char_start,
            "char_end": ind.char_end,
            "geometry": b.geometry(region.adcode) if region else None,
        }
        for key in THEME_FIELDS[layer]:
            row[key] = getattr(ind, key)
        rows.append(row)
    return rows


def regions_frame(
    docs: Sequence[Document],
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    boundaries: Boundaries | None = None,
) -> gpd.GeoDataFrame:
    """One feature per region a document is about: hierarchy, counts per theme, key indicators."""
    b = boundaries or load_boundaries()
    docs_of: dict[str, list[Document]] = {}
    for d in docs:
        if d.region:
            docs_of.setdefault(d.region.adcode, []).append(d)
    codes = sorted(docs_of)
    counts = {theme: _region_counts(layers.get(theme)) for theme in THEMES}
    indicators = _region_indicator_values(layers)
    geoms = [b.geometry(code) for code in codes]
    areas = gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(_ALBERS_CHINA).area / 1e6 if codes else []
    rows = []
    for code, geom, area in zip(codes, geoms, areas, strict=True):
        unit = b.get(code)
        here = docs_of[code]
        row: dict[str, Any] = {
            "id": feature_id("regions", code),
            "doc_id": ",".join(sorted(d.doc_id for d in here)),
            "theme": "regions",
            "name": unit.name,
            "region_code": code,
            "region_name": unit.name,
            "county_code": code,
            "county_name": unit.name,
            "precision": _precision_of(unit.level),
            "source_file": ",".join(sorted({d.source_file for d in here})),
            "char_start": None,
            "char_end": None,
            "level": unit.level,
            "province": unit.province,
            "prefecture": unit.prefecture,
            "area_km2": round(float(area), 1),
            "geometry": geom,
        }
        for theme in THEMES:
            row[f"n_{theme}"] = int(counts[theme].get(code, 0))
        for key in REGION_INDICATOR_KEYS:
            row[f"{key}_base"], row[f"{key}_target"] = indicators.get((code, key), (None, None))
        rows.append(row)
    return _frame(rows, "regions")


def _region_counts(frame: gpd.GeoDataFrame | None) -> pd.Series:
    """Features per region code of one layer (empty for a missing or empty layer)."""
    return frame["region_code"].value_counts() if frame is not None and len(frame) else pd.Series(dtype=int)


def _region_indicator_values(
    layers: Mapping[str, gpd.GeoDataFrame],
) -> dict[tuple[str, str], tuple[float | None, float | None]]:
    """(region, key) → (base, target) of the key indicators: the first value stated in the text.

    Indicator-table rows come first; a region whose table does not give a key falls back to the
    numeric facts of its prose (the first layer holding the key for that region decides).
    """
    out: dict[tuple[str, str], tuple[float | None, float | None]] = {}
    for name in ("indicators", "facts"):
        table = layers.get(name)
        if table is None or not len(table):
            continue
        hits = table[table["key"].isin(REGION_INDICATOR_KEYS)].sort_values(["char_start", "id"])
        for (code, key), group in hits.groupby(["region_code", "key"], sort=False):
            out.setdefault(
                (str(code), str(key)),
                (_first_value(group["base_value"]), _first_value(group["target_value"])),
            )
    return out


def _first_value(values: pd.Series) -> float | None:
    present = values.dropna()
    return float(present.iloc[0]) if len(present) else None


# ---------------------------------------------------------------------------------------------
# measures in metric / equal-area projections
# ---------------------------------------------------------------------------------------------
_ALBERS_CHINA = (
    "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)


def area_km2(geom: shapely.Geometry) -> float:
    """Area on the ground (Albers equal-area conic for China), in km²."""
    if geom is None or geom.is_empty:
        return 0.0
    projected = gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(_ALBERS_CHINA)
    return float(projected.area.iloc[0]) / 1e6


def length_km(geom: shapely.Geometry) -> float:
    """Geodesic length on the WGS84 ellipsoid, in km."""
    from pyproj import Geod

    if geom is None or geom.is_empty:
        return 0.0
    return Geod(ellps="WGS84").geometry_length(geom) / 1000


# ---------------------------------------------------------------------------------------------
# GeoJSON (deterministic RFC 7946)
# ---------------------------------------------------------------------------------------------
def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, list | tuple):
        return [_round(x) for x in obj]
    return obj


def _positions(line: Any) -> list[list[float]]:
    """A ring's or line's positions, rounded to 6 decimals (about 0.1 m)."""
    return np.round(shapely.get_coordinates(line), 6).tolist()


def _polygon(poly: Any) -> list[list[list[float]]]:
    return [_positions(poly.exterior), *(_positions(r) for r in poly.interiors)]


def geometry_to_geojson(geom: shapely.Geometry | None) -> dict[str, Any] | None:
    """RFC 7946 geometry: exterior rings counter-clockwise, holes clockwise, 6 decimals."""
    if geom is None or geom.is_empty:
        return None
    kind = geom.geom_type
    if kind == "Point":
        return {"type": kind, "coordinates": _positions(geom)[0]}
    if kind in ("LineString", "MultiPoint"):
        return {"type": kind, "coordinates": _positions(geom)}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [_positions(g) for g in geom.geoms]}
    if kind in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
        if kind == "Polygon":
            return {"type": kind, "coordinates": _polygon(geom)}
        return {"type": kind, "coordinates": [_polygon(g) for g in geom.geoms]}
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [geometry_to_geojson(g) for g in geom.geoms]}
    gj = mapping(geom)  # anything else shapely knows
    return {"type": gj["type"], "coordinates": _round(gj["coordinates"])}


#: Cell types written as they are.
_PLAIN = frozenset({str, int, bool})


def _json_value(value: Any) -> Any:
    if value is None or type(value) in _PLAIN:  # most cells: no NaN or numpy check to do
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item") and not isinstance(value, list | tuple | dict | str):
        return _json_value(value.item())  # numpy scalars
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, list | dict):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _typed(value: Any, kind: str | None) -> Any:
    """A JSON value of its field's type: floats stay floats (30.0, never 30), ints stay ints."""
    value = _json_value(value)
    if value is None or kind is None or isinstance(value, bool):
        return value
    if kind == "float" and isinstance(value, int):
        return float(value)
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _json_column(values: pd.Series, kind: str | None) -> list[Any]:
    """A column's cells as JSON values of its field's type (:func:`_typed`), read in one pass."""
    return [v if v is None or type(v) is str else _typed(v, kind) for v in values.tolist()]


def _property_rows(gdf: gpd.GeoDataFrame) -> Iterator[dict[str, Any]]:
    """Each row's properties (every column but the geometry), typed as in the layer contract."""
    props = [c for c in gdf.columns if c != gdf.geometry.name]
    columns = [_json_column(gdf[c], FIELD_TYPES.get(str(c))) for c in props]
    for row in zip(*columns, strict=True):
        yield dict(zip(props, row, strict=True))


def to_feature_collection(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """A FeatureCollection dict of a layer frame, features sorted by id."""
    features = [
        {
            "type": "Feature",
            "id": properties["id"],
            "geometry": geometry_to_geojson(geom),
            "properties": properties,
        }
        for properties, geom in zip(_property_rows(gdf), gdf.geometry, strict=True)
    ]
    features.sort(key=lambda f: f["id"])
    return {"type": "FeatureCollection", "features": features}


#: Compact JSON with UTF-8 text (what ``json.dumps(..., ensure_ascii=False, separators=(",", ":"),
#: allow_nan=False)`` writes), one encoder for every feature.
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def write_geojson(
    gdf: gpd.GeoDataFrame, out: BinaryIO, *, encoded: dict[int, tuple[Any, bytes]] | None = None
) -> None:
    """Write the layer to ``out`` as UTF-8 GeoJSON, one feature per line (diff-friendly, deterministic).

    The same text as ``json.dumps`` of each feature of :func:`to_feature_collection`. A geometry
    object shared by many rows (a region's polygon under each of its documents and facts) is
    encoded once and written from that one copy; pass the same ``encoded`` dict to the layers of
    one atlas to encode a polygon shared between layers once too.
    """
    if encoded is None:
        encoded = {}
    features: list[tuple[str, bytes, bytes, bytes]] = []
    for properties, geom in zip(_property_rows(gdf), gdf.geometry, strict=True):
        hit = encoded.get(id(geom))
        if hit is None or hit[0] is not geom:  # the geometry is kept with its text: ids stay unique
            hit = encoded[id(geom)] = (geom, _dumps(geometry_to_geojson(geom)).encode("utf-8"))
        fid = properties["id"]
        head = '{"type":"Feature","id":' + _dumps(fid) + ',"geometry":'
        tail = ',"properties":' + _dumps(properties) + "}"
        features.append((fid, head.encode("utf-8"), hit[1], tail.encode("utf-8")))
    features.sort(key=lambda item: item[0])
    out.write(b'{"type":"FeatureCollection","features":[\n')
    for i, (_, start, geometry, end) in enumerate(features):
        if i:
            out.write(b",\n")
        out.write(start)
        out.write(geometry)
        out.write(end)
    out.write(b"\n]}\n")


def geojson_bytes(gdf: gpd.GeoDataFrame, *, encoded: dict[int, tuple[Any, bytes]] | None = None) -> bytes:
    """The layer as the bytes :func:`write_geojson` writes."""
    buffer = io.BytesIO()
    write_geojson(gdf, buffer, encoded=encoded)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# writing and reading
# ---------------------------------------------------------------------------------------------
_FAMILY = {
    "Point": "points", "MultiPoint": "points", "LineString": "lines", "MultiLineString": "lines",
    "Polygon": "polygons", "MultiPolygon": "polygons",
}  # fmt: skip
_FAMILY_TYPE = {"points": "MultiPoint", "lines": "MultiLineString", "polygons": "MultiPolygon"}
#: Suffixes of the GeoPackage layers a mixed layer is split into.
GPKG_PART_SUFFIXES: tuple[str, ...] = ("_points", "_lines", "_polygons")


#: Shapely type ids of the single geometries promoted to their Multi* type in the GeoPackage.
_MULTI_OF = {
    shapely.GeometryType.POINT: shapely.multipoints,
    shapely.GeometryType.LINESTRING: shapely.multilinestrings,
    shapely.GeometryType.POLYGON: shapely.multipolygons,
}


def _as_multi(geoms: Any) -> np.ndarray:
    """Geometries with each Point, LineString and Polygon made a one-part Multi*; empty ones None."""
    out = np.asarray(geoms, dtype=object).copy()
    out[shapely.is_missing(out) | shapely.is_empty(out)] = None
    types = shapely.get_type_id(out)
    for kind, make in _MULTI_OF.items():
        (where,) = np.nonzero(types == kind)
        if len(where):
            out[where] = make(out[where], indices=np.arange(len(where)))
    return out


def _list_text(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return json.dumps(list(v), ensure_ascii=False)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    v = _json_value(v)
    return None if v is None else str(v)


def _gpkg_column(values: pd.Series, kind: str) -> Any:
    cells = values.tolist()
    if kind in ("int", "float"):
        numbers = pd.Series([_json_value(v) for v in cells], dtype=object)
        return pd.to_numeric(numbers, errors="coerce").astype("Int64" if kind == "int" else "Float64").array
    if kind == "bool":
        return pd.array([None if _json_value(v) is None else bool(v) for v in cells], dtype="boolean")
    return pd.array([v if v is None or type(v) is str else _list_text(v) for v in cells], dtype="string")


def _gpkg_ready(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy with every column of its declared type (lists as JSON text) and Multi* geometries."""
    columns = {
        col: _gpkg_column(gdf[col], FIELD_TYPES.get(str(col), "str"))
        for col in gdf.columns
        if col != gdf.geometry.name
    }
    return gpd.GeoDataFrame(
        pd.DataFrame(columns, index=pd.RangeIndex(len(gdf))),
        geometry=gpd.GeoSeries(_as_multi(gdf.geometry.array), crs="EPSG:4326"),
        crs="EPSG:4326",
    )


def gpkg_layers(name: str, gdf: gpd.GeoDataFrame) -> dict[str, tuple[gpd.GeoDataFrame, str]]:
    """The GeoPackage layers of one atlas layer, each with one geometry type (QGIS opens it directly).

    Geometries are promoted to their Multi* type (a MultiPolygon county beside a Polygon one stays
    one layer of one type). A layer holding more than one dimension (corridors: schematic lines and
    county points) is split into ``NAME_points`` / ``NAME_lines`` / ``NAME_polygons``; features
    without a geometry (``unplaced``) go with the first. An empty layer keeps its usual type.
    """
    ready = _gpkg_ready(gdf)
    families = [_FAMILY.get(g.geom_type) if g is not None and not g.is_empty else None for g in gdf.geometry]
    present = [f for f in ("points", "lines", "polygons") if f in families]
    if len(present) <= 1:
        family = present[0] if present else _EMPTY_FAMILY.get(name, "polygons")
        return {name: (ready, _FAMILY_TYPE[family])}
    out = {}
    for i, family in enumerate(present):
        mask = [f == family or (i == 0 and f is None) for f in families]
        out[f"{name}_{family}"] = (ready[mask].reset_index(drop=True), _FAMILY_TYPE[family])
    return out


def write_gpkg(layers: Mapping[str, gpd.GeoDataFrame], path: Path) -> None:
    """Every layer into one GeoPackage: typed fields, one geometry type per layer (see :func:`gpkg_layers`)."""
    first = True
    for name, gdf in layers.items():
        for layer, (frame, geometry_type) in gpkg_layers(name, gdf).items():
            frame.to_file(
                path,
                layer=layer,
                driver="GPKG",
                engine="pyogrio",
                geometry_type=geometry_type,
                # GeoPackage 1.2: GDAL 3.6 warns about the 1.4 files newer GDAL writes by default
                dataset_options={"VERSION": GPKG_VERSION} if first else None,
            )
            first = False
    from atlas.store import index_gpkg  # the app reads the GeoPackage by region, document and year

    index_gpkg(path)


def write_atlas(
    layers: Mapping[str, gpd.GeoDataFrame],
    out_dir: str | Path,
    *,
    report: Mapping[str, Any] | None = None,
    force: bool = False,
) -> Path:
    """Write layers (GeoJSON + GeoPackage) and report.json as the atlas folder ``out_dir``.

    Everything is written into a sibling folder first and swapped in only when complete
    (:mod:`atlas.output`): a failure or an interrupt leaves the previous atlas exactly as it was.
    A folder holding files the atlas did not write (or edited by hand) is refused with an
    ``OutputError`` unless ``force``.
    """
    from atlas.output import replace_folder

    def write(tmp: Path) -> None:
        encoded: dict[int, tuple[Any, bytes]] = {}  # region polygons under several layers: encoded once
        for name, gdf in layers.items():
            with (tmp / f"{name}.geojson").open("wb") as fh:
                write_geojson(gdf, fh, encoded=encoded)
        write_gpkg(layers, tmp / GPKG_NAME)
        if report is not None:
            text = json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True, default=_json_value)
            (tmp / REPORT_NAME).write_text(text + "\n", encoding="utf-8")

    return replace_folder(out_dir, write, force=force)


def read_layer(path: str | Path) -> gpd.GeoDataFrame:
    """Read a layer GeoJSON and check it against the contract (``LayerError`` says what is wrong)."""
    path = Path(path)
    if not path.exists():
        msg = f"{path}: layer file not found; run `atlas build PATH --out {path.parent}` first"
        raise LayerError(msg)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"{path.name}: not a valid UTF-8 GeoJSON file ({exc}); rebuild the atlas"
        raise LayerError(msg) from exc
    problems = []
    if data.get("type") != "FeatureCollection":
        problems.append("top level is not a FeatureCollection")
    if "crs" in data:
        problems.append("has a 'crs' member (RFC 7946 forbids it)")
    features = data.get("features") or []
    missing = sorted({k for f in features for k in COMMON_FIELDS if k not in (f.get("properties") or {})})
    if missing:
        problems.append(f"features lack properties {missing}")
    if problems:
        msg = f"{path.name}: " + "; ".join(problems) + "; rebuild it with `atlas build`"
        raise LayerError(msg)
    if not features:
        columns = [*COMMON_FIELDS, *THEME_FIELDS.get(path.stem, ())]
        return gpd.GeoDataFrame(
            pd.DataFrame(columns=[*columns, "geometry"]), geometry="geometry", crs="EPSG:4326"
        )
    props = pd.DataFrame([f["properties"] for f in features])
    geoms = [shapely.geometry.shape(f["geometry"]) if f.get("geometry") else None for f in features]
    return gpd.GeoDataFrame(props, geometry=geoms, crs="EPSG:4326")


def read_atlas(atlas_dir: str | Path) -> dict[str, gpd.GeoDataFrame]:
    """Every layer present in an atlas folder, by name."""
    d = Path(atlas_dir)
    if not d.is_dir():
        msg = f"{d}: no atlas folder here; build one with `atlas build PATH --out {d}`"
        raise LayerError(msg)
    return {name: read_layer(d / f"{name}.geojson") for name in LAYERS if (d / f"{name}.geojson").exists()}
