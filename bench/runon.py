"""How extraction time grows with the length of one run-on sentence (commas, no full stop).

    python -m bench.runon [--chars 15000] [--factor 4]

Builds a comma-only text of ``--chars`` characters and one ``--factor`` times longer from the same
generated clauses (each clause names a park, a road and a river, so every clause is a mention), and
times :func:`atlas.extract.mentions_from_document` on both. Prints the times and their ratio next
to the length ratio: a ratio near the length ratio is linear, near its square quadratic. No timing
is asserted anywhere; rerun it to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import time

from atlas.boundaries import load_boundaries
from atlas.extract import mentions_from_document
from atlas.models import Document

#: Clause templates in the bench's own words; {i} makes every name distinct.
_CLAUSES = (
    "建设第{i}号湿地公园",
    "改造{i}号乡道连接线",
    "治理清{i}河流域",
    "推进城乡融合发展",
    "完善公共服务设施",
)


def runon_text(chars: int) -> str:
    """A comma-only text of about ``chars`` characters, one long sentence."""
    parts: list[str] = []
    total = i = 0
    while total < chars:
        clause = _CLAUSES[i % len(_CLAUSES)].format(i=i)
        parts.append(clause)
        total += len(clause) + 1
        i += 1
    return ",".join(parts)


def _time(text: str) -> tuple[float, int]:
    region = load_boundaries().get("530800")  # 普洱市, 云南
    doc = Document("bench", "", "work_report", 2021, region, text, "bench.txt", 0, len(text))
    t0 = time.perf_counter()
    found = mentions_from_document(doc)
    return time.perf_counter() - t0, len(found)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--chars", type=int, default=15000)
    ap.add_argument("--factor", type=int, default=4)
    a = ap.parse_args(argv)
    _time(runon_text(500))  # load the name lists and automata outside the measurement
    short, long_ = runon_text(a.chars), runon_text(a.chars * a.factor)
    ts, ns = _time(short)
    tl, nl = _time(long_)
    print(f"{len(short):>8} chars  {ns:>5} mentions  {ts:7.2f} s")
    print(f"{len(long_):>8} chars  {nl:>5} mentions  {tl:7.2f} s")
    ratio = tl / ts if ts else float("inf")
    print(
        f"time ratio {ratio:.1f} for a length ratio {a.factor} (linear ≈ {a.factor}, quadratic ≈ {a.factor**2})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
