"""Frozen records passed between the pipeline stages.

ingest -> Document, extract -> Mention, indicators -> Indicator, geocode -> Feature.
Offsets (``char_start``/``char_end``) always point into the decoded text of the whole source
file, so documents split out of one file share one coordinate system.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["country", "province", "prefecture", "county"]
RegionSource = Literal["detected", "user"]
DocKind = Literal["fyp_outline", "work_report", "article", "unknown"]
Theme = Literal["parks", "red_lines", "corridors", "eco_zones", "structure"]
Precision = Literal["exact", "town", "schematic", "county", "region", "unplaced"]

THEMES: tuple[str, ...] = ("parks", "red_lines", "corridors", "eco_zones", "structure")
#: ``unplaced``: not even the document's region is known, so the feature has no geometry; it is kept
#: in tables and report.json but drawn on no map.
PRECISIONS: tuple[str, ...] = ("exact", "town", "schematic", "county", "region", "unplaced")
STATUSES: tuple[str, ...] = ("built", "existing", "under_construction", "planned", "upgrade")


@dataclass(frozen=True)
class AdminUnit:
    """A province, prefecture-level city or county-level unit (GB/T 2260 adcode).

    The whole country (national reports) is the unit of level ``country``, adcode ``100000``.
    """

    adcode: str
    name: str
    level: Level
    province: str
    prefecture: str | None = None
    short_name: str = ""

    @property
    def prefecture_code(self) -> str:
        return self.adcode[:4] + "00"

    @property
    def province_code(self) -> str:
        return self.adcode[:2] + "0000"


@dataclass(frozen=True)
class Document:
    """One document of a source file.

    ``text`` is exactly ``source_text[char_start:char_end]``: a local offset ``i`` in ``text`` is
    the source offset ``char_start + i``. ``region`` is None when the region is unknown;
    ``region_confidence`` (0–1) and ``region_evidence`` say how sure the detection is and why,
    ``region_source`` whether it was detected or given by the user.
    """

    doc_id: str
    title: str
    kind: DocKind
    year: int | None
    region: AdminUnit | None
    text: str = field(repr=False)
    source_file: str
    char_start: int
    char_end: int
    source_path: str = ""
    region_confidence: float | None = None
    region_evidence: str = ""
    region_source: RegionSource = "detected"

    @property
    def region_level(self) -> str | None:
        """``country``/``province``/``prefecture``/``county``, or None when the region is unknown."""
        return self.region.level if self.region is not None else None

    def to_source(self, local: int) -> int:
        """Turn an offset into ``text`` into an offset into the source file's text."""
        return self.char_start + local

    def snippet(self, start: int, end: int) -> str:
        """Text between two *source* offsets (clamped to this document)."""
        a = max(start - self.char_start, 0)
        b = min(end - self.char_start, len(self.text))
        return self.text[a:b]


@dataclass(frozen=True)
class Mention:
    """A piece of spatial plan content found in a document.

    ``attrs`` holds the theme attributes of DESIGN.md (level, status, place, code, endpoints,
    places, pattern, role, area_km2, share_pct, named_zone ...).
    """

    doc_id: str
    theme: str
    kind: str
    name: str
    char_start: int
    char_end: int
    sentence_start: int
    sentence_end: int
    attrs: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.attrs.get(key, default)


@dataclass(frozen=True)
class Indicator:
    """One row of a plan's indicator table, or one numeric fact from prose."""

    doc_id: str
    region_code: str
    name: str
    key: str | None
    unit: str | None
    base: str | None
    target: str | None
    growth: str | None
    attribute: str | None
    ecological: bool
    base_value: float | None
    target_value: float | None
    char_start: int
    char_end: int
    source: Literal["table", "prose"] = "table"
    year: int | None = None


@dataclass(frozen=True)
class Feature:
    """A mention placed on the map with an honest precision tier."""

    mention: Mention
    geometry: Any = field(hash=False, compare=False)  # shapely geometry, WGS84
    precision: str
    county_code: str
    county_name: str
    placed_at: str | None = None  # name of the gazetteer entry used, if any
    place_source: str | None = None  # where its coordinates come from
    #: layer properties the placement adds (a corridor's ``leads_to``, a red line's ``statement``)
    properties: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
