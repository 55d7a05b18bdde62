"""WGS84 ↔ GCJ-02 ("Mars coordinates"), vectorised over numpy arrays.

All data Plan Atlas stores and exports are WGS84 (EPSG:4326). GCJ-02 is the obfuscated datum of
AMap/Gaode (and of the Vonng/adcode centre points): convert *into* WGS84 when reading such data,
and *out of* WGS84 only to draw on AMap tiles.

The forward transform is the widely published closed form (Krasovsky ellipsoid constants, offset
≈ 100–700 m inside China); outside China's bounding box coordinates are returned unchanged. The
inverse has no closed form and is solved by fixed-point iteration to better than 1e-9 degrees
(≈ 0.1 mm), far inside the required 1 m.

>>> lon, lat = wgs84_to_gcj02(116.404, 39.915)
>>> round(float(lon), 6), round(float(lat), 6)
(116.410244, 39.916404)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

#: Semi-major axis and eccentricity² used by the GCJ-02 formula (Krasovsky 1940).
_A = 6378245.0
_EE = 0.00669342162296594323

#: Bounding box outside which GCJ-02 equals WGS84 (lon_min, lat_min, lon_max, lat_max).
CHINA_BBOX: tuple[float, float, float, float] = (72.004, 0.8293, 137.8347, 55.8271)

ArrayLike = Any  # float, sequence of floats or numpy array


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """Boolean mask: True where a point lies outside the box in which GCJ-02 differs from WGS84."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    lon0, lat0, lon1, lat1 = CHINA_BBOX
    return (x < lon0) | (x > lon1) | (y < lat0) | (y > lat1) | ~np.isfinite(x) | ~np.isfinite(y)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS84 (degrees) at WGS84 points; zero outside China."""
    x = lon - 105.0
    y = lat - 35.0
    sx, sy = np.pi * x, np.pi * y
    common = (20.0 * np.sin(6.0 * sx) + 20.0 * np.sin(2.0 * sx)) * 2.0 / 3.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * sqrt_abs_x
        + common
        + (20.0 * np.sin(sy) + 40.0 * np.sin(sy / 3.0)) * 2.0 / 3.0
        + (160.0 * np.sin(sy / 12.0) + 320.0 * np.sin(sy / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * sqrt_abs_x
        + common
        + (20.0 * np.sin(sx) + 40.0 * np.sin(sx / 3.0)) * 2.0 / 3.0
        + (150.0 * np.sin(sx / 12.0) + 300.0 * np.sin(sx / 30.0)) * 2.0 / 3.0
    )
    rad = np.radians(lat)
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    if x.shape != y.shape:
        msg = f"lon and lat must have the same shape, got {x.shape} and {y.shape}"
        raise ValueError(msg)
    return x, y


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 coordinates of WGS84 points (arrays of any shape, or scalars → 0-d arrays)."""
    x, y = _as_arrays(lon, lat)
    dx, dy = _offset(x, y)
    return x + dx, y + dy


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tol: float = 1e-10, max_iter: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 coordinates of GCJ-02 points, by iterating ``w ← w − (gcj(w) − g)``.

    Converges in 3–5 iterations to ``tol`` degrees (default 1e-10, ≈ 0.01 mm); the offset field
    is smooth, so the iteration is a contraction everywhere inside China.
    """
    gx, gy = _as_arrays(lon, lat)
    wx, wy = gx.copy(), gy.copy()
    for _ in range(max_iter):
        fx, fy = wgs84_to_gcj02(wx, wy)
        ex, ey = fx - gx, fy - gy
        wx, wy = wx - ex, wy - ey
        if np.all(np.nan_to_num(np.maximum(np.abs(ex), np.abs(ey))) < tol):
            break
    return wx, wy


def _transform_geometry(geometry: Any, func: Any) -> Any:
    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, apply)


def geometry_to_gcj02(geometry: Any) -> Any:
    """A shapely geometry (or array of them) shifted from WGS84 to GCJ-02, for AMap tiles only."""
    return _transform_geometry(geometry, wgs84_to_gcj02)


def geometry_to_wgs84(geometry: Any) -> Any:
    """A shapely geometry (or array of them) shifted from GCJ-02 back to WGS84."""
    return _transform_geometry(geometry, gcj02_to_wgs84)
