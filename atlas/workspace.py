"""The user's workspace: their documents, region overrides, place corrections and layers in one file.

A workspace is a folder holding ``workspace.gpkg``, a GeoPackage (an SQLite database) with

- ``ws_sources``: the decoded text of every file the user added (so evidence sentences always show);
- ``ws_documents``: the documents split out of those files (title, kind, year, detected region with
  its confidence and evidence, offsets into the source text);
- ``ws_region_overrides``: a region the user chose for a document;
- ``ws_corrections``: the user gazetteer — one row per correction, with the columns of
  ``geodata/gazetteer.csv`` (``source`` = ``user``), the theme it was made for and its time; the
  kind ``not_a_feature`` marks a false extraction. Undo sets ``undone_at``; nothing is deleted;
- one GeoPackage feature table per layer (``documents``, ``regions``, ``parks`` …), each feature's
  properties as JSON and its geometry as a GeoPackage binary blob (WGS84, srs_id 4326), readable by
  GDAL/QGIS (``ogrinfo workspace.gpkg``).

Every write is one transaction (``BEGIN IMMEDIATE``) in WAL mode with a busy timeout, so two
browser tabs, two processes or a write killed midway never leave a half-written store: either the
whole change is there or none of it. A rebuild computes the layers outside the write lock and
commits them only if the inputs did not change meanwhile (else it computes again).

>>> ws = Workspace(tmp_path)  # doctest: +SKIP
>>> ws.add_file("my_plan.docx")  # doctest: +SKIP
>>> ws.rebuild()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
import struct
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from atlas._errors import AtlasError, InputError
from atlas.gazetteer import NOT_A_FEATURE, USER_SOURCE, user_entry_applies
from atlas.models import Document, Mention

log = logging.getLogger("atlas")

#: File name of the store inside a workspace folder.
STORE_NAME = "workspace.gpkg"

#: Environment variable naming the workspace folder.
WORKSPACE_ENV = "ATLAS_WORKSPACE"

#: Seconds a writer waits for another writer before giving up.
BUSY_TIMEOUT_S = 60.0

SCHEMA_VERSION = 1
_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
_GPKG_USER_VERSION = 10300

#: progress(stage, done, total, label), as in :mod:`atlas.build`.
Progress = Callable[[str, int, int, str], None]


class WorkspaceError(AtlasError):
    """The workspace store cannot be opened or written (locked, not a workspace, read-only)."""


def default_folder() -> Path:
    """The workspace folder: ``ATLAS_WORKSPACE``, else ``plan-atlas`` in the user's data directory
    (``$XDG_DATA_HOME`` or ``~/.local/share`` on Linux, ``~/Library/Application Support`` on macOS,
    ``%APPDATA%`` on Windows)."""
    env = os.environ.get(WORKSPACE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "plan-atlas"


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---------------------------------------------------------------------------------------------
# GeoPackage geometry blobs
# ---------------------------------------------------------------------------------------------
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_blob(geom: Any, srs_id: int = 4326) -> bytes | None:
    """A shapely geometry as GeoPackage binary (little-endian header with an XY envelope + WKB)."""
    if geom is None:
        return None
    if geom.is_empty:
        flags = 0b00010001  # empty, no envelope, little endian
        return b"GP\x00" + bytes([flags]) + struct.pack("<i", srs_id) + shapely.to_wkb(geom, byte_order=1)
    minx, miny, maxx, maxy = geom.bounds
    flags = 0b00000011  # envelope [minx, maxx, miny, maxy], little endian
    header = b"GP\x00" + bytes([flags]) + struct.pack("<i4d", srs_id, minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geom, byte_order=1)


def geometry_from_gpkg(blob: bytes | None) -> Any:
    """The shapely geometry of a GeoPackage binary blob (None for NULL)."""
    if blob is None:
        return None
    data = bytes(blob)
    if data[:2] != b"GP":
        msg = "not a GeoPackage geometry blob"
        raise WorkspaceError(msg)
    flags = data[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        msg = f"GeoPackage geometry with an unknown envelope code {(flags >> 1) & 0b111}"
        raise WorkspaceError(msg)
    return shapely.from_wkb(data[8 + envelope :])


# ---------------------------------------------------------------------------------------------
# schema
# ---------------------------------------------------------------------------------------------
_SCHEMA = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
    srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
    organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS gpkg_contents (
    table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
    description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
    table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
    srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE IF NOT EXISTS ws_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS ws_sources (
    file_name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, text TEXT NOT NULL, added_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ws_documents (
    doc_id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL REFERENCES ws_sources(file_name) ON DELETE CASCADE,
    title TEXT NOT NULL, kind TEXT NOT NULL, year INTEGER, region_code TEXT,
    region_confidence REAL, region_evidence TEXT, char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL, position INTEGER NOT NULL, added_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ws_region_overrides (
    doc_id TEXT PRIMARY KEY REFERENCES ws_documents(doc_id) ON DELETE CASCADE,
    region_code TEXT NOT NULL, set_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ws_corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, kind TEXT NOT NULL,
    adcode TEXT NOT NULL, wkt TEXT, lon REAL, lat REAL, source TEXT NOT NULL DEFAULT 'user',
    aliases TEXT NOT NULL DEFAULT '', precision TEXT NOT NULL DEFAULT 'exact', theme TEXT,
    created_at TEXT NOT NULL, undone_at TEXT);
"""

_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)


def _layer_names() -> tuple[str, ...]:
    from atlas.layers import LAYERS

    return LAYERS


# ---------------------------------------------------------------------------------------------
# records
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Correction:
    """One user gazetteer entry (a placed feature) or ``not_a_feature`` mark."""

    id: int
    name: str
    kind: str
    adcode: str
    wkt: str | None
    lon: float | None
    lat: float | None
    source: str
    aliases: str
    precision: str
    theme: str | None
    created_at: str
    undone_at: str | None = None

    @property
    def active(self) -> bool:
        return self.undone_at is None

    @property
    def is_mark(self) -> bool:
        return self.kind == NOT_A_FEATURE

    @property
    def geometry(self) -> Any:
        if self.wkt:
            return shapely.from_wkt(self.wkt)
        if self.lon is not None and self.lat is not None:
            return shapely.Point(self.lon, self.lat)
        return None


@dataclass(frozen=True)
class RebuildResult:
    """What a workspace rebuild produced."""

    layers: dict[str, gpd.GeoDataFrame]
    report: dict[str, Any]
    generation: int
    attempts: int


def _fold(name: str) -> str:
    from atlas.text import fold

    return fold(name or "").strip()


def _region_unit(code: str | None) -> Any:
    if not code:
        return None
    from atlas.boundaries import load_boundaries

    try:
        return load_boundaries().get(code)
    except (KeyError, AtlasError):
        log.warning("workspace: unknown region code %s ignored", code)
        return None


_DOC_FIELDS = {f.name for f in dataclasses.fields(Document)}


def _document(row: sqlite3.Row, text: str, override: str | None) -> Document:
    """A Document from its stored row (the override, when set, replaces the detected region)."""
    code = override or row["region_code"]
    kwargs: dict[str, Any] = {
        "doc_id": row["doc_id"],
        "title": row["title"],
        "kind": row["kind"],
        "year": row["year"],
        "region": _region_unit(code),
        "text": text[row["char_start"] : row["char_end"]],
        "source_file": row["file_name"],
        "char_start": row["char_start"],
        "char_end": row["char_end"],
        "source_path": "",
    }
    stored = row["region_evidence"] or ""
    optional = {
        "region_confidence": 1.0 if override else row["region_confidence"],
        "region_evidence": "chosen by the user" if override else stored,
        "region_source": "user" if override else "detected",
    }
    for key, value in optional.items():
        if key in _DOC_FIELDS:
            kwargs[key] = value
    return Document(**kwargs)


def _evidence_text(doc: Document) -> str:
    """The detector's evidence for a document's region, as one line of text."""
    ev = getattr(doc, "region_evidence", None)
    if not ev:
        return ""
    return ev if isinstance(ev, str) else "; ".join(str(e) for e in ev)


# ---------------------------------------------------------------------------------------------
# the store
# ---------------------------------------------------------------------------------------------
class Workspace:
    """A workspace folder and its store (``workspace.gpkg``), created on first use.

    Every method opens its own connection, so one object may be used from several threads.

    Parameters
    ----------
    folder
        The workspace folder; default :func:`default_folder`.
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()
        self.path = self.folder / STORE_NAME
        self._ready = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Workspace({str(self.folder)!r})"

    # -- connections --------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            msg = f"cannot open the workspace {str(self.path)!r} ({exc}); check the folder or set {WORKSPACE_ENV}"
            raise WorkspaceError(msg) from exc
        con.row_factory = sqlite3.Row
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA synchronous = FULL")
        return con

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = self._open()
        try:
            if not self._ready:
                self._init(con)
            yield con
        except sqlite3.DatabaseError as exc:
            msg = f"workspace {str(self.path)!r}: {exc}; close other programs using it and try again"
            raise WorkspaceError(msg) from exc
        finally:
            con.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or (error, kill) none of it."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def _init(self, con: sqlite3.Connection) -> None:
        with self._lock:
            if self._ready:
                return
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "ws_meta" not in tables:
                msg = f"{str(self.path)!r} is not a Plan Atlas workspace; choose another folder"
                raise WorkspaceError(msg)
            if app_id != _GPKG_APPLICATION_ID or "ws_meta" not in tables:
                con.execute("PRAGMA journal_mode = WAL")
                con.execute("BEGIN IMMEDIATE")
                try:
                    con.execute(f"PRAGMA application_id = {_GPKG_APPLICATION_ID}")
                    con.execute(f"PRAGMA user_version = {_GPKG_USER_VERSION}")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            con.execute(statement)
                    srs = [
                        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
                        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None),
                        ("WGS 84 geodetic", 4326, "EPSG", 4326, _WGS84_WKT, "longitude/latitude WGS 84"),
                    ]
                    con.executemany("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", srs)
                    for name in _layer_names():
                        self._create_layer(con, name)
                    con.executemany(
                        "INSERT OR IGNORE INTO ws_meta VALUES (?, ?)",
                        [
                            ("schema_version", str(SCHEMA_VERSION)),
                            ("generation", "0"),
                            ("layers_generation", "-1"),
                            ("report", "{}"),
                        ],
                    )
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            version = con.execute("SELECT value FROM ws_meta WHERE key='schema_version'").fetchone()
            if version is None or int(version[0]) > SCHEMA_VERSION:
                msg = f"{str(self.path)!r} was written by a newer Plan Atlas; update Plan Atlas to open it"
                raise WorkspaceError(msg)
            self._ready = True

    @staticmethod
    def _create_layer(con: sqlite3.Connection, name: str) -> None:
        con.execute(
            f'CREATE TABLE IF NOT EXISTS "{name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
            "geom BLOB, id TEXT NOT NULL UNIQUE, doc_id TEXT, region_code TEXT, properties TEXT NOT NULL)"
        )
        con.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
            "VALUES (?, 'features', ?, ?, 4326)",
            (name, name, f"Plan Atlas workspace layer {name} (feature properties as JSON)"),
        )
        con.execute(
            "INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', 4326, 0, 0)", (name,)
        )

    @staticmethod
    def _bump(con: sqlite3.Connection) -> int:
        con.execute("UPDATE ws_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
        return int(con.execute("SELECT value FROM ws_meta WHERE key='generation'").fetchone()[0])

    @staticmethod
    def _meta(con: sqlite3.Connection, key: str) -> str | None:
        row = con.execute("SELECT value FROM ws_meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # -- state --------------------------------------------------------------------------------
    def exists(self) -> bool:
        """Whether the store file exists (nothing is created)."""
        return self.path.exists()

    def generation(self) -> int:
        """Counter of input changes (documents, regions, corrections)."""
        with self._connect() as con:
            return int(self._meta(con, "generation") or 0)

    def signature(self) -> tuple[str, int, int]:
        """``(store path, input generation, layers generation)``: the app's cache key. Cheap; does
        not create the store."""
        if not self.exists():
            return (str(self.path), 0, -1)
        with self._connect() as con:
            return (
                str(self.path),
                int(self._meta(con, "generation") or 0),
                int(self._meta(con, "layers_generation") or -1),
            )

    def is_stale(self) -> bool:
        """Whether inputs changed since the layers were last built."""
        _, gen, built = self.signature()
        return built != gen and (gen > 0 or built >= 0)

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` (``ok`` when the file is sound)."""
        with self._connect() as con:
            return str(con.execute("PRAGMA integrity_check").fetchone()[0])

    # -- documents ------------------------------------------------------------------------------
    def add_documents(
        self,
        file_name: str,
        text: str,
        documents: Sequence[Document],
        *,
        regions: Mapping[str, str | None] | None = None,
    ) -> list[str]:
        """Store one source file's text and its documents (replacing an earlier file of that name).

        ``regions`` maps doc ids to a region code the user chose (an override); others keep the
        detected region. Returns the doc ids stored.
        """
        name = Path(file_name).name
        if not name or not documents:
            msg = f"{file_name!r}: nothing to add (no documents)"
            raise InputError(msg)
        for doc in documents:
            if doc.source_file != name:
                msg = f"document {doc.doc_id} comes from {doc.source_file!r}, not {name!r}"
                raise InputError(msg)
            if text[doc.char_start : doc.char_end] != doc.text:
                msg = f"document {doc.doc_id}: its offsets do not match the text of {name!r}"
                raise InputError(msg)
        regions = dict(regions or {})
        now = _now()
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._write() as con:
            taken = {
                r[0] for r in con.execute("SELECT doc_id FROM ws_documents WHERE file_name != ?", (name,))
            }
            kept_overrides = {
                r[0]: r[1]
                for r in con.execute(
                    "SELECT o.doc_id, o.region_code FROM ws_region_overrides o "
                    "JOIN ws_documents d USING (doc_id) WHERE d.file_name = ?",
                    (name,),
                )
            }
            con.execute("DELETE FROM ws_sources WHERE file_name = ?", (name,))
            con.execute("INSERT INTO ws_sources VALUES (?, ?, ?, ?)", (name, sha, text, now))
            ids: list[str] = []
            for i, doc in enumerate(documents):
                doc_id = doc.doc_id
                n = 2
                while doc_id in taken:  # another file already has this id: keep ids unique
                    doc_id = f"{doc.doc_id}~{n}"
                    n += 1
                taken.add(doc_id)
                con.execute(
                    "INSERT INTO ws_documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        doc_id,
                        name,
                        doc.title,
                        doc.kind,
                        doc.year,
                        doc.region.adcode if doc.region else None,
                        getattr(doc, "region_confidence", None),
                        _evidence_text(doc),
                        doc.char_start,
                        doc.char_end,
                        i,
                        now,
                    ),
                )
                chosen = regions.get(doc.doc_id, kept_overrides.get(doc_id))
                if chosen:
                    con.execute("INSERT INTO ws_region_overrides VALUES (?, ?, ?)", (doc_id, chosen, now))
                ids.append(doc_id)
            self._bump(con)
        return ids

    def add_file(self, path: str | Path, *, regions: Mapping[str, str | None] | None = None) -> list[str]:
        """Read a file (any format ``atlas build`` reads) and add its documents."""
        from atlas.ingest import documents_from_text, source_text

        p = Path(path)
        text = source_text(p)
        docs = documents_from_text(text, source_file=p.name, source_path=str(p))
        return self.add_documents(p.name, text, docs, regions=regions)

    def remove_file(self, file_name: str) -> int:
        """Remove a source file and its documents; returns how many documents went."""
        with self._write() as con:
            n = con.execute("SELECT COUNT(*) FROM ws_documents WHERE file_name = ?", (file_name,)).fetchone()
            con.execute("DELETE FROM ws_sources WHERE file_name = ?", (file_name,))
            self._bump(con)
        return int(n[0])

    def set_region(self, doc_id: str, region_code: str | None) -> None:
        """Override a document's region (``None`` goes back to the detected one)."""
        if region_code is not None and _region_unit(region_code) is None:
            msg = f"region code {region_code!r} is not a known adcode; pick a region from the list"
            raise InputError(msg)
        with self._write() as con:
            if con.execute("SELECT 1 FROM ws_documents WHERE doc_id = ?", (doc_id,)).fetchone() is None:
                msg = f"no document {doc_id!r} in the workspace"
                raise InputError(msg)
            con.execute("DELETE FROM ws_region_overrides WHERE doc_id = ?", (doc_id,))
            if region_code is not None:
                con.execute("INSERT INTO ws_region_overrides VALUES (?, ?, ?)", (doc_id, region_code, _now()))
            self._bump(con)

    def documents(self) -> list[Document]:
        """Every stored document, with the user's region where one was chosen."""
        if not self.exists():
            return []
        with self._connect() as con:
            return self._documents(con)

    def _documents(self, con: sqlite3.Connection) -> list[Document]:
        texts = {r[0]: r[1] for r in con.execute("SELECT file_name, text FROM ws_sources")}
        overrides = {r[0]: r[1] for r in con.execute("SELECT doc_id, region_code FROM ws_region_overrides")}
        rows = con.execute("SELECT * FROM ws_documents ORDER BY file_name, position").fetchall()
        return [_document(r, texts[r["file_name"]], overrides.get(r["doc_id"])) for r in rows]

    def region_overrides(self) -> dict[str, str]:
        """Doc id → region code the user chose."""
        if not self.exists():
            return {}
        with self._connect() as con:
            return {r[0]: r[1] for r in con.execute("SELECT doc_id, region_code FROM ws_region_overrides")}

    def source_texts(self, names: Sequence[str] | None = None) -> dict[str, str]:
        """File name → decoded text of the stored source files (``names``: only those; None: all)."""
        if not self.exists() or (names is not None and not names):
            return {}
        query, args = "SELECT file_name, text FROM ws_sources", list(names or ())
        if names is not None:
            query += f" WHERE file_name IN ({','.join('?' * len(args))})"
        with self._connect() as con:
            return {r[0]: r[1] for r in con.execute(query, args)}

    # -- corrections ------------------------------------------------------------------------------
    def add_correction(
        self,
        name: str,
        *,
        adcode: str,
        lon: float | None = None,
        lat: float | None = None,
        wkt: str | None = None,
        kind: str = "other",
        theme: str | None = None,
        precision: str = "exact",
        aliases: str = "",
        created_at: str | None = None,
    ) -> int:
        """Store a user gazetteer entry (a place for ``name``); returns its id."""
        from atlas.corrections import validate_entry

        entry = validate_entry(
            {
                "name": name,
                "kind": kind,
                "adcode": adcode,
                "wkt": wkt or "",
                "lon": "" if lon is None else str(lon),
                "lat": "" if lat is None else str(lat),
                "precision": precision,
                "aliases": aliases,
                "theme": theme or "",
                "time": created_at or "",
            }
        )
        return self._insert([entry])[0]

    def mark_not_a_feature(self, name: str, *, adcode: str, theme: str | None = None) -> int:
        """Mark ``name`` as a false extraction in documents of ``adcode``'s prefecture."""
        return self.add_correction(name, adcode=adcode, kind=NOT_A_FEATURE, theme=theme)

    def _insert(self, entries: Sequence[Mapping[str, Any]]) -> list[int]:
        ids = []
        with self._write() as con:
            for e in entries:
                cur = con.execute(
                    "INSERT INTO ws_corrections (name, kind, adcode, wkt, lon, lat, source, aliases, "
                    "precision, theme, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        e["name"],
                        e["kind"],
                        e["adcode"],
                        e.get("wkt") or None,
                        e.get("lon"),
                        e.get("lat"),
                        USER_SOURCE,
                        e.get("aliases") or "",
                        e.get("precision") or "exact",
                        e.get("theme") or None,
                        e.get("time") or _now(),
                    ),
                )
                ids.append(int(cur.lastrowid or 0))
            self._bump(con)
        return ids

    def import_corrections(self, entries: Sequence[Mapping[str, Any]]) -> list[int]:
        """Store validated entries (:func:`atlas.corrections.read_user_csv`) in one transaction."""
        if not entries:
            return []
        return self._insert(entries)

    def undo(self, correction_id: int | None = None) -> Correction | None:
        """Undo a correction (default: the latest active one); returns it, or None if none is left."""
        with self._write() as con:
            if correction_id is None:
                row = con.execute(
                    "SELECT * FROM ws_corrections WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1"
                ).fetchone()
            else:
                row = con.execute(
                    "SELECT * FROM ws_corrections WHERE id = ? AND undone_at IS NULL", (correction_id,)
                ).fetchone()
            if row is None:
                return None
            now = _now()
            con.execute("UPDATE ws_corrections SET undone_at = ? WHERE id = ?", (now, row["id"]))
            self._bump(con)
        return dataclasses.replace(_correction(row), undone_at=now)

    def corrections(self, *, include_undone: bool = False) -> list[Correction]:
        """Stored corrections, oldest first."""
        if not self.exists():
            return []
        with self._connect() as con:
            sql = "SELECT * FROM ws_corrections"
            if not include_undone:
                sql += " WHERE undone_at IS NULL"
            return [_correction(r) for r in con.execute(sql + " ORDER BY id")]

    # -- layers -----------------------------------------------------------------------------------
    def _inputs(self) -> tuple[int, list[Document], list[Correction]]:
        with self._connect() as con:
            con.execute("BEGIN")  # one consistent snapshot of the inputs
            try:
                gen = int(self._meta(con, "generation") or 0)
                docs = self._documents(con)
                corr = [_correction(r) for r in con.execute("SELECT * FROM ws_corrections ORDER BY id")]
            finally:
                con.execute("COMMIT")
        return gen, docs, [c for c in corr if c.active]

    def rebuild(self, *, progress: Progress | None = None, max_attempts: int = 5) -> RebuildResult:
        """Build the layers of every stored document with the user's corrections and store them.

        The layers are computed outside the write lock; if another writer changed the inputs
        meanwhile they are computed again (at most ``max_attempts`` times).
        """
        for attempt in range(1, max_attempts + 1):
            gen, docs, corrections = self._inputs()
            layers, report = layers_from_documents(docs, corrections, progress=progress)
            with self._write() as con:
                if int(self._meta(con, "generation") or 0) != gen:
                    log.info("workspace changed during the rebuild; building again")
                    continue
                self._store_layers(con, layers)
                con.execute("UPDATE ws_meta SET value = ? WHERE key = 'layers_generation'", (str(gen),))
                con.execute(
                    "UPDATE ws_meta SET value = ? WHERE key = 'report'",
                    (json.dumps(report, ensure_ascii=False, default=str),),
                )
            return RebuildResult(layers, report, gen, attempt)
        msg = f"workspace {str(self.path)!r} kept changing during {max_attempts} rebuilds; try again"
        raise WorkspaceError(msg)

    def _store_layers(self, con: sqlite3.Connection, layers: Mapping[str, gpd.GeoDataFrame]) -> None:
        from atlas.layers import to_feature_collection

        for name in _layer_names():
            self._create_layer(con, name)
            con.execute(f'DELETE FROM "{name}"')
            frame = layers.get(name)
            if frame is None or not len(frame):
                con.execute(
                    "UPDATE gpkg_contents SET last_change = ?, min_x = NULL, min_y = NULL, max_x = NULL, "
                    "max_y = NULL WHERE table_name = ?",
                    (_now(), name),
                )
                continue
            rows = []
            for f in to_feature_collection(frame)["features"]:
                props = f["properties"]
                geom = shapely.geometry.shape(f["geometry"]) if f["geometry"] else None
                rows.append(
                    (
                        gpkg_blob(geom),
                        props["id"],
                        props.get("doc_id"),
                        props.get("region_code"),
                        json.dumps(props, ensure_ascii=False, allow_nan=False),
                    )
                )
            con.executemany(
                f'INSERT INTO "{name}" (geom, id, doc_id, region_code, properties) VALUES (?,?,?,?,?)', rows
            )
            bounds = frame.geometry.dropna()
            minx, miny, maxx, maxy = bounds.total_bounds if len(bounds) else (None,) * 4
            con.execute(
                "UPDATE gpkg_contents SET last_change = ?, min_x = ?, min_y = ?, max_x = ?, max_y = ? "
                "WHERE table_name = ?",
                (_now(), _num(minx), _num(miny), _num(maxx), _num(maxy), name),
            )

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The stored layers by name (every layer present, empty when nothing was built)."""
        from atlas.layers import COMMON_FIELDS, THEME_FIELDS

        out: dict[str, gpd.GeoDataFrame] = {}
        names = _layer_names()
        rows: dict[str, list[sqlite3.Row]] = {n: [] for n in names}
        if self.exists():
            with self._connect() as con:
                con.execute("BEGIN")
                try:
                    for name in names:
                        rows[name] = con.execute(
                            f'SELECT geom, properties FROM "{name}" ORDER BY id'
                        ).fetchall()
                finally:
                    con.execute("COMMIT")
        for name in names:
            if not rows[name]:
                columns = [*COMMON_FIELDS, *THEME_FIELDS.get(name, ())]
                out[name] = gpd.GeoDataFrame(
                    pd.DataFrame(columns=[*columns, "geometry"]), geometry="geometry", crs="EPSG:4326"
                )
                continue
            props = pd.DataFrame([json.loads(r["properties"]) for r in rows[name]])
            geoms = [geometry_from_gpkg(r["geom"]) for r in rows[name]]
            out[name] = gpd.GeoDataFrame(props, geometry=geoms, crs="EPSG:4326")
        return out

    def report(self) -> dict[str, Any]:
        """The report of the last rebuild (counts, unresolved names, errors)."""
        if not self.exists():
            return {}
        with self._connect() as con:
            return dict(json.loads(self._meta(con, "report") or "{}"))


def _num(v: Any) -> float | None:
    return None if v is None else float(v)


def _correction(row: sqlite3.Row) -> Correction:
    return Correction(
        id=int(row["id"]),
        name=row["name"],
        kind=row["kind"],
        adcode=row["adcode"],
        wkt=row["wkt"],
        lon=row["lon"],
        lat=row["lat"],
        source=row["source"],
        aliases=row["aliases"] or "",
        precision=row["precision"] or "exact",
        theme=row["theme"],
        created_at=row["created_at"],
        undone_at=row["undone_at"],
    )


# ---------------------------------------------------------------------------------------------
# applying corrections and building the layers
# ---------------------------------------------------------------------------------------------
def effective_corrections(corrections: Iterable[Correction]) -> list[Correction]:
    """The active corrections that count: the latest per (name, adcode, theme); older ones are
    superseded (undoing the latest brings the previous one back)."""
    latest: dict[tuple[str, str, str | None], Correction] = {}
    for c in sorted((c for c in corrections if c.active), key=lambda c: c.id):
        latest[(_fold(c.name), c.adcode, c.theme)] = c
    return sorted(latest.values(), key=lambda c: c.id)


def user_features(corrections: Iterable[Correction]) -> list[Any]:
    """The placed corrections as gazetteer features (:class:`atlas.gazetteer.CuratedFeature`)."""
    from atlas.gazetteer import CuratedFeature

    out = []
    for c in effective_corrections(corrections):
        if c.is_mark or c.geometry is None:
            continue
        aliases = tuple(a for a in c.aliases.split("|") if a)
        out.append(CuratedFeature(c.name, c.kind, c.adcode, c.geometry, USER_SOURCE, aliases, c.precision))
    return out


def is_marked(mention: Mention, region_code: str | None, marks: Sequence[Correction]) -> bool:
    """Whether a ``not_a_feature`` mark covers a mention of a document about ``region_code``."""
    name = _fold(mention.name)
    return any(
        _fold(m.name) == name
        and (m.theme in (None, mention.theme))
        and user_entry_applies(m.adcode, region_code)
        for m in marks
    )


_GAZ_CACHE: dict[tuple[Any, ...], Any] = {}
_GAZ_LOCK = threading.Lock()


def gazetteer_with(corrections: Iterable[Correction]) -> Any:
    """The default gazetteer plus the user's placed corrections (cached per set of corrections;
    the key holds the coordinates, which :class:`CuratedFeature` equality ignores)."""
    from atlas.gazetteer import load_gazetteer

    features = user_features(corrections)
    base = load_gazetteer()
    if not features:
        return base
    key = (id(base), *((f.name, f.kind, f.adcode, f.geometry.wkb, f.aliases, f.precision) for f in features))
    with _GAZ_LOCK:
        hit = _GAZ_CACHE.get(key)
        if hit is None or hit[0] is not base:
            if len(_GAZ_CACHE) >= 8:
                _GAZ_CACHE.clear()
            hit = _GAZ_CACHE[key] = (base, base.with_features(features))
    return hit[1]


def layers_from_documents(
    docs: Sequence[Document],
    corrections: Sequence[Correction] = (),
    *,
    progress: Progress | None = None,
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, Any]]:
    """Extract, parse indicators and geocode documents with the user's corrections applied:
    ``not_a_feature`` marks drop the mentions they cover, placed entries win over other candidates.
    Returns the layer frames and the report."""
    from atlas.build import BuildResult, layers_from_result
    from atlas.extract import mentions_from_document
    from atlas.geocode import features_from_mentions
    from atlas.indicators import indicators_from_document

    def step(stage: str, done: int, total: int, label: str) -> None:
        if progress is not None:
            progress(stage, done, total, label)

    effective = effective_corrections(corrections)
    marks = [c for c in effective if c.is_mark]
    gaz = gazetteer_with(effective)
    result = BuildResult(documents=list(docs))
    total = len(docs)
    dropped = 0
    for i, doc in enumerate(docs):
        step("extract", i, total, doc.doc_id)
        code = doc.region.adcode if doc.region else None
        mentions = mentions_from_document(doc)
        kept = [m for m in mentions if not is_marked(m, code, marks)]
        dropped += len(mentions) - len(kept)
        result.mentions.extend(kept)
        result.indicators.extend(indicators_from_document(doc))
        step("geocode", i, total, doc.doc_id)
        result.features.extend(features_from_mentions(doc, kept, gazetteer=gaz))
    step("geocode", total, total, "")
    result.layers = layers_from_result(result)
    report = result.report()
    report["not_a_feature_dropped"] = dropped
    report["corrections_applied"] = len(effective)
    return result.layers, report
