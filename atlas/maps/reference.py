"""Reference data for the offline overlay: town centre points from the places file.

The places file (Vonng/adcode, GCJ-02; path from :func:`atlas.settings.places_path`) is read once,
towns only, and converted to WGS84. Without the file the overlay simply has no towns.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import shapely

from atlas import settings
from atlas.datum import gcj02_to_wgs84

log = logging.getLogger("atlas")


@lru_cache(maxsize=1)
def _towns(path: str) -> Any:
    import pandas as pd

    frame = pd.read_csv(
        path, usecols=["name", "level", "adcode", "lon_gcj02", "lat_gcj02"], dtype={"adcode": str}
    )
    frame = frame[(frame["level"] == "town") & frame["lon_gcj02"].notna() & frame["lat_gcj02"].notna()]
    lon, lat = gcj02_to_wgs84(frame["lon_gcj02"].to_numpy(float), frame["lat_gcj02"].to_numpy(float))
    return frame.assign(lon=lon, lat=lat)[["name", "adcode", "lon", "lat"]].reset_index(drop=True)


def town_points(region_code: str) -> list[tuple[str, Any]]:
    """``(name, WGS84 point)`` of the towns (乡/镇/街道) of a county or of every county of a
    prefecture; empty without the places file."""
    path = settings.places_path()
    if path is None or not path.exists():
        return []
    try:
        towns = _towns(str(path))
    except (OSError, ValueError, KeyError) as exc:
        log.warning("reference overlay without towns: cannot read %s (%s)", path, exc)
        return []
    code = str(region_code)
    prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
    mine = towns[towns["adcode"].astype(str).str.startswith(prefix)]
    return [
        (str(n), shapely.Point(float(x), float(y)))
        for n, x, y in zip(mine["name"], mine["lon"], mine["lat"], strict=True)
    ]
