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
3. towns (乡镇) of the region, for local roads only (沁樊 → 沁水县, 樊村河乡);
4. counties of the region's province;
5. prefecture-level cities of neighbouring provinces, and the municipalities by their one-character
   abbreviation (京 → 北京市);
6. prefecture-level cities anywhere;
7. counties of neighbouring provinces;
8. towns of the region, for long-distance routes;
9. provinces by their one-character abbreviation (蒙 → 内蒙古自治区);
10. prefectures / counties of the province whose short name *contains* the character (同 → 大同市).

Local roads (…公路, …线, tourism roads) accept tiers up to 4, long-distance routes up to 10.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import lru_cache

import shapely

from atlas._errors import InputError
from atlas.boundaries import Boundaries, load_boundaries
from atlas.models import AdminUnit

log = logging.getLogger("atlas")

#: One-character abbreviations of the province-level units that route names abbreviate like cities:
#: the four municipalities and the two special administrative regions (京港澳高速 → 北京, 香港, 澳门).
#: A national convention, not a route list.
MUNICIPALITY_ABBREVIATIONS: dict[str, str] = {
    "京": "110000", "津": "120000", "沪": "310000", "渝": "500000", "港": "810000", "澳": "820000",
}  # fmt: skip
#: One-character abbreviations of the provinces (GB/T 2260 convention).
PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "冀": "130000", "晋": "140000", "蒙": "150000", "辽": "210000", "吉": "220000", "黑": "230000",
    "苏": "320000", "浙": "330000", "皖": "340000", "闽": "350000", "赣": "360000", "鲁": "370000",
    "豫": "410000", "鄂": "420000", "湘": "430000", "粤": "440000", "桂": "450000", "琼": "460000",
    "川": "510000", "蜀": "510000", "贵": "520000", "黔": "520000", "云": "530000", "滇": "530000",
    "藏": "540000", "陕": "610000", "秦": "610000", "甘": "620000", "陇": "620000", "青": "630000",
    "宁": "640000", "新": "650000",
}  # fmt: skip

#: Largest tier accepted for an initial of a local corridor name (…线, …公路): the province.
PROVINCE_TIERS = 4
#: Largest tier accepted for an initial of a long-distance route (…高速, …铁路).
NATIONAL_TIERS = 10


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


def distance_deg(a: str, b: str) -> float:
    """Distance in (latitude-scaled) degrees between the label points of two units."""
    pts = _index().points
    pa, pb = pts.get(a), pts.get(b)
    if pa is None or pb is None:
        return 1e9
    dx = (pa[0] - pb[0]) * math.cos(math.radians((pa[1] + pb[1]) / 2))
    return math.hypot(dx, pa[1] - pb[1])


def _tier(unit: AdminUnit, region: AdminUnit | None) -> int:
    """How far ``unit`` is from ``region`` in the administrative sense (see module docstring)."""
    if region is None:
        return 6 if unit.level != "county" else 7
    if unit.adcode == region.adcode or (
        region.level == "county" and unit.level == "prefecture" and unit.adcode == region.prefecture_code
    ):
        return 0
    same_province = unit.province_code == region.province_code
    neighbour = unit.province_code in _index().province_neighbours.get(region.province_code, frozenset())
    if unit.level == "province":  # a municipality reached through its abbreviation
        return 5
    if unit.level == "prefecture":
        if same_province:
            return 1
        return 5 if neighbour else 6
    if same_province:
        return 2 if unit.prefecture_code == region.prefecture_code else 4
    return 7 if neighbour else 99


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
        Largest tier accepted (see the module docstring): :data:`PROVINCE_TIERS` for local
        roads, :data:`NATIONAL_TIERS` for long-distance routes.

    Returns
    -------
    Endpoint or None
        The best candidate, or None when no unit of an accepted tier starts with ``char``.
    """
    idx = _index()
    candidates: list[tuple[int, float, str, str, str | None]] = []
    for unit in idx.by_initial.get(char, ()):
        tier = _tier(unit, region)
        if tier <= max_tier:
            candidates.append((tier, _dist(unit, region), unit.adcode, unit.name, unit.adcode))
    code = MUNICIPALITY_ABBREVIATIONS.get(char)
    if code is not None and max_tier >= 5:
        unit = idx.boundaries.get(code)
        candidates.append((5, _dist(unit, region), unit.adcode, unit.name, unit.adcode))
    town_tier = 3 if max_tier <= PROVINCE_TIERS else 8
    towns = _towns_by_initial(region.adcode if region else None).get(char)
    if towns and max_tier >= town_tier:
        candidates.append((town_tier, 0.0, "", towns[0], None))
    code = PROVINCE_ABBREVIATIONS.get(char)
    if code is not None and max_tier >= 9:
        unit = idx.boundaries.get(code)
        candidates.append((9, _dist(unit, region), unit.adcode, unit.name, unit.adcode))
    if not candidates and max_tier >= 10 and region is not None:
        for unit in idx.by_char.get(char, ()):
            if unit.province_code == region.province_code and unit.level != "province":
                candidates.append((10, _dist(unit, region), unit.adcode, unit.name, unit.adcode))
    if not candidates:
        return None
    tier, _, _, name, adcode = min(candidates, key=lambda c: c[:3])
    return Endpoint(name, adcode, tier)


@lru_cache(maxsize=64)
def _towns_by_initial(region_code: str | None) -> dict[str, list[str]]:
    """Town names (乡镇/街道) of the region by their first character."""
    out: dict[str, list[str]] = {}
    for name, (full, level) in _local_places(region_code).items():
        if level == "town" and name == full:
            out.setdefault(name[0], []).append(name)
    return out


def _dist(unit: AdminUnit, region: AdminUnit | None) -> float:
    return 0.0 if region is None else distance_deg(unit.adcode, region.adcode)


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
    best = min(
        units,
        key=lambda u: (
            u.level == "province" and u.adcode not in MUNICIPALITY_ABBREVIATIONS.values(),
            _tier(u, region),
            _dist(u, region),
            u.adcode,
        ),
    )
    return Endpoint(best.name, best.adcode, _tier(best, region))


@lru_cache(maxsize=64)
def _local_places(region_code: str | None) -> dict[str, tuple[str, str]]:
    """Town and village names (and short aliases) of a region → (full name, level); towns first."""
    if not region_code:
        return {}
    from atlas.admin_tree import load_admin_tree

    tree = load_admin_tree()  # part of the installation: DataMissingError when it is not there
    prefix = region_code[:4] if region_code.endswith("00") else region_code
    try:
        names = tree.names_in(prefix)
    except InputError as exc:  # a code the location dictionary does not know: no towns
        log.warning("no town/village names for %s: %s", region_code, exc)
        return {}
    out: dict[str, tuple[str, str]] = {}
    for key, places in names.items():
        if len(key) >= 2:
            place = min(places, key=lambda p: p.level != "town")
            out[key] = (place.name, place.level)
    return out


def local_place_names(region_code: str | None) -> dict[str, str]:
    """Town and village names (and their short aliases) of the region → their full names.

    A county region gives its own towns and villages; a prefecture region those of its counties.
    Empty when the region is unknown or the hierarchy is not available.
    """
    return _local_names(region_code)


@lru_cache(maxsize=64)
def _local_names(region_code: str | None) -> dict[str, str]:
    return {k: v[0] for k, v in _local_places(region_code).items()}


def resolve_place(name: str, region: AdminUnit | None) -> Endpoint:
    """A written endpoint as a full place name: an administrative unit, a town or village, or itself.

    侯马 → 侯马市 (141081); 尉侯 → 尉侯村 (no adcode) when it is a village of the region; a county
    written before one of its places keeps it (古县北平 → 古县北平镇), the region itself is dropped
    (霍州市七里峪 → 七里峪村); anything else is kept as written with no adcode.
    """
    unit = resolve_name(name, region)
    if unit is not None:
        return unit
    code = region.adcode if region else None
    local = local_place_names(code)
    full = local.get(name)
    if full is not None:
        return Endpoint(full, None, 3)
    for k in range(len(name) - 2, 1, -1):
        head = resolve_name(name[:k], region)
        if head is None or head.adcode is None:
            continue
        rest = name[k:]
        if head.adcode == code:
            if rest in local:
                return Endpoint(local[rest], None, 3)
            continue
        inner = local_place_names(head.adcode).get(rest)
        if inner is not None:
            return Endpoint(head.name + inner, None, head.tier)
    if region is not None and region.level == "county":  # 鲁北 → 鲁北镇, a town of the prefecture
        town = _towns_named(region.prefecture_code).get(name)
        if town is not None:
            return Endpoint(town, None, 4)
    return Endpoint(name, None, 99)


@lru_cache(maxsize=64)
def _towns_named(prefecture_code: str) -> dict[str, str]:
    """Town names and short names of a prefecture → the full name (names unique in it only)."""
    seen: dict[str, set[str]] = {}
    for key, (full, level) in _local_places(prefecture_code).items():
        if level == "town":
            seen.setdefault(key, set()).add(full)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def is_known_place(name: str, region: AdminUnit | None) -> bool:
    """True for an administrative unit of the region's province or a neighbouring one, or a
    town/village of the region (anywhere in China when the region is unknown)."""
    if region is None:
        return resolve_name(name, None) is not None
    return name in nearby_admin_names(region.adcode) or name in local_place_names(region.adcode)


@lru_cache(maxsize=64)
def nearby_admin_names(region_code: str | None) -> frozenset[str]:
    """Full and short names of the units of the region's province and its neighbours (len >= 2)."""
    idx = _index()
    if not region_code:
        return frozenset()
    province = region_code[:2] + "0000"
    provinces = {province} | set(idx.province_neighbours.get(province, ()))
    out: set[str] = set()
    for unit in idx.boundaries.units.values():
        if unit.province_code in provinces:
            out.update(n for n in (unit.name, unit.short_name) if len(n) >= 2)
    return frozenset(out)
