"""The sample atlas and the user's workspace shown as one atlas.

The frames keep the layer contract's columns (an export of the sample with an empty workspace is
the committed layer, byte for byte); :func:`workspace_regions` says which regions the workspace
holds. A workspace document replaces the sample document with the same id or the same source file
(the user added it to correct it). Region rows are merged per adcode: counts per theme are
recounted from the merged layers, indicator values come from the workspace first, so a user's
county can be compared with the sample's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

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


def _rows_of(
    frame: pd.DataFrame | None,
    *,
    region_codes: Sequence[str] | None,
    doc_ids: Sequence[str] | None,
    columns: Sequence[str] | None,
    geometry: bool,
) -> pd.DataFrame | None:
    """An in-memory layer cut the way :meth:`AtlasStore.read` cuts a stored one."""
    if frame is None or not len(frame):
        return None
    mask = pd.Series(True, index=frame.index)
    if region_codes is not None:
        if "region_code" not in frame:
            return None
        mask &= frame["region_code"].astype(str).isin([str(c) for c in region_codes])
    if doc_ids is not None:
        if "doc_id" not in frame:
            return None
        mask &= frame["doc_id"].astype(str).isin([str(d) for d in doc_ids])
    out = frame[mask]
    keep = [c for c in (columns if columns is not None else out.columns) if c in out and c != "geometry"]
    if geometry and isinstance(out, gpd.GeoDataFrame):
        return out[[*keep, out.geometry.name]].copy()
    return pd.DataFrame(out[keep]).copy()


def _stack(parts: Sequence[pd.DataFrame | None], *, geometry: bool) -> pd.DataFrame:
    """The parts one after the other (the first part's columns first), sorted by ``id``."""
    present = [p for p in parts if p is not None]
    nonempty = [p for p in present if len(p)]
    if not nonempty:
        return present[0] if present else pd.DataFrame()
    out = nonempty[0] if len(nonempty) == 1 else pd.concat(nonempty, ignore_index=True)
    if geometry:
        out = gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")
    if "id" in out and len(nonempty) > 1:
        out = out.sort_values("id", kind="stable")
    return out.reset_index(drop=True)


class CombinedStore(AtlasStore):
    """The :class:`atlas.store.AtlasStore` interface over the sample atlas and the workspace
    together: the same rows as :func:`combine`, read per query.

    The sample is never loaded whole: each query goes to the sample's indexed store (only the
    regions, documents and columns asked for), drops the sample documents a workspace document
    replaces, and adds the workspace's rows (the workspace is small and held in memory). Region
    rows are recomputed (:func:`combine`) only for the regions the workspace touches — its own
    regions and those of the sample documents it replaces; every other region row is the
    sample's as stored. Used by the app only while the workspace has documents; an empty
    workspace leaves the sample's store in place.
    """

    holds_layer_files = False  # the workspace's rows are not in the sample's files

    def __init__(
        self, sample: AtlasStore, workspace: Mapping[str, gpd.GeoDataFrame], signature: tuple
    ) -> None:
        self.dir = sample.dir
        self.gpkg = sample.gpkg
        self._geojson = {}
        self.sample = sample
        self.workspace = {name: frame for name, frame in workspace.items() if frame is not None}
        self._signature = signature
        docs = self.workspace.get("documents")
        ids = {str(d) for d in docs["doc_id"]} if docs is not None and len(docs) else set()
        files = {str(f) for f in docs["source_file"]} if docs is not None and len(docs) else set()
        theirs = sample.read("documents", columns=["doc_id", "source_file", "region_code"], geometry=False)
        gone = (
            theirs[theirs["doc_id"].astype(str).isin(ids) | theirs["source_file"].astype(str).isin(files)]
            if len(theirs)
            else theirs
        )
        #: Sample documents a workspace document replaces (same id or same source file).
        self.replaced: frozenset[str] = frozenset(str(d) for d in gone.get("doc_id", []))
        touched = workspace_regions(self.workspace)
        if docs is not None and len(docs) and "region_code" in docs:
            touched |= {str(c) for c in docs["region_code"].dropna()}
        touched |= {str(c) for c in gone.get("region_code", pd.Series(dtype=object)).dropna()}
        #: Regions whose rows are recomputed from both atlases.
        self.touched: frozenset[str] = frozenset(touched)

    @property  # type: ignore[override]
    def uses_gpkg(self) -> bool:
        return self.sample.uses_gpkg

    def layer_names(self) -> list[str]:
        present = set(self.sample.layer_names()) | set(self.workspace)
        return [n for n in LAYERS if n in present]

    def columns(self, layer: str) -> set[str]:
        mine = self.workspace.get(layer)
        return self.sample.columns(layer) | (set(mine.columns) - {"geometry"} if mine is not None else set())

    def signature(self) -> tuple:  # type: ignore[override]
        return self._signature

    def count(self, layer: str, *, region_codes: Sequence[str] | None = None) -> int:
        """As :meth:`AtlasStore.count`, over both atlases."""
        return len(self.read(layer, region_codes=region_codes, columns=["id"], geometry=False))

    def _without_replaced(self, frame: pd.DataFrame) -> pd.DataFrame:
        if not self.replaced or not len(frame) or "doc_id" not in frame:
            return frame
        return frame[~frame["doc_id"].astype(str).isin(self.replaced)]

    def read(
        self,
        layer: str,
        *,
        region_codes: Sequence[str] | None = None,
        doc_ids: Sequence[str] | None = None,
        columns: Sequence[str] | None = None,
        geometry: bool = True,
    ) -> gpd.GeoDataFrame | pd.DataFrame:
        """As :meth:`AtlasStore.read`, over both atlases."""
        want = list(columns) if columns is not None else None
        extra = ["region_code"] if layer == "regions" else ["doc_id", "id"]
        cols = None if want is None else list(dict.fromkeys([*want, *extra]))
        if layer == "regions":
            out = self._regions(region_codes=region_codes, doc_ids=doc_ids, columns=cols, geometry=geometry)
        else:
            theirs = self.sample.read(
                layer, region_codes=region_codes, doc_ids=doc_ids, columns=cols, geometry=geometry
            )
            mine = _rows_of(
                self.workspace.get(layer),
                region_codes=region_codes,
                doc_ids=doc_ids,
                columns=cols,
                geometry=geometry,
            )
            out = _stack([self._without_replaced(theirs), mine], geometry=geometry)
        if want is not None:
            keep = [c for c in want if c in out]
            out = out[[*keep, "geometry"]] if geometry and "geometry" in out else pd.DataFrame(out[keep])
        return out.reset_index(drop=True)

    def _regions(
        self,
        *,
        region_codes: Sequence[str] | None,
        doc_ids: Sequence[str] | None,
        columns: Sequence[str] | None,
        geometry: bool,
    ) -> pd.DataFrame:
        theirs = self.sample.read(
            "regions", region_codes=region_codes, doc_ids=doc_ids, columns=columns, geometry=geometry
        )
        if len(theirs) and "region_code" in theirs:
            theirs = theirs[~theirs["region_code"].astype(str).isin(self.touched)]
        codes = self.touched if region_codes is None else self.touched & {str(c) for c in region_codes}
        mine = None
        if codes:
            mine = _rows_of(
                self._touched_regions,
                region_codes=sorted(codes),
                doc_ids=doc_ids,
                columns=columns,
                geometry=geometry,
            )
        return _stack([theirs, mine], geometry=geometry)

    @cached_property
    def _touched_regions(self) -> gpd.GeoDataFrame:
        """Region rows of the touched regions, recomputed from both atlases (:func:`combine`)."""
        part = self.sample.region_layers(sorted(self.touched))
        return combine(part, self.workspace)["regions"]

    def _attributes(self, layer: str, columns: Sequence[str]) -> pd.DataFrame:
        theirs = self._without_replaced(
            self.sample._attributes(layer, list(dict.fromkeys([*columns, "doc_id"])))
        )
        mine = _rows_of(
            self.workspace.get(layer), region_codes=None, doc_ids=None, columns=columns, geometry=False
        )
        out = _stack([theirs, mine], geometry=False)
        for c in columns:
            if c not in out:
                out[c] = None
        return out[list(columns)].astype(object).reset_index(drop=True)
