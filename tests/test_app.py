"""The Streamlit app under streamlit.testing.v1.AppTest: every page, every region, no CDN links."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from app_fixtures import CHANGZHI, HUOZHOU, SCRIPT, build_fixture_atlas
from streamlit.testing.v1 import AppTest

from atlas import app_data, settings

APP = str(settings.PROJECT_ROOT / "streamlit_app.py")
PAGES = ("app_pages/overview.py", "app_pages/county.py", "app_pages/export.py")
_CDN = re.compile(r"(?i)^(https?:)?//")


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("app")
    build_fixture_atlas(root)
    return root


@pytest.fixture
def fixture_app(fixture_root, monkeypatch):
    monkeypatch.setattr(settings, "LAYERS_DIR", fixture_root / "layers")
    monkeypatch.setenv("ATLAS_SOURCES", str(fixture_root / "sources"))
    return AppTest.from_file(APP, default_timeout=60)


@pytest.fixture(scope="module")
def sample_layers_dir(request) -> Path:
    committed = settings.PROJECT_ROOT / "layers"
    if (committed / "regions.geojson").is_file():
        return committed
    return request.getfixturevalue("built_atlas")  # builds ../shared/plans (skips without them)


def _problems(at: AppTest) -> list[str]:
    return [f"exception: {e.value}" for e in at.exception] + [f"error: {e.value}" for e in at.error]


def _component_args(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.json_args) for c in at.get("component_instance")]


def _run_all_pages(at: AppTest, regions: list[str]) -> list[str]:
    failures = []
    at.run()
    for code in regions:
        for page in PAGES:
            at.session_state["region"] = code
            at.switch_page(page).run()
            failures += [f"{page} {code}: {p}" for p in _problems(at)]
            # a picker whose value is None is drawn empty ("Choose an option"), not as a choice
            failures += [f"{page} {code}: {s.label} shows no choice" for s in at.selectbox if s.index is None]
            if page != "app_pages/export.py":
                (args,) = _component_args(at)
                links = [*args["js_links"], *args["css_links"]]
                assert links and not [u for u in links if _CDN.match(u)], (page, code, links)
                assert not re.search(r"<(script|link)\b[^>]*(src|href)=", args["header"]), (
                    "header loads assets"
                )
    return failures


def test_every_page_runs_for_every_fixture_region(fixture_app):
    assert _run_all_pages(fixture_app, [CHANGZHI, HUOZHOU]) == []


@pytest.mark.slow
def test_every_page_runs_for_every_sample_region(sample_layers_dir, monkeypatch):
    monkeypatch.setattr(settings, "LAYERS_DIR", sample_layers_dir)
    regions = list(app_data.region_choices(app_data.load_atlas(sample_layers_dir)["regions"]))
    assert len(regions) >= 10
    at = AppTest.from_file(APP, default_timeout=120)
    assert _run_all_pages(at, regions) == []


def test_sidebar_owns_region_and_basemap(fixture_app):
    at = fixture_app.run()
    assert _problems(at) == []
    region = at.sidebar.selectbox(key="region")
    basemap = at.sidebar.selectbox(key="basemap")
    assert region.value == CHANGZHI and basemap.value == "blank"
    assert basemap.options[0].startswith("空白")
    region.set_value(HUOZHOU).run()
    at.switch_page("app_pages/county.py").run()
    assert at.session_state["region"] == HUOZHOU
    assert "霍州市" in at.title[0].value


def test_overview_opens_a_region_in_the_county_page(fixture_app):
    at = fixture_app.run()
    at.selectbox(key="overview_pick").set_value(HUOZHOU).run()
    at.button(key="overview_open").click().run()
    assert _problems(at) == []
    assert at.session_state["region"] == HUOZHOU
    assert at.title[0].value == "霍州市 · 县域布局 County layout"


def test_overview_documents_table_and_metric(fixture_app):
    at = fixture_app.run()
    (docs,) = at.dataframe
    assert docs.value["doc_id"].tolist() == ["fx-1", "fx-2"]
    at.selectbox(key="overview_metric").set_value("forest_cover_target").run()
    assert _problems(at) == []
    (args,) = _component_args(at)
    assert "atlas-nodata" in args["script"]


def test_county_page_with_preset_filters_and_escaped_table(fixture_app):
    at = fixture_app
    at.session_state["region"] = HUOZHOU
    at.session_state["county_filter_theme"] = ["parks"]
    at.switch_page("app_pages/county.py").run()
    assert _problems(at) == []
    assert any(c.value == "3 / 7 个要素 features" for c in at.caption)
    table = at.dataframe[0]  # the feature table (the documents-by-year table follows it)
    assert SCRIPT in table.value["name"].tolist()  # shown as text by the table, not as HTML
    (args,) = _component_args(at)
    assert SCRIPT not in args["script"] and "<img" not in args["script"]
    # escaped for HTML, then made script-safe inside the JSON payload
    assert r"\u0026lt;script\u0026gt;alert(1)\u0026lt;/script\u0026gt;" in args["script"]
    assert args["returned_objects"] == []


def test_county_page_with_dem_and_amap(fixture_app):
    at = fixture_app
    at.session_state["region"] = HUOZHOU
    at.session_state["basemap"] = "amap"
    at.session_state["county_dem"] = True
    at.switch_page("app_pages/county.py").run()
    assert _problems(at) == []
    (args,) = _component_args(at)
    assert "L.imageOverlay" in args["script"] and "GCJ-02" in args["script"]


def test_export_page_offers_the_file(fixture_app):
    at = fixture_app
    at.session_state["region"] = HUOZHOU
    at.switch_page("app_pages/export.py").run()
    assert _problems(at) == []
    assert any("plan-atlas_141082-霍州市_5-layers.zip" in m.value for m in at.markdown)
    at.multiselect(key="export_layers").set_value(["parks"]).run()
    at.radio(key="export_format").set_value("gpkg").run()
    assert _problems(at) == []
    assert any("plan-atlas_141082-霍州市_parks.gpkg" in m.value for m in at.markdown)


def test_missing_atlas_shows_an_error_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "LAYERS_DIR", tmp_path / "no-atlas")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("atlas build" in e.value for e in at.error)


def test_missing_map_scripts_are_reported(fixture_app, tmp_path, monkeypatch):
    from atlas import assets

    monkeypatch.setattr(assets, "VENDOR_DIR", tmp_path / "no-vendor")
    at = fixture_app.run()
    assert not at.exception
    assert any("make assets" in w.value for w in at.warning)


def test_cached_map_parts_send_what_st_folium_sends(fixture_root, monkeypatch):
    """The Overview renders its map once per selection (``_ui.folium_parts``) and sends it with
    ``_ui.show_folium``: the component must get exactly the arguments ``st_folium`` gives it."""
    import copy

    import streamlit_folium

    from app_pages import _ui
    from atlas import maps

    sent: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.append(kw) or kw["default"])
    regions = app_data.load_atlas(fixture_root / "layers")["regions"]
    values = app_data.metric_values(regions, "eco")
    fmap = maps.overview_map(regions, values, label="生态 eco", asset_base_url="/app/static/vendor")
    twin = copy.deepcopy(fmap)
    returned = ["last_object_clicked", "bounds"]
    streamlit_folium.st_folium(fmap, key="m", height=520, use_container_width=True, returned_objects=returned)
    _ui.show_folium(_ui.folium_parts(twin, "m"), key="m", height=520, returned_objects=returned)
    expected, got = ({k: v for k, v in kw.items() if k != "on_change"} for kw in sent)
    assert got == expected
    assert len(got["script"]) > 1000 and "atlasDraw" in got["script"]
    assert got["js_links"] and not [u for u in got["js_links"] if _CDN.match(u)]


def test_overview_level_and_years_change_the_cached_map(fixture_app):
    at = fixture_app.run()
    (args,) = _component_args(at)
    assert "atlas-region-141082" in args["script"] and "atlas-region-140400" in args["script"]
    at.slider(key="overview_years").set_value((2022, 2022)).run()
    assert _problems(at) == []
    (docs,) = at.dataframe
    assert docs.value["doc_id"].tolist() == ["fx-2"]
    (args,) = _component_args(at)
    # the county's only document is of 2021: no data in 2022 (not zero), the prefecture has a class
    assert re.findall(r"atlas-nodata atlas-region-(\d{6})", args["script"]) == ["141082"]
    at.slider(key="overview_years").set_value((2021, 2022)).run()
    (args,) = _component_args(at)
    assert re.findall(r"atlas-nodata atlas-region-(\d{6})", args["script"]) == []
    at.selectbox(key="overview_level").set_value("county").run()
    assert _problems(at) == []
    (args,) = _component_args(at)
    assert "atlas-region-141082" in args["script"] and "atlas-region-140400" not in args["script"]
