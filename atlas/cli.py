"""Command line: ``atlas ingest|extract|build``.

Problems with input files are reported one line each (``atlas: FILE: what is wrong; what to do``)
on stderr; the other files are still processed and the exit status is 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

from atlas import __version__
from atlas._errors import AtlasError, NothingBuiltError
from atlas.logs import log_to_stderr, one_line

log = logging.getLogger("atlas")


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def _document_record(doc) -> dict:
    record = {k: v for k, v in asdict(doc).items() if k not in ("text", "source_path")}
    record["region_level"] = doc.region_level
    return record


def _region_overrides(args: argparse.Namespace):
    """The regions the user gave with --region / --regions (None when neither), validated."""
    from atlas.regions import RegionOverrides, read_region_csv, unit_for_adcode

    if args.region is None and args.regions is None:
        return None
    default = unit_for_adcode(args.region) if args.region is not None else None
    by_file = read_region_csv(args.regions) if args.regions is not None else {}
    origin = args.regions.name if args.regions is not None else ""
    return RegionOverrides(default=default, by_file=by_file, origin=origin)


def _unknown_region_lines(docs) -> list[str]:
    unknown = [d for d in docs if d.region is None]
    if not unknown:
        return []
    lines = [
        f"region unknown for {len(unknown)} of {len(docs)} documents (give --region ADCODE, or "
        "--regions FILE.csv with file,adcode rows):"
    ]
    lines += [f"  {d.source_file} [{d.doc_id}]: {d.region_evidence}" for d in unknown[:20]]
    if len(unknown) > 20:
        lines.append(f"  … and {len(unknown) - 20} more (report.json lists them all)")
    return lines


def cmd_ingest(args: argparse.Namespace) -> int:
    from atlas.ingest import documents_from_paths

    errors: list[str] = []
    docs = documents_from_paths(args.paths, errors=errors, regions=_region_overrides(args))
    for doc in docs:
        if args.json:
            _print_json(_document_record(doc))
        else:
            region = doc.region.name if doc.region else "?"
            sys.stdout.write(f"{doc.doc_id}\t{doc.kind}\t{doc.year}\t{region}\t{doc.title}\n")
    return _report_errors(errors)


def cmd_extract(args: argparse.Namespace) -> int:
    from atlas.extract import mentions_from_document
    from atlas.ingest import documents_from_paths

    errors: list[str] = []
    for doc in documents_from_paths(args.paths, errors=errors):
        for m in mentions_from_document(doc):
            record = asdict(m)
            record["attrs"] = dict(m.attrs)
            if args.json:
                _print_json(record)
            else:
                sys.stdout.write(f"{m.doc_id}\t{m.theme}\t{m.kind}\t{m.char_start}-{m.char_end}\t{m.name}\n")
    return _report_errors(errors)


def cmd_build(args: argparse.Namespace) -> int:
    if getattr(args, "workspace", None) is not None:
        return _build_into_workspace(args)
    from atlas.build import SCHEDULER_ENV, BuildOptions, build_atlas
    from atlas.progress import ProgressLine

    if args.out is None:
        sys.stderr.write(
            "atlas: say where to write the atlas: add --out FOLDER (a new or empty folder, e.g."
            " --out my-atlas); `make build` rebuilds the project's sample atlas in layers/\n"
        )
        return 2
    progress = None if args.quiet else ProgressLine()
    if args.workers is not None and args.workers < 1:
        sys.stderr.write(f"atlas: --workers {args.workers}: give 1 or more processes\n")
        return 2
    overrides = _region_overrides(args)
    try:
        result = build_atlas(
            args.paths,
            args.out,
            progress=progress,
            workers=args.workers,
            scheduler=args.scheduler or os.environ.get(SCHEDULER_ENV) or None,
            cache=False if args.no_cache else (args.cache or True),
            options=BuildOptions(regions=overrides),
            force=args.force,
        )
    except NothingBuiltError as exc:
        _report_errors(exc.problems)
        sys.stderr.write(f"atlas: {one_line(exc)}\n")
        return 2
    if overrides is not None:
        for key in overrides.unused(result.documents):
            log.warning("%s names %s, which is not among the input files", overrides.origin, key)
    for line in _unknown_region_lines(result.documents):
        sys.stderr.write(f"atlas: {line}\n")
    if not args.quiet:
        n = {name: len(frame) for name, frame in result.layers.items()}
        summary = ", ".join(f"{k} {v}" for k, v in n.items())
        sys.stderr.write(
            f"wrote {args.out}: {summary} ({result.timings.get('total_before_write', 0):.2f} s)\n"
        )
        sys.stderr.write(reference_summary() + "\n")
    return _report_errors(result.errors)


def _build_into_workspace(args: argparse.Namespace) -> int:
    """``atlas build FILE... --workspace DIR``: add the files' documents to a workspace, rebuild it."""
    from atlas.ingest import documents_from_text, iter_input_files, source_text
    from atlas.progress import ProgressLine
    from atlas.workspace import Workspace

    ws = Workspace(args.workspace)
    region = getattr(args, "region", None)
    errors: list[str] = []
    added: list[str] = []
    for path in iter_input_files(args.paths, errors=errors):
        try:  # (a missing path is reported by iter_input_files)
            text = source_text(path)
            docs = documents_from_text(text, source_file=path.name, source_path=str(path))
            regions = {d.doc_id: region for d in docs} if region else None
            added += ws.add_documents(path.name, text, docs, regions=regions)
        except AtlasError as exc:
            errors.append(str(exc))
    result = ws.rebuild(progress=None if args.quiet else ProgressLine())
    if not args.quiet:
        counts = ", ".join(f"{k} {len(v)}" for k, v in result.layers.items())
        sys.stderr.write(f"workspace {ws.folder}: added {len(added)} document(s); layers: {counts}\n")
    return _report_errors(errors)


def cmd_gazetteer(args: argparse.Namespace) -> int:
    """``atlas gazetteer export FILE`` / ``import FILE``: the workspace's user gazetteer as CSV."""
    from atlas.corrections import read_user_csv, write_user_csv
    from atlas.workspace import Workspace

    ws = Workspace(args.workspace)
    if args.action == "export":
        corrections = ws.corrections(include_undone=False)
        write_user_csv(corrections, args.file)
        sys.stderr.write(f"wrote {len(corrections)} user gazetteer row(s) to {args.file}\n")
        return 0
    entries = read_user_csv(args.file)
    ws.import_corrections(entries)
    sys.stderr.write(f"imported {len(entries)} row(s) into {ws.folder}\n")
    if args.rebuild:
        ws.rebuild()
        sys.stderr.write("workspace layers rebuilt\n")
    return 0


def reference_summary() -> str:
    """One line: which reference data the build used (places, hydro), or what was missing."""
    from atlas import settings
    from atlas._errors import AtlasError
    from atlas.gazetteer import SOURCE_PLACES
    from atlas.hydro import load_hydro

    places = settings.places_path()
    if places is not None and places.exists():
        town = f"places: {places.name} ({SOURCE_PLACES})"
    else:
        town = "places: not found — fewer towns get a point (set ATLAS_PLACES)"
    try:
        hydro = load_hydro().summary()
    except AtlasError as exc:  # a broken file is reported, the build itself already ran
        hydro = f"hydro: unusable ({exc})"
    return f"reference data: {town}; {hydro}"


def _report_errors(errors: Sequence[str]) -> int:
    for e in errors:
        sys.stderr.write(f"atlas: {one_line(e)}\n")
    return 2 if errors else 0


def _region_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--region",
        metavar="ADCODE",
        help="the region of every document, as a 6-digit adcode (e.g. 130800 承德市; 100000 the country)",
    )
    p.add_argument(
        "--regions",
        metavar="FILE.csv",
        type=Path,
        help="regions per file: a CSV of file,adcode rows (file path, file name or document id)",
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atlas", description="Chinese local-government plans as map layers."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="read documents and print what was detected")
    p.add_argument("paths", nargs="+", type=Path, help="files or folders (.txt .md .html .docx .pdf)")
    p.add_argument("--json", action="store_true", help="one JSON object per document")
    _region_options(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("extract", help="print the plan content found in documents")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON object per mention")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("build", help="build the atlas layers (GeoJSON + GeoPackage + report.json)")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument(
        "--out", type=Path, default=None, help="atlas folder to write (required; a new or empty folder)"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace the atlas files in --out even if edited by hand or the folder holds other files"
        " (those other files are kept)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes to run files in (default: $ATLAS_WORKERS, else every core)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help="run the files on this Dask scheduler (default: $DASK_SCHEDULER_ADDRESS, else locally)",
    )
    p.add_argument(
        "--cache",
        type=Path,
        default=None,
        metavar="DIR",
        help="per-file result cache (default: $ATLAS_CACHE, else ~/.cache/plan-atlas/build)",
    )
    p.add_argument("--no-cache", action="store_true", help="run every file; keep no results for next time")
    p.add_argument(
        "--workspace",
        type=Path,
        default=None,
        metavar="DIR",
        help="add the documents to this workspace (its workspace.gpkg) and rebuild it, instead of --out",
    )
    _region_options(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("gazetteer", help="the workspace's user gazetteer (your corrections) as CSV")
    gsub = p.add_subparsers(dest="action", required=True)
    for action, text in (
        ("export", "write the user gazetteer to a CSV file"),
        ("import", "add the rows of a CSV file (validated; nothing is added if a row is bad)"),
    ):
        g = gsub.add_parser(action, help=text)
        g.add_argument("file", type=Path, help="CSV file (columns of geodata/gazetteer.csv + theme, time)")
        g.add_argument(
            "--workspace",
            type=Path,
            default=None,
            metavar="DIR",
            help="workspace folder (default: ATLAS_WORKSPACE or the user data folder)",
        )
        if action == "import":
            g.add_argument(
                "--no-rebuild", dest="rebuild", action="store_false", help="do not rebuild the layers"
            )
        g.set_defaults(func=cmd_gazetteer)
    return parser


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """``kill`` (SIGTERM) unwinds like Ctrl-C, so a half-written atlas is cleaned up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    log_to_stderr(logging.INFO if args.verbose else logging.WARNING)
    try:
        with _sigterm_as_interrupt():
            return int(args.func(args) or 0)
    except AtlasError as exc:
        sys.stderr.write(f"atlas: {one_line(exc)}\n")
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("atlas: interrupted; nothing was written (an existing atlas is as it was)\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
