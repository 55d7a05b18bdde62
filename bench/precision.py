"""How finely a built atlas places its features: the share finer than county, per theme.

    python -m bench.precision [LAYERS_DIR] [--top 25] [--theme parks]

Reads the GeoJSON layers of an atlas (default ``layers/``, the committed sample atlas) and prints,
for the named themes (parks, corridors, ecological zones, structure), how many features are
placed finer than county (``exact``, ``town``, ``schematic``) out of all, per theme and together
(the maps bar of issue 12: at least 45 %), then the biggest groups of names left at ``county`` or
``region`` precision, with their kinds: where a better placement would pay most.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

THEMES: tuple[str, ...] = ("parks", "corridors", "eco_zones", "structure")
FINER: frozenset[str] = frozenset({"exact", "town", "schematic"})
COARSE: frozenset[str] = frozenset({"county", "region"})


def load_features(layers: Path, themes: Sequence[str] = THEMES) -> list[dict[str, object]]:
    """The properties of every feature of the named themes in a layers folder."""
    out: list[dict[str, object]] = []
    for theme in themes:
        path = layers / f"{theme}.geojson"
        if not path.exists():
            msg = f"{path} not found: build an atlas there first (atlas build PATH --out {layers})"
            raise SystemExit(msg)
        data = json.loads(path.read_text("utf-8"))
        out.extend(f["properties"] for f in data["features"])
    return out


def shares(features: Sequence[dict[str, object]]) -> dict[str, tuple[int, int]]:
    """Theme (and ``all``) → (features finer than county, all features)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in features:
        for key in (str(p["theme"]), "all"):
            counts[key][1] += 1
            if p.get("precision") in FINER:
                counts[key][0] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def coarse_groups(features: Sequence[dict[str, object]]) -> list[tuple[str, str, int, str]]:
    """(theme, name, count, kinds) of the names left at county or region precision, biggest first."""
    groups: Counter[tuple[str, str]] = Counter()
    kinds: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for p in features:
        if p.get("precision") in COARSE:
            key = (str(p["theme"]), str(p["name"]))
            groups[key] += 1
            kinds[key][str(p.get("kind") or p.get("role") or "")] += 1
    return [
        (theme, name, n, ",".join(k for k, _ in kinds[(theme, name)].most_common()))
        for (theme, name), n in groups.most_common()
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.precision", description=__doc__.split("\n\n")[0])
    ap.add_argument("layers", nargs="?", default="layers", type=Path, help="atlas folder (default layers)")
    ap.add_argument("--top", type=int, default=25, help="how many coarse name groups to list")
    ap.add_argument("--theme", choices=THEMES, help="list coarse groups of this theme only")
    args = ap.parse_args(argv)
    feats = load_features(args.layers)
    table = shares(feats)
    print(f"finer than county (exact/town/schematic) in {args.layers}:")
    for theme in (*THEMES, "all"):
        fine, total = table.get(theme, (0, 0))
        pct = 100 * fine / total if total else 0.0
        print(f"  {theme:<10} {fine:>4} / {total:<4} = {pct:5.1f} %")
    by_precision = Counter(str(p.get("precision")) for p in feats)
    print("  precision: " + ", ".join(f"{k} {v}" for k, v in by_precision.most_common()))
    groups = coarse_groups([p for p in feats if args.theme is None or p["theme"] == args.theme])
    print(f"biggest county/region-precision name groups ({len(groups)} names):")
    for theme, name, n, kinds in groups[: args.top]:
        print(f"  {n:>3}  {theme:<10} {name}  [{kinds}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
