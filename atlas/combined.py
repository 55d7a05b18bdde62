"""The sample atlas and the user's workspace shown as one atlas.

The frames keep the layer contract's columns (an export of the sample with an empty workspace is
the committed layer, byte for byte); :func:`workspace_regions` says which regions the workspace
holds. A workspace document replaces the sample document with the same id or the same source file
(the user added it to correct it). Region rows are merged per adcode: counts per theme are
recounted from the merged layers, indicator values come from the workspace first, so a user's
county can be compared with the sample's.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from atlas.layers import LAYERS
from atlas.models import THEMES
from atlas.store import AtlasStore

SAMPLE = "sample"
WORKSPACE = "workspace"


def _tagged(frame: gpd.GeoDataFrame | None, tag: str) -> gpd.GeoDataFrame | None:
    if frame is None:
        return None
    out = frame.copy()
    out["atlas"] = tag
    return out


def _concat(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    frames = [f for f in frames if f is not None]
    nonempty = [f for f in frames if len(f)]
    if not nonempty:
        return frames[0] if frames else gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    merged = pd.concat(nonempty, ignore_index=True)
    out = gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")
    if "id" in out:
        out = out.sort_values("id", kind="stable").reset_index(drop=True)
    return out


def workspace_regions(workspace: Mapping[str, gpd.GeoDataFrame]) -> set[str]:
    """Adcodes of the regions the workspace's documents are about."""
    regions = workspace.get("regions")
    if regions is None or not len(regions):
        return set()
    return {str(c) for c in regions["region_code"]}


def combine(
    sample: Mapping[str, gpd.GeoDataFrame] | None, workspace: Mapping[str, gpd.GeoDataFrame] | None
) -> dict[str, gpd.GeoDataFrame]:
    """One atlas of both (either may be None or empty)."""
    sample = dict(sample or {})
    workspace = dict(workspace or {})
    ws_docs = workspace.get("documents")
    if ws_docs is None or not len(ws_docs):
        return {name: frame for name, frame in sample.items() if frame is not None}
    replaced_ids = {str(d) for d in ws_docs["doc_id"]}
    replaced_files = {str(f) for f in ws_docs["source_file"]}

    def keep(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        if not len(frame) or "doc_id" not in frame:
            return frame
        gone = frame["doc_id"].astype(str).isin(replaced_ids)
        if "source_file" in frame:
            gone |= frame["source_file"].astype(str).isin(replaced_files)
        return frame[~gone]

    out: dict[str, gpd.GeoDataFrame] = {}
    for name in LAYERS:
        if name == "regions":
            continue
        parts = []
        if name in sample:
            parts.append(keep(sample[name]))
        if name in workspace:
            parts.append(workspace[name])
        out[name] = _concat(parts)
    out["regions"] = _merge_regions(sample.get("regions"), workspace.get("regions"), out)
    return out


def _merge_regions(
    sample: gpd.GeoDataFrame | None,
    workspace: gpd.GeoDataFrame | None,
    layers: Mapping[str, gpd.GeoDataFrame],
) -> gpd.GeoDataFrame:
    docs = layers["documents"]
    # workspace rows first, so that their indicator values win (the tag is dropped at the end)
    frames = [f for f in (_tagged(workspace, WORKSPACE), _tagged(sample, SAMPLE)) if f is not None and len(f)]
    if not frames:
        return _concat([f for f in (sample, workspace) if f is not None])
    allrows = pd.concat(frames, ignore_index=True)
    allrows["region_code"] = allrows["region_code"].astype(str)
    doc_regions = docs.assign(region_code=docs["region_code"].astype(str)) if len(docs) else docs
    rows = []
    for code, group in allrows.groupby("region_code", sort=True):
        row = group.iloc[0].copy()
        for col in group.columns:  # first non-missing value (workspace first)
            if col == "geometry":
                continue
            present = group[col].dropna()
            if len(present) and (pd.isna(row[col]) if not isinstance(row[col], list | tuple) else False):
                row[col] = present.iloc[0]
        mine = doc_regions[doc_regions["region_code"] == code] if len(doc_regions) else doc_regions
        if not len(mine):
            continue  # every document of it was replaced by a workspace one about another region
        row["doc_id"] = ",".join(sorted(str(d) for d in mine["doc_id"]))
        row["source_file"] = ",".join(sorted({str(f) for f in mine["source_file"]}))
        for theme in THEMES:
            frame = layers.get(theme)
            if frame is not None and len(frame):
                row[f"n_{theme}"] = int((frame["region_code"].astype(str) == code).sum())
            else:
                row[f"n_{theme}"] = 0
        rows.append(row)
    merged = pd.DataFrame(rows).drop(columns=["atlas"]).reset_index(drop=True)
    out = gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")
    return out.sort_values("id", kind="stable").reset_index(drop=True)


class CombinedStore(AtlasStore):
    """The :class:`atlas.store.AtlasStore` interface over the sample atlas and the workspace
    together (:func:`combine`), held in memory: used by the app only while the workspace has
    documents; an empty workspace leaves the sample's indexed store in place."""

    def __init__(
        self, sample: AtlasStore, workspace: Mapping[str, gpd.GeoDataFrame], signature: tuple
    ) -> None:
        self.dir = sample.dir
        self.gpkg = sample.gpkg
        frames = {}
        for name in sample.layer_names():
            frame = sample.read(name)
            if not isinstance(frame, gpd.GeoDataFrame):
                frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame), crs="EPSG:4326"))
            frames[name] = frame
        self._geojson = combine(frames, workspace)
        self._signature = signature

    @property  # type: ignore[override]
    def uses_gpkg(self) -> bool:
        return False

    def _geojson_layer(self, layer: str) -> gpd.GeoDataFrame | None:
        return self._geojson.get(layer)

    def layer_names(self) -> list[str]:
        return [n for n in LAYERS if n in self._geojson]

    def signature(self) -> tuple:  # type: ignore[override]
        return self._signature
