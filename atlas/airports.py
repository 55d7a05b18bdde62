"""Airports with their own coordinates: a gazetteer source for corridor mentions of kind ``airport``.

Data: the ``airportsdata`` package (OurAirports-derived ICAO/IATA list, MIT licence), WGS84
lon/lat. A plan names an airport by its city (长治机场, 霍林河机场); the name's pinyin is matched
against the airport's city and name, and only inside a given scope (the document's prefecture),
so 长治机场 in a 长治 plan is the airport near 长治 and nothing else. Planned general-aviation
airports (通用机场) are not in the data and are never matched to an existing airport.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import shapely

from atlas.gazetteer import pinyin_keys
from atlas.text import strip_admin_suffix

log = logging.getLogger("atlas")

SOURCE_AIRPORTS = "OurAirports via airportsdata (MIT)"

_SUFFIX = re.compile(r"(国际)?(民用)?(支线)?(机场|航空港|空港)$")


@dataclass(frozen=True)
class Airport:
    """An airport of the data: ICAO code, English name and city, WGS84 position."""

    icao: str
    name: str
    city: str
    lon: float
    lat: float

    @property
    def point(self) -> shapely.Point:
        return shapely.Point(self.lon, self.lat)

    @property
    def keys(self) -> tuple[str, str]:
        """Latin-folded city and name, for matching pinyin (``changzhi``, ``changzhiairport``)."""
        return _latin(self.city), _latin(self.name)


def _latin(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in plain if ch.isascii() and ch.isalpha())


@lru_cache(maxsize=1)
def china_airports() -> tuple[Airport, ...]:
    """Every airport in China of the ``airportsdata`` list (empty, with a warning, without it)."""
    try:
        import airportsdata
    except ImportError:
        log.warning("airportsdata is not installed: airports stay at county precision")
        return ()
    rows = airportsdata.load("ICAO").values()
    return tuple(
        Airport(r["icao"], r["name"], r["city"], float(r["lon"]), float(r["lat"]))
        for r in rows
        if r.get("country") == "CN"
    )


def airport_core(name: str) -> str | None:
    """The place an airport is named after: 长治机场 → 长治; None for general-aviation airports."""
    if "通用" in name:
        return None
    core = _SUFFIX.sub("", name.strip())
    core = strip_admin_suffix(core)
    return core if len(core) >= 2 else None


def find_airport(name: str, *, within: shapely.Geometry) -> Airport | None:
    """The one airport inside ``within`` whose city or name spells ``name``'s place; else None.

    Two or more matches (or none) give None: the caller keeps its coarser placement.
    """
    core = airport_core(name)
    if core is None:
        return None
    keys = pinyin_keys(core)
    if not keys:
        return None
    hits = [
        a
        for a in china_airports()
        if within.covers(a.point) and any(k == a.keys[0] or k in a.keys[1] for k in keys)
    ]
    return hits[0] if len(hits) == 1 else None
