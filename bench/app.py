"""Benchmark of the app against its budget: ``python -m bench.app [--layers DIR] [--repeat N]``.

Budget (issue 6): county page ≤ 1 s of server time after warm-up and ≤ 1.5 MB of map HTML;
overview ≤ 3 MB. Server time is the wall time of one script run of the page under
``streamlit.testing.v1.AppTest`` (router + page, cached layers, evidence and map build), the
median of ``--repeat`` warm runs. Map HTML is what the browser receives for the map: the
st_folium component's script + header + html (the Leaflet files are served separately).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

COUNTY_SECONDS = 1.0
COUNTY_BYTES = 1_500_000
OVERVIEW_BYTES = 3_000_000


def _map_bytes(at) -> int:
    (comp,) = at.get("component_instance")
    args = json.loads(comp.proto.json_args)
    return sum(len(str(args.get(k) or "").encode("utf-8")) for k in ("script", "header", "html"))


def _timed_runs(at, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
        if at.exception or at.error:
            msg = f"page failed: {[e.value for e in at.exception]} {[e.value for e in at.error]}"
            raise SystemExit(msg)
    return times


def main(argv: list[str] | None = None) -> int:
    from streamlit.testing.v1 import AppTest

    from atlas import app_data, settings

    parser = argparse.ArgumentParser(prog="python -m bench.app", description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=Path, default=settings.LAYERS_DIR, help="atlas folder")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per page (median reported)")
    args = parser.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    settings.LAYERS_DIR = args.layers
    layers = app_data.load_atlas(args.layers)
    regions = list(app_data.region_choices(layers["regions"]))
    app = str(settings.PROJECT_ROOT / "streamlit_app.py")
    at = AppTest.from_file(app, default_timeout=120)

    t = time.perf_counter()
    at.run()  # cold: loads layers, boundaries
    cold = time.perf_counter() - t
    overview_s = statistics.median(_timed_runs(at, args.repeat))
    overview_bytes = _map_bytes(at)

    rows = []
    for code in regions:
        at.session_state["region"] = code
        at.switch_page("app_pages/county.py")
        _timed_runs(at, 1)  # warm-up of this region (evidence lookup, display geometry)
        seconds = statistics.median(_timed_runs(at, args.repeat))
        rows.append((code, seconds, _map_bytes(at)))

    out = sys.stdout
    out.write(f"atlas: {args.layers} ({len(regions)} regions); first (cold) run {cold:.2f} s\n")
    out.write(f"overview: {overview_s * 1000:.0f} ms, map {overview_bytes / 1e6:.3f} MB "
              f"(ratio to 3 MB budget {overview_bytes / OVERVIEW_BYTES:.2f})\n")  # fmt: skip
    out.write(f"{'region':<8} {'name':<8} {'server ms':>9} {'ratio':>6} {'map MB':>7} {'ratio':>6}\n")
    names = app_data.region_names(layers["regions"])
    for code, seconds, size in rows:
        out.write(
            f"{code:<8} {names[code]:<8} {seconds * 1000:>9.0f} {seconds / COUNTY_SECONDS:>6.2f} "
            f"{size / 1e6:>7.3f} {size / COUNTY_BYTES:>6.2f}\n"
        )
    worst_s = max(r[1] for r in rows)
    worst_b = max(r[2] for r in rows)
    out.write(
        f"county worst: {worst_s * 1000:.0f} ms (ratio {worst_s / COUNTY_SECONDS:.2f} of 1 s), "
        f"{worst_b / 1e6:.3f} MB (ratio {worst_b / COUNTY_BYTES:.2f} of 1.5 MB)\n"
    )
    ok = worst_s <= COUNTY_SECONDS and worst_b <= COUNTY_BYTES and overview_bytes <= OVERVIEW_BYTES
    out.write("within budget\n" if ok else "OVER BUDGET\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
