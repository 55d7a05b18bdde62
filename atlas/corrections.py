"""The user gazetteer as CSV: validate entries, read and write files (``atlas gazetteer import/export``).

The columns are those of ``geodata/gazetteer.csv`` (``name, kind, adcode, wkt, lon, lat, source,
aliases, precision``) plus ``theme`` (the layer a correction was made for, may be empty) and
``time`` (when it was made, ISO 8601 UTC). ``source`` is always ``user``. A row of kind
``not_a_feature`` marks a false extraction and has no coordinates. An exported file can also be
listed in ``ATLAS_GAZETTEER`` so that a plain ``atlas build`` places those features too.

Validation collects every problem, each naming its row (the line number in the file) and column,
and raises once, so the user fixes them all together; nothing is imported when any row is bad.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import shapely

from atlas._errors import DataMissingError, InputError
from atlas.gazetteer import NOT_A_FEATURE, USER_SOURCE

#: Columns of a user gazetteer file, in order.
USER_COLUMNS: tuple[str, ...] = (
    "name", "kind", "adcode", "wkt", "lon", "lat", "source", "aliases", "precision", "theme", "time",
)  # fmt: skip

#: Columns a file must have (the others may be absent).
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "kind", "adcode", "lon", "lat")

#: Longitude / latitude box of China (mainland, Hainan, Taiwan, the South China Sea islands).
LON_RANGE = (73.0, 135.5)
LAT_RANGE = (3.0, 54.0)

_THEMES = ("parks", "corridors", "eco_zones", "structure", "red_lines")


class RowProblem(InputError):
    """One bad value: the row, the column and what is wrong."""


def _number(value: str, column: str, where: str) -> float:
    try:
        x = float(value)
    except ValueError:
        msg = f"{where}, column {column}: {value!r} is not a number; write decimal degrees such as 111.72"
        raise RowProblem(msg) from None
    if not math.isfinite(x):
        msg = f"{where}, column {column}: {value!r} is not a finite number"
        raise RowProblem(msg)
    return x


def _in_china_box(lon: float, lat: float) -> bool:
    return LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]


def validate_entry(row: Mapping[str, Any], *, where: str = "entry") -> dict[str, Any]:
    """One user gazetteer entry, checked and normalised; ``InputError`` lists its problems.

    Checks: a name; a 6-digit adcode of a known unit; for placed entries a point (lon/lat) or WKT
    geometry that is a number, not swapped (lat, lon), inside China and inside the adcode's unit;
    precision ``exact``/``town``; a known theme; an ISO time.
    """
    from atlas.boundaries import load_boundaries

    def get(key: str) -> str:
        v = row.get(key)
        return "" if v is None else str(v).strip()

    problems: list[str] = []
    name = get("name")
    kind = get("kind") or "other"
    adcode = get("adcode")
    source = get("source") or USER_SOURCE
    precision = get("precision") or "exact"
    theme = get("theme")
    when = get("time")
    wkt, lon_s, lat_s = get("wkt"), get("lon"), get("lat")
    if not name:
        problems.append(f"{where}, column name: empty; give the feature's name as the plan writes it")
    b = load_boundaries()
    unit = None
    if not (adcode.isdigit() and len(adcode) == 6):
        problems.append(f"{where}, column adcode: {adcode!r} is not a 6-digit GB/T 2260 code")
    elif adcode not in b.units:
        problems.append(f"{where}, column adcode: {adcode} is not a known province, prefecture or county")
    else:
        unit = b.units[adcode]
    if source != USER_SOURCE:
        problems.append(
            f"{where}, column source: {source!r}; user gazetteer rows have source 'user' "
            "(curated rows with their own sources belong in geodata/gazetteer.csv)"
        )
    if precision not in ("exact", "town"):
        problems.append(f"{where}, column precision: {precision!r} is not 'exact' or 'town'")
    if theme and theme not in _THEMES:
        problems.append(f"{where}, column theme: {theme!r} is not one of {', '.join(_THEMES)} (or empty)")
    if when:
        try:
            dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{where}, column time: {when!r} is not an ISO 8601 time (2024-05-01T08:00:00Z)")
    lon: float | None = None
    lat: float | None = None
    geom = None
    if kind != NOT_A_FEATURE:
        try:
            if wkt:
                try:
                    geom = shapely.from_wkt(wkt)
                except shapely.errors.GEOSException as exc:
                    msg = f"{where}, column wkt: not valid WKT ({exc})"
                    raise RowProblem(msg) from None
            elif lon_s or lat_s:
                if not (lon_s and lat_s):
                    missing = "lat" if lon_s else "lon"
                    msg = f"{where}, column {missing}: empty; give both lon and lat (WGS84 degrees)"
                    raise RowProblem(msg)
                lon = _number(lon_s, "lon", where)
                lat = _number(lat_s, "lat", where)
                geom = shapely.Point(lon, lat)
            else:
                msg = f"{where}, columns lon/lat: empty; give a point (WGS84 lon, lat) or a wkt geometry"
                raise RowProblem(msg)
        except RowProblem as exc:
            problems.append(str(exc))
        if geom is not None:
            problems.extend(_check_geometry(geom, unit, where, columns="wkt" if wkt else "lon/lat"))
    elif wkt or lon_s or lat_s:
        problems.append(
            f"{where}, columns lon/lat/wkt: a {NOT_A_FEATURE} mark has no coordinates; leave them empty"
        )
    if problems:
        raise InputError("; ".join(problems))
    return {
        "name": name,
        "kind": kind,
        "adcode": adcode,
        "wkt": wkt if wkt else "",
        "lon": lon,
        "lat": lat,
        "source": USER_SOURCE,
        "aliases": "|".join(a.strip() for a in get("aliases").split("|") if a.strip()),
        "precision": precision,
        "theme": theme,
        "time": when,
    }


def _check_geometry(geom: Any, unit: Any, where: str, *, columns: str) -> list[str]:
    from atlas.boundaries import load_boundaries

    if geom.is_empty:
        return [f"{where}, column {columns}: empty geometry"]
    minx, miny, maxx, maxy = geom.bounds
    if not (_in_china_box(minx, miny) and _in_china_box(maxx, maxy)):
        if _in_china_box(miny, minx) and _in_china_box(maxy, maxx):
            return [
                f"{where}, columns {columns}: ({minx:g}, {miny:g}) looks like (lat, lon) swapped; "
                f"lon comes first ({LON_RANGE[0]:g}–{LON_RANGE[1]:g} in China), then lat"
            ]
        return [
            f"{where}, columns {columns}: ({minx:g}, {miny:g}) is outside China "
            f"(lon {LON_RANGE[0]:g}–{LON_RANGE[1]:g}, lat {LAT_RANGE[0]:g}–{LAT_RANGE[1]:g}, WGS84)"
        ]
    if unit is None:
        return []
    b = load_boundaries()
    point = geom.representative_point() if geom.geom_type != "Point" else geom
    if not b.geometry(unit.adcode).buffer(0.01).intersects(point):
        there = b.county_at(point.x, point.y)
        where_it_is = f"in {there.name} ({there.adcode})" if there is not None else "outside every county"
        return [
            f"{where}, columns {columns}: the point ({point.x:.5f}, {point.y:.5f}) is {where_it_is}, "
            f"not in {unit.name} (adcode {unit.adcode}); fix the adcode or the coordinates"
        ]
    return []


def read_user_csv(path: str | Path) -> list[dict[str, Any]]:
    """Read and validate a user gazetteer CSV (UTF-8, with or without BOM).

    Raises
    ------
    DataMissingError
        The file does not exist.
    InputError
        Not UTF-8 text, missing columns, or bad rows — every problem, each with its row and column.
    """
    p = Path(path)
    if not p.is_file():
        msg = f"{p}: no such file; give the CSV written by `atlas gazetteer export`"
        raise DataMissingError(msg)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"{p.name}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8 and import again"
        raise InputError(msg) from None
    return parse_user_csv(text, name=p.name)


def parse_user_csv(text: str, *, name: str = "<csv>") -> list[dict[str, Any]]:
    """Validate the text of a user gazetteer CSV (see :func:`read_user_csv`)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        msg = f"{name}: empty file; the first line must name the columns {', '.join(USER_COLUMNS)}"
        raise InputError(msg)
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        msg = (
            f"{name}: missing column(s) {', '.join(missing)}; the header must have "
            f"{', '.join(REQUIRED_COLUMNS)} (optional: wkt, source, aliases, precision, theme, time)"
        )
        raise InputError(msg)
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            problems.append(f"row {line}: more values than columns; quote values that contain commas")
            continue
        if not any((v or "").strip() for v in row.values()):
            continue
        try:
            out.append(validate_entry(row, where=f"row {line}"))
        except InputError as exc:
            problems.append(str(exc))
    if problems:
        shown = problems[:20]
        more = f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        msg = f"{name}: {len(problems)} bad row(s), nothing imported: " + "; ".join(shown) + more
        raise InputError(msg)
    return out


def user_csv_text(corrections: Iterable[Any]) -> str:
    """Corrections (:class:`atlas.workspace.Correction`) as user gazetteer CSV text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(USER_COLUMNS)
    for c in corrections:
        writer.writerow(
            [
                c.name,
                c.kind,
                c.adcode,
                c.wkt or "",
                "" if c.lon is None else f"{c.lon:.6f}",
                "" if c.lat is None else f"{c.lat:.6f}",
                USER_SOURCE,
                c.aliases,
                c.precision,
                c.theme or "",
                c.created_at,
            ]
        )
    return buf.getvalue()


def write_user_csv(corrections: Sequence[Any], path: str | Path) -> Path:
    """Write corrections as a user gazetteer CSV (UTF-8 with BOM for spreadsheet programs)."""
    p = Path(path)
    tmp = p.with_name(f".{p.name}.tmp")
    tmp.write_text(user_csv_text(corrections), encoding="utf-8-sig")
    tmp.replace(p)
    return p
