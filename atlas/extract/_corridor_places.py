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
For a long-distance route another city's urban district (市辖区) of tiers 3–4 counts as tier 5 and
ranks after the cities of that tier; the two initials of a route are resolved together, as places
of one rank (:func:`resolve_initials`); an autonomous prefecture, 地区 or 盟 as an end is its seat
city of the same name (大理白族自治州 → 大理市).
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
    found = _initial_candidates(char, region, max_tier)
    return found[0] if found else None


@lru_cache(maxsize=4096)
def resolve_initials(
    chars: str, region: AdminUnit | None, *, max_tier: int = NATIONAL_TIERS
) -> tuple[Endpoint, ...] | None:
    """The units meant by all the initials of one abbreviated name, resolved together.

    The two ends of one route are places of one rank: two prefecture-level cities (鹤大 → 鹤岗市,
    大连市, not the county 大安市 that is nearer), or two counties (抚长 → 抚松县, 长白县 in a
    document of their prefecture, not 长春市). When every initial can be a unit of the same rank
    (prefecture-level, municipalities included, or county-level; the document's own region
    counts as either) and no end is more than one tier below its own best candidate, the rank
    whose candidates have the smallest tiers in total wins (ties: the smaller total distance to
    the region); otherwise, and for names of three or four
    initials (a chain of stops), each initial is resolved on its own (:func:`resolve_initial`).
    None when some initial does not resolve.
    """
    per_char = [_initial_candidates(ch, region, max_tier) for ch in chars]
    if not all(per_char):
        return None
    if len(chars) != 2:  # 张吉怀: a chain of stops mixes ranks (吉首市 among cities)
        return tuple(cands[0] for cands in per_char)
    best: tuple[int, float, tuple[Endpoint, ...]] | None = None
    for rank in ("prefecture", "county"):
        chosen: list[Endpoint] = []
        for cands in per_char:
            pick = next((e for e in cands if e.tier == 0 or _rank(e) == rank), None)
            if pick is None or pick.tier > cands[0].tier + 1:
                break  # 武阳: 武汉市 and the county 阳新县 nearby, not the far city 阳泉市
            chosen.append(pick)
        else:
            cost = (sum(e.tier for e in chosen), sum(_dist_code(e.adcode, region) for e in chosen))
            if best is None or cost < best[:2]:
                best = (*cost, tuple(chosen))
    if best is not None and len({e.name for e in best[2]}) == len(chars):
        return best[2]
    return tuple(cands[0] for cands in per_char)


def same_rank(ends: tuple[Endpoint, ...]) -> bool:
    """True when all ends are prefecture-level cities, or all county-level units."""
    ranks = {_rank(e) for e in ends}
    return len(ranks) == 1 and None not in ranks


def _rank(e: Endpoint) -> str | None:
    """``prefecture`` for prefecture-level cities and municipalities, ``county`` for counties."""
    if e.adcode is None or e.tier >= 9:  # a town, or a province by its abbreviation
        return None
    unit = _index().boundaries.get(e.adcode)
    if unit.level == "county":
        if _seat_prefecture(unit.adcode) is not None:
            return "prefecture"
        return "county"
    return "prefecture"


def _dist_code(code: str | None, region: AdminUnit | None) -> float:
    return 0.0 if region is None or code is None else distance_deg(code, region.adcode)


@lru_cache(maxsize=4096)
def _initial_candidates(char: str, region: AdminUnit | None, max_tier: int) -> tuple[Endpoint, ...]:
    """Every unit an initial may stand for within ``max_tier``, best first (tier, then distance)."""
    idx = _index()
    candidates: list[tuple[int, float, str, str, str | None]] = []
    for unit in idx.by_initial.get(char, ()):
        tier = _tier(unit, region)
        dist = _dist(unit, region)
        if tier > 2 and max_tier > PROVINCE_TIERS and _is_district(unit):
            # a long route names a far city before another city's district (张 → 张家界市, not
            # 十堰's 张湾区); the district stays a candidate (寻沾 → 寻甸县, 沾益区)
            tier, dist = max(tier, 5), dist + _DISTRICT_PENALTY
        if tier <= max_tier:
            candidates.append((tier, dist, unit.adcode, unit.name, unit.adcode))
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
    candidates.sort(key=lambda c: c[:3])
    return tuple(_at_seat(Endpoint(name, adcode, tier)) for tier, _, _, name, adcode in candidates)


#: Added to a far district's distance so that it ranks after every city of its tier.
_DISTRICT_PENALTY = 1000.0


def _is_district(unit: AdminUnit) -> bool:
    """A city's urban district (市辖区: 张湾区, 忻府区), not a county or county-level city."""
    return unit.level == "county" and unit.name.endswith("区")


def _at_seat(e: Endpoint) -> Endpoint:
    """An autonomous prefecture, 地区 or 盟 as an end of a route is its seat city of the same
    name (大丽铁路 → 大理市, not the whole 大理白族自治州; 阿克苏地区 → 阿克苏市)."""
    if e.adcode is None:
        return e
    seat = _seat_city(e.adcode)
    return e if seat is None else Endpoint(seat.name, seat.adcode, e.tier)


def _seat_city(code: str) -> AdminUnit | None:
    """The county-level city named like prefecture ``code`` (a 自治州, 地区 or 盟), or None."""
    return _seats().get(code)


@lru_cache(maxsize=1)
def _seats() -> dict[str, AdminUnit]:
    """Prefecture adcode → its seat of the same short name, for 自治州 / 地区 / 盟 prefectures."""
    units = _index().boundaries.units
    out: dict[str, AdminUnit] = {}
    for u in units.values():
        pref = units.get(u.prefecture_code)
        if (
            u.level == "county"
            and u.name.endswith("市")
            and pref is not None
            and pref.level == "prefecture"
            and pref.name.endswith(("自治州", "地区", "盟"))
            and u.short_name == pref.short_name
        ):
            out[pref.adcode] = u
    return out


def _seat_prefecture(code: str) -> str | None:
    """The prefecture whose seat city (see :func:`_seat_city`) is county ``code``, or None."""
    pref = code[:4] + "00"
    seat = _seats().get(pref)
    return pref if seat is not None and seat.adcode == code else None


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
    return _at_seat(Endpoint(best.name, best.adcode, _tier(best, region)))


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

    侯马 → 侯马市 (141081); 尉侯 → 尉侯村 (no adcode) when it is a village of the region; a town of
    the region wins over a unit outside the region's province (平阳镇 before 平阳县 of 浙江), a
    village does not (安阳 stays 安阳市); a county
    written before one of its places keeps it (古县北平 → 古县北平镇), the region itself is dropped
    (霍州市七里峪 → 七里峪村); anything else is kept as written with no adcode.
    """
    unit = resolve_name(name, region)
    code = region.adcode if region else None
    local = local_place_names(code)
    full = local.get(name)
    is_town = full is not None and _local_places(code).get(name, ("", ""))[1] == "town"
    if unit is not None and (not is_town or unit.tier <= PROVINCE_TIERS):
        return unit  # a village never hides a city (安阳 → 安阳市, not a village 安阳村)
    if full is not None:  # a town of the region before a unit of a far province (平阳 → 平阳镇)
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
