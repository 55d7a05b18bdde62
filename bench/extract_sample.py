"""Names extracted from a fixed sample of the corpus, and what changed since an earlier run.

    python -m bench.extract_sample --out after.json [--before before.json] [--per-province 5]

The sample is the same on every run: in each province folder of ``../shared/corpus`` the readable
work reports sorted by name, taken at even steps (``--per-province`` of them, about 100 in all).
``--out`` writes every (file, theme, name) extracted for parks, ecological zones and corridors;
``--before`` compares with an earlier file and prints, per theme, how many names appeared and
disappeared and lists them: the changes a gold set does not see (new fragments, lost names).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

THEMES: tuple[str, ...] = ("parks", "eco_zones", "corridors")


def sample_files(corpus: Path, per_province: int) -> list[Path]:
    """``per_province`` files of each province folder at even steps of its sorted file list."""
    out: list[Path] = []
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        files = sorted(folder.glob("*.txt"))
        if not files:
            continue
        step = max(1, len(files) // per_province)
        out.extend(files[::step][:per_province])
    return out


def extract(files: Sequence[Path], corpus: Path) -> tuple[list[list[str]], int]:
    """Sorted ``[file, theme, name]`` rows of every file, and the characters read."""
    from atlas.extract import mentions_from_document
    from atlas.ingest import documents_from_paths

    rows: set[tuple[str, str, str]] = set()
    chars = 0
    for path in files:
        rel = str(path.relative_to(corpus))
        for doc in documents_from_paths([path], errors=[]):
            chars += len(doc.text)
            for m in mentions_from_document(doc, themes=THEMES):
                rows.add((rel, m.theme, m.name))
    return [list(r) for r in sorted(rows)], chars


def main(argv: Sequence[str] | None = None) -> int:
    from atlas import settings

    ap = argparse.ArgumentParser(prog="python -m bench.extract_sample", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=settings.SHARED_DIR / "corpus")
    ap.add_argument("--per-province", type=int, default=5)
    ap.add_argument("--out", type=Path, required=True, help="where to write the extracted names (JSON)")
    ap.add_argument("--before", type=Path, help="an earlier --out file to compare with")
    ap.add_argument("--list", type=int, default=60, help="names listed per theme and direction")
    args = ap.parse_args(argv)
    files = sample_files(args.corpus, args.per_province)
    t0 = time.perf_counter()
    rows, chars = extract(files, args.corpus)
    took = time.perf_counter() - t0
    args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=0) + "\n", "utf-8")
    counts = {t: sum(1 for r in rows if r[1] == t) for t in THEMES}
    print(
        f"{len(files)} files, {chars} chars, {took:.1f} s: "
        + ", ".join(f"{t} {n}" for t, n in counts.items())
    )
    if args.before is None:
        return 0
    old = {tuple(r) for r in json.loads(args.before.read_text("utf-8"))}
    new = {tuple(r) for r in rows}
    for t in THEMES:
        gone = sorted(r for r in old - new if r[1] == t)
        came = sorted(r for r in new - old if r[1] == t)
        print(f"\n{t}: +{len(came)} new, -{len(gone)} gone")
        for sign, group in (("+", came), ("-", gone)):
            for f, _, name in group[: args.list]:
                print(f"  {sign} {name}\t{f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
