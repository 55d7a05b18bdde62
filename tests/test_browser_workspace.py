"""Bring your own plan, in real headless Chromium: upload a real work report, fix its region with the
picker, see it on the Overview and its evidence in popups, place a county-precision park by clicking
the map (``exact`` after the rebuild), and compare the region with a sample region.

The report is a county work report of ../shared/corpus (skipped when absent); the app runs on the
committed sample atlas with an empty workspace of the test's own. Screenshots of the Upload and
Review pages, the Overview and the county page's popup (1500×2600) go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely
from browser_support import ARTIFACTS, is_local_url, launch_chromium, skip_reason, streamlit_server

from atlas import settings
from atlas.workspace import Workspace

_SKIP = skip_reason()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(_SKIP is not None, reason=_SKIP or ""),
]

#: A county work report whose region the test sets with the picker, and the region it is about
#: (../shared/corpus/regions.json).
REPORT = Path("baoding_counties") / "qingyuan_2008_report.txt"
FOLIUM_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SAMPLE_REGION = "141082"  # 霍州市, a sample region to compare with
TIMEOUT = 120_000


@pytest.fixture(scope="module")
def report() -> tuple[Path, str]:
    corpus = settings.SHARED_DIR / "corpus"
    path = corpus / REPORT
    if not path.is_file():
        pytest.skip(f"corpus report {path} not found (set ATLAS_SHARED to the shared folder)")
    known = {r["file"]: r for r in json.loads((corpus / "regions.json").read_text(encoding="utf-8"))}
    row = known[REPORT.as_posix()]
    return path, row["adcode"]


@pytest.fixture(scope="module")
def workspace_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser-workspace")


@pytest.fixture(scope="module")
def app_url(workspace_dir) -> Iterator[str]:
    if not (settings.LAYERS_DIR / "regions.geojson").is_file():
        pytest.skip(f"no built atlas at {settings.LAYERS_DIR}")
    env = {"ATLAS_WORKSPACE": str(workspace_dir)}
    with streamlit_server(settings.LAYERS_DIR, name="browser-workspace", env=env, timeout=120) as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1500, "height": 2600})
        context.route(lambda url: not is_local_url(url), lambda route: route.abort())
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT)  # a cold server on a busy machine is slow to draw its first page
        pg.errors = []  # type: ignore[attr-defined]
        pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))  # type: ignore[attr-defined]
        yield pg
        context.close()
        browser.close()


def wait_idle(page: Any) -> None:
    """Until the app's script run has finished (Streamlit's test hook on ``stApp``)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=TIMEOUT
    )


def wait_for_map(page: Any) -> Any:
    page.wait_for_function(
        """() => {
          const f = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
          if (f.length !== 1) return false;
          const d = f[0].contentDocument;
          return !!d && !!d.querySelector('.leaflet-container .atlas-legend');
        }""",
        timeout=TIMEOUT,
    )
    return page.frame_locator(FOLIUM_FRAME)


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def container_point(page: Any, lon: float, lat: float) -> dict[str, float]:
    """Pixel position of (lon, lat) inside the Leaflet map of the page's one Folium frame."""
    for f in page.frames:
        got = f.evaluate(
            """([lat, lon]) => {
              if (!window.L) return null;
              for (const k of Object.keys(window)) {
                const v = window[k];
                if (v instanceof window.L.Map) {
                  const p = v.latLngToContainerPoint([lat, lon]);
                  return {x: p.x, y: p.y};
                }
              }
              return null;
            }""",
            [lat, lon],
        )
        if got:
            return got
    raise AssertionError("no Leaflet map found in the page")


def test_upload_fix_region_see_it_place_a_park_and_compare(page, app_url, report, workspace_dir):
    path, code = report
    ws = Workspace(workspace_dir)

    # -- upload: preview, fix the region with the picker, add -----------------------------------
    page.goto(f"{app_url}/upload")
    page.get_by_role("heading", name="上传 Upload your plan").wait_for(timeout=TIMEOUT)
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("识别的地区 Detected region").first.wait_for(timeout=TIMEOUT)
    picker = page.get_by_role("combobox", name="地区（可更正）Region (correct it if wrong)")
    picker.click()
    picker.fill(code)
    page.get_by_role("option").filter(has_text=f"({code})").first.click()
    wait_idle(page)
    screenshot(page, "upload-preview")
    page.get_by_role("button", name="加入工作区 Add to workspace").click()
    page.get_by_text("已加入 Added 1 document(s)").wait_for(timeout=TIMEOUT)
    wait_idle(page)
    (doc,) = ws.documents()
    assert doc.region is not None and doc.region.adcode == code
    screenshot(page, "upload")
    assert not [e for e in page.errors if "NaN" in e or "Invalid" in e]  # type: ignore[attr-defined]

    # -- the region on the Overview map, evidence in the county page's popups -------------------
    page.goto(app_url)
    frame = wait_for_map(page)
    frame.locator(f"path.atlas-region-{code}").wait_for(timeout=TIMEOUT)
    screenshot(page, "workspace-overview")
    page.get_by_role("combobox", name="打开地区 Open a region").fill(code)
    page.get_by_role("option", name=f"({code})").first.click()
    page.get_by_role("button", name="打开县域布局 Open county layout").click()
    page.get_by_role("heading", name=f"{doc.region.name} · 县域布局 County layout").wait_for(timeout=TIMEOUT)
    frame = wait_for_map(page)
    parks = ws.layers()["parks"]
    park = parks[parks["precision"] == "county"].iloc[0]
    # a county-only park is listed in its county's count symbol (no invented position of its own)
    symbol = frame.locator(
        f'.atlas-aggregate.atlas-theme-parks:has(.atlas-shape[data-county="{park["county_code"]}"])'
    ).first
    symbol.wait_for(timeout=TIMEOUT)
    symbol.click()
    popup = frame.locator(f'.leaflet-popup .atlas-agg-item[data-feature-id="{park["id"]}"]')
    popup.wait_for(timeout=20_000)
    evidence = popup.locator(".atlas-evidence").inner_text()
    assert park["name"] in evidence
    screenshot(page, "workspace-county-popup")

    # -- review: click the map inside the county, away from the county label point --------------
    page.goto(f"{app_url}/review")
    page.get_by_role("heading", name="校正 Review placements").wait_for(timeout=TIMEOUT)
    chooser = page.get_by_role("combobox", name="要素 Feature")
    chooser.click()
    page.get_by_role("option").filter(has_text=str(park["name"])).filter(has_text="parks").first.click()
    wait_idle(page)
    frame = wait_for_map(page)
    from atlas.boundaries import load_boundaries

    b = load_boundaries()
    county = b.geometry(code)
    away = county.difference(b.label_point(code).buffer(0.04)).buffer(-0.02)
    target = away.representative_point() if not away.is_empty else county.representative_point()
    xy = container_point(page, target.x, target.y)
    frame.locator(".leaflet-container").click(position=xy)
    page.get_by_text("点击位置 Clicked").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="放在这里 Place here").click()
    page.get_by_text(f"已放置 Placed {park['name']}").wait_for(timeout=TIMEOUT)
    wait_idle(page)
    screenshot(page, "review")

    placed = ws.layers()["parks"]
    row = placed[placed["id"] == park["id"]].iloc[0]
    assert row["precision"] == "exact"
    assert row["place_source"] == "user"
    assert county.contains(row.geometry)
    assert row.geometry.distance(shapely.Point(target.x, target.y)) < 0.01  # where it was clicked
    (correction,) = ws.corrections()
    assert correction.name == park["name"] and correction.source == "user"

    # -- compare with a sample region ----------------------------------------------------------
    page.goto(f"{app_url}/compare?regions={code},{SAMPLE_REGION}")
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=TIMEOUT)
    wait_idle(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert doc.region.name in body and "霍州市" in body
    assert "Traceback" not in body
