"""Place resolution for corridor names: abbreviation initials and written endpoints.

A corridor name such as 黎霍高速 joins the first characters of its endpoints; 晋城至侯马城际高铁
writes them out. Both are resolved here against the administrative units of ``atlas.boundaries``
(and, for written endpoints, the towns and villages of ``atlas.admin_tree``), always ranked by
how close a unit is to the document's region. There is no table of routes: only the rule that
nearby units are meant before distant ones, and prefecture-level cities before counties.

Tiers for one initial character (lower wins, ties broken by distance to the region):

0. the region itself or its prefecture;
1. prefecture-level cities of the region's province;
2. counties of the region's prefecture;
3. counties of the region's province;
4. prefecture-level cities of neighbouring provinces, and the municipalities by their one-character
   abbreviation (京 → 北京市);
5. prefecture-level cities anywhere;
6. counties of neighbouring provinces;
7. prefectures / counties of the province whose short name *contains* the character (同 → 大同市).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import lru_cache

import shapely

from atlas.boundaries import Boundaries, load_boundaries
from atlas.models import AdminUnit

log = logging.getLogger("atlas")

#: One-character abbreviations of the four municipalities (a national convention, not a route list).
MUNICIPALITY_ABBREVIATIONS: dict[str, str] = {"京": "110000", "津": "120000", "沪": "310000", "渝": "500000"}

#: Largest tier accepted for an initial of a weak corridor name (…线, …公路): the province.
PROVINCE_TIERS = 3
#: Largest tier accepted for an initial of a long-distance route (…高速, …铁路).
NATIONAL_TIERS = 7


@dataclass(frozen=True)
class Endpoint:
    """A resolved endpoint: the full name to report and its adcode (None when not a county+ unit)."""

    name: str
    adcode: str | None
    tier: int = 0


@dataclass
class _Index:
    boundaries: Boundaries
    by_initial: dict[str, list[AdminUnit]]
    by_char: dict[str, list[AdminUnit]]
    points: dict[str, tuple[float, float]]
    province_neighbours: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def _index() -> _Index:
    b = load_boundaries()
    by_initial: dict[str, list[AdminUnit]] = {}
    by_char: dict[str, list[AdminUnit]] = {}
    for unit in b.units.values():
        if unit.level == "province" and unit.adcode not in MUNICIPALITY_ABBREVIATIONS.values():
            continue
        by_initial.setdefault(unit.name[0], []).append(unit)
        for ch in set(unit.short_name[1:]):
            by_char.setdefault(ch, []).append(unit)
    frame = b.frame
    points = {
        code: (float(lon), float(lat))
        for code, lon, lat in zip(frame["adcode"], frame["lon"], frame["lat"], strict=True)
    }
    prov = frame[frame["level"] == "province"]
    simple = shapely.simplify(prov.geometry.values, 0.02)
    codes = list(prov["adcode"])
    neighbours: dict[str, frozenset[str]] = {}
    for i, code in enumerate(codes):
        hits = shapely.intersects(simple, simple[i].buffer(0.05))
        neighbours[code] = frozenset(c for c, h in zip(codes, hits, strict=True) if h and c != code)
    return _Index(b, by_initial, by_char, points, neighbours)


def _distance(a: str, b: str) -> float:
    pts = _index().points
    pa, pb = pts.get(a), pts.get(b)
    if pa is None or pb is None:
        return 1e9
    dx = (pa[0] - pb[0]) * math.cos(math.radians((pa[1] + pb[1]) / 2))
    return math.hypot(dx, pa[1] - pb[1])


def _tier(unit: AdminUnit, region: AdminUnit | None) -> int:
    """How far ``unit`` is from ``region`` in the administrative sense (see module docstring)."""
    if region is None:
        return 5 if unit.level != "county" else 6
    if unit.adcode == region.adcode or (
        region.level == "county" and unit.level == "prefecture" and unit.adcode == region.prefecture_code
    ):
        return 0
    same_province = unit.province_code == region.province_code
    neighbour = unit.province_code in _index().province_neighbours.get(region.province_code, frozenset())
    if unit.level == "province":  # a municipality reached through its abbreviation
        return 4
    if unit.level == "prefecture":
        if same_province:
            return 1
        return 4 if neighbour else 5
    if same_province:
        return 2 if unit.prefecture_code == region.prefecture_code else 3
    return 6 if neighbour else 99


@lru_cache(maxsize=4096)
def resolve_initial(
    char: str, region: AdminUnit | None, *, max_tier: int = NATIONAL_TIERS
) -> Endpoint | None:
    """The unit most likely meant by one initial character of an abbreviated corridor name.

    Parameters
    ----------
    char
        One character: 黎 in 黎霍高速.
    region
        The document's region; candidates near it rank first.
    max_tier
        Largest tier accepted (see the module docstring).

    Returns
    -------
    Endpoint or None
        The best candidate, or None when no unit of an accepted tier starts with ``char``.
    """
    idx = _index()
    candidates: list[tuple[int, float, str, AdminUnit]] = []
    for unit in idx.by_initial.get(char, ()):
        tier = _tier(unit, region)
        if tier <= max_tier:
            candidates.append((tier, _dist(unit, region), unit.adcode, unit))
    code = MUNICIPALITY_ABBREVIATIONS.get(char)
    if code is not None and max_tier >= 4:
        unit = idx.boundaries.get(code)
        candidates.append((4, _dist(unit, region), unit.adcode, unit))
    if not candidates and max_tier >= 7:
        for unit in idx.by_char.get(char, ()):
            if region is not None and unit.province_code == region.province_code and unit.level != "province":
                candidates.append((7, _dist(unit, region), unit.adcode, unit))
    if not candidates:
        return None
    tier, _, _, unit = min(candidates, key=lambda c: (c[0], c[1], c[2]))
    return Endpoint(unit.name, unit.adcode, tier)


def _dist(unit: AdminUnit, region: AdminUnit | None) -> float:
    return 0.0 if region is None else _distance(unit.adcode, region.adcode)


@lru_cache(maxsize=4096)
def resolve_name(name: str, region: AdminUnit | None) -> Endpoint | None:
    """An administrative unit written out in full or by its short name (侯马 → 侯马市).

    Units near the region are preferred; returns None when ``name`` is not a county-level or
    higher unit's name.
    """
    idx = _index()
    codes = idx.boundaries.names().get(name)
    if not codes:
        return None
    units = [idx.boundaries.get(c) for c in codes]
    units = [u for u in units if u.level != "province" or u.adcode in MUNICIPALITY_ABBREVIATIONS.values()]
    if not units:
        return None
    best = min(units, key=lambda u: (_tier(u, region) if region else 0, _dist(u, region), u.adcode))
    return Endpoint(best.name, best.adcode, _tier(best, region))


@lru_cache(maxsize=64)
def local_place_names(region_code: str | None) -> dict[str, str]:
    """Town and village names (and their short aliases) of the region → their full names.

    A county region gives its own towns and villages; a prefecture region those of its counties.
    Empty when the region is unknown or the hierarchy is not available.
    """
    if not region_code:
        return {}
    try:
        from atlas.admin_tree import load_admin_tree

        tree = load_admin_tree()
        prefix = region_code[:4] if region_code.endswith("00") else region_code
        names = tree.names_in(prefix)
    except Exception as exc:  # the hierarchy is optional for corridors
        log.debug("no town/village names for %s: %s", region_code, exc)
        return {}
    out: dict[str, str] = {}
    for key, places in names.items():
        if len(key) >= 2:
            out.setdefault(key, places[0].name)
    return out


def resolve_place(name: str, region: AdminUnit | None) -> Endpoint:
    """A written endpoint as a full place name: an administrative unit, a town or village, or itself.

    侯马 → 侯马市 (141081); 尉侯 → 尉侯村 (no adcode) when it is a village of the region; anything
    else is kept as written with no adcode.
    """
    unit = resolve_name(name, region)
    if unit is not None:
        return unit
    local = local_place_names(region.adcode if region else None)
    full = local.get(name)
    if full is not None:
        return Endpoint(full, None, 0)
    return Endpoint(name, None, 99)


@lru_cache(maxsize=64)
def nearby_admin_names(region_code: str | None) -> frozenset[str]:
    """Full and short names of the units of the region's province and its neighbours (len >= 2)."""
    idx = _index()
    if not region_code:
        return frozenset()
    province = region_code[:2] + "0000"
    provinces = {province} | set(idx.province_neighbours.get(province, ()))
    out = set()
    for unit in idx.boundaries.units.values():
        if unit.province_code in provinces:
            out.update(n for n in (unit.name, unit.short_name) if len(n) >= 2)
    return frozenset(out)
