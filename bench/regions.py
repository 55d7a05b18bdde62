"""Region detection measured on the real work reports of ../shared/corpus.

    python -m bench.regions [--corpus DIR] [--every N] [--errors 40] [--all]

Reads ``regions.json`` (2,056 files whose region is known), ingests each file exactly as
``atlas ingest`` does and compares the region of its main document (the longest) with the known
adcode. Prints accuracy per level and per province, the documents placed in another province,
the errors, the national/provincial texts that ``MANIFEST.csv`` flags and the level they got,
and the time. ``--all`` also times ``atlas ingest`` over every file of the corpus. Skips with a
reason when the corpus is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from atlas import settings

CORPUS_DIR = settings.SHARED_DIR / "corpus"


@dataclass(frozen=True)
class Outcome:
    """One corpus file: what is known and what was detected."""

    file: str
    gold_code: str
    gold_level: str
    got_code: str | None
    got_name: str | None
    got_level: str | None
    confidence: float | None
    evidence: str
    kind: str
    year: int | None

    @property
    def ok(self) -> bool:
        return self.got_code == self.gold_code

    @property
    def other_province(self) -> bool:
        """Placed in a province other than its own (an unknown region is not)."""
        return self.got_code is not None and self.got_code[:2] != self.gold_code[:2]


def load_known(corpus: Path = CORPUS_DIR) -> list[dict[str, str]]:
    """The rows of ``regions.json`` (file, region_name, adcode, level)."""
    return json.loads((corpus / "regions.json").read_text("utf-8"))


def sample_of(rows: Sequence[dict[str, str]], every: int) -> list[dict[str, str]]:
    """Every ``every``-th row of the files sorted by name: a fixed sample."""
    ordered = sorted(rows, key=lambda r: r["file"])
    return ordered[::every]


def main_document(path: Path):
    """The longest document of a file (a corpus file is one report, sometimes with a listing)."""
    from atlas.ingest import documents_from_file

    docs = documents_from_file(path)
    return max(docs, key=lambda d: len(d.text))


def evaluate(rows: Sequence[dict[str, str]], corpus: Path = CORPUS_DIR) -> list[Outcome]:
    """Detect the region of each known file."""
    out = []
    for row in rows:
        doc = main_document(corpus / row["file"])
        region = doc.region
        out.append(
            Outcome(
                file=row["file"],
                gold_code=str(row["adcode"]),
                gold_level=row["level"],
                got_code=region.adcode if region else None,
                got_name=region.name if region else None,
                got_level=region.level if region else None,
                confidence=doc.region_confidence,
                evidence=doc.region_evidence,
                kind=doc.kind,
                year=doc.year,
            )
        )
    return out


def _table(title: str, groups: dict[str, list[Outcome]]) -> list[str]:
    lines = [f"{title:<18} {'right':>6} {'of':>6} {'acc':>7} {'unknown':>8} {'other prov.':>11}"]
    for key in sorted(groups):
        g = groups[key]
        ok = sum(o.ok for o in g)
        unknown = sum(o.got_code is None for o in g)
        other = sum(o.other_province for o in g)
        lines.append(f"{key:<18} {ok:>6} {len(g):>6} {ok / len(g):>7.1%} {unknown:>8} {other:>11}")
    return lines


def report(outcomes: Sequence[Outcome], *, errors: int = 40) -> str:
    """The printed report: totals, per level, per province, the errors."""
    lines = []
    total = len(outcomes)
    ok = sum(o.ok for o in outcomes)
    lines.append(f"region right for {ok} of {total} documents ({ok / total:.2%})")
    lines.append("")
    by_level: dict[str, list[Outcome]] = defaultdict(list)
    by_province: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_level[o.gold_level].append(o)
        by_province[o.file.split("/")[0]].append(o)
    lines += [*_table("level", by_level), "", *_table("folder", by_province), ""]
    wrong = [o for o in outcomes if not o.ok]
    other = [o for o in wrong if o.other_province]
    lines.append(
        f"placed in another province: {len(other)}; unknown: {sum(o.got_code is None for o in wrong)}"
    )
    shown = sorted(wrong, key=lambda o: (not o.other_province, o.file))[:errors]
    for o in shown:
        got = f"{o.got_name} ({o.got_code})" if o.got_code else "unknown"
        lines.append(
            f"  {o.file:<42} want {o.gold_code} got {got:<24} conf {o.confidence}  {o.evidence[:90]}"
        )
    if len(wrong) > len(shown):
        lines.append(f"  … and {len(wrong) - len(shown)} more (--errors N)")
    return "\n".join(lines)


def year_report(outcomes: Sequence[Outcome], corpus: Path = CORPUS_DIR) -> str:
    """How the detected year compares with MANIFEST's label_year (the year the source's row gave,
    often the year a report reviews rather than the year it was delivered)."""
    with (corpus / "MANIFEST.csv").open(encoding="utf-8") as fh:
        label = {r["file"]: r["label_year"] for r in csv.DictReader(fh) if r["file"]}
    diffs: Counter[str] = Counter()
    for o in outcomes:
        if o.year is None:
            diffs["no year"] += 1
        elif not label.get(o.file, "").isdigit():
            diffs["no label"] += 1
        else:
            d = o.year - int(label[o.file])
            diffs["label" if d == 0 else f"label{d:+d}"] += 1
    parts = ", ".join(f"{k} {v}" for k, v in diffs.most_common())
    return f"year (delivered) against label_year: {parts}"


def flagged_texts(corpus: Path = CORPUS_DIR) -> list[tuple[str, str]]:
    """(file, flag) for the files MANIFEST.csv flags as national/provincial/county report text."""
    out = []
    with (corpus / "MANIFEST.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for flag in row["flags"].split(";"):
                if row["file"] and flag.split(":")[0] in (
                    "national-report-text",
                    "provincial-report-text",
                    "county-report-text",
                ):
                    out.append((row["file"], flag))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    ap.add_argument("--every", type=int, default=1, help="only every N-th known file (sorted)")
    ap.add_argument("--errors", type=int, default=40, help="how many errors to list")
    ap.add_argument("--all", action="store_true", help="also time atlas ingest over every corpus file")
    args = ap.parse_args(argv)
    if not (args.corpus / "regions.json").is_file():
        print(f"skipped: no corpus at {args.corpus} (regions.json missing); set ATLAS_SHARED")
        return 0

    from atlas.ingest import documents_from_file
    from atlas.regions import detect_region

    t = time.perf_counter()
    detect_region("", "")  # load the name index and word table once
    load_s = time.perf_counter() - t
    rows = sample_of(load_known(args.corpus), args.every)
    t, cpu = time.perf_counter(), time.process_time()
    outcomes = evaluate(rows, args.corpus)
    run_s, run_cpu = time.perf_counter() - t, time.process_time() - cpu
    print(report(outcomes, errors=args.errors))
    print()
    print(year_report(outcomes, args.corpus))
    print()
    print("texts MANIFEST.csv flags as another level's report:")
    levels: Counter[str] = Counter()
    for file, flag in flagged_texts(args.corpus):
        doc = main_document(args.corpus / file)
        got = f"{doc.region.level} {doc.region.name}" if doc.region else "unknown"
        levels[doc.region.level if doc.region else "unknown"] += 1
        print(f"  {file:<42} {flag:<32} → {got} ({doc.kind}, {doc.year})")
    print(f"  levels: {dict(levels)}")
    print()
    print(
        f"time: {run_s:.1f} s wall, {run_cpu:.1f} s CPU for {len(rows)} files "
        f"({run_cpu / max(len(rows), 1) * 1000:.0f} ms CPU per file), data loading {load_s:.1f} s"
    )
    if args.all:
        files = sorted(p for p in args.corpus.rglob("*.txt") if p.name != "README.txt")
        t, cpu = time.perf_counter(), time.process_time()
        chars = 0
        for p in files:
            chars += sum(len(d.text) for d in documents_from_file(p))
        s, cpu_s = time.perf_counter() - t, time.process_time() - cpu
        print(
            f"atlas ingest of the whole corpus: {len(files)} files, {chars / 1e6:.1f} M chars, "
            f"{s:.1f} s wall, {cpu_s:.1f} s CPU ({chars / cpu_s / 1e6:.2f} M chars per CPU second, one core)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
