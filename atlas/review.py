"""Review: the workspace features placed only at their county or region, worst first, and the ways to
correct them — a point clicked on the map, a gazetteer candidate, or "not a feature".

Every correction is stored as a user gazetteer entry in the workspace (:mod:`atlas.workspace`) and
applies to every document of that prefecture naming the place, after the next rebuild.
The review page (``app_pages/review.py``) is a thin layer over these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from atlas._errors import InputError
from atlas.app_data import mention_spans
from atlas.gazetteer import Candidate, user_entry_applies

#: Themes whose features can be placed by the user (red lines are region polygons by nature).
REVIEW_THEMES: tuple[str, ...] = ("parks", "eco_zones", "structure", "corridors")

#: Precisions that need review, worst first.
ROUGH: tuple[str, ...] = ("region", "county")


@dataclass(frozen=True)
class ReviewItem:
    """One name to review: the features of one theme with that name in one region's documents."""

    theme: str
    name: str
    kind: str | None
    precision: str
    region_code: str
    region_name: str
    county_code: str | None
    county_name: str | None
    feature_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.theme}|{self.region_code}|{self.name}"

    @property
    def label(self) -> str:
        where = self.county_name or self.region_name
        n = len(self.feature_ids)
        return f"{self.name} · {self.theme} · {where} · {self.precision}" + (f" · ×{n}" if n > 1 else "")


def _text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    s = str(v)
    return s if s.strip() else None


def review_items(layers: Mapping[str, gpd.GeoDataFrame]) -> list[ReviewItem]:
    """The features at region or county precision (and those without a place), grouped by theme,
    region and name; worst first: region before county, then the most often named."""
    items: list[tuple[tuple[Any, ...], ReviewItem]] = []
    for theme in REVIEW_THEMES:
        frame = layers.get(theme)
        if frame is None or not len(frame):
            continue
        rough = frame[frame["precision"].isin(ROUGH) | frame["precision"].isna()]
        for (code, name), group in rough.groupby(["region_code", "name"], sort=True, dropna=False):
            worst = (
                "region" if (group["precision"].isna() | (group["precision"] == "region")).any() else "county"
            )
            first = group.iloc[0]
            item = ReviewItem(
                theme=theme,
                name=str(name),
                kind=_text(first.get("kind")),
                precision=worst,
                region_code=str(code),
                region_name=str(first.get("region_name") or code),
                county_code=_text(first.get("county_code")),
                county_name=_text(first.get("county_name")),
                feature_ids=tuple(sorted(str(i) for i in group["id"])),
                doc_ids=tuple(sorted({str(d) for d in group["doc_id"]})),
            )
            named = sum(
                len(mention_spans(m, a, b)) or 1
                for m, a, b in zip(
                    group["mentions"] if "mentions" in group else [None] * len(group),
                    group["char_start"],
                    group["char_end"],
                    strict=True,
                )
            )
            rank = (ROUGH.index(worst), -named, -len(item.doc_ids), theme, item.name)
            items.append((rank, item))
    return [item for _, item in sorted(items, key=lambda x: x[0])]


def _scopes(region_code: str) -> list[str]:
    code = str(region_code)
    out = [code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code]
    for p in (code[:4], code[:2]):
        if p not in out and out[0].startswith(p):
            out.append(p)
    return out


def candidates(item: ReviewItem, *, gazetteer: Any = None, limit: int = 12) -> list[Candidate]:
    """Gazetteer entries with coordinates that could be this feature: searched in its region, then
    its prefecture and province (the first scope with any wins); counties and larger units are left
    out (they are what the feature has already)."""
    from atlas.gazetteer import load_gazetteer

    gaz = gazetteer or load_gazetteer()
    for scope in _scopes(item.region_code):
        found = [
            c
            for c in gaz.search(item.name, within=scope)
            if c.geometry is not None and c.kind not in ("province", "prefecture", "county")
        ]
        if found:
            seen: dict[tuple[str, str, str], Candidate] = {}
            for c in found:
                g = c.geometry.representative_point() if c.geometry.geom_type != "Point" else c.geometry
                seen.setdefault((c.name, c.county_code, f"{g.x:.5f},{g.y:.5f}"), c)
            return list(seen.values())[:limit]
    return []


def candidate_label(c: Candidate, *, county_names: Mapping[str, str] | None = None) -> str:
    """``七里峪村 · village · 霍州市 (111.81234, 36.61234) · Vonng/adcode (CC BY 4.0)``."""
    g = c.geometry.representative_point() if c.geometry.geom_type != "Point" else c.geometry
    county = (county_names or {}).get(c.county_code, c.county_code)
    return f"{c.name} · {c.kind} · {county} ({g.x:.5f}, {g.y:.5f}) · {c.source}"


def _county_of_point(item: ReviewItem, lon: float, lat: float) -> str:
    from atlas.boundaries import load_boundaries

    b = load_boundaries()
    unit = b.county_at(lon, lat)
    if unit is None:
        msg = f"the point ({lon:.5f}, {lat:.5f}) is not inside a county of China; click inside {item.region_name}"
        raise InputError(msg)
    if not user_entry_applies(unit.adcode, item.region_code):
        msg = (
            f"the point ({lon:.5f}, {lat:.5f}) is in {unit.name}, outside the area of {item.region_name}; "
            "a place there would not apply to this document — click inside the region"
        )
        raise InputError(msg)
    return unit.adcode


def place_at_point(workspace: Any, item: ReviewItem, lon: float, lat: float) -> int:
    """Store ``item``'s place as a point clicked on the map; returns the correction's id."""
    lon, lat = float(lon), float(lat)
    code = _county_of_point(item, lon, lat)
    return int(
        workspace.add_correction(
            item.name,
            adcode=code,
            lon=round(lon, 6),
            lat=round(lat, 6),
            kind=item.kind or item.theme,
            theme=item.theme,
        )
    )


def place_at_candidate(workspace: Any, item: ReviewItem, candidate: Candidate) -> int:
    """Store ``item``'s place as a gazetteer candidate's point (or its line/area)."""
    g = candidate.geometry
    precision = candidate.precision if candidate.precision in ("exact", "town") else "exact"
    kind = item.kind or item.theme
    if g.geom_type == "Point":
        code = _county_of_point(item, g.x, g.y)
        return int(
            workspace.add_correction(
                item.name,
                adcode=code,
                lon=round(g.x, 6),
                lat=round(g.y, 6),
                kind=kind,
                theme=item.theme,
                precision=precision,
            )
        )
    code = (
        candidate.county_code
        if user_entry_applies(candidate.county_code, item.region_code)
        else item.region_code
    )
    wkt = shapely.to_wkt(g, rounding_precision=6)
    return int(
        workspace.add_correction(
            item.name, adcode=code, wkt=wkt, kind=kind, theme=item.theme, precision=precision
        )
    )


def mark_not_a_feature(workspace: Any, item: ReviewItem) -> int:
    """Mark ``item`` as a false extraction in its region's prefecture."""
    return int(workspace.mark_not_a_feature(item.name, adcode=item.region_code, theme=item.theme))


def item_layers(layers: Mapping[str, gpd.GeoDataFrame], item: ReviewItem) -> dict[str, gpd.GeoDataFrame]:
    """The layers cut to this item's features (for a map of it alone, on its region)."""
    out = {}
    for name, frame in layers.items():
        if name in ("regions", "documents"):
            out[name] = frame
        elif name == item.theme and len(frame):
            out[name] = frame[frame["id"].astype(str).isin(item.feature_ids)]
        else:
            out[name] = frame.iloc[0:0]
    return out


def features_named(layers: Mapping[str, gpd.GeoDataFrame], item: ReviewItem) -> pd.DataFrame:
    """Every feature of the item's theme and name (after a rebuild: where it is now)."""
    frame = layers.get(item.theme)
    if frame is None or not len(frame):
        return pd.DataFrame()
    return frame[(frame["name"] == item.name) & (frame["region_code"].astype(str) == item.region_code)]


def placement_summary(layers: Mapping[str, gpd.GeoDataFrame], item: ReviewItem) -> str:
    """Where the item's features are after a rebuild: ``exact ×2`` (precision × count), or
    ``none left`` when a mark dropped them."""
    rows = features_named(layers, item)
    if not len(rows):
        return "none left"
    counts = rows["precision"].astype(str).value_counts()
    return ", ".join(f"{p} ×{n}" for p, n in counts.items())
