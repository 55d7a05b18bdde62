"""Named rivers and lakes of China: the one reader of the national 1:4M hydrography file.

The file (``hydro_1to4m.gpkg``, see ``../shared/geodata/README.md``) is reference data read from
the path in ``ATLAS_HYDRO`` (default ``../shared/geodata/hydro_1to4m.gpkg``), never committed to
the project. It holds two layers: ``rivers`` (LineStrings, one row per digitised segment) and
``lakes`` (Polygons), each with a ``name`` and ``aliases`` (alternative names joined with 、).

Two uses:

- **names** for recognition (:func:`water_names`): every river and lake name and alias, with its
  kind (``river`` / ``lake``), so that an extractor knows that 浊漳河 is a river;
- **geometry by name inside a region** (:meth:`Hydro.geometry_in`): the segments carrying a name
  (as name or alias), clipped to a region polygon and dissolved into one geometry. A same-name
  river elsewhere in China is never returned, because only what lies inside the polygon is kept;
  a river that does not pass through the region gives None.

Without the file everything still works: :func:`load_hydro` returns an empty reader and logs once
what is lost (:data:`LOST_WITHOUT`).

>>> hydro = load_hydro()  # doctest: +SKIP
>>> hydro.geometry_in("汾河", county_polygon).geom_type  # doctest: +SKIP
'LineString'
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from atlas import settings
from atlas._errors import DataMissingError, InputError

log = logging.getLogger("atlas")

#: Credit shown wherever a line or area of the file is drawn or exported.
SOURCE_HYDRO = "national 1:4M basic geographic database"

#: What the atlas loses without the file (logged once, printed in the build summary).
LOST_WITHOUT = (
    "rivers and lakes stay at county precision and the reference overlay has no rivers "
    "(set ATLAS_HYDRO to hydro_1to4m.gpkg)"
)

#: A usable name: Chinese characters only (the source has a few garbled rows, which are dropped).
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,15}$")

#: River levels of the source's ``layer`` column, main stems first (river1 = the largest).
MAIN_RIVER_LAYERS: tuple[str, ...] = ("river1", "river2", "river4")


@dataclass(frozen=True)
class WaterBody:
    """One distinct name of the file: its kind and the aliases the source gives it."""

    name: str
    kind: str  # "river" or "lake"
    aliases: tuple[str, ...]


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s+", "", value)
    return text if _NAME.match(text) else None


def _split_aliases(value: object) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    out = (_clean(part) for part in re.split(r"[、,，;；/]", value))
    return tuple(dict.fromkeys(a for a in out if a))


class Hydro:
    """Rivers and lakes read from one file (or none: then every lookup is empty).

    Parameters
    ----------
    path
        The GeoPackage read, or None for the empty reader.
    rows
        ``(name, aliases, kind, layer, geometry)`` per source row, names already cleaned.
    """

    def __init__(self, path: Path | None, rows: list[tuple[str, tuple[str, ...], str, str, Any]]) -> None:
        self.path = path
        self._names = [r[0] for r in rows]
        self._aliases = [r[1] for r in rows]
        self._kinds = [r[2] for r in rows]
        self._layers = [r[3] for r in rows]
        self._geoms = np.array([r[4] for r in rows], dtype=object)
        self._tree = shapely.STRtree(self._geoms) if rows else None
        self._by_name: dict[str, list[int]] = {}
        for i, (name, aliases) in enumerate(zip(self._names, self._aliases, strict=True)):
            for key in (name, *aliases):
                self._by_name.setdefault(key, []).append(i)
        self._clip_cache: dict[tuple[str, str | None, bytes], Any] = {}

    @property
    def available(self) -> bool:
        """True when the file was read (False: no rivers or lakes at all)."""
        return self._tree is not None

    def __len__(self) -> int:
        return len(self._names)

    def summary(self) -> str:
        """One line for the build summary: what was read, or what is lost without it."""
        if not self.available or self.path is None:
            return f"hydro: not found — {LOST_WITHOUT}"
        bodies = self.water_bodies()
        rivers = sum(1 for b in bodies if b.kind == "river")
        return (
            f"hydro: {rivers:,} rivers and {len(bodies) - rivers:,} lakes from {self.path.name} "
            f"({SOURCE_HYDRO})"
        )

    # -- names ---------------------------------------------------------------------------------
    def water_bodies(self) -> list[WaterBody]:
        """Every distinct name with its kind and all aliases given to it, sorted by name."""
        kinds: dict[str, str] = {}
        aliases: dict[str, dict[str, None]] = {}
        for name, al, kind in zip(self._names, self._aliases, self._kinds, strict=True):
            if kinds.get(name) != "river":  # a name drawn as a river anywhere is a river
                kinds[name] = kind
            aliases.setdefault(name, {}).update(dict.fromkeys(a for a in al if a != name))
        return [WaterBody(n, kinds[n], tuple(aliases[n])) for n in sorted(kinds)]

    def names(self) -> dict[str, str]:
        """Every name and alias → ``river`` or ``lake`` (a name used for both counts as a river)."""
        out: dict[str, str] = {}
        for key, rows in self._by_name.items():
            out[key] = "river" if any(self._kinds[i] == "river" for i in rows) else "lake"
        return out

    def main_stems(self) -> frozenset[str]:
        """Names (and aliases) of the rivers drawn in the largest level (``river1``): the main
        stems of China's great basins (长江, 黄河, 澜沧江 …)."""
        return frozenset(
            key for key, rows in self._by_name.items() if any(self._layers[i] == "river1" for i in rows)
        )

    def knows(self, name: str) -> bool:
        """True when ``name`` is a name or alias of some river or lake of the file."""
        return name in self._by_name

    # -- geometry ------------------------------------------------------------------------------
    def geometry_in(self, name: str, region: Any, *, kind: str | None = None) -> Any:
        """The river or lake called ``name`` (name or alias) inside ``region``, dissolved.

        Parameters
        ----------
        name
            As written (汾河, 浊漳河).
        region
            A shapely (Multi)Polygon, WGS84 lon/lat. Pass a slightly shrunk polygon when the result
            must stay strictly inside it after rounding.
        kind
            ``"lake"`` prefers lake areas; otherwise river lines come first and lake areas are used
            only when no line of that name passes through the region (one dimension per result).

        Returns
        -------
        shapely geometry or None
            A (Multi)LineString or (Multi)Polygon inside ``region``; None when nothing of that name
            passes through it (same-name rivers elsewhere are never returned).
        """
        rows = self._by_name.get(name)
        if not rows or self._tree is None:
            return None
        key = (name, kind, shapely.to_wkb(region))
        if key in self._clip_cache:
            return self._clip_cache[key]
        near = set(self._tree.query(region).tolist())
        rows = [i for i in rows if i in near]
        order = ("lake", "river") if kind == "lake" else ("river", "lake")
        result = None
        for want in order:
            geoms = [self._geoms[i] for i in rows if self._kinds[i] == want]
            if geoms:
                result = _clip_dissolved(geoms, region, 1 if want == "river" else 2)
            if result is not None:
                break
        self._clip_cache[key] = result
        return result

    def rivers_in(self, region: Any, *, layers: tuple[str, ...] = MAIN_RIVER_LAYERS) -> list[tuple[str, Any]]:
        """``(name, line)`` of every river of the given levels inside ``region``, one per name."""
        return self._all_in(region, "river", layers)

    def lakes_in(self, region: Any) -> list[tuple[str, Any]]:
        """``(name, area)`` of every lake inside ``region``, one per name."""
        return self._all_in(region, "lake", None)

    def _all_in(self, region: Any, kind: str, layers: tuple[str, ...] | None) -> list[tuple[str, Any]]:
        if self._tree is None:
            return []
        by_name: dict[str, list[Any]] = {}
        for i in sorted(self._tree.query(region).tolist()):
            if self._kinds[i] != kind or (layers is not None and self._layers[i] not in layers):
                continue
            by_name.setdefault(self._names[i], []).append(self._geoms[i])
        out = []
        for name in sorted(by_name):
            g = _clip_dissolved(by_name[name], region, 1 if kind == "river" else 2)
            if g is not None:
                out.append((name, g))
        return out


def _clip_dissolved(geoms: list[Any], region: Any, dim: int) -> Any:
    """The union of ``geoms`` inside ``region``, keeping parts of dimension ``dim`` only."""
    parts = shapely.get_parts(shapely.intersection(np.array(geoms, dtype=object), region))
    parts = [g for g in parts if not g.is_empty and shapely.get_dimensions(g) == dim]
    parts = [g for g in parts if (g.length if dim == 1 else g.area) > 0]
    if not parts:
        return None
    union = shapely.union_all(parts)
    if dim == 1:
        union = shapely.line_merge(union)
    return union if not union.is_empty else None


def _read(path: Path) -> Hydro:
    try:
        import pyogrio
    except ImportError as exc:  # pragma: no cover - a dependency of geopandas
        msg = f"cannot read {path}: pyogrio is not installed; reinstall the project"
        raise DataMissingError(msg) from exc
    rows: list[tuple[str, tuple[str, ...], str, str, Any]] = []
    for layer, kind in (("rivers", "river"), ("lakes", "lake")):
        try:
            frame = pyogrio.read_dataframe(path, layer=layer, columns=["name", "aliases", "layer"])
        except Exception as exc:  # pyogrio raises its own DataSourceError / DataLayerError
            msg = f"cannot read layer {layer!r} of {path}: {exc}; pass the national 1:4M hydro GeoPackage"
            raise InputError(msg) from exc
        if frame.crs is not None and frame.crs.to_epsg() not in (4326, None):
            frame = frame.to_crs(4326)
        for name, aliases, level, geom in zip(
            frame["name"], frame["aliases"], frame["layer"], frame.geometry, strict=True
        ):
            clean = _clean(name)
            if clean is None or geom is None or geom.is_empty:
                continue
            rows.append((clean, _split_aliases(aliases), kind, str(level or ""), geom))
    log.info("hydro: %d rows read from %s", len(rows), path)
    return Hydro(path, rows)


@lru_cache(maxsize=4)
def _load(path: str | None) -> Hydro:
    if path is None:
        log.warning("no rivers or lakes file (hydro_1to4m.gpkg not found): %s", LOST_WITHOUT)
        return Hydro(None, [])
    return _read(Path(path))


def load_hydro(path: str | Path | None = None) -> Hydro:
    """The rivers and lakes reader (cached per path).

    Parameters
    ----------
    path
        The GeoPackage. Default :func:`atlas.settings.hydro_path`; when that is None the reader is
        empty and a warning says what is lost.

    Raises
    ------
    DataMissingError
        ``path`` (or ``ATLAS_HYDRO``) names a file that does not exist.
    InputError
        The file is not a GeoPackage with ``rivers`` and ``lakes`` layers.
    """
    if path is None:
        found = settings.hydro_path()
        if found is not None and not found.exists():
            msg = f"ATLAS_HYDRO points to {str(found)!r}, which does not exist; fix or unset it"
            raise DataMissingError(msg)
        return _load(str(found) if found else None)
    if not Path(path).exists():
        msg = f"hydro file {str(path)!r} does not exist; pass an existing GeoPackage"
        raise DataMissingError(msg)
    return _load(str(path))


def water_names(path: str | Path | None = None) -> dict[str, str]:
    """Every river and lake name and alias of the file → ``river`` / ``lake`` (empty without it)."""
    return load_hydro(path).names()
