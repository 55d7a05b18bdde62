"""Place each mention on the map with an honest precision tier: candidates first, choosing second.

:func:`features_from_mentions` turns the mentions of one document into one :class:`Feature` each
(never dropped). The gazetteer (:mod:`atlas.gazetteer`) proposes candidates; this module chooses:

- **scope** — a place name is looked up inside the document's region first. Outside it (the
  prefecture, then the province) only evidence that cannot be confused is accepted: a full town
  name (北平镇, not the bare 北平), a curated feature, or an administrative unit. A name found in many
  counties (历山, 龙泉, 新城) therefore resolves inside the region or stays at county precision;
- **ambiguity** — several candidates in different towns of one county give that county
  (precision ``county``); a town and villages inside it collapse to the town;
- **themes** — parks (``attrs["place"]``) and ecological zones (``attrs["places"]``) named after a
  village or town are placed there (七里峪 → 七里峪村, 李曹镇); rivers, mountains and other large
  natural features only match a place by its full written name (汾河 is not 汾河村); a river, lake
  or mountain range of the gazetteer with a line or area of its own is placed as its section inside
  the document's region (``exact``, clipped to the county or prefecture polygon), and only if it
  passes through that region (a basin or a structure component is not drawn as its river);
  corridors become ``schematic`` lines through their resolved endpoints; structure components are
  placed at the towns they name; red-line statements take the region's polygon; a stream without
  a line of its own named after a village or town (某村河) is placed at that place (``town``);
- **the county town** — what the text puts in the county town (城南公园, 环城廊道, a road's
  县城过境段, “一城”即中心城区, growth directions 东拓、北延 of the town) is placed at the seat of
  its government (:meth:`atlas.gazetteer.Gazetteer.seat`, precision ``town``);
- **fallback** — unresolved mentions get the label point of their county (a county document, or
  a county named in a prefecture document's sentence) with precision ``county``, else the region's
  label point with precision ``region``.

>>> feats = features_from_mentions(doc, mentions)  # doctest: +SKIP
>>> [(f.mention.name, f.precision, f.placed_at) for f in feats][:1]  # doctest: +SKIP
[('七里峪景区', 'town', '七里峪村')]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import shapely
import shapely.ops

from atlas._errors import InputError
from atlas.admin_tree import TOWN_SUFFIXES, adcode_prefix, place_short_name
from atlas.airports import SOURCE_AIRPORTS, find_airport
from atlas.boundaries import Boundaries
from atlas.gazetteer import (
    SOURCE_BOUNDARIES,
    USER_SOURCE,
    Candidate,
    Gazetteer,
    load_gazetteer,
    user_entry_applies,
)
from atlas.hydro import SOURCE_HYDRO, Hydro, load_hydro
from atlas.labels import statement_of
from atlas.models import AdminUnit, Document, Feature, Mention
from atlas.text import chinese_number, fold

log = logging.getLogger("atlas")

#: Eco-zone kinds that are large natural features: matched to a town/village only by full name.
NATURAL_KINDS: frozenset[str] = frozenset({"river", "mountain", "watershed", "eco_corridor", "eco_barrier"})
_PLACE_KINDS = ("town", "village")
_PRECISION_ORDER = {"exact": 0, "town": 1, "schematic": 2, "county": 3, "region": 4}
_ADMIN_NAME = re.compile(r"[\u4e00-\u9fff]{1,12}?(?:自治县|自治旗|县|市|区|旗)")


@dataclass(frozen=True)
class _Placement:
    """Where one place name resolved: a candidate with a point, or only its county."""

    candidate: Candidate | None
    county_code: str | None  # known county even without a point


@dataclass
class _Context:
    doc: Document
    gaz: Gazetteer
    region: AdminUnit | None
    hydro: Hydro | None = None
    scopes: list[str] = field(default_factory=list)  # region, prefecture, province prefixes
    clipped: dict[tuple[str, int], Any] = field(default_factory=dict)  # extended feature ∩ region

    @property
    def b(self) -> Boundaries:
        return self.gaz.boundaries


# ---------------------------------------------------------------------------------------------
# choosing among candidates
# ---------------------------------------------------------------------------------------------
def _prefix(code: str) -> str:
    return adcode_prefix(code)


def _scopes(region: AdminUnit | None) -> list[str]:
    if region is None:
        return []
    out = [_prefix(region.adcode)]
    for code in (region.prefecture_code, region.province_code):
        p = _prefix(code)
        if p not in out and out[0].startswith(p):
            out.append(p)
    return out


def _choose(cands: Sequence[Candidate]) -> _Placement | None:
    """One placement from candidates of one scope, or None when they disagree across counties."""
    if not cands:
        return None
    if len(cands) == 1:
        return _Placement(cands[0], cands[0].county_code)
    admin = [c for c in cands if c.kind in ("province", "prefecture", "county")]
    curated = [c for c in cands if not c.is_admin]
    places = [c for c in cands if c.kind in _PLACE_KINDS]
    if len(curated) == 1:
        return _Placement(curated[0], curated[0].county_code)
    if len(admin) == 1:
        return _Placement(admin[0], admin[0].county_code)
    if admin or curated:
        return None
    towns = {(c.county_code, c.town) for c in places}
    if len(towns) == 1:  # a town and villages inside it, or same-named villages of one town
        town = [c for c in places if c.kind == "town"]
        if town:
            return _Placement(town[0], town[0].county_code)
        best = min(places, key=lambda c: _PRECISION_ORDER.get(c.precision, 9))
        return _Placement(best, best.county_code)
    counties = {c.county_code for c in places}
    if len(counties) == 1:  # several places of one county: only the county is known
        return _Placement(None, next(iter(counties)))
    return None


def _outside_ok(c: Candidate) -> bool:
    """Evidence strong enough outside the document's region: a full town or administrative name
    as written (北平镇, 沁源县 — not 北平, 石楼), or a curated feature."""
    if c.kind == "village":
        return False
    if c.kind == "town":  # a real town name (北平镇), not a generic unit such as 开发区 or 城区
        return c.tier == "exact" and not _generic_town(c)
    if c.kind in ("province", "prefecture", "county"):
        return c.tier == "exact"
    return True


def _generic_town(c: Candidate) -> bool:
    """A town-level unit without a town suffix (开发区, 城区, 工业园区): not evidence of a place."""
    return c.kind == "town" and place_short_name(c.name, "town") == c.name


#: Last characters of water bodies: a name ending so is matched to a village/town only by its
#: full written name (汾河 is not 汾河村, the lake 盐池 is not 盐池村).
WATER_ENDINGS = frozenset("河江川渠溪湖池海泉水湾潭淀泊")


#: A place name followed by one of these and more text names a river: 必底河水库 is on 必底河.
RIVER_CHARS = frozenset("河江川溪渠")


def _looks_like_water(name: str) -> bool:
    return bool(name) and name[-1] in WATER_ENDINGS


#: How far inside the region polygon a clipped river or lake stays (degrees, about 10 cm).
CLIP_MARGIN_DEG = 1e-6


def _extended(c: Candidate) -> bool:
    """A curated feature with a line or area of its own (a river, lake or mountain range)."""
    g = c.geometry
    return (
        not c.is_admin
        and c.kind not in _PLACE_KINDS
        and g is not None
        and g.geom_type not in ("Point", "MultiPoint")
    )


def _clip(ctx: _Context, c: Candidate) -> Any:
    """The part of an extended feature inside the document's region (same dimension: a river's
    section, a lake's area), or None when it does not pass through the region."""
    region = ctx.region
    if region is None:
        return None
    key = (c.name, id(c.geometry))
    if key in ctx.clipped:
        return ctx.clipped[key]
    polygon = ctx.b.geometry(region.adcode)
    dim = shapely.get_dimensions(c.geometry)
    inside = None
    if polygon.intersects(c.geometry):
        # cut with the region shrunk by ~10 cm, so that the section stays inside its polygon
        # after floating-point intersection and after rounding to 6 decimals in the layers
        inner = _cached("inner", ctx.b, region.adcode, lambda: polygon.buffer(-CLIP_MARGIN_DEG))
        parts = shapely.get_parts(shapely.intersection(c.geometry, inner))
        parts = [g for g in parts if shapely.get_dimensions(g) == dim and not g.is_empty]
        if dim == 1:
            parts = [g for g in parts if g.length > 0]
        elif dim == 2:
            parts = [g for g in parts if g.area > 0]
        if parts:
            inside = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    ctx.clipped[key] = inside
    return inside


def _in_region(ctx: _Context, c: Candidate) -> bool:
    """False for an extended feature that does not pass through the document's region."""
    return not _extended(c) or _clip(ctx, c) is not None


def _resolve(
    ctx: _Context, name: str, *, natural: bool = False, endpoint: bool = False, extended: bool = True
) -> _Placement | None:
    """Resolve one place name in the document's scopes (region → prefecture → province).

    ``extended=False`` ignores rivers, lakes and mountain ranges (a corridor endpoint, a basin).
    """
    name = fold(name or "").strip()
    if len(name) < 2 or ctx.region is None:
        return None
    gaz = ctx.gaz
    for i, scope in enumerate(ctx.scopes):
        cands = gaz.search(name, within=scope, fuzzy=(i == 0 and not natural))
        if i == 0 and cands and all(c.tier == "core" for c in cands):
            head = _longest_head(ctx, name, max((c.matched for c in cands), key=len))
            if head is None:
                cands = []
            elif head != cands[0].matched:
                cands = gaz.search(head, within=scope, fuzzy=False)
        if natural or _looks_like_water(name):  # 汾河 is not 汾河村: places only by full name
            cands = [c for c in cands if not (c.kind in _PLACE_KINDS and c.tier != "exact")]
        # a river or lake elsewhere in the province is not evidence for this region
        cands = [c for c in cands if (extended and not endpoint) or not _extended(c)]
        cands = [c for c in cands if _in_region(ctx, c)]
        if i > 0:
            if endpoint:  # a corridor endpoint: a real town by its short name too (蒲州 → 蒲州镇)
                cands = [c for c in cands if c.kind != "village" and not _generic_town(c)]
            else:
                cands = [c for c in cands if _outside_ok(c)]
        if cands:
            return _choose(cands)
    if endpoint:  # a corridor endpoint may be far away: administrative units anywhere
        units = gaz.boundaries.find(name, within=ctx.region.adcode)
        if units:
            top = units[0]
            rivals = [
                u
                for u in units[1:]
                if _shared(u.adcode, ctx.region.adcode) == _shared(top.adcode, ctx.region.adcode)
            ]
            if not rivals:
                cands = gaz.search(top.name, kinds=(top.level,))
                cands = [c for c in cands if c.county_code == top.adcode]
                if cands:
                    return _Placement(cands[0], top.adcode)
    # 古县北平镇: an administrative name followed by a place inside it
    m = _ADMIN_NAME.match(name)
    if m and len(name) - m.end() >= 2:
        units = gaz.boundaries.find(m.group(0), within=ctx.region.adcode)
        if units:
            cands = gaz.search(name[m.end() :], within=units[0].adcode, fuzzy=False)
            return _choose(cands)
    return None


def _longest_head(ctx: _Context, written: str, place: str) -> str | None:
    """The place a name is built on, given a place that begins it (the extractor's ``place``, or
    the core a candidate matched): a longer place of the region that also begins the name wins
    (辛安泉域 begins with 辛安 and with 辛安泉, short for 辛安泉镇: it is built on 辛安泉镇).

    Returns ``place`` when no longer place begins the name, the longer place's full name when
    it is one place of the region, and None when it is not (then neither is evidence).
    """
    text, place = fold(written), fold(place)
    if ctx.region is None or not ctx.scopes or len(place) < 2 or not text.startswith(place):
        return place
    keys = _region_place_keys(ctx.gaz, ctx.scopes[0], aliases=True)
    for key in keys.get(place[:1], ()):  # longest first
        if len(place) < len(key) < len(text) and text.startswith(key):
            p = _choose(ctx.gaz.search(key, within=ctx.scopes[0], fuzzy=False))
            if p is None or p.candidate is None:
                return None
            return p.candidate.name
    return place


def _shared(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


# ---------------------------------------------------------------------------------------------
# geometry helpers
# ---------------------------------------------------------------------------------------------
def _county_unit(ctx: _Context, code: str) -> AdminUnit | None:
    try:
        return ctx.b.get(code)
    except (InputError, KeyError):  # an unknown code simply has no unit
        return None


def _feature(
    m: Mention,
    geometry: Any,
    precision: str,
    code: str,
    ctx: _Context,
    placed_at: str | None,
    source: str | None,
    properties: dict[str, Any] | None = None,
) -> Feature:
    unit = _county_unit(ctx, code)
    return Feature(
        mention=m,
        geometry=geometry,
        precision=precision,
        county_code=code,
        county_name=unit.name if unit else "",
        placed_at=placed_at,
        place_source=source,
        properties=properties or {},
    )


def _from_placement(m: Mention, p: _Placement, ctx: _Context) -> Feature | None:
    """A feature at a resolved placement (a point, or the label point of its known county)."""
    c = p.candidate
    if c is not None and _extended(c):
        return _combine(m, [c], ctx)
    if c is not None and c.geometry is not None:
        return _feature(m, c.geometry, c.precision, _placement_code(ctx, c), ctx, c.name, c.source)
    known = p.county_code or (c.county_code if c else None)
    if not known:
        return None
    code: str = known
    unit = _county_unit(ctx, code)
    if unit is None:
        return None
    precision = "county" if unit.level == "county" else "region"
    placed = c.name if c is not None else unit.name
    return _feature(m, ctx.b.label_point(code), precision, code, ctx, placed, SOURCE_BOUNDARIES)


def _placement_code(ctx: _Context, c: Candidate) -> str:
    """County code of a candidate with coordinates (curated points: the county containing them)."""
    if c.is_admin or c.geometry is None or c.geometry.geom_type != "Point":
        return c.county_code
    unit = ctx.b.county_at(c.geometry.x, c.geometry.y)
    return unit.adcode if unit is not None else c.county_code


def _combine(m: Mention, found: list[Candidate], ctx: _Context) -> Feature:
    """One feature at several resolved places: a Point for one, a MultiPoint for several; extended
    features (rivers, lakes) only when no point was found, as their sections inside the region."""
    seen: dict[tuple[float, float], Candidate] = {}
    extended: dict[str, Candidate] = {}
    for c in found:
        if _extended(c):
            extended.setdefault(c.name, c)
        elif c.geometry.geom_type == "Point":
            seen.setdefault((round(c.geometry.x, 7), round(c.geometry.y, 7)), c)
    if extended and not seen and ctx.region is not None:
        used_ext = [(c, _clip(ctx, c)) for c in extended.values()]
        used_ext = [(c, g) for c, g in used_ext if g is not None]
        # one kind of geometry per feature: the dimension of the first (a river, then lakes on it)
        used_ext = [(c, g) for c, g in used_ext if g.geom_type[-4:] == used_ext[0][1].geom_type[-4:]]
        if used_ext:
            geoms = [g for _, g in used_ext]
            geom = geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
            sources = "; ".join(dict.fromkeys(c.source for c, _ in used_ext))
            placed = "、".join(c.name for c, _ in used_ext)
            return _feature(m, geom, "exact", ctx.region.adcode, ctx, placed, sources)
    used = list(seen.values()) or [c for c in found if not _extended(c)][:1] or found[:1]
    first = used[0]
    geom = first.geometry if len(used) == 1 else shapely.MultiPoint([c.geometry for c in used])
    precision = max((c.precision for c in used), key=lambda p: _PRECISION_ORDER.get(p, 9))
    sources = "; ".join(dict.fromkeys(c.source for c in used))
    placed = "、".join(dict.fromkeys(c.name for c in used))
    return _feature(m, geom, precision, _placement_code(ctx, first), ctx, placed, sources)


# ---------------------------------------------------------------------------------------------
# fallback: county or region label point
# ---------------------------------------------------------------------------------------------
_CACHE: dict[tuple[str, int, str], tuple[object, Any]] = {}


def _cached(kind: str, owner: object, prefix: str, build: Any) -> Any:
    """Per-(object, prefix) cache of derived lookups; keeps the owner alive so its id stays unique."""
    key = (kind, id(owner), prefix)
    hit = _CACHE.get(key)
    if hit is None or hit[0] is not owner:
        hit = (owner, build())
        _CACHE[key] = hit
    return hit[1]


def _county_names_under(prefix: str, b: Boundaries) -> tuple[tuple[str, str], ...]:
    """(name as written, adcode) of the counties under a prefecture, longest first: full names and
    short names of at least two characters that differ from the full name."""
    out: list[tuple[str, str]] = []
    for unit in b.units.values():
        if unit.level != "county" or not unit.adcode.startswith(prefix):
            continue
        if len(unit.name) >= 3:
            out.append((unit.name, unit.adcode))
        if unit.short_name != unit.name and len(unit.short_name) >= 2:
            out.append((unit.short_name, unit.adcode))
    out.sort(key=lambda x: -len(x[0]))
    return tuple(out)


def _counties_named(ctx: _Context, text: str) -> list[str]:
    """Adcodes of the region's counties named in a text, in order of first mention."""
    if ctx.region is None or ctx.region.level == "county":
        return []
    hits: list[tuple[int, str]] = []
    prefix = _prefix(ctx.region.adcode)
    names = _cached("counties", ctx.b, prefix, lambda: _county_names_under(prefix, ctx.b))
    for written, code in names:
        pos = text.find(written)
        if pos >= 0 and all(code != c for _, c in hits):
            hits.append((pos, code))
    return [c for _, c in sorted(hits)]


def _county_heading(ctx: _Context, name: str) -> list[str]:
    """A two-character county (沁县, 应县) that a mention's name starts with: 应县通用机场 → 应县.

    Such names are not searched inside sentences (相应县级 holds 应县), only at the head of a name.
    """
    if ctx.region is None or ctx.region.level == "county":
        return []
    prefix = _prefix(ctx.region.adcode)
    return [
        u.adcode
        for u in ctx.b.find(name[:2])
        if u.level == "county" and len(u.name) == 2 and u.adcode.startswith(prefix)
    ]


def _fallback(m: Mention, ctx: _Context) -> Feature:
    region = ctx.region
    if region is None:
        log.info("document %s has no region: %r is kept unplaced (no geometry)", ctx.doc.doc_id, m.name)
        return Feature(m, None, "unplaced", "", "", None, None)
    if region.level == "county":
        return _feature(
            m, ctx.b.label_point(region.adcode), "county", region.adcode, ctx, region.name, SOURCE_BOUNDARIES
        )
    named = _counties_named(ctx, fold(m.name)) or _county_heading(ctx, fold(m.name))
    if not named:
        sentence = fold(ctx.doc.snippet(m.sentence_start, m.sentence_end))
        named = _counties_named(ctx, sentence)
    if len(named) == 1:
        code = named[0]
        unit = ctx.b.get(code)
        return _feature(m, ctx.b.label_point(code), "county", code, ctx, unit.name, SOURCE_BOUNDARIES)
    return _feature(
        m, ctx.b.label_point(region.adcode), "region", region.adcode, ctx, region.name, SOURCE_BOUNDARIES
    )


# ---------------------------------------------------------------------------------------------
# themes
# ---------------------------------------------------------------------------------------------
def _place_feature(
    m: Mention, ctx: _Context, names: Sequence[str], *, natural: bool = False, extended: bool = True
) -> Feature | None:
    found: list[Candidate] = []
    county_only: list[str] = []
    for name in names:
        p = _resolve(ctx, name, natural=natural, extended=extended)
        if p is None:
            continue
        if (
            p.candidate is not None
            and p.candidate.geometry is not None
            and p.candidate.kind
            not in (
                "province",
                "prefecture",
                "county",
            )
        ):
            found.append(p.candidate)
        elif p.county_code:
            county_only.append(p.county_code)
    if found:
        return _combine(m, found, ctx)
    if county_only:
        return _from_placement(m, _Placement(None, county_only[0]), ctx)
    return None


def _park(m: Mention, ctx: _Context) -> Feature | None:
    names = [n for n in (_longest_head(ctx, m.name, m.get("place") or ""), m.name) if n]
    fallback = None
    for name in dict.fromkeys(names):
        f = _place_feature(m, ctx, [name])
        if f is not None and f.precision not in ("county", "region"):
            return f
        fallback = fallback or f
    for name in dict.fromkeys(names):
        f = _leading_place(m, ctx, name)
        if f is not None:
            return f
    return fallback


def _leading_place(
    m: Mention, ctx: _Context, name: str, *, rest_ok: Callable[[str], bool] | None = None
) -> Feature | None:
    """A feature at the place a name starts with (湘峪古堡 → 湘峪村, 陶寺遗址 → 陶寺乡, 云竹湖 → 云竹镇).

    A prefix is weaker evidence than a whole name, so the place must be distinctive: found in
    the region, in at most two counties of the province, not a water name (汾河川 ≠ 汾河村) and
    not the start of a river's name (紫红河湿地 ≠ 紫红村). ``rest_ok`` may demand more of what
    follows the place's name (a local road: only a road word).
    """
    if ctx.region is None:
        return None
    text = fold(name)
    for core in (text, *_strip_region_name(ctx, text)):
        keys = _region_place_keys(ctx.gaz, ctx.scopes[0], aliases=True)
        for key in keys.get(core[:1], ()):
            if len(key) >= len(core) or not core.startswith(key) or _looks_like_water(key):
                continue
            if core[len(key)] in RIVER_CHARS and len(core) > len(key) + 1:
                continue  # 紫红河湿地 is named after the river 紫红河, not the village 紫红村
            if rest_ok is not None and not rest_ok(core[len(key) :]):
                continue
            province = ctx.scopes[-1]
            counties = {p.county_code for p in ctx.gaz.tree.places_named(key, within=province)}
            if len(counties) > 2:
                continue
            p = _choose(ctx.gaz.search(key, within=ctx.scopes[0], fuzzy=False))
            if p is not None and p.candidate is not None and p.candidate.geometry is not None:
                return _combine(m, [p.candidate], ctx)
    return None


def _strip_region_name(ctx: _Context, text: str) -> list[str]:
    """The text without a leading name of the document's region (霍州河湾 → 河湾)."""
    region = ctx.region
    if region is None:
        return []
    for written in (region.name, region.short_name):
        if written and len(text) - len(written) >= 2 and text.startswith(written):
            return [text[len(written) :]]
    return []


#: Eco-zone kinds larger than the river or lake they are named after (汾河流域 is not 汾河's course).
BASIN_KINDS: frozenset[str] = frozenset({"watershed", "water_source_protection"})


#: What may follow a river's or lake's name in a zone or structure name that is drawn as the water
#: body itself (汾河流域, 汾河生态带, 沁河干流): the zone runs along it inside the region.
WATER_SUFFIXES: tuple[str, ...] = (
    "",
    "流域",
    "干流",
    "沿岸",
    "两岸",
    "沿线",
    "河谷",
    "河道",
    "生态带",
    "景观带",
    "生态廊道",
    "生态长廊",
    "景观廊道",
    "生态景观带",
    "生态经济带",
    "经济带",
    "绿色廊道",
    "廊道",
    "湿地",
    "水系",
)
_PAREN = re.compile(r"[(（][^)）]{0,12}[)）]")
_WATER_PREFIX = ("沿", "环", "百里", "千里")


def _water_name(ctx: _Context, text: str) -> str | None:
    """The river or lake a zone name stands for (汾河流域 → 汾河, 沁河(沁水段)生态长廊 → 沁河), or None.

    The whole name must be the water body's name, optionally after the region's name or 沿/环 and
    followed by one of :data:`WATER_SUFFIXES` (or a belt word and a zone's name ending in 区/带):
    汾河公园 or 汾河村 are places, not the river.
    """
    hydro = ctx.hydro
    if hydro is None or not hydro.available:
        return None
    core = _PAREN.sub("", fold(text)).strip()
    cores = [core, *_strip_region_name(ctx, core)]
    for c in list(cores):
        for pre in _WATER_PREFIX:
            if c.startswith(pre) and len(c) > len(pre) + 1:
                cores.append(c[len(pre) :])
    for c in cores:
        for suffix in sorted(WATER_SUFFIXES, key=len, reverse=True):
            if suffix and not c.endswith(suffix):
                continue
            base = c[: len(c) - len(suffix)] if suffix else c
            if len(base) >= 2 and hydro.knows(base):
                return base
        for belt in BELT_SUFFIXES:  # a zone of the belt along it: 某江沿岸湿地恢复区, 某河生态带示范区
            i = c.find(belt)
            tail = c[i + len(belt) :]
            if i >= 2 and 2 <= len(tail) <= 10 and tail.endswith(("区", "带")) and hydro.knows(c[:i]):
                return c[:i]
    return None


#: Of :data:`WATER_SUFFIXES`, those that make a belt along the water (not its basin): a zone of
#: such a belt (某河经济带湿地恢复区) runs along the river too.
BELT_SUFFIXES: tuple[str, ...] = (
    "生态经济带", "生态景观带", "经济带", "生态带", "景观带", "生态廊道", "绿色廊道",
    "沿岸", "两岸", "沿线", "河谷", "干流",
)  # fmt: skip


def _water(m: Mention, ctx: _Context) -> Feature | None:
    """A river or lake (or a zone along it) drawn as its own geometry inside the region (``exact``).

    The geometry comes from the national 1:4M hydrography (:mod:`atlas.hydro`), clipped to the
    county the sentence names (prefecture documents) or to the document's region; a same-name
    river elsewhere is never used, and a river that does not pass through gives None.
    """
    region = ctx.region
    if region is None or ctx.hydro is None or not ctx.hydro.available:
        return None
    lake = m.kind == "lake_reservoir"
    if lake:  # a lake or reservoir by its own name only: 文峪河水库 is not the river 文峪河
        found = [n for n in [_PAREN.sub("", fold(m.name)).strip()] if ctx.hydro.knows(n)]
    else:
        names = [m.name, *[p for p in (m.get("places") or []) if p]]
        found = list(dict.fromkeys(n for n in (_water_name(ctx, x) for x in names) if n))
    if not found:
        return None
    code = region.adcode
    if region.level != "county":
        sentence = fold(ctx.doc.snippet(m.sentence_start, m.sentence_end))
        named = _counties_named(ctx, fold(m.name)) or _counties_named(ctx, sentence)
        if len(named) == 1:
            code = named[0]
    for scope in dict.fromkeys((code, region.adcode)):
        polygon = ctx.b.geometry(scope)
        inner = _cached("inner", ctx.b, scope, lambda polygon=polygon: polygon.buffer(-CLIP_MARGIN_DEG))
        geoms = [(n, ctx.hydro.geometry_in(n, inner, kind="lake" if lake else None)) for n in found]
        geoms = [(n, g) for n, g in geoms if g is not None]
        if geoms:
            dim = shapely.get_dimensions(geoms[0][1])
            geoms = [(n, g) for n, g in geoms if shapely.get_dimensions(g) == dim]
            geom = geoms[0][1] if len(geoms) == 1 else shapely.union_all([g for _, g in geoms])
            placed = "、".join(n for n, _ in geoms)
            return _feature(m, geom, "exact", scope, ctx, placed, SOURCE_HYDRO)
    return None


def _eco_zone(m: Mention, ctx: _Context) -> Feature | None:
    water = _water(m, ctx)
    if water is not None:
        return water
    # a lake named 盐池 is not the village 盐池村; a reservoir is named after its village (七里峪水库)
    natural = m.kind in NATURAL_KINDS or (m.kind == "lake_reservoir" and not m.name.endswith("水库"))
    ext = m.kind not in BASIN_KINDS
    places = [h for p in (m.get("places") or []) if p and (h := _longest_head(ctx, m.name, p))]
    f = _place_feature(m, ctx, places, natural=natural, extended=ext) if places else None
    if f is None:
        f = _place_feature(m, ctx, [m.name], natural=natural, extended=ext)
    if (f is None or f.precision in ("county", "region")) and m.kind not in NATURAL_KINDS:
        # a lake or zone named after a place (云竹湖 → 云竹镇), or naming towns inside it
        f = _towns_named(m, ctx) or _leading_place(m, ctx, m.name) or f
    if (f is None or f.precision in ("county", "region")) and m.kind == "river":
        f = _river_named_after_place(m, ctx) or f
    return f


#: What follows a place's name in the name of a stream named after it (某村河, 某庄沟).
STREAM_WORDS: frozenset[str] = frozenset({"河", "沟", "溪", "川", "江"})


def _river_named_after_place(m: Mention, ctx: _Context) -> Feature | None:
    """A stream without a line of its own named after the village or town it flows by (某村河 →
    某村): placed at that place, precision ``town`` (like a local road at the place it serves).

    Only a place's name and one river word (郑庄河, not 郑庄河湿地); the place as distinctive as
    for any name-prefix (:func:`_leading_place`); a river whose whole name is a village's (某河 and
    某河村) is not placed so: the village is named after the river, not the river after it.
    """
    f = _leading_place(m, ctx, m.name, rest_ok=lambda rest: rest in STREAM_WORDS)
    if f is None or f.geometry is None or f.geometry.geom_type not in ("Point", "MultiPoint"):
        return None
    return _at_most_town(f)


def _structure(m: Mention, ctx: _Context) -> Feature | None:
    water = _water(m, ctx) or _river_axis(m, ctx)
    if water is not None:
        return water
    f = _place_feature(m, ctx, [m.name], extended=False)
    if f is None or f.precision in ("county", "region"):
        f = _towns_named(m, ctx) or _leading_place(m, ctx, m.name) or _defined_at_towns(m, ctx) or f
    return f


#: A single axis or belt of a structure statement (一轴, 主轴, 一带), and the clause that says
#: a river or lake is it (以某河为轴线, 以某江为发展主轴, 以某湖为生态带).
_SINGLE_COMPONENT = re.compile(r"^(?:一|主|中)?([轴带])$")
_WATER_AS_COMPONENT = re.compile(r"以([\u4e00-\u9fff()]{2,12}?)为(?:[\u4e00-\u9fff]{0,4}?)(轴线|轴|带)")


def _river_axis(m: Mention, ctx: _Context) -> Feature | None:
    """The one axis (or belt) of a structure statement whose sentence says a river is it
    (以某河为轴线……形成"一轴三区"): drawn as that river inside the region, like the river itself.

    Only a single component (一轴, not 两轴) and only when the sentence names one water body so.
    """
    single = _SINGLE_COMPONENT.match(fold(m.name))
    if single is None or ctx.hydro is None or not ctx.hydro.available:
        return None
    sentence = fold(ctx.doc.snippet(m.sentence_start, m.sentence_end))
    rivers = {
        name
        for x, word in _WATER_AS_COMPONENT.findall(sentence)
        if word[0] == single.group(1) and (name := _water_name(ctx, x)) is not None
    }
    if len(rivers) != 1:
        return None
    river = next(iter(rivers))
    f = _water(replace(m, name=river, attrs={**m.attrs, "places": [river]}), ctx)
    return replace(f, mention=m) if f is not None else None


#: How a plan defines a component it has just named: “双核”指……, “四组团”分别为…….
_DEFINED_AS = "(?:是指|指的是|指|即|分别为|分别是|是)"
#: How far after the mention's sentence its definition may stand (characters).
DEFINITION_WINDOW = 300
#: A town's short name followed by one of these names a part of that town (某庄新区 → 某庄镇).
_TOWN_PART_WORDS = ("新区", "片区", "组团", "新城", "镇区")


def _defined_at_towns(m: Mention, ctx: _Context) -> Feature | None:
    """A structure component that the text defines right after (“双核”指以某镇和某新区为核心……)
    by towns of the region: placed at those towns (a MultiPoint for several, precision ``town``).

    Towns count by their full name, or by their short name followed by a part word (某庄新区);
    nothing else in the definition is guessed, and the towns must be at least as many as the
    component's parts (双核: two).
    """
    if ctx.region is None:
        return None
    name = fold(m.name)
    window = fold(ctx.doc.snippet(m.sentence_start, m.sentence_end + DEFINITION_WINDOW))
    d = re.search('[“"]' + re.escape(name) + '[”"]' + _DEFINED_AS, window)
    if d is None:
        return None
    own = m.char_end - max(m.sentence_start, ctx.doc.char_start)
    for other in re.finditer('[“"]([^”"]{2,16})[”"]', window[max(own, 0) : d.start()]):
        if name in other.group(1) and not _same_statement(m, replace(m, attrs={"pattern": other.group(1)})):
            return None  # another statement with this component stands between: whose is it?
    body = re.split("[。;]", window[d.end() :], maxsplit=1)[0]
    after = re.search('[“"][^”"]{1,8}[”"]' + _DEFINED_AS, body)  # the next component's definition
    body = body[: after.start()] if after else body
    keys = _region_place_keys(ctx.gaz, ctx.scopes[0], aliases=False)
    found: list[Candidate] = []
    i = 0
    while i < len(body):
        for key in keys.get(body[i], ()):
            if not body.startswith(key, i):
                continue
            full = key.endswith(TOWN_SUFFIXES)
            if not full and not body.startswith(_TOWN_PART_WORDS, i + len(key)):
                continue
            cands = [
                c
                for c in ctx.gaz.search(key, within=ctx.scopes[0], fuzzy=False)
                if c.kind == "town" and c.geometry is not None and not _generic_town(c)
            ]
            if len(cands) == 1:
                found.append(cands[0])
                i += len(key) - 1
                break
        i += 1
    if not found or len({c.name for c in found}) < _component_count(name):
        return None  # 七区 defined by two towns and five other areas: not where 七区 is
    return _at_most_town(_combine(m, found, ctx))


def _component_count(name: str) -> int:
    """How many parts a component's name says it has (双核 → 2, 四组团 → 4); many (多点) or an
    unreadable count cannot be met by a list of towns."""
    head = name[:1]
    if head == "双":
        return 2
    n = chinese_number(head)
    return n if n is not None and n > 0 else 10**6


def _towns_named(m: Mention, ctx: _Context) -> Feature | None:
    """A feature at the towns (full names or short names) and villages (full names) that a
    name contains, inside the document's region."""
    if ctx.region is None:
        return None
    name = fold(m.name)
    keys = _region_place_keys(ctx.gaz, ctx.scopes[0], aliases=False)
    found: list[Candidate] = []
    i = 0
    while i < len(name):
        for key in keys.get(name[i], ()):
            if name.startswith(key, i):
                p = _choose(ctx.gaz.search(key, within=ctx.scopes[0], fuzzy=False))
                if p is not None and p.candidate is not None and p.candidate.geometry is not None:
                    found.append(p.candidate)
                    i += len(key) - 1
                    break
        i += 1
    return _combine(m, found, ctx) if found else None


def _build_place_keys(prefix: str, gaz: Gazetteer, aliases: bool) -> dict[str, tuple[str, ...]]:
    """Town names and short names, village names (and with ``aliases`` their short names) of a
    region, by first character, longest first."""
    keys: set[str] = set()
    for key, places in gaz.names_in(prefix).items():
        for p in places:
            town_key = p.level == "town" and len(key) >= 2
            village_key = p.level == "village" and (key == p.name or aliases) and len(key) >= 2
            if town_key or village_key:
                keys.add(key)
    by_first: dict[str, list[str]] = {}
    for k in keys:
        by_first.setdefault(k[0], []).append(k)
    return {ch: tuple(sorted(v, key=lambda s: -len(s))) for ch, v in by_first.items()}


def _region_place_keys(gaz: Gazetteer, prefix: str, *, aliases: bool) -> dict[str, tuple[str, ...]]:
    kind = "places+aliases" if aliases else "places"
    return _cached(kind, gaz, prefix, lambda: _build_place_keys(prefix, gaz, aliases))


def _airport(m: Mention, ctx: _Context) -> Feature | None:
    """An existing airport at its own coordinates, when one in the document's prefecture has the
    name's place as its city or name (长治机场 → Changzhi Airport); else None."""
    region = ctx.region
    if region is None:
        return None
    scope = region.prefecture_code if region.level == "county" else region.adcode
    if scope not in ctx.b.units:  # a district of a municipality: the municipality is the scope
        scope = region.province_code
    airport = find_airport(m.name, within=ctx.b.geometry(scope))
    if airport is None:
        return None
    county = ctx.b.county_at(airport.lon, airport.lat)
    if county is None:
        return None
    return _feature(m, airport.point, "exact", county.adcode, ctx, airport.name, SOURCE_AIRPORTS)


def _corridor(m: Mention, ctx: _Context) -> Feature | None:
    if m.kind == "airport":
        at_airport = _airport(m, ctx)
        if at_airport is not None:
            return at_airport
    names = list(m.get("endpoints") or [])
    codes = list(m.get("endpoint_codes") or [])
    points: list[tuple[shapely.Point, str, str, str]] = []  # point, name, source, county code
    for i, name in enumerate(names):
        code = codes[i] if i < len(codes) else None
        pt = None
        if code:
            try:
                unit = ctx.b.get(code)
                pt = (ctx.b.label_point(unit.adcode), unit.name, SOURCE_BOUNDARIES, unit.adcode)
            except (InputError, KeyError):  # an unknown code: resolve the name instead
                pt = None
        if pt is None and name:
            p = _resolve(ctx, name, endpoint=True)
            if p is not None:
                c = p.candidate
                if c is not None and c.geometry is not None and c.geometry.geom_type == "Point":
                    pt = (c.geometry, c.name, c.source, _placement_code(ctx, c))
                elif p.county_code and _county_unit(ctx, p.county_code) is not None:
                    unit = ctx.b.get(p.county_code)
                    pt = (ctx.b.label_point(unit.adcode), unit.name, SOURCE_BOUNDARIES, unit.adcode)
        if pt is not None:
            points.append(pt)
    distinct = list(dict.fromkeys((round(p[0].x, 7), round(p[0].y, 7)) for p in points))
    if len(distinct) >= 2:
        coords = [(p[0].x, p[0].y) for p in points]
        coords = [xy for j, xy in enumerate(coords) if j == 0 or xy != coords[j - 1]]
        line = shapely.LineString(coords)
        code = _corridor_county(ctx, points)
        placed = " — ".join(p[1] for p in points)
        sources = "; ".join(dict.fromkeys(p[2] for p in points))
        local, leads_to = _local_line(ctx, line, [(p[0], p[1]) for p in points])
        props: dict[str, Any] = {"leads_to": leads_to} if leads_to else {}
        return _feature(m, local, "schematic", code, ctx, placed, sources, props)
    if points and len(points) == len(names) and len(names) >= 2:
        # every endpoint resolved to one place (two villages of one town): the corridor is there
        pt, name, source, code = points[0]
        same = [p for p in points if p[1] == name]
        precision = "town" if source != SOURCE_BOUNDARIES else "county"
        if len(same) == len(points) or precision == "town":
            return _feature(
                m, pt, precision, code, ctx, "、".join(dict.fromkeys(p[1] for p in points)), source
            )
    if _local_corridor(m):
        return _at_local_endpoint(m, ctx, points, len(names)) or _named_after_place(m, ctx)
    return None


#: Corridor kinds that are local: a tourist road, a county road (and spur lines, by their name).
LOCAL_CORRIDOR_KINDS: frozenset[str] = frozenset({"other", "county_road"})
#: Name endings of a railway or logistics line that is a local spur (to a mine, a park, a yard).
SPUR_ENDINGS: tuple[str, ...] = ("专用线", "专线", "支线")
#: What a local road or line named after the place it serves says after that place's name: one
#: of these destination words (or none), then one of the road words (某村旅游公路, 某矿专用线).
DESTINATION_WORDS: tuple[str, ...] = (
    "", "景区", "风景区", "旅游区", "古镇", "古村", "纪念馆", "遗址", "煤矿", "矿区", "矿",
    "园区", "工业园区", "产业园", "县城", "城区", "镇区", "水库", "码头", "口岸",
)  # fmt: skip
ROAD_WORDS: tuple[str, ...] = (
    "旅游公路", "旅游道路", "旅游专线", "旅游路", "公路", "道路", "大道", "连接线",
    "铁路专用线", "铁路专线", "铁路支线", "专用线", "专线", "支线", "云轨道", "轨道", "索道",
)  # fmt: skip


def _local_corridor(m: Mention) -> bool:
    """A corridor that serves a few places of its county: its places say where it is."""
    name = fold(m.name)
    return m.kind in LOCAL_CORRIDOR_KINDS or (
        m.kind in ("railway", "logistics") and name.endswith(SPUR_ENDINGS)
    )


def _road_rest(rest: str) -> bool:
    """Whether the text after a place's name is only (a destination word and) a road word."""
    return any(rest == dest + road for dest in DESTINATION_WORDS for road in ROAD_WORDS)


def _named_after_place(m: Mention, ctx: _Context) -> Feature | None:
    """A local road or line named after the one place it serves (某峪旅游公路 → 某峪村), at that
    place with precision ``town``: the corridor reaches it, but its course is not known."""
    f = _leading_place(m, ctx, m.name, rest_ok=_road_rest)
    if f is None or f.geometry is None or f.geometry.geom_type not in ("Point", "MultiPoint"):
        return None  # a road named after a lake is not the lake
    return _at_most_town(f)


def _at_local_endpoint(
    m: Mention, ctx: _Context, points: list[tuple[shapely.Point, str, str, str]], wanted: int
) -> Feature | None:
    """A local corridor of which only one endpoint resolved, to a town or village inside the
    region: placed at that endpoint (precision ``town``), not drawn (the other end is unknown)."""
    region = ctx.region
    if region is None or not points or len(points) >= wanted:
        return None
    prefix = _prefix(region.adcode)
    inside = [p for p in points if p[2] != SOURCE_BOUNDARIES and p[3].startswith(prefix)]
    if len({(round(p[0].x, 7), round(p[0].y, 7)) for p in points}) != 1 or not inside:
        return None
    pt, name, source, code = inside[0]
    return _feature(m, pt, "town", code, ctx, name, source)


def _at_most_town(f: Feature) -> Feature:
    """A feature placed at a place it reaches or belongs to claims no more than ``town``."""
    return replace(f, precision="town") if f.precision == "exact" else f


#: A schematic corridor line is drawn whole while it stays within this distance of its region (km).
CORRIDOR_FAR_KM = 100.0
#: A longer corridor is drawn only within this distance of the region, labelled with where it leads.
CORRIDOR_NEAR_KM = 30.0


def _metric(ctx: _Context, code: str) -> tuple[Any, Any]:
    """Forward and inverse transforms to an azimuthal equidistant plane (metres) about a region."""
    from pyproj import Transformer

    def build() -> tuple[Any, Any]:
        centre = ctx.b.label_point(code)
        aeqd = f"+proj=aeqd +lat_0={centre.y:.6f} +lon_0={centre.x:.6f} +datum=WGS84 +units=m"
        fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
        inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
        return fwd, inv

    fwd, inv = _cached("aeqd", ctx.b, code, build)

    def to_m(g: Any) -> Any:
        return shapely.transform(g, lambda xy: _stack(fwd.transform(xy[:, 0], xy[:, 1])))

    def to_deg(g: Any) -> Any:
        return shapely.transform(g, lambda xy: _stack(inv.transform(xy[:, 0], xy[:, 1])))

    return to_m, to_deg


def _stack(xy: tuple[Any, Any]) -> Any:
    import numpy as np

    return np.column_stack(xy)


def _local_line(ctx: _Context, line: Any, ends: list[tuple[shapely.Point, str]]) -> tuple[Any, list[str]]:
    """The part of a schematic corridor line that is drawn for the document's region.

    A line that stays within :data:`CORRIDOR_FAR_KM` of the region is drawn whole. A longer one
    that passes through the region is cut to the part within :data:`CORRIDOR_NEAR_KM` of it; one
    that misses the region is drawn from the region's edge toward each endpoint, at most
    :data:`CORRIDOR_NEAR_KM` long. Returns the line (WGS84) and the names of the endpoints left
    beyond the drawn part (where the corridor leads: 昆明市).
    """
    region = ctx.region
    if region is None:
        return line, []
    code = region.adcode
    to_m, to_deg = _metric(ctx, code)
    area = _cached("region_m", ctx.b, code, lambda: to_m(ctx.b.geometry(code)))
    dense = to_m(shapely.segmentize(line, 0.01))  # follows the straight lon/lat line once projected
    far = _cached("far_m", ctx.b, code, lambda: area.buffer(CORRIDOR_FAR_KM * 1000, quad_segs=8))
    if dense.within(far):
        return line, []
    near = _cached("near_m", ctx.b, code, lambda: area.buffer(CORRIDOR_NEAR_KM * 1000, quad_segs=8))
    ends_m = [(to_m(pt), name) for pt, name in ends]
    leads_to = list(dict.fromkeys(name for pt, name in ends_m if not pt.within(near)))
    if dense.intersects(area):
        parts = [g for g in shapely.get_parts(shapely.intersection(dense, near)) if g.length > 0]
        parts = [g for g in parts if shapely.get_dimensions(g) == 1]
        local = shapely.line_merge(shapely.union_all(parts)) if parts else None
    else:  # misses the region: from its edge toward the endpoints
        edge = shapely.ops.nearest_points(area.boundary, dense)[0]
        segments = []
        for pt, _ in ends_m:
            dist = edge.distance(pt)
            if dist <= 0:
                continue
            step = min(1.0, CORRIDOR_NEAR_KM * 1000 / dist)
            tip = (edge.x + (pt.x - edge.x) * step, edge.y + (pt.y - edge.y) * step)
            segments.append(shapely.LineString([(edge.x, edge.y), tip]))
        local = shapely.MultiLineString(segments) if len(segments) > 1 else (segments or [None])[0]
    if local is None or local.is_empty:
        return line, []
    return shapely.simplify(to_deg(local), 1e-6), leads_to


def _corridor_county(ctx: _Context, points: list[tuple[shapely.Point, str, str, str]]) -> str:
    """The county a schematic corridor is joined to: the document's county if an endpoint is in
    it, else the first endpoint inside the region, else the first endpoint's county."""
    region = ctx.region
    if region is not None:
        prefix = _prefix(region.adcode)
        inside = [p[3] for p in points if p[3].startswith(prefix)]
        if region.level == "county" or not inside:
            return region.adcode  # the corridor as the region's document sees it
        return inside[0]
    return points[0][3]


def _red_line(m: Mention, ctx: _Context) -> Feature | None:
    region = ctx.region
    if region is None:
        return None
    precision = "county" if region.level == "county" else "region"
    props = {"statement": statement_of(m.name)}
    return _feature(
        m, ctx.b.geometry(region.adcode), precision, region.adcode, ctx, region.name, SOURCE_BOUNDARIES, props
    )


def _user_placed(m: Mention, ctx: _Context) -> Feature | None:
    """The user's own entry for this name (a correction from the review page or an imported user
    gazetteer) in the document's prefecture: it wins over every other candidate; the latest counts."""
    region = ctx.region
    if region is None:
        return None
    hits = [f for f in ctx.gaz.user_entries(m.name) if user_entry_applies(f.adcode, region.adcode)]
    if not hits:
        return None
    entry = hits[-1]
    geom = entry.geometry
    code = entry.adcode
    if geom.geom_type == "Point":
        unit = ctx.b.county_at(geom.x, geom.y)
        code = unit.adcode if unit is not None else code
    return _feature(m, geom, entry.precision, code, ctx, entry.name, USER_SOURCE)


# ---------------------------------------------------------------------------------------------
# context: what the text around a mention says about where it is
# ---------------------------------------------------------------------------------------------
#: Words before a clause's subject (在某镇, 支持某镇) and enumeration marks (一是, (二), 3.).
_CLAUSE_LEAD = re.compile(
    r"^[\s,:;、]*(?:[一二三四五六七八九十]+是|[(][一二三四五六七八九十\d]+[)]|\d+[.、]|[一二三四五六七八九十]+、)?"
    r"[\s,:]*(?:在|由|对|支持|推动|鼓励|引导)?"
)
#: A new subject after a comma (……,县文旅局要……): the clause's town no longer speaks.
_NEW_SUBJECT = re.compile(r",[^,]{1,12}?(?:要|将|负责)")
#: What after a town's name shows it is one of several listed, not the clause's subject.
_LIST_MARKS = frozenset("、,和与及同或等至到-—~")


def _clause_subject_town(m: Mention, ctx: _Context) -> Feature | None:
    """A feature in a clause whose subject is a town of the region (某镇要……建设某某公园; clauses
    end at ; and 。): the town's own task, placed at the town (precision ``town``).

    The town must open the clause by its full name (a short name or a village is too weak) and
    not be the head of a list (某镇、某乡要…); large natural features and basins, which reach
    beyond one town, are not placed so.
    """
    region = ctx.region
    if region is None or m.theme not in ("parks", "eco_zones", "structure", "corridors"):
        return None
    if m.theme == "eco_zones" and (m.kind in NATURAL_KINDS or m.kind in BASIN_KINDS):
        return None
    if m.theme == "corridors" and not _local_corridor(m):
        return None
    start = max(m.sentence_start, ctx.doc.char_start)
    sentence = fold(ctx.doc.snippet(start, m.sentence_end))
    local = m.char_start - start
    if not 0 <= local <= len(sentence):
        return None
    clause = sentence[sentence.rfind(";", 0, local) + 1 : local]
    head = clause[_CLAUSE_LEAD.match(clause).end() :]  # type: ignore[union-attr]
    keys = _region_place_keys(ctx.gaz, ctx.scopes[0], aliases=False)
    for key in keys.get(head[:1], ()):
        if not head.startswith(key) or len(head) <= len(key) or head[len(key)] in _LIST_MARKS:
            continue
        if not key.endswith(TOWN_SUFFIXES) or key in fold(m.name):
            continue
        if _NEW_SUBJECT.search(head, len(key)):
            return None  # 某镇要……,县文旅局要建设某公园: another subject took over
        cands = [
            c
            for c in ctx.gaz.search(key, within=ctx.scopes[0], fuzzy=False)
            if c.kind == "town" and c.tier == "exact" and c.geometry is not None and not _generic_town(c)
        ]
        if len(cands) == 1:
            return _at_most_town(_combine(m, cands, ctx))
        return None  # the longest town name opening the clause decides
    return None


#: Words that name the county town or a city's central district (the seat of its government).
SEAT_WORDS: tuple[str, ...] = ("中心城区", "主城区", "老城区", "县城", "城区", "市区", "老城", "旧城", "城关")
#: A name that starts with one of these is in or around the county town: 城南公园, 环城绿道.
_SEAT_NAME = re.compile("^(?:" + "|".join(SEAT_WORDS) + "|城[东南西北]|环城)")
#: What follows a road's name when the text speaks of its section through the town (国道某某线
#: 县城过境段, 某某公路城区段, 某国道过境改线: a 过境 section is the one through the town): only
#: a few characters, no clause break in between.
_SEAT_SECTION = re.compile(
    r"^[^,;。]{0,12}?((?:" + "|".join(SEAT_WORDS) + r")(?:过境)?段|段?过境(?:段|改线|环线))"
)
#: A component defined by the town it is (“一城”即中心城区, “一核”是指县城): the definition's first
#: words, right after the quoted name.
_SEAT_DEFINITION = '[”"](?:[,:]?(?:是指|指的是|指|即|为|是|发挥|依托|以))?(?:' + "|".join(SEAT_WORDS) + ")"


#: A component of a statement of growth directions (东拓、北延、西优、南控): a side and a verb.
_DIRECTION = re.compile(r"^[东南西北中][\u4e00-\u9fff]{1,2}$")
#: What says a statement is about the county town's growth: a town word, or the city growing
#: (城市向东拓展, 城市建设, 城市框架).
_SEAT_GROWTH = re.compile("(?:" + "|".join(SEAT_WORDS) + r"|城市(?:向|建设|发展|框架|容量|空间))")


def _direction_statement(m: Mention) -> bool:
    """A structure component of a statement made only of directions (东进、南跃、西控), such as the
    directions the county town grows in; a statement with other parts (一核两翼) is not one."""
    parts = [p for p in re.split("[、,]", fold(str(m.get("pattern") or ""))) if p]
    return len(parts) >= 2 and fold(m.name) in parts and all(_DIRECTION.match(p) for p in parts)


def _with_next_sentence(ctx: _Context, m: Mention) -> str:
    """The mention's sentence and the one after it (a statement is often explained right after)."""
    start = max(m.sentence_start, ctx.doc.char_start)
    end = min(m.sentence_end + DEFINITION_WINDOW, ctx.doc.char_end)
    text = fold(ctx.doc.snippet(start, end))
    first = text.find("。", max(m.sentence_end - start - 1, 0))
    if first < 0:
        return text
    second = text.find("。", first + 1)
    return text if second < 0 else text[: second + 1]


def _at_seat(m: Mention, ctx: _Context) -> Feature | None:
    """A feature the text places in the county town (or a prefecture's central district): at
    the seat of its government, precision ``town``.

    Four kinds of evidence, each about this feature only: its name starts with a town word
    (城南森林公园, 环城生态廊道, 老城片区); a road's mention is followed by its section through
    the town (某国道县城过境段); a structure component is defined as the town right after its
    quoted name (“一城”即中心城区); a component of a statement of growth directions (东拓、北延)
    whose sentence or the next says the town grows so (城市向东拓展, 县城框架, 中心城区). Large
    natural features and basins are never placed so.
    """
    region = ctx.region
    if region is None or m.theme not in ("parks", "eco_zones", "structure", "corridors"):
        return None
    if m.theme == "eco_zones" and (
        m.kind in BASIN_KINDS or m.kind in ("river", "mountain", "lake_reservoir")
    ):
        return None
    name = fold(m.name)
    code: str | None = None
    if m.theme != "corridors" and _SEAT_NAME.match(name):  # 城西港区铁路 is no road through town
        code = region.adcode
    elif m.theme == "corridors":
        after = fold(ctx.doc.snippet(m.char_end, min(m.char_end + 20, m.sentence_end)))
        section = _SEAT_SECTION.match(after)
        # a bare 过境段 of an expressway or railway is its stretch through the territory, not a town
        road = m.kind in ("national_road", "provincial_road", "county_road")
        if section is not None and (road or not section.group(1).lstrip("段").startswith("过境")):
            code = _section_unit(ctx, after[: section.start(1)])
    elif m.theme == "structure":
        window = fold(ctx.doc.snippet(m.sentence_start, m.sentence_end + DEFINITION_WINDOW))
        if re.search('[“"]' + re.escape(name) + _SEAT_DEFINITION, window) or (
            _direction_statement(m) and _SEAT_GROWTH.search(_with_next_sentence(ctx, m))
        ):
            code = region.adcode
    if code is None:
        return None
    if code == region.adcode and region.level != "county" and m.theme != "corridors":
        # a prefecture's document: the town of a county its name begins with (某县城南公园),
        # else the prefecture's own central district (a corridor's name holds its endpoints)
        named = _counties_named(ctx, name) or _county_heading(ctx, name)
        code = named[0] if len(named) == 1 else code
    seat = ctx.gaz.seat(code)
    if seat is None:
        return None
    return _feature(m, seat.geometry, "town", _placement_code(ctx, seat), ctx, seat.name, seat.source)


def _section_unit(ctx: _Context, between: str) -> str | None:
    """Whose town a road's section is, from the words between the road and its section word:
    none or the region's own name → the region; a county of a prefecture (某县城区段) → that
    county; anything else (a town's name: 某镇过境段) → None, that is not the county town."""
    region = ctx.region
    if region is None:
        return None
    # other roads of a list sharing the section (国道207、208、309线市区过境段), then 线/公路
    rest = re.sub(r"^(?:[、和及与]?[GSXgsx]?\d{1,4}(?:国道|省道)?)*(?:线|公路)?", "", between)
    if rest in ("", region.name, region.short_name):
        return region.adcode
    for code in _counties_named(ctx, rest):
        unit = ctx.b.get(code)
        if rest in (unit.name, unit.short_name):
            return code
    return None


def _same_statement(a: Mention, b: Mention) -> bool:
    """Whether two structure mentions belong to one statement: the same pattern, or one pattern
    extending the other (双核双轴 and 双核双轴四片区); any two mentions of other themes."""
    if a.theme != "structure":
        return True
    p, q = fold(str(a.get("pattern") or "")), fold(str(b.get("pattern") or ""))
    return bool(p and q) and (p in q or q in p)


def _share_placements(features: list[Feature]) -> list[Feature]:
    """The same named feature mentioned again in one document is the same entity: a mention left
    at county or region precision takes the finer placement of another mention of the same theme
    and name placed in the same county (one sentence may say where 某景区 is, the next not); a
    structure component only from a mention of the same statement (:func:`_same_statement`: 一核
    of two statements are two cores)."""
    finer: dict[tuple[str, str, str], list[Feature]] = {}
    for f in features:
        if f.precision in ("exact", "town", "schematic") and f.geometry is not None:
            finer.setdefault((f.mention.theme, fold(f.mention.name), f.county_code), []).append(f)
    out = []
    for f in features:
        coarse = f.precision in ("county", "region") and f.place_source != USER_SOURCE
        peers = finer.get((f.mention.theme, fold(f.mention.name), f.county_code), [])
        g = next((p for p in peers if _same_statement(f.mention, p.mention)), None)
        if g is not None and coarse and f.mention.theme != "red_lines":
            f = replace(
                f,
                geometry=g.geometry,
                precision=g.precision,
                county_name=g.county_name,
                placed_at=g.placed_at,
                place_source=g.place_source,
                properties=dict(g.properties),
            )
        out.append(f)
    return out


_THEMES = {
    "parks": _park,
    "eco_zones": _eco_zone,
    "structure": _structure,
    "corridors": _corridor,
    "red_lines": _red_line,
}


def features_from_mentions(
    doc: Document,
    mentions: Sequence[Mention],
    *,
    gazetteer: Gazetteer | None = None,
    hydro: Hydro | None = None,
) -> list[Feature]:
    """Place every mention of one document, each with an honest precision tier.

    Parameters
    ----------
    doc
        The document the mentions come from (its ``region`` sets the search scopes).
    mentions
        Mentions of ``doc`` (any theme).
    gazetteer
        Defaults to :func:`atlas.gazetteer.load_gazetteer`.
    hydro
        Rivers and lakes; defaults to :func:`atlas.hydro.load_hydro` (empty without the file: rivers
        then stay at county precision).

    Returns
    -------
    list of Feature
        One per mention, in the same order; WGS84 geometries. ``county_code``/``county_name`` say
        where the feature is placed (a prefecture's code/name for region-level placement),
        ``placed_at`` the gazetteer entry (or endpoints) used and ``place_source`` the credit of
        its coordinates.
    """
    if doc.region is not None and doc.region.level == "country":
        # a national text: no local scope to search, and no place finer than the country is known
        log.info(
            "document %s is a national text: its %d mentions are kept without a geometry",
            doc.doc_id,
            len(mentions),
        )
        return [Feature(m, None, "region", doc.region.adcode, doc.region.name, None, None) for m in mentions]
    gaz = gazetteer or load_gazetteer()
    ctx = _Context(
        doc=doc,
        gaz=gaz,
        region=doc.region,
        hydro=hydro if hydro is not None else load_hydro(),
        scopes=_scopes(doc.region),
    )
    out: list[Feature] = []
    for m in mentions:
        place = _THEMES.get(m.theme)
        feature = _user_placed(m, ctx) if m.theme != "red_lines" else None
        if feature is None:
            feature = place(m, ctx) if place is not None else None
        if feature is None:
            feature = _red_line(m, ctx) if m.theme == "red_lines" else None
        if feature is None or (
            feature.precision in ("county", "region") and feature.place_source != USER_SOURCE
        ):
            feature = _clause_subject_town(m, ctx) or _at_seat(m, ctx) or feature
        out.append(feature if feature is not None else _fallback(m, ctx))
    return _share_placements(out)
