"""The app in headless Chromium on a large atlas: ``python -m bench.browser [--layers DIR]``.

Times what a user waits for, on the atlas in ``--layers`` (e.g. the national atlas built from
``../shared/corpus``) and on the sample atlas, in one run:

- Overview: from opening the page to the choropleth drawn (region paths in the map frame);
  bar ≤ 10 s on the national atlas;
- Export: from removing one layer from the selection to the page showing the new file name
  with the script idle again; bar ≤ 2 s.

Uses Debian's Chromium and the test suite's server helper (``tests/browser_support.py``); skips
with a reason when either is missing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from atlas import settings

OVERVIEW_S = 10.0
EXPORT_S = 2.0
TIMEOUT_MS = 300_000

_DRAWN = """() => {
  const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
  if (frames.length !== 1) return false;
  const doc = frames[0].contentDocument;
  return !!doc && doc.querySelectorAll('path.atlas-region').length > 0;
}"""


def _idle(page) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=TIMEOUT_MS
    )


def _measure(url: str, playwright, launch) -> tuple[float, float, int]:
    browser = launch(playwright)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        t = time.perf_counter()
        page.goto(url)
        page.wait_for_function(_DRAWN, timeout=TIMEOUT_MS)
        overview = time.perf_counter() - t
        n = (
            page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
            .locator("path.atlas-region")
            .count()
        )

        page.get_by_role("link", name="导出 Export").click()
        page.get_by_role("heading", name="导出 Export").wait_for(timeout=TIMEOUT_MS)
        _idle(page)
        chip = page.locator(
            '[data-testid="stMultiSelect"] button[aria-label^="Remove "][aria-label$=" · parks"]'
        )
        t = time.perf_counter()
        chip.click()
        page.get_by_text("_4-layers.").first.wait_for(timeout=TIMEOUT_MS)
        _idle(page)
        export = time.perf_counter() - t
        return overview, export, n
    finally:
        browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=Path, required=True, help="the large atlas (e.g. a national build)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(settings.PROJECT_ROOT / "tests"))
    import browser_support as bs

    reason = bs.skip_reason()
    if reason:
        print(f"bench.browser: skipped: {reason}")
        return 0
    from playwright.sync_api import sync_playwright

    out = sys.stdout
    out.write(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    rows = []
    with sync_playwright() as pw:
        for label, layers in (("sample", settings.LAYERS_DIR), ("large", a.layers)):
            with bs.streamlit_server(layers, name=f"bench-{label}", timeout=300) as url:
                rows.append((label, layers, *_measure(url, pw, bs.launch_chromium)))
    out.write(
        f"{'atlas':<8}{'regions drawn':>14}{'overview s':>12}{'bar':>6}{'export change s':>17}{'bar':>6}\n"
    )
    for label, _layers, overview, export, n in rows:
        out.write(f"{label:<8}{n:>14}{overview:>12.2f}{'≤10':>6}{export:>17.2f}{'≤2':>6}\n")
    out.write(f"large atlas: {a.layers}\n")
    out.write(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
