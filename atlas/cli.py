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

log = logging.getLogger("atlas")


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def _document_record(doc) -> dict:
    record = {k: v for k, v in asdict(doc).items() if k not in ("text", "source_path")}
    return record


def cmd_ingest(args: argparse.Namespace) -> int:
    from atlas.ingest import documents_from_paths

    errors: list[str] = []
    docs = documents_from_paths(args.paths, errors=errors)
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
    from atlas.build import SCHEDULER_ENV, build_atlas
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
    try:
        result = build_atlas(
            args.paths,
            args.out,
            progress=progress,
            workers=args.workers,
            scheduler=args.scheduler or os.environ.get(SCHEDULER_ENV) or None,
            cache=False if args.no_cache else (args.cache or True),
            force=args.force,
        )
    except NothingBuiltError as exc:
        _report_errors(exc.problems)
        sys.stderr.write(f"atlas: {one_line(exc)}\n")
        return 2
    if not args.quiet:
        n = {name: len(frame) for name, frame in result.layers.items()}
        summary = ", ".join(f"{k} {v}" for k, v in n.items())
        sys.stderr.write(
            f"wrote {args.out}: {summary} ({result.timings.get('total_before_write', 0):.2f} s)\n"
        )
    return _report_errors(result.errors)


def one_line(message: object) -> str:
    """A message on one line: control characters (a newline in a file name…) written as escapes."""
    text = str(message)
    return "".join(ch if ch.isprintable() or ch in " \u3000" else repr(ch)[1:-1] for ch in text)


def _report_errors(errors: Sequence[str]) -> int:
    for e in errors:
        sys.stderr.write(f"atlas: {one_line(e)}\n")
    return 2 if errors else 0


class _StderrHandler(logging.StreamHandler):
    """``atlas: message`` lines on stderr, one line each."""

    def format(self, record: logging.LogRecord) -> str:
        return "atlas: " + one_line(record.getMessage())


def _log_to_stderr(*, verbose: bool) -> None:
    logger = logging.getLogger("atlas")
    for h in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(h)
    logger.addHandler(_StderrHandler(sys.stderr))
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    # the readers' own chatter ("EOF marker not found") names no file; our messages do
    for name in ("pypdf", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.ERROR)


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
        "--workers", type=int, default=None, help="processes to run files in (default: every core)"
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
    p.set_defaults(func=cmd_build)
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
    _log_to_stderr(verbose=args.verbose)
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
