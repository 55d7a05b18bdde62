"""Held-out check of the named themes on silver annotations of corpus work reports.

    python -m bench.silver [--show] [--corpus DIR]

``bench/silver/*.json`` annotate parks, ecological zones and corridors of work reports from
provinces outside the development gold (黑龙江, 福建, 西藏, 青海, 内蒙古, 甘肃, 浙江), one engineer's
reading made before the extraction rules were changed on them, after the conventions of
``../shared/eval/README.md``. They hold facts only: the file (relative to ``../shared/corpus``),
each item's name, kind, aliases and the offsets of its first written form in the decoded file.

The bench reads each file, extracts its mentions (:func:`atlas.extract.mentions_from_document`) and
scores each theme on the distinct names of the file: a predicted name is right when it matches a
silver item's name or alias, a silver item is found when any predicted name matches it. Two names
match when they are equal after normalisation (NFKC, spaces removed, dash variants as one, outer
quotes dropped) or when the shorter is inside the longer and covers at least 70 % of it.
``--show`` lists the misses (silver items not found) and the extra names (predicted, not silver).
``--verify`` only checks that every item's offsets point at its written form and exits.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SILVER_DIR = Path(__file__).resolve().parent / "silver"
THEMES: tuple[str, ...] = ("parks", "eco_zones", "corridors")

_SPACE = re.compile(r"\s+")
_DASH = re.compile(r"[—–－─━〜～~-]+")
_OUTER = "“”\"'《》「」()（）"


def normalise(name: str) -> str:
    """The form names are compared in: NFKC, no spaces, one dash, outer quotes removed."""
    s = _SPACE.sub("", unicodedata.normalize("NFKC", name))
    return _DASH.sub("-", s).strip(_OUTER)


def same_name(a: str, b: str) -> bool:
    """Equal, or the shorter inside the longer covering at least 70 % of it (normalised names)."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return short in long_ and len(short) >= 0.7 * len(long_)


@dataclass
class Tally:
    """Counts of one theme: right predictions, predictions, found items, items."""

    right: int = 0
    predicted: int = 0
    found: int = 0
    items: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.right += other.right
        self.predicted += other.predicted
        self.found += other.found
        self.items += other.items

    def prf(self) -> tuple[float, float, float]:
        p = self.right / self.predicted if self.predicted else (1.0 if not self.items else 0.0)
        r = self.found / self.items if self.items else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def score_names(predicted: Iterable[str], items: Sequence[dict[str, object]]) -> Tally:
    """Tally of distinct predicted names against silver items (name + aliases)."""
    pred = sorted({normalise(n) for n in predicted} - {""})
    gold: list[tuple[str, set[str]]] = []
    for item in items:
        aliases = item.get("aliases") or []
        names = {normalise(str(n)) for n in [item["name"], *aliases]} - {""}  # type: ignore[list-item]
        if names:
            gold.append((str(item["name"]), names))
    t = Tally(predicted=len(pred), items=len(gold))
    for p in pred:
        if any(same_name(p, n) for _, names in gold for n in names):
            t.right += 1
        else:
            t.extras.append(p)
    for label, names in gold:
        if any(same_name(p, n) for p in pred for n in names):
            t.found += 1
        else:
            t.misses.append(label)
    return t


def load_silver(folder: Path = SILVER_DIR) -> list[dict[str, object]]:
    """The silver files, sorted by name."""
    files = sorted(folder.glob("*.json"))
    if not files:
        raise SystemExit(f"no silver annotations in {folder}")
    return [json.loads(f.read_text("utf-8")) for f in files]


def verify(silver: Sequence[dict[str, object]], corpus: Path) -> list[str]:
    """Problems with the silver files: a missing source, offsets that do not hold a written form."""
    problems: list[str] = []
    for doc in silver:
        path = corpus / str(doc["doc"])
        if not path.exists():
            problems.append(f"{doc['doc']}: not found under {corpus}")
            continue
        text = path.read_bytes().decode("utf-8")
        for theme in THEMES:
            for item in doc.get(theme, []):  # type: ignore[attr-defined]
                written = text[item["char_start"] : item["char_end"]]
                forms = [item["name"], *item.get("aliases", [])]
                if not any(
                    normalise(written) in normalise(f) or normalise(f) in normalise(written) for f in forms
                ):
                    problems.append(f"{doc['doc']}: {theme} {item['name']!r} offsets hold {written!r}")
    return problems


def predicted_names(path: Path) -> dict[str, list[str]]:
    """Theme → names extracted from the file (every document split out of it)."""
    from atlas.extract import mentions_from_document
    from atlas.ingest import documents_from_paths

    out: dict[str, list[str]] = {t: [] for t in THEMES}
    errors: list[str] = []
    for doc in documents_from_paths([path], errors=errors):
        for m in mentions_from_document(doc, themes=THEMES):
            out[m.theme].append(m.name)
    if errors:
        raise SystemExit("; ".join(errors))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from atlas import settings

    ap = argparse.ArgumentParser(prog="python -m bench.silver", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=settings.SHARED_DIR / "corpus", help="corpus folder")
    ap.add_argument("--silver", type=Path, default=SILVER_DIR, help="folder of silver JSON files")
    ap.add_argument("--show", action="store_true", help="list misses and extra names per file")
    ap.add_argument("--verify", action="store_true", help="only check the offsets of the silver files")
    args = ap.parse_args(argv)
    silver = load_silver(args.silver)
    problems = verify(silver, args.corpus)
    if problems or args.verify:
        for p in problems:
            print(p)
        print(f"{len(problems)} problem(s) in {len(silver)} silver file(s)")
        return 1 if problems else 0
    totals = {t: Tally() for t in THEMES}
    print(f"{'file':<34}" + "".join(f"{t:>11}" for t in THEMES))
    for doc in silver:
        pred = predicted_names(args.corpus / str(doc["doc"]))
        row = f"{Path(str(doc['doc'])).name:<34}"
        shown: list[str] = []
        for t in THEMES:
            tally = score_names(pred[t], doc.get(t, []))  # type: ignore[arg-type]
            totals[t].add(tally)
            row += f"{tally.prf()[2]:>11.2f}"
            shown += [f"   {t} miss  {n}" for n in tally.misses] + [f"   {t} extra {n}" for n in tally.extras]
        print(row)
        if args.show:
            print("\n".join(shown))
    print()
    for t in THEMES:
        p, r, f = totals[t].prf()
        tt = totals[t]
        print(f"{t:<10} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (pred {tt.predicted}, silver {tt.items})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
