"""China's administrative hierarchy down to towns (乡镇/街道) and villages (村/社区).

Data: jionlp's location dictionary (``jionlp/dictionary/china_location.txt``), read as a file
from the installed package (``import jionlp`` is avoided: it prints a banner and is slow). The
file is tab-indented: province, prefecture and county lines carry ``name<TAB>adcode<TAB>short``,
town lines (3 tabs) and village lines (4 tabs) only a name.

Loading reads the file (~12 MB) and indexes only its ~3,400 province/prefecture/county lines;
the towns and villages of a county are parsed the first time that county is asked for.

>>> tree = load_admin_tree()
>>> [p.county for p in tree.places_named("李曹镇")]
['霍州市']
>>> tree.places_named("李曹")[0].name  # short name of a town is an alias
'李曹镇'
"""

from __future__ import annotations

import bisect
import importlib.util
import logging
import re
import zipfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from atlas._errors import DataMissingError, InputError

log = logging.getLogger("atlas")

LEVELS: tuple[str, ...] = ("province", "prefecture", "county", "town", "village")

#: Suffixes stripped from town names to make their short-name alias, longest first.
TOWN_SUFFIXES: tuple[str, ...] = ("街道办事处", "街道", "民族乡", "苏木", "镇", "乡")
#: Suffixes stripped from village names to make their short-name alias, longest first.
VILLAGE_SUFFIXES: tuple[str, ...] = ("社区居委会", "村委会", "居委会", "社区", "嘎查", "村")

_ETHNIC_TOWN = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}族)+乡$")
# a line with at most two leading tabs: province / prefecture / county (codes absent for a few)
# (searched in b"\n" + data: a literal first byte keeps the scan fast, ~40 ms)
_TOWN_LINE = re.compile(rb"^\t\t\t([^\t\r\n]+)", re.M)
_HEAD = re.compile(rb"\n(\t{0,2})([^\t\r\n]+)(?:\t(\d{6})\t([^\t\r\n]*))?\r?(?=\n|$)")


@dataclass(frozen=True)
class Place:
    """One unit of the hierarchy.

    ``county_code`` is the 6-digit adcode of the county the place lies in; a province or
    prefecture carries its own adcode there. ``prefecture``/``county``/``town`` name the
    ancestors (and the place itself at its own level).
    """

    name: str
    level: str
    county_code: str
    province: str
    prefecture: str | None = None
    county: str | None = None
    town: str | None = None

    @property
    def short_name(self) -> str:
        """The name without its town/village suffix (李曹镇 → 李曹), or the name itself."""
        return place_short_name(self.name, self.level)


#: Counties whose parsed towns and villages are kept in memory (least recently used go first).
BLOCKS_KEPT = 256


def _keep(cache: OrderedDict[int, Any], key: int, value: Any) -> None:
    cache[key] = value
    while len(cache) > BLOCKS_KEPT:
        cache.popitem(last=False)


@lru_cache(maxsize=131072)
def place_short_name(name: str, level: str) -> str:
    """Alias of a town or village name: 李曹镇 → 李曹, 七里峪村 → 七里峪, 冯村 → 冯村.

    The core keeps at least two characters; other levels are returned unchanged.
    """
    if level == "town":
        m = _ETHNIC_TOWN.match(name)
        if m:
            return m.group(1)
        suffixes = TOWN_SUFFIXES
    elif level == "village":
        suffixes = VILLAGE_SUFFIXES
    else:
        return name
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class _Block:
    """A county line and the byte range of its towns and villages."""

    code: str
    name: str
    short: str
    province: str
    prefecture: str
    start: int  # first byte after the county line
    end: int  # first byte of the next line with at most two tabs


class AdminTree:
    """The hierarchy of one location dictionary, parsed lazily per county.

    Use :func:`load_admin_tree` to get the shared, cached instance.
    """

    def __init__(self, data: bytes, *, source: str = "") -> None:
        self._data = data
        self.source = source
        self._blocks: list[_Block] = []
        self._heads: dict[str, list[Place]] = {}  # province/prefecture/county names and short names
        # the counties' towns and villages parsed lately (a national build reads thousands of
        # counties in one process: keeping every one would grow a worker by ~10 MB per file)
        self._parsed: OrderedDict[int, tuple[Place, ...]] = OrderedDict()
        self._block_index: OrderedDict[int, dict[str, list[Place]]] = OrderedDict()  # name/alias → places
        self._under: dict[str, list[int]] = {}
        self._names: dict[str, dict[str, list[Place]]] = {}
        self._town_names: dict[str, tuple[str, ...]] = {}
        province = prefecture = ""
        pending: tuple[str, str, str, int] | None = None  # county awaiting its end offset
        for m in _HEAD.finditer(b"\n" + data):  # offsets in data: m.start() is the line start
            line_start = m.start()
            if pending is not None:
                code, name, short, start = pending
                self._blocks.append(_Block(code, name, short, province, prefecture, start, line_start))
                pending = None
            depth = len(m.group(1))
            name = m.group(2).decode("utf-8")
            code = m.group(3).decode("ascii") if m.group(3) else ""
            short = m.group(4).decode("utf-8") if m.group(4) else name
            if depth == 0:
                province, prefecture = name, ""
                self._add_head(Place(name, "province", code, province), short)
            elif depth == 1:
                prefecture = name
                self._add_head(Place(name, "prefecture", code, province, prefecture), short)
            else:
                if not code:  # a district without an adcode (Taiwan): nothing to join it to
                    continue
                place = Place(name, "county", code, province, prefecture, name)
                self._add_head(place, short)
                pending = (code, name, short, min(m.end(), len(data)))  # just after the newline
        if pending is not None:
            code, name, short, start = pending
            self._blocks.append(_Block(code, name, short, province, prefecture, start, len(data)))
        self._block_starts = [b.start for b in self._blocks]
        self._by_code: dict[str, list[int]] = {}
        for i, block in enumerate(self._blocks):
            self._by_code.setdefault(block.code, []).append(i)

    def _add_head(self, place: Place, short: str) -> None:
        for key in {place.name, short}:
            self._heads.setdefault(key, []).append(place)

    # -- parsing ----------------------------------------------------------------------------
    def _places_of_block(self, i: int) -> tuple[Place, ...]:
        cached = self._parsed.get(i)
        if cached is not None:
            self._parsed.move_to_end(i)
            return cached
        block = self._blocks[i]
        text = self._data[block.start : block.end].decode("utf-8")
        out: list[Place] = []
        town: str | None = None
        for line in text.splitlines():
            name = line.lstrip("\t")
            if not name:
                continue
            depth = len(line) - len(name)
            name = name.strip()
            if depth == 3:
                town = name
                out.append(
                    Place(name, "town", block.code, block.province, block.prefecture, block.name, name)
                )
            elif depth >= 4 and town is not None:
                out.append(
                    Place(name, "village", block.code, block.province, block.prefecture, block.name, town)
                )
        places = tuple(out)
        _keep(self._parsed, i, places)
        return places

    def _index_of_block(self, i: int) -> dict[str, list[Place]]:
        index = self._block_index.get(i)
        if index is not None:
            self._block_index.move_to_end(i)
        else:
            index = {}
            for place in self._places_of_block(i):
                index.setdefault(place.name, []).append(place)
                short = place.short_name
                if short != place.name:
                    index.setdefault(short, []).append(place)
            _keep(self._block_index, i, index)
        return index

    def _blocks_under(self, prefix: str) -> list[int]:
        prefix = _check_prefix(prefix)
        blocks = self._under.get(prefix)
        if blocks is None:
            blocks = [i for i, b in enumerate(self._blocks) if b.code.startswith(prefix)]
            self._under[prefix] = blocks
        return blocks

    # -- lookups ----------------------------------------------------------------------------
    @property
    def county_codes(self) -> list[str]:
        """Adcodes of every county-level unit in the dictionary (sorted, unique)."""
        return sorted(self._by_code)

    def county(self, county_code: str) -> Place:
        """The county-level :class:`Place` with this adcode; ``InputError`` when unknown."""
        idx = self._by_code.get(str(county_code))
        if not idx:
            msg = f"unknown county adcode {county_code!r}: not in the location dictionary {self.source}"
            raise InputError(msg)
        b = self._blocks[idx[0]]
        return Place(b.name, "county", b.code, b.province, b.prefecture, b.name)

    def places_of(self, county_code: str) -> list[Place]:
        """Every town and village of a county (in dictionary order)."""
        self.county(county_code)  # raises on an unknown code
        out: list[Place] = []
        for i in self._by_code[str(county_code)]:
            out.extend(self._places_of_block(i))
        return out

    def towns_of(self, county_code: str) -> list[Place]:
        """The towns (乡/镇/街道 and the like) of a county."""
        return [p for p in self.places_of(county_code) if p.level == "town"]

    def town_names(self, county_code: str) -> tuple[str, ...]:
        """Names of a county's towns, read straight from the dictionary (villages not parsed)."""
        cached = self._town_names.get(county_code)
        if cached is None:
            self.county(county_code)  # raises on an unknown code
            names: list[str] = []
            for i in self._by_code[str(county_code)]:
                block = self._blocks[i]
                chunk = self._data[block.start : block.end]
                names.extend(m.decode("utf-8").strip() for m in _TOWN_LINE.findall(chunk))
            cached = self._town_names[county_code] = tuple(names)
        return cached

    def villages_of(self, county_code: str) -> list[Place]:
        """The villages (村/社区 and the like) of a county."""
        return [p for p in self.places_of(county_code) if p.level == "village"]

    def places_under(self, adcode_prefix: str) -> list[Place]:
        """Every town and village under an adcode prefix (``"14"``, ``"1410"``, ``"141082"``).

        Trailing zeros of a full province/prefecture code are ignored: ``"141000"`` is ``"1410"``.
        """
        out: list[Place] = []
        for i in self._blocks_under(adcode_prefix):
            out.extend(self._places_of_block(i))
        return out

    def names_in(self, adcode_prefix: str, *, aliases: bool = True) -> dict[str, list[Place]]:
        """Every town/village name under an adcode prefix → the places carrying it.

        With ``aliases`` the short names (李曹镇 → 李曹, 七里峪村 → 七里峪) are keys too. Meant
        for building the extractors' matchers once per document region.
        """
        if not aliases:
            out: dict[str, list[Place]] = {}
            for place in self.places_under(adcode_prefix):
                out.setdefault(place.name, []).append(place)
            return out
        prefix = _check_prefix(adcode_prefix)
        merged = self._names.get(prefix)
        if merged is None:
            merged = {}
            for i in self._blocks_under(prefix):
                for key, places in self._index_of_block(i).items():
                    merged.setdefault(key, []).extend(places)
            self._names[prefix] = merged
        return {key: list(places) for key, places in merged.items()}

    def places_named(self, name: str, *, within: str | None = None) -> list[Place]:
        """Every place whose name or short name is ``name``, at any level.

        ``within`` (an adcode prefix) limits the search to that province/prefecture/county.
        Provinces, prefectures and counties come first, then towns and villages in
        dictionary order. Without ``within`` the whole file is scanned once (a few ms).
        """
        name = name.strip()
        if not name:
            return []
        prefix = _check_prefix(within) if within else ""
        out = [p for p in self._heads.get(name, ()) if p.county_code.startswith(prefix)]
        if within:
            blocks: Iterable[int] = self._blocks_under(prefix)
        else:
            blocks = self._blocks_with(name)
        for i in blocks:
            out.extend(self._index_of_block(i).get(name, ()))
        return out

    def _blocks_with(self, name: str) -> list[int]:
        """Indices of the county blocks holding a line that starts with ``name`` (one byte scan)."""
        needle = b"\t" + name.encode("utf-8")
        found: list[int] = []
        data, pos = self._data, 0
        while True:
            pos = data.find(needle, pos)
            if pos < 0:
                break
            i = bisect.bisect_right(self._block_starts, pos) - 1
            if i >= 0 and pos < self._blocks[i].end and (not found or found[-1] != i):
                found.append(i)
            pos += len(needle)
        return found


#: Code used for the whole country (level ``country``): every adcode lies within it.
COUNTRY_CODE = "100000"


def adcode_prefix(code: str) -> str:
    """The leading digits every unit inside ``code`` shares (the one rule for adcode ancestry).

    A province keeps 2 digits, a prefecture 4, a county all 6; the country keeps none:
    ``140000`` → ``"14"``, ``141000`` → ``"1410"``, ``141082`` → ``"141082"``, ``100000`` → ``""``.
    Zeros are cut by position, never by ``rstrip("0")`` (which would make 141000 → ``"141"``, a
    prefix that 吕梁's 1411xx counties share). Shorter codes are prefixes already and are returned
    as they are.
    """
    code = str(code).strip()
    if code == COUNTRY_CODE:
        return ""
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def adcode_within(code: str, ancestor: str) -> bool:
    """True when the unit ``code`` lies inside (or is) the unit ``ancestor``."""
    return str(code).startswith(adcode_prefix(ancestor))


def adcode_parents(code: str) -> tuple[str, ...]:
    """Codes of the prefecture and province above ``code``, nearest first (by position only).

    ``141082`` → ``("141000", "140000")``; ``141000`` → ``("140000",)``; a province → ``()``.
    Whether a parent code is a real unit (省直辖县 have none at prefecture level) is the caller's
    question.
    """
    prefix = adcode_prefix(code)
    if len(prefix) == 6:
        return (prefix[:4] + "00", prefix[:2] + "0000")
    if len(prefix) == 4:
        return (prefix[:2] + "0000",)
    return ()


def _check_prefix(prefix: str) -> str:
    code = str(prefix).strip()
    if not code.isdigit() or len(code) not in (2, 4, 6):
        msg = f"adcode prefix {prefix!r} is not 2, 4 or 6 digits; use e.g. '14', '1410' or '141082'"
        raise InputError(msg)
    return adcode_prefix(code) if len(code) == 6 else code


def jionlp_dictionary_dir() -> Path:
    """Folder of jionlp's dictionaries inside the installed package (jionlp is not imported)."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        msg = "jionlp is not installed: its location dictionary is needed; run `pip install jionlp==1.5.31`"
        raise DataMissingError(msg)
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary"


def jionlp_dictionary_bytes(name: str) -> bytes:
    """Bytes of jionlp's dictionary ``name`` (e.g. ``china_location``).

    jionlp ships most dictionaries zipped and unzips them on its first import; read the ``.txt``
    when it is there, else the member of the ``.zip`` in memory (site-packages stays untouched).
    """
    folder = jionlp_dictionary_dir()
    txt = folder / f"{name}.txt"
    try:
        if txt.exists():
            return txt.read_bytes()
        with zipfile.ZipFile(folder / f"{name}.zip") as archive:
            return archive.read(f"{name}.txt")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        msg = (
            f"jionlp's dictionary {name!r} is missing or damaged in {str(folder)!r} ({exc}); reinstall jionlp"
        )
        raise DataMissingError(msg) from exc


def location_dictionary_path() -> Path:
    """Where jionlp's ``china_location`` dictionary lives (``.txt``, or the ``.zip`` holding it)."""
    folder = jionlp_dictionary_dir()
    txt = folder / "china_location.txt"
    return txt if txt.exists() else folder / "china_location.zip"


@lru_cache(maxsize=2)
def load_admin_tree(path: str | Path | None = None) -> AdminTree:
    """Load (once per process) the hierarchy from ``path`` (default: jionlp's dictionary).

    Measured: about 0.05 s (read + index of the county lines); towns and villages are parsed
    per county on first use.
    """
    if path is None:
        src, data = location_dictionary_path(), jionlp_dictionary_bytes("china_location")
    else:
        src = Path(path)
        try:
            data = src.read_bytes()
        except OSError as exc:
            msg = f"cannot read the location dictionary {str(src)!r}: {exc}; check the path"
            raise DataMissingError(msg) from exc
    tree = AdminTree(data, source=str(src))
    log.debug("admin tree: %d county blocks from %s", len(tree._blocks), src)
    return tree


#: A word this common (jionlp's idf below it) is a word before it is a name: a county's short
#: name 资源, 合作, 和平 or 长安; a road's initials 美丽, 和谐 or 平安.
WORD_FIRST_IDF = 8.0
#: Words rarer than this (idf above it) are not kept in :func:`word_idf`.
_WORD_IDF_KEPT = 10.5


@lru_cache(maxsize=1)
def word_idf() -> dict[str, float]:
    """Common words of 2–4 characters → their idf (jionlp's table; lower is more common).

    Words with an idf above 10.5 are left out. Empty, with a warning, when the table is missing:
    the filters that use it are aids, and names are still matched without them.
    """
    try:
        data = jionlp_dictionary_bytes("idf").decode("utf-8")
    except (DataMissingError, UnicodeDecodeError) as exc:
        log.warning("jionlp's word table is missing (%s): names inside words are not filtered", exc)
        return {}
    out: dict[str, float] = {}
    for line in data.splitlines():
        word, _, value = line.partition("\t")
        if 2 <= len(word) <= 4 and value:
            idf = float(value)
            if idf <= _WORD_IDF_KEPT:
                out[word] = idf
    return out
