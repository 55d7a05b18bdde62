"""Tests of atlas.geocode: honest precision on hand-made mentions, traps, and the sample plans."""

from __future__ import annotations

import pytest
import shapely

from atlas import settings
from atlas.boundaries import load_boundaries
from atlas.geocode import features_from_mentions
from atlas.models import Document, Mention
from atlas.text import sentences

pytestmark = pytest.mark.skipif(
    settings.places_path() is None,
    reason="Vonng/adcode places CSV not found (set ATLAS_PLACES or provide ../shared/geodata)",
)


@pytest.fixture(scope="module")
def gaz():
    from atlas.gazetteer import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="module")
def b():
    return load_boundaries()


def make_doc(text: str, region: str | None, doc_id: str = "t") -> Document:
    unit = load_boundaries().get(region) if region else None
    return Document(doc_id, "测试", "fyp_outline", 2021, unit, text, "t.txt", 0, len(text))


def mention(doc: Document, theme: str, kind: str, name: str, **attrs) -> Mention:
    start = doc.text.index(name)
    s0, s1 = next((a, b) for a, b in sentences(doc.text) if a <= start < b)
    return Mention(doc.doc_id, theme, kind, name, start, start + len(name), s0, s1, attrs)


def place(doc, mentions, gaz):
    feats = features_from_mentions(doc, mentions, gazetteer=gaz)
    assert len(feats) == len(mentions)  # never dropped
    return feats


# -- parks and zones named after villages and towns ----------------------------------------
def test_park_named_after_a_village_is_placed_at_it(gaz, b):
    doc = make_doc("我们打造七里峪景区，建设郊野步道。", "141082")
    [f] = place(doc, [mention(doc, "parks", "scenic_area", "七里峪景区", place="七里峪")], gaz)
    assert f.precision in ("town", "exact")
    assert (f.county_code, f.county_name, f.placed_at) == ("141082", "霍州市", "七里峪村")
    assert f.place_source == "Vonng/adcode (CC BY 4.0)"
    assert b.geometry("141082").contains(f.geometry)


def test_zone_naming_two_towns_gets_both(gaz, b):
    doc = make_doc("设立李曹镇与陶唐峪乡水土保持片区。", "141082")
    m = mention(
        doc, "eco_zones", "eco_function_zone", "李曹镇与陶唐峪乡水土保持片区", places=["李曹镇", "陶唐峪乡"]
    )
    [f] = place(doc, [m], gaz)
    assert f.precision == "town" and f.geometry.geom_type == "MultiPoint"
    assert f.placed_at == "李曹镇、陶唐峪乡"
    assert all(b.geometry("141082").contains(p) for p in f.geometry.geoms)


def test_structure_component_is_placed_at_the_town_it_names(gaz):
    doc = make_doc("形成辛置片区和老旧城区两个组团。", "141082")
    [f, g] = place(
        doc,
        [mention(doc, "structure", "zone", "辛置片区"), mention(doc, "structure", "zone", "老旧城区")],
        gaz,
    )
    assert (f.precision, f.placed_at) == ("town", "辛置镇")
    assert (g.precision, g.county_code) == ("county", "141082")


# -- traps -----------------------------------------------------------------------------------
def test_lishan_in_a_qinshui_document_stays_in_qinshui(gaz, b):
    doc = make_doc("保护好历山的原始森林。", "140521")
    [f] = place(doc, [mention(doc, "parks", "nature_reserve", "历山", place="历山")], gaz)
    assert (f.precision, f.county_code, f.county_name) == ("county", "140521", "沁水县")
    assert f.geometry.equals(b.label_point("140521"))


def test_yanchi_the_lake_is_not_a_place_and_yanhu_is_the_district(gaz):
    doc = make_doc("治理盐池周边环境。盐湖城区绿化提升。", "140802")
    lake = mention(doc, "eco_zones", "lake_reservoir", "盐池", places=["盐池"])
    district = mention(doc, "parks", "urban_park", "盐湖", place="盐湖")
    f, g = place(doc, [lake, district], gaz)
    assert (f.precision, f.county_code) == ("county", "140802")  # never 盐池县 of Ningxia
    assert (g.precision, g.county_code, g.county_name) == ("county", "140802", "盐湖区")


def test_huolin_river_is_not_the_city(gaz):
    doc = make_doc("加强霍林河生态治理。", "150581")
    [f] = place(doc, [mention(doc, "eco_zones", "river", "霍林河", places=["霍林河"])], gaz)
    assert f.county_code == "150581" and f.geometry.geom_type != "Polygon"
    if f.precision == "exact":  # with the hydro file: the river's own line through the city
        assert f.placed_at == "霍林河" and f.geometry.geom_type in ("LineString", "MultiLineString")
    else:  # without it: the county's label point, never the city as if it were the river
        assert (f.precision, f.placed_at) == ("county", "霍林郭勒市")


def test_river_is_not_the_village_of_the_same_name(gaz):
    # 南涧河 flows through 霍州市; a bare river name never becomes a village by its short name
    doc = make_doc("治理南涧河。", "141082")
    [f] = place(doc, [mention(doc, "eco_zones", "river", "南涧河", places=["南涧河"])], gaz)
    assert f.precision == "county"


# -- rivers, lakes and mountains with geometry of their own (a tiny curated file) ------------
NATURAL_CSV = """name,kind,adcode,wkt,lon,lat,source,aliases,precision
甲河,river,140000,"LINESTRING (111.4 36.58, 111.8 36.58, 112.3 36.6)",,,test fixture,,
乙河,river,150000,"LINESTRING (119.3 45.5, 119.7 45.5)",,,test fixture,,
己河,river,140000,"LINESTRING (112.0 36.5, 113.0 36.5, 114.5 36.5)",,,test fixture,,
丙湖,lake_reservoir,140000,"POLYGON ((111.95 36.5, 112.1 36.5, 112.1 36.6, 111.95 36.6, 111.95 36.5))",,,test fixture,丙海,
丁山,mountain,140000,"POLYGON ((111.5 36.3, 113.5 36.3, 113.5 36.9, 111.5 36.9, 111.5 36.3))",,,test fixture,,
"""


@pytest.fixture(scope="module")
def natural_gaz(tmp_path_factory):
    from atlas.gazetteer import load_gazetteer

    path = tmp_path_factory.mktemp("natural") / "natural.csv"
    path.write_text(NATURAL_CSV, encoding="utf-8")
    return load_gazetteer(curated_paths=[path])


def test_river_is_clipped_to_the_county_it_flows_through(natural_gaz, b):
    doc = make_doc("治理甲河。", "141082")
    [f] = place(doc, [mention(doc, "eco_zones", "river", "甲河", places=["甲河"])], natural_gaz)
    assert (f.precision, f.county_code, f.county_name) == ("exact", "141082", "霍州市")
    assert (f.placed_at, f.place_source) == ("甲河", "test fixture")
    county = b.geometry("141082")
    assert f.geometry.geom_type in ("LineString", "MultiLineString")
    assert county.covers(f.geometry)
    minx, _, maxx, _ = f.geometry.bounds
    assert minx > 111.6 and maxx < 112.05  # the section inside 霍州市, not the whole river
    whole = shapely.from_wkt("LINESTRING (111.4 36.58, 111.8 36.58, 112.3 36.6)")
    assert f.geometry.length == pytest.approx(whole.intersection(county).length, rel=1e-3)


def test_lake_and_mountain_of_a_park_are_clipped_to_the_county(natural_gaz, b):
    doc = make_doc("建设丙海湿地公园和丁山森林公园。", "141082")
    lake = mention(doc, "parks", "wetland_park", "丙海湿地公园", place="丙海")  # by its alias
    hill = mention(doc, "parks", "forest_park", "丁山森林公园", place="丁山")
    f, g = place(doc, [lake, hill], natural_gaz)
    county = b.geometry("141082")
    for feat, name in ((f, "丙湖"), (g, "丁山")):
        assert (feat.precision, feat.county_code, feat.placed_at) == ("exact", "141082", name)
        assert feat.geometry.geom_type in ("Polygon", "MultiPolygon")
        assert county.covers(feat.geometry) and feat.geometry.area > 0
    assert f.geometry.bounds[2] <= county.bounds[2] + 1e-9  # cut at the county's eastern edge
    assert g.geometry.area == pytest.approx(county.area, rel=1e-3)  # the mountain covers the county


def test_river_that_does_not_pass_through_the_region_stays_at_county(natural_gaz, b):
    # 甲河 is in the same province, 乙河 in another one: neither passes through 沁水县
    doc = make_doc("治理甲河和乙河。", "140521")
    f, g = place(
        doc,
        [
            mention(doc, "eco_zones", "river", "甲河", places=["甲河"]),
            mention(doc, "eco_zones", "river", "乙河", places=["乙河"]),
        ],
        natural_gaz,
    )
    for feat in (f, g):
        assert (feat.precision, feat.county_code) == ("county", "140521")
        assert feat.geometry.equals(b.label_point("140521"))
    other = make_doc("治理乙河。", "150581")
    [h] = place(other, [mention(other, "eco_zones", "river", "乙河", places=["乙河"])], natural_gaz)
    assert (h.precision, h.county_code) == ("exact", "150581")


def test_prefecture_document_clips_to_the_prefecture(natural_gaz, b):
    doc = make_doc("保护己河生态。", "140400")
    [f] = place(doc, [mention(doc, "eco_zones", "eco_corridor", "己河", places=["己河"])], natural_gaz)
    assert (f.precision, f.county_code, f.county_name) == ("exact", "140400", "长治市")
    assert b.geometry("140400").covers(f.geometry)
    assert f.geometry.bounds[2] < 113.8  # not into Hebei


def test_two_rivers_of_one_corridor_are_one_feature(natural_gaz, b):
    doc = make_doc("建设沿甲河、丁山的绿廊。", "141082")
    m = mention(doc, "eco_zones", "eco_corridor", "沿甲河、丁山的绿廊", places=["甲河", "丙湖"])
    [f] = place(doc, [m], natural_gaz)
    assert (f.precision, f.placed_at) == ("exact", "甲河")  # one geometry type: the first's lines
    assert "LineString" in f.geometry.geom_type and b.geometry("141082").covers(f.geometry)
    m2 = mention(doc, "eco_zones", "eco_corridor", "沿甲河、丁山的绿廊", places=["丙湖", "丁山"])
    [g] = place(doc, [m2], natural_gaz)
    assert (g.precision, g.placed_at) == ("exact", "丙湖、丁山")
    assert g.geometry.geom_type in ("Polygon", "MultiPolygon") and b.geometry("141082").covers(g.geometry)


def test_basin_and_structure_are_not_drawn_as_the_river(natural_gaz):
    doc = make_doc("甲河流域综合治理。打造甲河发展带。", "141082")
    basin = mention(doc, "eco_zones", "watershed", "甲河流域", places=["甲河"])
    belt = mention(doc, "structure", "belt", "甲河发展带")
    f, g = place(doc, [basin, belt], natural_gaz)
    assert (f.precision, f.county_code) == ("county", "141082")
    assert g.precision == "county"


def test_names_match_whole_not_by_prefix_or_sound(natural_gaz):
    doc = make_doc("建设甲阳公园。治理甲河村周边。", "141082")
    park = mention(doc, "parks", "urban_park", "甲阳公园", place="甲阳")
    zone = mention(doc, "eco_zones", "other", "甲河村周边", places=["甲河村"])
    f, g = place(doc, [park, zone], natural_gaz)
    assert f.precision == "county" and g.precision == "county"


def test_shipped_lake_is_clipped_to_the_county_document(gaz, b):
    # 呼伦湖 (Natural Earth 10m lakes) lies across several counties of 呼伦贝尔市
    doc = make_doc("保护呼伦湖湿地。", "150727")
    [f] = place(doc, [mention(doc, "eco_zones", "lake_reservoir", "呼伦湖", places=["呼伦湖"])], gaz)
    assert (f.precision, f.county_code, f.county_name) == ("exact", "150727", "新巴尔虎右旗")
    assert f.geometry.geom_type in ("Polygon", "MultiPolygon")
    assert b.geometry("150727").covers(f.geometry)
    assert "Natural Earth" in f.place_source or "1:4M" in f.place_source  # either lake source
    elsewhere = make_doc("保护呼伦湖湿地。", "141082")  # named in a 霍州市 plan: not placed there
    [g] = place(
        elsewhere, [mention(elsewhere, "eco_zones", "lake_reservoir", "呼伦湖", places=["呼伦湖"])], gaz
    )
    assert (g.precision, g.county_code) == ("county", "141082")


# -- corridors -------------------------------------------------------------------------------
def test_corridor_between_counties_is_schematic(gaz, b):
    doc = make_doc("建成黎霍高速。", "141082")
    m = mention(
        doc,
        "corridors",
        "expressway",
        "黎霍高速",
        endpoints=["黎城县", "霍州市"],
        endpoint_codes=["140426", "141082"],
    )
    [f] = place(doc, [m], gaz)
    assert f.precision == "schematic" and f.geometry.geom_type == "LineString"
    coords = list(f.geometry.coords)
    # 黎城县 lies more than 100 km beyond 霍州市: the line is drawn from 霍州市 toward it, cut
    # 30 km outside the county, and says where it leads
    assert shapely.Point(coords[-1]).distance(b.label_point("141082")) < 1e-6
    assert shapely.Point(coords[0]).distance(b.label_point("140426")) > 0.5
    assert f.properties == {"leads_to": ["黎城县"]}
    assert (f.county_code, f.placed_at) == ("141082", "黎城县 — 霍州市")


def test_corridor_to_a_neighbour_is_drawn_whole(gaz, b):
    doc = make_doc("建成霍洪快速路。", "141082")
    m = mention(
        doc,
        "corridors",
        "expressway",
        "霍洪快速路",
        endpoints=["霍州市", "洪洞县"],
        endpoint_codes=["141082", "141024"],
    )
    [f] = place(doc, [m], gaz)
    assert f.precision == "schematic" and f.properties == {}
    coords = list(f.geometry.coords)
    assert shapely.Point(coords[0]).equals(b.label_point("141082"))
    assert shapely.Point(coords[-1]).equals(b.label_point("141024"))


def test_corridor_endpoints_by_name_and_compound_names(gaz, b):
    doc = make_doc("修建七里峪至古县北平镇公路。", "141082")
    m = mention(
        doc, "corridors", "county_road", "七里峪至古县北平镇公路", endpoints=["七里峪村", "古县北平镇"]
    )
    [f] = place(doc, [m], gaz)
    assert f.precision == "schematic"
    start, end = (shapely.Point(c) for c in f.geometry.coords)
    assert b.geometry("141082").contains(start)
    assert b.geometry("141025").contains(end)  # 北平镇 of 古县
    assert f.placed_at == "七里峪村 — 北平镇"


def test_corridor_without_endpoints_stays_a_county_point(gaz, b):
    doc = make_doc("改造国道G108。", "141082")
    [f] = place(doc, [mention(doc, "corridors", "national_road", "国道G108", code="G108", endpoints=[])], gaz)
    assert f.precision == "county" and f.geometry.equals(b.label_point("141082"))


def test_corridor_with_one_unresolvable_endpoint_is_not_drawn(gaz):
    doc = make_doc("修建无名岭至七里峪道路。", "141082")
    m = mention(doc, "corridors", "county_road", "无名岭至七里峪道路", endpoints=["无名岭", "七里峪村"])
    [f] = place(doc, [m], gaz)
    # no line: a local road is placed at the one endpoint it is known to reach (tests/test_geocode_context.py)
    assert (f.precision, f.geometry.geom_type, f.placed_at) == ("town", "Point", "七里峪村")


# -- red lines and fallbacks -----------------------------------------------------------------
def test_red_line_takes_the_region_polygon(gaz, b):
    county = make_doc("划定生态保护红线。", "141082")
    [f] = place(county, [mention(county, "red_lines", "red_line", "生态保护红线")], gaz)
    assert (f.precision, f.county_code) == ("county", "141082")
    assert f.geometry.equals(b.geometry("141082"))
    pref = make_doc("划定生态保护红线。", "140400")
    [g] = place(pref, [mention(pref, "red_lines", "red_line", "生态保护红线")], gaz)
    assert (g.precision, g.county_code, g.county_name) == ("region", "140400", "长治市")


def test_prefecture_document_falls_back_to_the_county_its_sentence_names(gaz, b):
    doc = make_doc("支持沁源县建设无名谷景区。推进无名湾公园建设。", "140400")
    m1 = mention(doc, "parks", "scenic_area", "无名谷景区", place="无名谷")
    m2 = mention(doc, "parks", "urban_park", "无名湾公园", place="无名湾")
    f, g = place(doc, [m1, m2], gaz)
    assert (f.precision, f.county_code, f.county_name) == ("county", "140431", "沁源县")
    assert f.geometry.equals(b.label_point("140431"))
    assert (g.precision, g.county_code, g.county_name) == ("region", "140400", "长治市")


def test_document_without_region_keeps_its_mentions(gaz):
    doc = make_doc("建设某某公园。", None)
    [f] = place(doc, [mention(doc, "parks", "urban_park", "某某公园", place="某某")], gaz)
    # no region, no place: its own honest state, not "region" (kept in tables and report, on no map)
    assert f.geometry is None and f.precision == "unplaced"


# -- far corridors, rivers, red-line statements -------------------------------------------------
def _km_outside(b, code, geom) -> float:
    """Largest distance (km) of a vertex of ``geom`` from the region polygon ``code``."""
    import geopandas as gpd

    centre = b.label_point(code)
    crs = f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m"
    region = gpd.GeoSeries([b.geometry(code)], crs=4326).to_crs(crs).iloc[0]
    pts = gpd.GeoSeries(shapely.points(shapely.get_coordinates(geom)), crs=4326).to_crs(crs)
    return max(region.distance(p) for p in pts) / 1000


def test_far_corridor_through_the_region_is_cut_near_it(gaz, b):
    doc = make_doc("京广通道穿城而过。", "420100")  # 武汉市, far from Shanxi
    m = mention(
        doc,
        "corridors",
        "railway",
        "京广通道",
        endpoints=["北京", "广州"],
        endpoint_codes=["110000", "440100"],
    )
    [f] = place(doc, [m], gaz)
    assert f.precision == "schematic"
    assert f.properties["leads_to"] == ["北京市", "广州市"]
    assert f.geometry.intersects(b.geometry("420100"))
    assert _km_outside(b, "420100", f.geometry) <= 30.5


def test_corridor_missing_the_region_is_drawn_from_its_edge(gaz, b):
    doc = make_doc("谋划北京方向通道。", "532901")  # 大理市: the Beijing–Kunming line misses it
    m = mention(
        doc,
        "corridors",
        "expressway",
        "北京方向通道",
        endpoints=["北京", "昆明"],
        endpoint_codes=["110000", "530100"],
    )
    [f] = place(doc, [m], gaz)
    assert f.precision == "schematic" and f.geometry.geom_type == "MultiLineString"
    assert f.properties["leads_to"] == ["北京市", "昆明市"]
    starts = {shapely.Point(g.coords[0]) for g in f.geometry.geoms}
    assert len(starts) == 1 and b.geometry("532901").boundary.distance(next(iter(starts))) < 1e-6
    assert _km_outside(b, "532901", f.geometry) <= 30.5


def test_river_zone_is_its_line_inside_the_region_and_same_name_elsewhere_is_not(gaz, b):
    from atlas.hydro import SOURCE_HYDRO, load_hydro

    if not load_hydro().available:
        pytest.skip("hydro_1to4m.gpkg not found (set ATLAS_HYDRO): rivers stay at county precision")
    doc = make_doc("保护汉江流域生态，治理沁河。", "420600")  # 襄阳市; 沁河 flows in Shanxi and Henan
    river, other = place(
        doc,
        [mention(doc, "eco_zones", "watershed", "汉江流域"), mention(doc, "eco_zones", "river", "沁河")],
        gaz,
    )
    assert (river.precision, river.place_source, river.placed_at) == ("exact", SOURCE_HYDRO, "汉江")
    assert river.geometry.geom_type in ("LineString", "MultiLineString")
    assert b.geometry("420600").covers(river.geometry)
    assert other.precision in ("county", "region") and other.geometry.geom_type == "Point"


def test_reservoir_on_a_river_is_not_the_river(gaz):
    doc = make_doc("扩建汉江水库。", "420600")
    [f] = place(doc, [mention(doc, "eco_zones", "lake_reservoir", "汉江水库", places=["汉江"])], gaz)
    assert f.place_source != "national 1:4M basic geographic database"


def test_red_line_statements_are_labelled(gaz):
    from atlas.geocode import statement_of

    assert [statement_of(n) for n in ("生态保护红线", "落实“三线一单”", "三区三线划定", "生态红线")] == [
        "红线",
        "三线一单",
        "三区三线",
        "红线",
    ]
    doc = make_doc("严守三线一单。", "532901")
    [f] = place(doc, [mention(doc, "red_lines", "red_line", "三线一单")], gaz)
    assert f.properties == {"statement": "三线一单"}


# -- the sample plans ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample(gaz):
    if not settings.PLANS_DIR.is_dir():
        pytest.skip(f"sample plans not found at {settings.PLANS_DIR}")
    try:
        from atlas.extract import mentions_from_document
        from atlas.ingest import documents_from_paths
    except ImportError as exc:  # pragma: no cover - stages written by colleagues
        pytest.skip(f"ingest/extract not available: {exc}")
    docs = documents_from_paths([settings.PLANS_DIR])
    mentions = {d.doc_id: mentions_from_document(d) for d in docs}
    feats = [f for d in docs for f in features_from_mentions(d, mentions[d.doc_id], gazetteer=gaz)]
    return docs, mentions, feats  # speed: `python -m bench.stages`


def test_sample_every_mention_is_kept_and_joined(sample):
    _docs, mentions, feats = sample
    assert len(feats) == sum(len(v) for v in mentions.values())
    for f in feats:
        assert f.geometry is not None and f.county_code and f.county_name and f.place_source


def test_sample_fine_features_lie_inside_their_county(sample, b):
    _, _, feats = sample
    fine = [f for f in feats if f.precision in ("exact", "town")]
    assert fine
    for f in fine:
        assert b.geometry(f.county_code).covers(f.geometry), (f.mention.name, f.county_code)


def test_sample_schematic_lines_start_and_end_at_their_endpoints(sample, gaz, b):
    _, _, feats = sample
    lines = [f for f in feats if f.precision == "schematic" and not f.properties.get("leads_to")]
    assert lines
    for f in lines:  # drawn whole (the far ones are cut near the region: see the next test)
        names = f.placed_at.split(" — ")
        coords = list(f.geometry.coords)
        for name, xy in ((names[0], coords[0]), (names[-1], coords[-1])):
            points = [c.geometry for c in gaz.search(name) if c.geometry is not None]
            assert any(shapely.Point(xy).equals_exact(p, 1e-12) for p in points), (f.mention.name, name)


def test_sample_no_corridor_reaches_more_than_100_km_outside_its_region(sample, b):
    _, _, feats = sample
    lines = [f for f in feats if f.mention.theme == "corridors" and f.precision == "schematic"]
    assert lines
    reach = {f.mention.name: _km_outside(b, _region(f, sample), f.geometry) for f in lines}
    assert max(reach.values()) <= 100, max(reach, key=reach.__getitem__)
    assert any(f.properties.get("leads_to") for f in lines)  # far corridors are cut and labelled


def _region(f, sample) -> str:
    docs = {d.doc_id: d for d in sample[0]}
    return docs[f.mention.doc_id].region.adcode


def test_sample_river_lines_lie_inside_their_county(sample, b):
    from atlas.hydro import SOURCE_HYDRO

    _, _, feats = sample
    rivers = [f for f in feats if f.place_source == SOURCE_HYDRO]
    if not rivers:
        pytest.skip("hydro_1to4m.gpkg not found (set ATLAS_HYDRO): no river lines to check")
    names = {f.placed_at for f in rivers}
    assert {"汾河", "沁河", "浊漳河"} <= names
    for f in rivers:
        assert f.precision == "exact"
        assert b.geometry(f.county_code).covers(f.geometry), (f.mention.name, f.county_code)
