"""The app in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Two ``streamlit run`` servers on 127.0.0.1: one on the committed sample atlas (``layers/``), one
on the hand-made fixture atlas of ``app_fixtures`` whose names hold ``<script>`` and ``<img
onerror>``. Every page is checked offline: all requests the page makes (any frame) are recorded,
requests to other hosts are refused and must not happen at all. One screenshot per page goes to
``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    ARTIFACTS,
    is_local_url,
    launch_chromium,
    represented,
    skip_reason,
    streamlit_server,
)

from atlas import settings
from atlas.layers import read_layer
from atlas.models import THEMES

_SKIP = skip_reason()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(_SKIP is not None, reason=_SKIP or "")]

HUOZHOU, HUOZHOU_NAME = "141082", "霍州市"
FOLIUM_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
EXPORT_LAYER = "corridors"  # points and schematic lines: the richest round trip
TIMEOUT = 60_000  # ms; the first run of a page builds and caches its layers


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_layers() -> dict[str, Any]:
    """The committed atlas's theme layers and regions, read with the contract checks."""
    if not (settings.LAYERS_DIR / "regions.geojson").is_file():
        pytest.skip(
            f"no built atlas at {settings.LAYERS_DIR}; run `atlas build ../shared/plans --out layers`"
        )
    return {name: read_layer(settings.LAYERS_DIR / f"{name}.geojson") for name in (*THEMES, "regions")}


@pytest.fixture(scope="module")
def app_url(sample_layers) -> Iterator[str]:
    with streamlit_server(settings.LAYERS_DIR, name="browser") as url:
        yield url


@pytest.fixture(scope="module")
def hostile_atlas(tmp_path_factory) -> Path:
    from app_fixtures import build_fixture_atlas

    root = tmp_path_factory.mktemp("hostile")
    build_fixture_atlas(root)
    return root


@pytest.fixture(scope="module")
def hostile_url(hostile_atlas) -> Iterator[str]:
    env = {"ATLAS_SOURCES": str(hostile_atlas / "sources")}  # evidence sentences in the popups
    with streamlit_server(hostile_atlas / "layers", name="browser-hostile", env=env) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@dataclass
class Session:
    """A page in its own browser context, with everything it did recorded."""

    page: Any
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def remote_requests(self) -> list[str]:
        return [u for u in self.requests if not is_local_url(u)]


@pytest.fixture
def session(browser) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1400, "height": 1700}, accept_downloads=True)
    # offline for real: anything bound elsewhere is refused (and still recorded by "request")
    context.route(lambda url: not is_local_url(url), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)  # a cold server on a busy machine can take longer than 30 s
    s = Session(page)
    page.on("request", lambda r: s.requests.append(r.url))
    page.on("pageerror", lambda exc: s.errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        s.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield s
    context.close()


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
_MAP_READY = """([boundary]) => {
  const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
  if (frames.length !== 1) return false;  // a rerun briefly shows the stale map beside the new one
  const doc = frames[0].contentDocument;
  if (!doc || !doc.querySelector('.leaflet-container .atlas-legend')) return false;
  if (!boundary) return true;
  const row = doc.querySelector('.atlas-legend-row[data-layer="boundary"]');
  return !!row && row.textContent.includes(boundary);
}"""


def wait_for_map(page: Any, *, boundary: str | None = None) -> Any:
    """The one Folium map of the page once drawn (its legend names ``boundary`` when given)."""
    page.wait_for_function(_MAP_READY, arg=[boundary], timeout=TIMEOUT)
    frame = page.frame_locator(FOLIUM_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=TIMEOUT)
    return frame


def open_county(page: Any, url: str, code: str, name: str) -> Any:
    """Open the county page and pick the region in the sidebar picker; returns the map frame."""
    page.goto(f"{url}/county")
    picker = page.get_by_role("combobox", name="地区 Region")
    picker.fill(name)
    page.get_by_role("option", name=f"{name} · ").filter(has_text=f"({code})").click()
    page.get_by_role("heading", name=f"{name} · 县域布局 County layout").wait_for(timeout=TIMEOUT)
    frame = wait_for_map(page, boundary=name)
    box = frame.locator("path.atlas-boundary").bounding_box()  # the view is set: the county fills the map
    assert box is not None and box["width"] > 200 and box["height"] > 200, box
    return frame


def wait_for_idle(page: Any) -> None:
    """Wait until the app's script run has finished (Streamlit's own test hook on ``stApp``)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=TIMEOUT
    )


def expected_counts(layers: dict[str, Any], code: str) -> dict[str, int]:
    """Features per theme of a region that have a geometry to draw."""
    out = {}
    for theme in THEMES:
        frame = layers[theme]
        mine = frame[frame["region_code"].astype(str) == code]
        out[theme] = sum(1 for g in mine.geometry if g is not None and not g.is_empty)
    return out


def open_feature_popup(frame: Any, row: Any) -> Any:
    """The popup showing one feature: its own marker's, or its county symbol's (county-only)."""
    if str(row["precision"]) in ("county", "region"):
        close = frame.locator(".leaflet-popup-close-button")
        if close.count():
            close.dispatch_event("click")
            close.wait_for(state="detached")
        symbol = frame.locator(
            f'.atlas-aggregate.atlas-theme-{row["theme"]}:has(.atlas-shape[data-county="{row["county_code"]}"])'
        )
        symbol.click(position=symbol.evaluate(_VISIBLE_POINT))
        item = frame.locator(f'.leaflet-popup .atlas-agg-item[data-feature-id="{row["id"]}"]')
        item.wait_for(timeout=10_000)
        return item
    return click_marker(frame, str(row["id"]))


_VISIBLE_POINT = """(el) => {
  const r = el.getBoundingClientRect();
  for (const [fx, fy] of [[0.5, 0.5], [0.3, 0.3], [0.7, 0.3], [0.3, 0.7], [0.7, 0.7], [0.5, 0.2], [0.5, 0.8]]) {
    const x = r.left + fx * r.width, y = r.top + fy * r.height;
    const hit = el.ownerDocument.elementFromPoint(x, y);
    if (hit && (hit === el || el.contains(hit))) return {x: fx * r.width, y: fy * r.height};
  }
  return null;
}"""


def click_marker(frame: Any, feature_id: str) -> Any:
    """Click the map marker of ``feature_id`` where it is not covered by a neighbour; its popup."""
    close = frame.locator(".leaflet-popup-close-button")
    if close.count():  # an open popup may hide the marker (its button may sit under the layer control)
        close.dispatch_event("click")
        close.wait_for(state="detached")
    marker = frame.locator(f'.leaflet-marker-icon:has(.atlas-shape[data-feature-id="{feature_id}"])')
    position = marker.evaluate(_VISIBLE_POINT)
    assert position is not None, f"marker {feature_id} is covered by other map elements"
    marker.click(position=position)
    popup = frame.locator(f'.leaflet-popup .atlas-popup[data-feature-id="{feature_id}"]')
    popup.wait_for(timeout=10_000)
    return popup


def assert_legend_visible(frame: Any) -> None:
    """The legend is drawn inside the map, whole."""
    legend = frame.locator(".atlas-legend")
    assert legend.is_visible()
    box, inside = legend.bounding_box(), frame.locator(".leaflet-container").bounding_box()
    assert box is not None and inside is not None and box["width"] > 50 and box["height"] > 50
    assert inside["x"] <= box["x"] and box["x"] + box["width"] <= inside["x"] + inside["width"] + 1
    assert inside["y"] <= box["y"] and box["y"] + box["height"] <= inside["y"] + inside["height"] + 1


def assert_clean(s: Session) -> None:
    assert s.remote_requests() == [], "the page asked another host (CDN?) for something"
    assert any("/app/static/vendor/leaflet" in u for u in s.requests), "Leaflet not served locally"
    assert s.dialogs == []
    assert s.errors == []


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# ---------------------------------------------------------------------------------------------
# the sample atlas
# ---------------------------------------------------------------------------------------------
def test_overview_draws_every_region_and_opens_one(app_url, session, sample_layers):
    page = session.page
    page.goto(app_url)
    frame = wait_for_map(page)
    regions = sample_layers["regions"]
    codes = [str(c) for c, g in zip(regions["region_code"], regions.geometry, strict=True) if g is not None]
    assert frame.locator("path.atlas-region").count() == len(codes)
    for code in codes:
        assert frame.locator(f"path.atlas-region-{code}").count() == 1, code
    legend = frame.locator('.atlas-legend[data-legend="choropleth"]')
    counts = [
        int(c) for c in legend.locator(".atlas-legend-row").evaluate_all("rs => rs.map(r => r.dataset.count)")
    ]
    assert sum(counts) == len(codes)
    assert_legend_visible(frame)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=TIMEOUT)
    screenshot(page, "overview")

    page.get_by_role("combobox", name="打开地区 Open a region").fill(HUOZHOU_NAME)
    page.get_by_role("option", name=f"({HUOZHOU})").click()
    page.get_by_role("button", name="打开县域布局 Open county layout").click()
    page.get_by_role("heading", name=f"{HUOZHOU_NAME} · 县域布局 County layout").wait_for(timeout=TIMEOUT)
    wait_for_map(page, boundary=HUOZHOU_NAME)
    assert_clean(session)


def test_overview_click_on_a_region_offers_to_open_it(app_url, session, sample_layers):
    """A click on a region of the (cached) overview map reaches the server: the page offers that
    region, and the offer opens its county page."""
    regions = sample_layers["regions"]
    target = None
    for code, name, geom in zip(regions["region_code"], regions["name"], regions.geometry, strict=True):
        if geom is None:
            continue
        centre = geom.envelope.centroid  # where a click on the outline's box lands
        others = [g for c, g in zip(regions["region_code"], regions.geometry, strict=True) if c != code]
        if geom.buffer(-0.05).contains(centre) and not any(
            g is not None and g.contains(centre) for g in others
        ):
            target = (str(code), str(name))
            break
    assert target is not None, "the sample atlas has a region whose box centre is its own"
    code, name = target
    page = session.page
    page.goto(app_url)
    frame = wait_for_map(page)
    wait_for_idle(page)  # the map's click handlers are bound once the component has mounted
    frame.locator(f"path.atlas-region-{code}").click()
    page.get_by_role("button", name=f"打开 Open {name}").click(timeout=TIMEOUT)
    page.get_by_role("heading", name=f"{name} · 县域布局 County layout").wait_for(timeout=TIMEOUT)
    wait_for_map(page, boundary=name)
    assert_clean(session)


def test_county_page_draws_toggles_and_explains_every_layer(app_url, session, sample_layers):
    page = session.page
    frame = open_county(page, app_url, HUOZHOU, HUOZHOU_NAME)
    expected = expected_counts(sample_layers, HUOZHOU)
    assert expected["parks"] > 0 and expected["corridors"] > 0 and expected["red_lines"] > 0
    for theme, n in expected.items():
        assert represented(frame, theme) == n, theme
        row = frame.locator(f'.atlas-legend-row[data-theme="{theme}"]')
        assert row.get_attribute("data-count") == str(n), theme
    assert_legend_visible(frame)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=TIMEOUT)
    screenshot(page, "county")

    # the layer control: parks off, then on again
    n_parks = expected["parks"]
    toggle = frame.get_by_role("checkbox", name=f"公园与保护地 Parks & protected areas ({n_parks})")
    toggle.uncheck()
    frame.locator(".leaflet-map-pane .atlas-theme-parks").first.wait_for(state="detached")
    assert represented(frame, "parks") == 0
    assert represented(frame, "corridors") == expected["corridors"]
    assert frame.locator('.atlas-legend-row[data-theme="parks"]').is_visible()  # the legend stays
    toggle.check()
    frame.locator(".leaflet-map-pane .atlas-theme-parks").first.wait_for(state="attached")
    assert represented(frame, "parks") == n_parks

    # a park's popup: its name, precision and county, from the layer
    parks = sample_layers["parks"]
    mine = parks[(parks["region_code"].astype(str) == HUOZHOU) & (parks.geom_type == "Point")]
    placed = mine[~mine["precision"].isin(["county", "region"])]
    park = next(  # one not hidden under a neighbour (several parks may share a town)
        r
        for _, r in placed.iterrows()
        if frame.locator(f'.leaflet-marker-icon:has(.atlas-shape[data-feature-id="{r["id"]}"])').evaluate(
            _VISIBLE_POINT
        )
    )
    popup = click_marker(frame, str(park["id"]))
    assert popup.locator(".atlas-popup-title").inner_text() == park["name"]
    text = popup.inner_text()
    assert f"{park['county_name']} ({park['county_code']})" in text
    assert park["precision"] in text
    # a county-only park: listed with its facts in its county's symbol, not drawn at a made-up spot
    vague = mine[mine["precision"] == "county"].iloc[0]
    item = open_feature_popup(frame, vague)
    assert item.locator("b").first.inner_text() == vague["name"]
    assert_clean(session)


def _line_inside(frame: Any, feature_id: str, boundary: str) -> None:
    """The drawn path of a feature is a line (no fill) whose box lies inside the boundary's box."""
    path = frame.locator(f"path.atlas-id-{feature_id}")
    assert path.count() == 1, feature_id
    assert path.get_attribute("fill") == "none"
    # both boxes in one call: measured apart, a zoom that is still settling moves one of them
    box, outer = frame.locator(boundary).first.evaluate(
        "(outline, line) => [outline.ownerDocument.querySelector(line), outline].map(e => {"
        " const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; })",
        f"path.atlas-id-{feature_id}",
    )
    assert box["width"] + box["height"] > 20
    assert outer["x"] - 1 <= box["x"] and box["x"] + box["width"] <= outer["x"] + outer["width"] + 1
    assert outer["y"] - 1 <= box["y"] and box["y"] + box["height"] <= outer["y"] + outer["height"] + 1


def _no_invented_positions(frame: Any, layers: dict[str, Any], code: str) -> None:
    """County-only features are count symbols at their county's label point, one per county and
    theme, in one row per county (no spiral, no grid); their counts add up to the layers'."""
    assert frame.locator(".atlas-feature.atlas-prec-county, .atlas-feature.atlas-prec-region").count() == 0
    symbols = frame.locator(".leaflet-marker-pane .atlas-aggregate").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); const s = e.querySelector('.atlas-shape');"
        " return [s.dataset.county, [...e.classList].find(c => c.startsWith('atlas-theme-')), +s.dataset.count,"
        " Math.round(r.top + r.height / 2)]; })"
    )
    pairs = [(c, t) for c, t, _, _ in symbols]
    assert len(pairs) == len(set(pairs)), "one symbol per county and theme"
    rows: dict[str, set[int]] = {}
    for county, _, _, y in symbols:
        rows.setdefault(county, set()).add(y)
    assert all(len(ys) == 1 for ys in rows.values()), rows  # a row at the label point
    want = 0
    for theme in THEMES:
        frame_ = layers[theme]
        mine = frame_[
            (frame_["region_code"].astype(str) == code) & frame_["precision"].isin(["county", "region"])
        ]
        want += int((mine.geom_type == "Point").sum())
    assert sum(n for _, _, n, _ in symbols) == want


def test_rivers_are_lines_and_county_only_features_are_counts(app_url, session, sample_layers):
    page = session.page
    zones = sample_layers["eco_zones"]
    for code, name, river in ((HUOZHOU, HUOZHOU_NAME, "汾河"), ("140400", "长治市", "浊漳河")):
        frame = open_county(page, app_url, code, name)
        mine = zones[(zones["region_code"].astype(str) == code) & (zones["name"] == river)]
        lines = mine[mine["precision"] == "exact"]
        assert len(lines), f"{river} should be an exact line in {name}"
        county = str(lines.iloc[0]["county_code"])
        boundary = "path.atlas-boundary" if county == code else "path.atlas-county-boundary"
        if county == code:
            _line_inside(frame, str(lines.iloc[0]["id"]), boundary)
        _no_invented_positions(frame, sample_layers, code)
        red = frame.locator(".atlas-statement.atlas-theme-red_lines")
        assert red.count() >= 1
        for fill in red.evaluate_all("els => els.map(e => e.getAttribute('fill'))"):
            assert fill == "none"  # a hatched outline, not a solid fill
        if code == "140400":
            from atlas.maps import counties_of

            counties = counties_of(code)
            assert frame.locator("path.atlas-county-boundary").count() == len(counties) >= 10
            labels = frame.locator(".atlas-county-label").all_inner_texts()
            assert sorted(labels) == sorted(n for _, n in counties)
            picker = page.get_by_role("combobox", name="县区 County")
            picker.click()
            for _, county_name in counties[:3]:
                assert page.get_by_role("option", name=county_name).count() >= 1
            page.keyboard.press("Escape")
        screenshot(page, f"county-{code}")
    assert_clean(session)


def test_export_downloads_the_county_layer_as_geojson(app_url, session, tmp_path):
    page = session.page
    open_county(page, app_url, HUOZHOU, HUOZHOU_NAME)
    page.get_by_role("link", name="导出 Export").click()  # inside the app: the session keeps the region
    page.get_by_role("heading", name="导出 Export").wait_for(timeout=TIMEOUT)
    for theme in THEMES:  # quick clicks, as a user makes them (each starts a rerun)
        if theme != EXPORT_LAYER:
            page.locator(
                f'[data-testid="stMultiSelect"] button[aria-label^="Remove "][aria-label$=" · {theme}"]'
            ).click()
    name = f"plan-atlas_{HUOZHOU}-{HUOZHOU_NAME}_{EXPORT_LAYER}.geojson"
    page.get_by_text(name).wait_for(timeout=TIMEOUT)  # the last rerun has started …
    wait_for_idle(page)  # … and ended: the button now serves this file, not the previous one
    screenshot(page, "export")
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name="下载 Download").click()
    download = info.value
    assert download.suggested_filename == name
    path = tmp_path / name
    download.save_as(path)

    # the same features, byte for byte, as the committed layer's lines for this region
    got = json.loads(path.read_bytes().decode("utf-8"))
    layer = json.loads((settings.LAYERS_DIR / f"{EXPORT_LAYER}.geojson").read_bytes().decode("utf-8"))
    want = [f for f in layer["features"] if str(f["properties"]["region_code"]) == HUOZHOU]
    assert got["type"] == "FeatureCollection" and "crs" not in got
    assert len(want) > 0
    assert got["features"] == want
    frame = read_layer(path)  # and it passes the layer contract
    assert sorted(frame["id"]) == sorted(f["properties"]["id"] for f in want)
    assert_clean(session)


# ---------------------------------------------------------------------------------------------
# hostile text
# ---------------------------------------------------------------------------------------------
def test_hostile_text_shows_as_text_and_nothing_runs(hostile_url, hostile_atlas, session):
    from app_fixtures import IMG, SCRIPT

    page = session.page
    frame = open_county(page, hostile_url, HUOZHOU, HUOZHOU_NAME)
    layers = hostile_atlas / "layers"

    # names as popup titles and tooltips; evidence sentences quoting the hostile text
    rows = {
        theme: read_layer(layers / f"{theme}.geojson").set_index("name", drop=False)
        for theme in ("parks", "eco_zones")
    }
    for theme, name in (("parks", SCRIPT), ("eco_zones", IMG)):
        row = rows[theme].loc[name]
        popup = open_feature_popup(frame, row)
        title = (
            popup.locator(".atlas-popup-title")
            if popup.locator(".atlas-popup-title").count()
            else popup.locator("b")
        )
        assert title.first.inner_text() == name
        if row["precision"] not in ("county", "region"):
            tooltip = frame.locator(".leaflet-tooltip").filter(has_text=name).first
            assert tooltip.inner_text().startswith(f"{name} · ")
    for theme, name, quoted in (("parks", "七星湿地公园", SCRIPT), ("eco_zones", "南河生态廊道", IMG)):
        popup = open_feature_popup(frame, rows[theme].loc[name])
        assert quoted in popup.locator(".atlas-evidence").inner_text()

    # the table (its accessible cells mirror the drawn grid)
    grid = page.locator('[data-testid="stDataFrame"]').first
    cells = grid.locator('[role="gridcell"]')
    for name in (SCRIPT, IMG):
        cells.filter(has_text=name).first.wait_for(state="attached", timeout=TIMEOUT)
    texts = cells.all_inner_texts()
    assert SCRIPT in texts and IMG in texts

    page.wait_for_timeout(300)  # time for an injected handler to fire, were there one
    screenshot(page, "county-hostile")
    injected = "els => els.filter(e => e.textContent.trim() === 'alert(1)').length"
    for doc in (page, frame):
        assert doc.locator('img[src="x"]').count() == 0
        assert doc.locator("script").evaluate_all(injected) == 0
    assert frame.locator(".atlas-popup script, .atlas-popup img").count() == 0
    assert not [u for u in session.requests if u.rstrip("/").endswith("/x")]
    assert session.dialogs == []

    # the recorder does see a dialog of the map frame: the check above can fail
    page.locator(FOLIUM_FRAME).content_frame.locator("body").evaluate("() => alert('probe')")
    assert session.dialogs == ["alert: probe"]
    session.dialogs.clear()
    assert_clean(session)


# ---------------------------------------------------------------------------------------------
# a map laid out before its frame has a size
# ---------------------------------------------------------------------------------------------
def test_county_map_drawn_in_an_unsized_frame_fits_once_it_has_a_size(app_url, session, sample_layers):
    """Streamlit can run the map's script while its iframe is still 0 px wide (seen under load)."""
    import html

    from atlas import maps

    fmap = maps.region_map(sample_layers, HUOZHOU, asset_base_url=f"{app_url}/app/static/vendor")
    page = session.page
    page.goto(f"{app_url}/_stcore/health")  # same origin as the assets
    srcdoc = html.escape(maps.map_html(fmap), quote=True)
    page.set_content(f'<iframe id="m" style="width:0;height:420px;border:0" srcdoc="{srcdoc}"></iframe>')
    frame = page.frame_locator("#m")
    frame.locator(".atlas-legend").wait_for(state="attached", timeout=TIMEOUT)
    assert session.errors == []  # the script ran to its end
    page.locator("#m").evaluate("el => { el.style.width = '900px'; }")
    boundary = frame.locator("path.atlas-boundary")
    page.wait_for_function(
        "() => { const p = document.getElementById('m').contentDocument.querySelector('path.atlas-boundary');"
        " const r = p && p.getBoundingClientRect(); return !!r && r.height > 150; }",
        timeout=10_000,
    )
    box = boundary.bounding_box()
    assert box is not None and box["height"] > 150 and box["width"] > 100  # fitted: at zoom 5 it is ~5 px
    assert session.errors == []
