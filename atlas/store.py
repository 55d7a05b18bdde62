"""Indexed reads of a built atlas: only the regions, themes and years a page shows.

An atlas folder holds every layer twice: GeoJSON files (the contract, diff-friendly) and one
GeoPackage, ``atlas.gpkg``. :func:`index_gpkg` (run when the GeoPackage is written) adds SQLite
indexes on ``region_code`` and ``doc_id`` of every layer and on ``year`` where there is one, so
that :class:`AtlasStore` reads one region's features with an indexed ``WHERE`` through pyogrio
instead of parsing every layer. Lists (``endpoints``, ``places`` …) are stored in the GeoPackage
as JSON text and come back as lists, as from the GeoJSON files.

Measured on the national atlas built from ``../shared/corpus`` (``python -m bench.store``): see
the README's Performance section for the numbers that chose this over GeoParquet + DuckDB.

An atlas folder without ``atlas.gpkg`` is still read, from its GeoJSON files (every layer is
then parsed once and filtered in memory).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas._errors import LayerError
from atlas.models import THEMES

log = logging.getLogger("atlas")

GPKG_NAME = "atlas.gpkg"

#: Columns indexed in every GeoPackage table that has them.
INDEXED_COLUMNS: tuple[str, ...] = ("region_code", "doc_id", "year")

#: Layer names, in the order the app lists them (as atlas.layers.LAYERS).
_LAYER_ORDER: tuple[str, ...] = ("documents", "regions", *THEMES, "indicators", "facts")

#: A layer holding more than one geometry dimension is stored as LAYER_points / _lines / _polygons
#: (one geometry type per GeoPackage table, as atlas.layers.GPKG_PART_SUFFIXES).
_PART_SUFFIXES: tuple[str, ...] = ("_points", "_lines", "_polygons")


def _single_parts(geoms: Any) -> Any:
    """Multi* geometries of one part back to that part (the GeoPackage stores every geometry as Multi*)."""
    arr = np.asarray(geoms, dtype=object)
    if not len(arr):
        return arr
    multi = np.isin(shapely.get_type_id(arr), (4, 5, 6)) & (shapely.get_num_geometries(arr) == 1)
    if multi.any():
        arr = arr.copy()
        arr[multi] = shapely.get_geometry(arr[multi], 0)
    return arr


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def index_gpkg(path: str | Path) -> list[str]:
    """Add the attribute indexes the app reads by to every table of a GeoPackage; their names."""
    made = []
    with sqlite3.connect(str(path)) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")]
        for table in tables:
            columns = {r[1] for r in con.execute(f"PRAGMA table_info({_quote(table)})")}
            for col in INDEXED_COLUMNS:
                if col in columns:
                    name = f"idx_{table}_{col}"
                    con.execute(
                        f"CREATE INDEX IF NOT EXISTS {_quote(name)} ON {_quote(table)} ({_quote(col)})"
                    )
                    made.append(name)
    return made


def _sql_list(values: Iterable[Any]) -> str:
    out = []
    for v in values:
        if isinstance(v, int | np.integer):
            out.append(str(int(v)))
        else:
            out.append("'" + str(v).replace("'", "''") + "'")
    return "(" + ",".join(out) + ")"


def _decode_json_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns the GeoPackage holds as JSON text (lists, dicts) back to Python values."""
    for col in frame.columns:
        if col == "geometry" or not (frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col])):
            continue
        present = frame[col].dropna()
        if not len(present) or not all(
            isinstance(v, str) and v[:1] in "[{" and v[-1:] in "]}" for v in present.head(50)
        ):
            continue
        try:
            frame[col] = frame[col].astype(object).map(lambda v: json.loads(v) if isinstance(v, str) else v)
        except (json.JSONDecodeError, TypeError):
            continue
    return frame


class AtlasStore:
    """Read parts of one atlas folder: by region, by columns, without geometry when not needed.

    Every method returns a new frame (callers may change it); the app caches them per query.
    """

    def __init__(self, atlas_dir: str | Path) -> None:
        self.dir = Path(atlas_dir)
        if not self.dir.is_dir():
            msg = f"{self.dir}: no atlas folder here; build one with `atlas build PATH --out {self.dir}`"
            raise LayerError(msg)
        self.gpkg = self.dir / GPKG_NAME
        self._geojson: dict[str, gpd.GeoDataFrame] = {}

    # -- what is there ---------------------------------------------------------------------------
    @cached_property
    def uses_gpkg(self) -> bool:
        """True when the folder has a readable GeoPackage (else the GeoJSON files are read)."""
        return self.gpkg.is_file() and bool(self._gpkg_layers)

    @cached_property
    def _gpkg_layers(self) -> dict[str, set[str]]:
        try:
            with sqlite3.connect(f"file:{self.gpkg}?mode=ro", uri=True) as con:
                tables = [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")]
                return {t: {r[1] for r in con.execute(f"PRAGMA table_info({_quote(t)})")} for t in tables}
        except sqlite3.Error as exc:
            log.warning("%s: cannot read the GeoPackage (%s); reading the GeoJSON files", self.gpkg, exc)
            return {}

    #: Whether the GeoJSON files in ``dir`` hold every row this store reads (an export may copy
    #: them line by line); False for a store that adds rows of its own (the workspace's).
    holds_layer_files: bool = True

    def _tables(self, layer: str) -> list[str]:
        """The GeoPackage tables of a layer: itself, or its parts by geometry dimension."""
        if layer in self._gpkg_layers:
            return [layer]
        return [layer + s for s in _PART_SUFFIXES if layer + s in self._gpkg_layers]

    def layer_names(self) -> list[str]:
        """Layers present, in the app's order."""
        if self.uses_gpkg:
            return [n for n in _LAYER_ORDER if self._tables(n)]
        present = {p.stem for p in self.dir.glob("*.geojson")}
        return [n for n in _LAYER_ORDER if n in present]

    def columns(self, layer: str) -> set[str]:
        """Column names of a layer (empty when the layer is absent)."""
        if self.uses_gpkg:
            have: set[str] = set()
            for table in self._tables(layer):
                have |= self._gpkg_layers[table]
            return have - {"fid", "geom"}
        frame = self._geojson_layer(layer)
        return set(frame.columns) - {"geometry"} if frame is not None else set()

    # -- reading ---------------------------------------------------------------------------------
    def _geojson_layer(self, layer: str) -> gpd.GeoDataFrame | None:
        if layer not in self._geojson:
            from atlas.layers import read_layer

            path = self.dir / f"{layer}.geojson"
            if not path.is_file():
                return None
            self._geojson[layer] = read_layer(path)
        return self._geojson[layer]

    def read(
        self,
        layer: str,
        *,
        region_codes: Sequence[str] | None = None,
        doc_ids: Sequence[str] | None = None,
        columns: Sequence[str] | None = None,
        geometry: bool = True,
    ) -> gpd.GeoDataFrame | pd.DataFrame:
        """Rows of ``layer`` (of the given regions / documents; None = all), in file order.

        ``columns`` limits the attributes read; ``geometry=False`` gives a plain DataFrame.
        A missing layer gives an empty frame.
        """
        if self.uses_gpkg:
            tables = self._tables(layer)
            if not tables:
                return _empty(geometry)
            parts = [
                self._read_table(
                    t, region_codes=region_codes, doc_ids=doc_ids, columns=columns, geometry=geometry
                )
                for t in tables
            ]
            if len(parts) == 1:
                return parts[0]
            frame = pd.concat(parts, ignore_index=True)
            if geometry:
                frame = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
            if "id" in frame:
                frame = frame.sort_values("id", kind="stable")
            return frame.reset_index(drop=True)
        full = self._geojson_layer(layer)
        if full is None:
            return _empty(geometry)
        mask = pd.Series(True, index=full.index)
        if region_codes is not None:
            mask &= full["region_code"].astype(str).isin([str(c) for c in region_codes])
        if doc_ids is not None:
            mask &= full["doc_id"].astype(str).isin([str(d) for d in doc_ids])
        out = full[mask]
        if columns is not None:
            keep = [c for c in columns if c in out.columns]
            out = out[[*keep, "geometry"]] if geometry else out[keep]
        elif not geometry:
            out = pd.DataFrame(out.drop(columns="geometry"))
        if not geometry and isinstance(out, gpd.GeoDataFrame):
            out = pd.DataFrame(out.drop(columns="geometry", errors="ignore"))
        return out.copy().reset_index(drop=True)

    def _read_table(
        self,
        layer: str,
        *,
        region_codes: Sequence[str] | None,
        doc_ids: Sequence[str] | None,
        columns: Sequence[str] | None,
        geometry: bool,
    ) -> gpd.GeoDataFrame | pd.DataFrame:
        """One GeoPackage table, cut by region / document, with single-part geometries."""
        have = self._gpkg_layers[layer]
        where = []
        if region_codes is not None:
            if "region_code" not in have:
                return _empty(geometry)
            where.append(f"region_code IN {_sql_list(region_codes)}" if region_codes else "0")
        if doc_ids is not None:
            where.append(f"doc_id IN {_sql_list(doc_ids)}" if doc_ids else "0")
        cols = [c for c in columns if c in have] if columns is not None else None
        import pyogrio

        frame = pyogrio.read_dataframe(
            self.gpkg,
            layer=layer,
            columns=cols,
            where=" AND ".join(where) or None,
            read_geometry=geometry,
        )
        if geometry and isinstance(frame, gpd.GeoDataFrame):
            frame = frame.rename_geometry("geometry") if frame.geometry.name != "geometry" else frame
            frame = frame.set_crs("EPSG:4326", allow_override=True)
            frame["geometry"] = gpd.GeoSeries(
                _single_parts(frame.geometry.to_numpy()), index=frame.index, crs="EPSG:4326"
            )
        frame = _decode_json_columns(frame)
        if "region_code" in frame:
            frame["region_code"] = frame["region_code"].astype(object)
        return frame.reset_index(drop=True)

    def count(self, layer: str, *, region_codes: Sequence[str] | None = None) -> int:
        """Number of rows of ``layer`` (of these regions' documents), from the index."""
        if self.uses_gpkg:
            total = 0
            for table in self._tables(layer):
                if region_codes is not None and "region_code" not in self._gpkg_layers[table]:
                    continue
                sql = f"SELECT COUNT(*) FROM {_quote(table)}"
                if region_codes is not None:
                    sql += f" WHERE region_code IN {_sql_list(region_codes)}" if region_codes else " WHERE 0"
                with sqlite3.connect(f"file:{self.gpkg}?mode=ro", uri=True) as con:
                    total += int(con.execute(sql).fetchone()[0])
            return total
        return len(self.read(layer, region_codes=region_codes, columns=["id"], geometry=False))

    def region_layers(
        self, region_codes: Sequence[str], *, layers: Sequence[str] | None = None
    ) -> dict[str, gpd.GeoDataFrame]:
        """Every layer cut to the features of these regions' documents (the frames a region page,
        Compare or Export draw), by name."""
        names = layers if layers is not None else self.layer_names()
        out = {}
        for name in names:
            frame = self.read(name, region_codes=list(region_codes))
            out[name] = frame if isinstance(frame, gpd.GeoDataFrame) else _empty(True)
        return out

    def _attributes(self, layer: str, columns: Sequence[str]) -> pd.DataFrame:
        """Plain columns of a whole layer, read straight from SQLite when there is a GeoPackage
        (no geometry decoded: ten times faster than through GDAL for an index of every feature)."""
        if not self.uses_gpkg:
            return self.read(layer, columns=list(columns), geometry=False)
        tables = self._tables(layer)
        if not tables:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        parts = []
        for table in tables:
            cols = [c for c in columns if c in self._gpkg_layers[table]]
            sql = f"SELECT {', '.join(_quote(c) for c in cols)} FROM {_quote(table)} ORDER BY fid"
            with sqlite3.connect(f"file:{self.gpkg}?mode=ro", uri=True) as con:
                parts.append(pd.read_sql_query(sql, con))
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        if len(parts) > 1 and "id" in frame:
            frame = frame.sort_values("id", kind="stable").reset_index(drop=True)
        for c in columns:
            if c not in frame:
                frame[c] = None
        return frame[list(columns)].astype(object)

    def documents(self) -> pd.DataFrame:
        """The documents layer without geometry (one row per document)."""
        return self.read("documents", geometry=False)

    def feature_index(self, themes: Sequence[str] = THEMES) -> pd.DataFrame:
        """One row per feature of ``themes``: ``theme``, ``id``, ``doc_id``, ``region_code``,
        ``precision`` and the document's ``year`` — no geometry (counts per region and year)."""
        parts = []
        for theme in themes:
            part = self._attributes(theme, ["id", "doc_id", "region_code", "precision"])
            if len(part):
                part = part.assign(theme=theme)
                parts.append(part)
        cols = ["theme", "id", "doc_id", "region_code", "precision"]
        if not parts:
            return pd.DataFrame(
                {**{c: pd.Series(dtype=object) for c in cols}, "year": pd.Series(dtype=float)}
            )
        index = pd.concat(parts, ignore_index=True)[cols]
        docs = self._attributes("documents", ["doc_id", "year"])
        years = dict(
            zip(docs["doc_id"].astype(str), pd.to_numeric(docs["year"], errors="coerce"), strict=True)
        )
        index["year"] = index["doc_id"].astype(str).map(years).astype(float)
        return index

    def regions(self, *, level: str | None = None, simplify: float = 0.0) -> gpd.GeoDataFrame:
        """The regions layer (of one level), geometry simplified by ``simplify`` degrees."""
        frame = self.read("regions")
        if not isinstance(frame, gpd.GeoDataFrame):
            return _empty(True)
        if level is not None and "level" in frame:
            frame = frame[frame["level"] == level].reset_index(drop=True)
        if simplify > 0 and len(frame):
            geoms = shapely.simplify(frame.geometry.to_numpy(), simplify, preserve_topology=True)
            frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs="EPSG:4326"))
        return frame

    def signature(self) -> tuple[tuple[str, int, int], ...]:
        """(file, size, mtime_ns) of what this store reads: the cache key of its queries."""
        files = [self.gpkg] if self.uses_gpkg else sorted(self.dir.glob("*.geojson"))
        out = []
        for p in files:
            try:
                st = p.stat()
            except OSError:
                continue
            out.append((p.name, st.st_size, st.st_mtime_ns))
        return tuple(out)


def _empty(geometry: bool) -> gpd.GeoDataFrame | pd.DataFrame:
    cols = {"id": pd.Series(dtype=object), "region_code": pd.Series(dtype=object)}
    if geometry:
        return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    return pd.DataFrame(cols)


def counts_by_year(
    index: pd.DataFrame,
    *,
    region_codes: Sequence[str] | None = None,
    themes: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Features per region × theme × document year (long form: region_code, theme, year, n)."""
    sel = index
    if region_codes is not None:
        sel = sel[sel["region_code"].astype(str).isin([str(c) for c in region_codes])]
    if themes is not None:
        sel = sel[sel["theme"].isin(list(themes))]
    if years is not None:
        sel = sel[(sel["year"] >= years[0]) & (sel["year"] <= years[1])]
    if not len(sel):
        return pd.DataFrame({"region_code": [], "theme": [], "year": [], "n": []})
    out = sel.groupby(["region_code", "theme", "year"], dropna=False).size().rename("n").reset_index()
    return out


def region_counts(
    index: pd.DataFrame,
    region_codes: Sequence[str],
    *,
    themes: Sequence[str],
    years: tuple[int, int] | None = None,
) -> pd.Series:
    """Features of ``themes`` per region in ``region_codes`` (documents of ``years`` only); NaN
    for a region that has no document in those years (no data, not zero)."""
    codes = [str(c) for c in region_codes]
    sel = index[index["theme"].isin(list(themes))]
    if years is not None:
        sel = sel[(sel["year"] >= years[0]) & (sel["year"] <= years[1])]
    counts = sel.groupby(sel["region_code"].astype(str)).size()
    return pd.Series([float(counts.get(c, 0)) for c in codes], index=codes)


def documents_in_years(docs: pd.DataFrame, years: tuple[int, int] | None) -> pd.DataFrame:
    """Documents whose year is in the closed range (all when None)."""
    if years is None:
        return docs
    y = pd.to_numeric(docs["year"], errors="coerce")
    return docs[(y >= years[0]) & (y <= years[1])]


def year_range(docs: pd.DataFrame) -> tuple[int, int] | None:
    """The first and last document year (None when no document has a year)."""
    y = pd.to_numeric(docs.get("year", pd.Series(dtype=float)), errors="coerce").dropna()
    return (int(y.min()), int(y.max())) if len(y) else None


def regions_with_documents(docs: pd.DataFrame, years: tuple[int, int] | None) -> set[str]:
    """Adcodes of regions with at least one document in ``years``."""
    return set(documents_in_years(docs, years)["region_code"].dropna().astype(str))


def years_of_regions(docs: pd.DataFrame) -> Mapping[str, list[int]]:
    """Adcode → the sorted document years of that region."""
    out: dict[str, list[int]] = {}
    y = pd.to_numeric(docs["year"], errors="coerce")
    for code, year in zip(docs["region_code"].astype(str), y, strict=True):
        if not np.isnan(year):
            out.setdefault(code, []).append(int(year))
    return {k: sorted(set(v)) for k, v in out.items()}
