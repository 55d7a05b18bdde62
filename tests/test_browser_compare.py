"""The Compare page in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Starts ``streamlit run`` on 127.0.0.1 on a free port, opens the page with 霍州市 and 沁水县 in the
query string, and checks that both maps draw every feature of their ecological layers and that the
table shows both rows. A screenshot is saved under ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import ARTIFACTS, CHROMIUM, launch_chromium, represented, streamlit_server

from atlas import app_data, assets, maps, settings

REGIONS = ("141082", "140521")  # 霍州市, 沁水县

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def layers() -> dict:
    if not (settings.LAYERS_DIR / "regions.geojson").is_file():
        pytest.skip(
            f"no built atlas at {settings.LAYERS_DIR}; run `atlas build ../shared/plans --out layers`"
        )
    missing = assets.missing_assets()
    if missing:
        pytest.skip(f"vendored map assets missing ({missing[:2]}…); run `make assets` first")
    return app_data.load_atlas(settings.LAYERS_DIR)


@pytest.fixture(scope="module")
def server(layers) -> Iterator[str]:
    with streamlit_server(settings.LAYERS_DIR, name="compare") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="python package playwright not installed")
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def _expected_counts(layers: dict, code: str) -> dict[str, int]:
    out = {}
    for theme in maps.COMPARE_THEMES:
        frame = layers[theme]
        frame = frame[frame["region_code"].astype(str) == code]
        out[theme] = int(sum(1 for g in frame.geometry if g is not None and not g.is_empty))
    return out


def test_two_regions_from_the_link_draw_their_ecological_layers_and_rows(server, browser, layers):
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}/compare?regions={','.join(REGIONS)}")

    frames = page.locator('iframe[title="streamlit_folium.st_folium"]')
    frames.nth(1).wait_for(timeout=90_000)
    assert frames.count() == 2
    for i, code in enumerate(REGIONS):
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').nth(i)
        frame.locator(".leaflet-container").wait_for(timeout=60_000)
        expected = _expected_counts(layers, code)
        assert expected["parks"] > 0 and expected["eco_zones"] > 0 and expected["red_lines"] > 0, code
        frame.locator(".atlas-legend").wait_for(state="attached", timeout=30_000)
        for theme, n in expected.items():
            drawn = represented(frame, theme)  # drawn features + county counts + statements
            assert drawn == n, (code, theme, drawn, n)
            row = frame.locator(f'.atlas-legend-row[data-theme="{theme}"]')
            assert row.get_attribute("data-count") == str(n), (code, theme)
        assert frame.locator(".leaflet-control-scale").count() == 1  # scale bar: the shared scale shows

    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=30_000)
    grid.locator('[data-testid="glide-cell-1-1"]').wait_for(state="attached", timeout=30_000)
    rows = grid.locator('tbody [role="row"]')
    assert rows.count() == 2
    assert grid.locator('[data-testid="glide-cell-1-0"]').inner_text() == "霍州市"
    assert grid.locator('[data-testid="glide-cell-1-1"]').inner_text() == "沁水县"
    assert "regions=141082%2C140521" in page.url or "regions=141082,140521" in page.url

    page.wait_for_timeout(1500)  # let tiles-free maps and charts settle before the picture
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "compare-141082-140521.png"))
    assert not errors, errors
    page.close()


def test_four_regions_side_by_side_then_combined(server, browser, layers):
    codes = ("141082", "140400", "140802", "140521")  # a county, a prefecture, a district, a county
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    page.goto(f"{server}/compare?regions={','.join(codes)}")
    frames = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    page.locator('iframe[title="streamlit_folium.st_folium"]').nth(3).wait_for(timeout=90_000)
    for i, code in enumerate(codes):
        expected = _expected_counts(layers, code)
        frames.nth(i).locator(".atlas-legend").wait_for(state="attached", timeout=60_000)
        assert {t: represented(frames.nth(i), t) for t in expected} == expected, code
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "compare-4-regions.png"))

    page.get_by_role("radio", name="合并 Combined").click()
    page.locator('iframe[title="streamlit_folium.st_folium"]').nth(1).wait_for(
        state="detached", timeout=60_000
    )
    combined = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
    combined.locator(".atlas-compare-region").nth(3).wait_for(state="attached", timeout=60_000)
    total = {t: sum(_expected_counts(layers, c)[t] for c in codes) for t in maps.COMPARE_THEMES}
    assert {t: represented(combined, t) for t in total} == total
    assert combined.locator(".atlas-legend-row[data-region]").count() == 4
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "compare-combined.png"))
    page.close()
