"""The Compare page under streamlit.testing.v1.AppTest: representative pairs of sample regions, 4 regions, links."""

from __future__ import annotations

import json
import re

import pytest
from app_fixtures import CHANGZHI, HUOZHOU, build_fixture_atlas
from streamlit.testing.v1 import AppTest

from atlas import app_data, compare, settings

APP = str(settings.PROJECT_ROOT / "streamlit_app.py")
PAGE = "app_pages/compare.py"
_CDN = re.compile(r"(?i)^(https?:)?//")

#: Columns the issue asks for (one of each family; the builder's own tests check every value).
REQUIRED = (
    "region_code", "region_name", "area_km2", "n_parks", "n_parks_national", "n_parks_provincial",
    "n_parks_nature_reserve", "n_parks_wetland_park", "n_parks_forest_park", "park_names", "n_eco_zones",
    "n_eco_zones_eco_barrier", "eco_zone_names", "eco_barrier_names", "n_red_lines", "red_line_area_km2",
    "red_line_share_pct", "forest_cover_base", "forest_cover_target", "pm25_base", "good_air_days_base",
    "good_air_ratio_base", "parks_per_1000km2", "eco_zones_per_1000km2", "finer_share", "raster_mean",
)  # fmt: skip


@pytest.fixture(scope="module")
def sample_layers() -> dict:
    committed = settings.LAYERS_DIR
    if not (committed / "regions.geojson").is_file():
        pytest.skip(f"no built atlas at {committed}; run `atlas build ../shared/plans --out layers`")
    return app_data.load_atlas(committed)


@pytest.fixture
def app(sample_layers) -> AppTest:
    return AppTest.from_file(APP, default_timeout=120)


def _problems(at: AppTest) -> list[str]:
    return [f"exception: {e.value}" for e in at.exception] + [f"error: {e.value}" for e in at.error]


def _maps(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.json_args) for c in at.get("component_instance")]


def _open(at: AppTest, *, regions: str | None = None) -> AppTest:
    if regions is not None:
        at.query_params["regions"] = regions
    return at.switch_page(PAGE).run()


def _table(at: AppTest):
    return at.dataframe[0].value


#: A few pairs that stand for the 91: two feature-rich counties, a prefecture beside a district,
#: a county of Inner Mongolia beside one with no parks at all, and two prefectures.
REPRESENTATIVE_PAIRS = (
    ("141082", "140521"),
    ("140400", "140802"),
    ("150581", "141124"),
    ("140600", "140400"),
)


@pytest.mark.slow  # ten page runs with two maps each
def test_representative_pairs_of_sample_regions(app, sample_layers):
    codes = set(app_data.region_choices(sample_layers["regions"]))
    pairs = [(a, b) for a, b in REPRESENTATIVE_PAIRS if a in codes and b in codes]
    assert len(pairs) == len(REPRESENTATIVE_PAIRS), "the sample atlas lost a region these pairs use"
    at = app.run()
    failures = []
    for a, b in pairs:
        at.session_state["compare_regions"] = [a, b]
        _open(at)
        failures += [f"{a}+{b}: {p}" for p in _problems(at)]
        table = _table(at)
        assert table["region_code"].tolist() == [a, b]
        assert not [c for c in REQUIRED if c not in table.columns], (a, b)
        assert len(_maps(at)) == 2
        assert at.query_params["regions"] == f"{a},{b}"
    assert failures == []


def test_four_regions_with_a_prefecture_and_a_district_from_the_link(app):
    at = _open(app.run(), regions="141082,140400,140802,140521")
    assert _problems(at) == []
    table = _table(at)
    assert table["region_code"].tolist() == ["141082", "140400", "140802", "140521"]
    assert table["region_name"].tolist() == ["霍州市", "长治市", "盐湖区", "沁水县"]
    assert not [c for c in REQUIRED if c not in table.columns]
    # not stated is spelled out, never 0
    salt_lake = table.set_index("region_code").loc["140802"]
    assert salt_lake["red_line_area_km2"] == compare.NOT_STATED
    assert salt_lake["pm25_base"] == compare.NOT_STATED
    maps = _maps(at)
    assert len(maps) == 4
    for args in maps:
        links = [*args["js_links"], *args["css_links"]]
        assert links and not [u for u in links if _CDN.match(u)]
        assert '"zoomSnap": 0' in args["script"]
    assert at.get("download_button")
    name = "plan-atlas_compare_141082-霍州市_140400-长治市_140802-盐湖区_140521-沁水县.csv"
    assert any(name in c.value for c in at.caption)
    charts = at.get("vega_lite_chart")
    assert len(charts) == len(compare.CHARTS)
    assert all('"xOffset"' in c.proto.spec for c in charts[:4])  # grouped bars of the comparisons


def test_combined_map_and_transposed_table(app):
    at = app.run()
    at.session_state["compare_view"] = "combined"
    at.session_state["compare_transpose"] = True
    _open(at, regions="140400,140802")
    assert _problems(at) == []
    (args,) = _maps(at)
    assert "atlas-compare-r0" in args["script"] and "atlas-compare-r1" in args["script"]
    table = _table(at)
    assert list(table.columns) == ["长治市 (140400)", "盐湖区 (140802)"]


@pytest.mark.slow
def test_selection_is_written_to_the_link_and_bad_links_are_explained(app):
    at = _open(app.run(), regions="141082,999999,141082")
    assert _problems(at) == []
    assert any("999999" in w.value for w in at.warning)
    assert at.multiselect(key="compare_regions").value == ["141082"]
    assert any("至少选择两个" in i.value for i in at.info)  # one region is not a comparison
    at.multiselect(key="compare_regions").set_value(["141082", "150581"]).run()
    assert _problems(at) == []
    assert at.query_params["regions"] == "141082,150581"
    assert _table(at)["region_code"].tolist() == ["141082", "150581"]


@pytest.mark.slow
def test_selection_survives_a_visit_to_another_page(app):
    at = _open(app.run(), regions="140521,141082")
    at.switch_page("app_pages/county.py").run()
    at.query_params.clear()
    _open(at)
    assert _problems(at) == []
    assert _table(at)["region_code"].tolist() == ["140521", "141082"]


def test_page_on_the_hand_made_fixture_atlas(tmp_path, monkeypatch):
    build_fixture_atlas(tmp_path)
    monkeypatch.setattr(settings, "LAYERS_DIR", tmp_path / "layers")
    monkeypatch.setenv("ATLAS_SOURCES", str(tmp_path / "sources"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["compare_dem"] = False
    _open(at, regions=f"{HUOZHOU},{CHANGZHI}")
    assert _problems(at) == []
    table = _table(at).set_index("region_code")
    assert table.loc[HUOZHOU, "n_parks"] == "3" and table.loc[CHANGZHI, "n_parks"] == "1"
    assert table.loc[HUOZHOU, "red_line_area_km2"] == "120"
    assert table.loc[CHANGZHI, "red_line_area_km2"] == compare.NOT_STATED
    assert "raster_mean" not in table.columns
    for args in _maps(at):
        assert "<script>alert(1)</script>" not in args["script"]
