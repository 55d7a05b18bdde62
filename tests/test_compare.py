"""atlas.compare on a small hand-made atlas with known answers (counts, densities, not stated)."""

from __future__ import annotations

import io
import json
import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from affine import Affine
from pyproj import Geod

from atlas import compare, maps
from atlas._errors import InputError
from atlas.boundaries import load_boundaries
from atlas.layers import area_km2
from atlas.raster import Raster

HUOZHOU, CHANGZHI, HOLINGOL = "141082", "140400", "150581"


def _frame(rows: list[dict], theme: str) -> gpd.GeoDataFrame:
    b = load_boundaries()
    for i, r in enumerate(rows):
        r.setdefault("id", f"{theme}-{i}")
        r.setdefault("theme", theme)
        r.setdefault("char_start", 10 * i)
        r.setdefault("char_end", 10 * i + 4)
        r.setdefault("geometry", b.label_point(r["region_code"]))
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")


@pytest.fixture(scope="module")
def atlas() -> dict[str, gpd.GeoDataFrame]:
    """霍州市 (500 km² here) names 3 parks and 2 zones; 长治市 (2,000 km²) one zone; 霍林郭勒市 nothing."""
    b = load_boundaries()
    regions = gpd.GeoDataFrame(
        {
            "region_code": [HUOZHOU, CHANGZHI, HOLINGOL],
            "name": ["霍州市", "长治市", "霍林郭勒市"],
            "level": ["county", "prefecture", "county"],
            "doc_id": ["d1", "d2", "d3"],
            "area_km2": [500.0, 2000.0, None],  # the third is computed from its polygon
            "pm25_base": [None, 35.0, None],  # a regions-layer value, used when no row states it
        },
        geometry=[b.geometry(c) for c in (HUOZHOU, CHANGZHI, HOLINGOL)],
        crs="EPSG:4326",
    )
    hz = {"region_code": HUOZHOU, "doc_id": "d1"}
    parks = _frame(
        [
            {**hz, "name": "北湖湿地公园", "kind": "wetland_park", "level": None, "precision": "county"},
            {**hz, "name": "北湖湿地公园", "kind": "wetland_park", "level": "national", "precision": "exact"},
            {**hz, "name": "南山森林公园", "kind": "forest_park", "level": "provincial", "precision": "town"},
            {**hz, "name": "北湖 湿地公园", "kind": "other_park", "level": None, "precision": "county"},
            {**hz, "name": "西郊公园", "kind": "urban_park", "level": None, "precision": "county"},
        ],
        "parks",
    )
    eco_zones = _frame(
        [
            {**hz, "name": "东部生态屏障", "kind": "eco_barrier", "precision": "county"},
            {**hz, "name": "清河", "kind": "river", "precision": "town"},
            {**hz, "name": "清河", "kind": "river", "precision": "county"},
            {
                "region_code": CHANGZHI,
                "doc_id": "d2",
                "name": "西山水源涵养区",
                "kind": "eco_function_zone",
                "precision": "region",
            },
        ],
        "eco_zones",
    )
    red_lines = _frame(
        [
            {
                **hz,
                "name": "生态保护红线",
                "area_km2": None,
                "share_pct": None,
                "named_zone": None,
                "precision": "county",
                "geometry": b.geometry(HUOZHOU),
            },
            {
                **hz,
                "name": "生态保护红线",
                "area_km2": 120.0,
                "share_pct": None,
                "named_zone": "霍山水源涵养",
                "precision": "county",
                "geometry": b.geometry(HUOZHOU),
            },
        ],
        "red_lines",
    )
    corridors = _frame(
        [{**hz, "name": "东西快速路", "kind": "expressway", "precision": "county"}], "corridors"
    )
    indicators = _frame(
        [{**hz, "name": "森林覆盖率", "key": "forest_cover", "base_value": 30.0, "target_value": 32.0}],
        "indicators",
    )
    facts = _frame(
        [
            {**hz, "name": "森林覆盖率", "key": "forest_cover", "base_value": 29.0, "target_value": None},
            {**hz, "name": "空气优良天数", "key": "good_air_days", "base_value": 300.0, "target_value": None},
        ],
        "facts",
    )
    return {
        "regions": regions,
        "parks": parks,
        "eco_zones": eco_zones,
        "red_lines": red_lines,
        "corridors": corridors,
        "indicators": indicators,
        "facts": facts,
    }


@pytest.fixture(scope="module")
def table(atlas) -> pd.DataFrame:
    return compare.comparison_table(atlas, [HUOZHOU, CHANGZHI, HOLINGOL])


def test_one_row_per_region_in_order_with_every_column(table):
    assert table["region_code"].tolist() == [HUOZHOU, CHANGZHI, HOLINGOL]
    assert table["region_name"].tolist() == ["霍州市", "长治市", "霍林郭勒市"]
    assert list(table.columns) == [k for k in compare.COLUMNS if not k.startswith("raster_")]


def test_parks_are_counted_once_per_distinct_name(table):
    hz = table.iloc[0]
    # 北湖湿地公园 mentioned three times (once with a space) is one park
    assert hz["n_parks"] == 3
    assert hz["park_names"] == "北湖湿地公园、南山森林公园、西郊公园"
    assert (hz["n_parks_wetland_park"], hz["n_parks_forest_park"], hz["n_parks_urban_park"]) == (1, 1, 1)
    assert hz["n_parks_other_park"] == 0  # the third mention's kind does not make a second park
    # level: the first level stated for the name (北湖's second mention says national)
    assert (hz["n_parks_national"], hz["n_parks_provincial"], hz["n_parks_municipal"]) == (1, 1, 0)
    assert hz["n_parks_level_not_stated"] == 1


def test_zones_and_red_lines(table):
    hz, cz = table.iloc[0], table.iloc[1]
    assert hz["n_eco_zones"] == 2 and hz["n_eco_zones_river"] == 1 and hz["n_eco_zones_eco_barrier"] == 1
    assert hz["eco_zone_names"] == "东部生态屏障" and hz["eco_barrier_names"] == "东部生态屏障"
    assert cz["eco_zone_names"] == "西山水源涵养区" and cz["eco_barrier_names"] is None
    assert hz["n_red_lines"] == 1
    assert hz["red_line_area_km2"] == 120.0 and hz["red_line_zones"] == "霍山水源涵养"
    assert math.isnan(hz["red_line_share_pct"])


def test_not_stated_is_nan_never_zero(table):
    cz, hl = table.iloc[1], table.iloc[2]
    for col in ("red_line_area_km2", "red_line_share_pct", "forest_cover_base", "good_air_days_target"):
        assert math.isnan(cz[col]), col
    assert cz["park_names"] is None and cz["red_line_zones"] is None
    assert hl["n_parks"] == 0 and hl["n_eco_zones"] == 0  # counts are real zeros
    assert math.isnan(hl["finer_share"])  # nothing placed: no share, not 0 %
    shown = compare.display_table(table)
    assert shown.loc[1, "red_line_area_km2"] == "未说明 not stated"
    assert shown.loc[2, "finer_share"] == "无要素 no features"
    assert shown.loc[2, "n_parks"] == "0"


def test_indicators_table_first_then_facts_then_regions_layer(table):
    hz, cz = table.iloc[0], table.iloc[1]
    assert (hz["forest_cover_base"], hz["forest_cover_target"]) == (30.0, 32.0)
    assert hz["good_air_days_base"] == 300.0 and math.isnan(hz["good_air_days_target"])
    assert cz["pm25_base"] == 35.0 and math.isnan(hz["pm25_base"])


def test_densities_per_1000_km2_and_placement_share(table):
    hz, cz, hl = table.iloc[0], table.iloc[1], table.iloc[2]
    assert hz["parks_per_1000km2"] == 6.0  # 3 parks on 500 km²
    assert hz["national_parks_per_1000km2"] == 2.0
    assert hz["eco_zones_per_1000km2"] == 4.0
    assert hz["eco_features_per_1000km2"] == 10.0 and hz["n_eco_features"] == 5
    assert cz["parks_per_1000km2"] == 0.0 and cz["eco_zones_per_1000km2"] == 0.5
    # finest placement per name: 北湖 exact, 南山 town, 西郊 county, 东部 county, 清河 town
    assert hz["finer_share"] == 0.6
    assert cz["finer_share"] == 0.0
    expected = round(area_km2(load_boundaries().geometry(HOLINGOL)), 1)
    assert hl["area_km2"] == expected and 500 < expected < 700


def test_raster_zonal_statistics_only_when_given(atlas, table):
    assert "raster_mean" not in table
    data = np.ma.masked_equal(np.full((20, 20), 7.0), -9999.0)
    data[0, 0] = 9.0
    raster = Raster(data, Affine(0.1, 0, 111.0, 0, -0.1, 37.5), name="高程 Elevation", units="m", source="t")
    out = compare.comparison_table(atlas, [HUOZHOU, HOLINGOL], raster=raster)
    hz, hl = out.iloc[0], out.iloc[1]
    assert hz["raster_mean"] == 7.0 and hz["raster_max"] == 7.0 and hz["raster_cells"] > 0
    assert math.isnan(hl["raster_mean"]) and hl["raster_cells"] == 0  # outside the grid
    assert compare.column_labels(out)["raster_mean"] == "高程 Elevation 均值 mean (m)"
    assert compare.display_table(out).loc[1, "raster_mean"] == "无数据 no data"


def test_bad_region_codes(atlas):
    with pytest.raises(InputError, match=r"\['999999'\] are not in the atlas"):
        compare.comparison_table(atlas, [HUOZHOU, "999999"])
    with pytest.raises(InputError, match="no region to compare"):
        compare.comparison_table(atlas, [])
    assert compare.comparison_table(atlas, [HUOZHOU, HUOZHOU])["region_code"].tolist() == [HUOZHOU]


def test_long_form_and_csv(table):
    long = compare.comparison_long(table)
    numeric = [k for k in table.columns if compare.COLUMNS[k].numeric]
    assert len(long) == 3 * len(numeric)
    row = long[(long["region_code"] == CHANGZHI) & (long["column"] == "red_line_area_km2")].iloc[0]
    assert not row["stated"] and math.isnan(row["value"]) and row["unit"] == "km²"
    assert set(long["group"]) <= set(compare.GROUPS)

    data = compare.comparison_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={"region_code": str})
    assert back["region_code"].tolist() == [HUOZHOU, CHANGZHI, HOLINGOL]
    assert back["n_parks"].tolist() == [3, 0, 0]
    assert back["red_line_area_km2"].isna().tolist() == [False, True, True]
    labelled = compare.comparison_csv(table, labels=True, na_rep="未说明 not stated").decode("utf-8-sig")
    assert labelled.splitlines()[0].startswith("代码 Adcode,地区 Region,")
    assert "未说明 not stated" in labelled
    assert (
        compare.csv_file_name(table) == "plan-atlas_compare_141082-霍州市_140400-长治市_150581-霍林郭勒市.csv"
    )


def test_transposed_display_and_column_notes(table):
    t = compare.display_table(table, transpose=True)
    assert list(t.columns) == ["霍州市 (141082)", "长治市 (140400)", "霍林郭勒市 (150581)"]
    assert t.loc["公园与保护地 Parks & protected areas"].tolist() == ["3", "0", "0"]
    notes = compare.column_notes(table)
    assert len(notes) == len(table.columns)
    assert "5 mentions of one park = 1" in notes.set_index("column").loc["n_parks", "meaning"]


def test_parse_region_param():
    choices = [HUOZHOU, CHANGZHI, HOLINGOL, "140521", "140802"]
    assert compare.parse_region_param("141082,140400", choices) == ([HUOZHOU, CHANGZHI], [])
    assert compare.parse_region_param(" 141082，999999 141082", choices) == ([HUOZHOU], ["999999"])
    codes, ignored = compare.parse_region_param(",".join(choices), choices)
    assert codes == choices[:4] and ignored == ["140802"]
    assert compare.parse_region_param(None, choices) == ([], [])


def test_chart_data_leaves_out_what_is_not_stated(table):
    shown, missing = compare.chart_data(table, "indicators")
    assert set(shown["column"]) == {
        "forest_cover_base",
        "forest_cover_target",
        "good_air_days_base",
        "pm25_base",
    }
    assert len(shown) + len(missing) == 3 * 2 * len(compare.INDICATOR_KEYS)
    kinds, _ = compare.chart_data(table, "kinds")
    assert set(kinds["column"]) == {"n_parks_wetland_park", "n_parks_forest_park", "n_parks_urban_park"}
    spec = compare.comparison_chart(table, "counts").to_dict()
    assert spec["encoding"]["xOffset"]["field"] == "label"
    assert compare.comparison_chart(table, "indicators").to_dict()["resolve"]["scale"]["y"] == "independent"
    with pytest.raises(InputError, match="unknown chart 'pies'"):
        compare.chart_data(table, "pies")


# ---------------------------------------------------------------------------------------------
# maps
# ---------------------------------------------------------------------------------------------
def test_shared_extent_and_view_boxes_have_one_ground_size():
    b = load_boundaries()
    w1, h1, *_ = maps.compare._extent_km(b.display_geometry(HUOZHOU))
    w2, h2, *_ = maps.compare._extent_km(b.display_geometry(CHANGZHI))
    extent = maps.shared_extent_km([HUOZHOU, CHANGZHI])
    geod = Geod(ellps="WGS84")
    assert extent == (max(w1, w2), max(h1, h2))
    for code in (HUOZHOU, HOLINGOL):
        (s, w), (n, e) = maps.view_bounds(code, extent)
        lat, lon = (s + n) / 2, (w + e) / 2
        bw = geod.inv(w, lat, e, lat)[2] / 1000  # across the centre
        bh = geod.inv(lon, s, lon, n)[2] / 1000
        assert bw == pytest.approx(extent[0], rel=0.005) and bh == pytest.approx(extent[1], rel=0.005)


def _fit_bounds(page: str) -> list[str]:
    return re.findall(r"fitBounds\(\s*(\[\[.*?\]\])", page, flags=re.S)


def test_side_by_side_maps_share_the_scale_and_the_legend(atlas):
    maps_by_code, extent = maps.comparison_maps(atlas, [HUOZHOU, CHANGZHI])
    assert list(maps_by_code) == [HUOZHOU, CHANGZHI]
    for code, m in maps_by_code.items():
        page = m.get_root().render()
        assert '"zoomSnap": 0' in page
        last = _fit_bounds(page)[-1]  # the shared box wins over the builder's own fit
        got, want = json.loads(last), maps.view_bounds(code, extent)
        assert np.allclose(got, want, atol=1e-9)
    page = maps_by_code[HUOZHOU].get_root().render()
    assert "atlas-theme-parks" in page and "atlas-theme-red_lines" in page
    assert re.search(r'"collapsed":\s*true', page)
    # narrow maps side by side: the legend is folded to its summary line (open, it hid half a map)
    legend = next(e for e in maps.elements._walk(maps_by_code[HUOZHOU]) if isinstance(e, maps.Legend))
    assert legend.folded and "atlas-legend-fold" in maps_by_code[HUOZHOU].get_root().render()


def test_combined_map_colour_codes_regions(atlas):
    m = maps.combined_map(atlas, [HUOZHOU, CHANGZHI])
    page = m.get_root().render()
    assert "atlas-compare-r0" in page and "atlas-compare-r1" in page
    legend = next(e for e in maps.elements._walk(m) if isinstance(e, maps.Legend)).legend_html
    assert 'data-region="141082"' in legend and 'data-region="140400"' in legend
    assert 'data-theme="parks" data-count="5"' in legend  # every mention is drawn
    assert 'data-theme="eco_zones" data-count="4"' in legend
    with pytest.raises(InputError, match="got 5 regions"):
        maps.combined_map(atlas, [HUOZHOU, CHANGZHI, HOLINGOL, "140521", "140802"])
