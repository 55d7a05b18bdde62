"""Tests of atlas.gazetteer: tiers, sources, datum handling and errors.

Unit tests use a tiny made-up hierarchy and places CSV for a real county code (霍州市 141082, so
that the real boundary polygon applies); integration tests use the real data and skip when the
Vonng/adcode CSV is absent.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from atlas import settings
from atlas._errors import DataMissingError, InputError
from atlas.admin_tree import AdminTree
from atlas.boundaries import load_boundaries
from atlas.datum import gcj02_to_wgs84, wgs84_to_gcj02
from atlas.gazetteer import (
    SOURCE_PLACES,
    SOURCE_TREE,
    Gazetteer,
    _PlacePoints,
    feature_core,
    load_gazetteer,
    pinyin_keys,
    read_curated,
)

# made-up towns and villages under the real code of 霍州市
TREE = (
    "山西省\t140000\t山西\r\n"
    "\t临汾市\t141000\t临汾\r\n"
    "\t\t霍州市\t141082\t霍州\r\n"
    "\t\t\t甲山镇\r\n"
    "\t\t\t\t七星峪村\r\n"
    "\t\t\t\t甲山村\r\n"
    "\t\t\t乙河乡\r\n"
    "\t\t\t\t丙村\r\n"
    "\t\t\t\t丁庄村\r\n"
    "\t\t\t\t戊庄村\r\n"
).encode()

TOWN_WGS = (111.80, 36.58)  # inside 霍州市
VILLAGE_WGS = (111.72, 36.56)  # inside 霍州市
BEIJING_WGS = (116.40, 39.90)  # far outside


def _gcj(lon: float, lat: float) -> tuple[float, float]:
    x, y = wgs84_to_gcj02(lon, lat)
    return float(x), float(y)


@pytest.fixture()
def places_csv(tmp_path):
    header = "code,parent,name,level,adcode,lon_gcj02,lat_gcj02,province,city,county,town,village\n"
    t, v, bj = _gcj(*TOWN_WGS), _gcj(*VILLAGE_WGS), _gcj(*BEIJING_WGS)
    rows = [
        "141082000000,141000000000,霍州市,county,141082,111.75,36.56,山西省,临汾市,霍州市,,",
        f"141082100000,141082000000,甲山镇,town,141082,{t[0]},{t[1]},山西省,临汾市,霍州市,甲山镇,",
        "141082200000,141082000000,乙河乡,town,141082,,,山西省,临汾市,霍州市,乙河乡,",
        f"141082200201,141082200000,丁庄村委会,village,141082,{v[0]},{v[1]},山西省,临汾市,霍州市,乙河乡,丁庄村委会",
        f"141082200202,141082200000,戊庄村委会,village,141082,{bj[0]},{bj[1]},山西省,临汾市,霍州市,乙河乡,戊庄村委会",
    ]
    path = tmp_path / "places.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def curated_csv(tmp_path):
    path = tmp_path / "curated.csv"
    path.write_text(
        "name,kind,adcode,wkt,lon,lat,source,aliases\n"
        "甲山水库,lake_reservoir,141082,,111.79,36.57,test: made-up point,甲山库\n"
        '乙溪,river,141082,"LINESTRING (111.65 36.5, 111.9 36.6)",,,test: made-up line,\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture()
def gaz(places_csv, curated_csv) -> Gazetteer:
    return Gazetteer(
        boundaries=load_boundaries(),
        tree=AdminTree(TREE, source="tiny"),
        points=_PlacePoints(places_csv),
        curated=read_curated(curated_csv),
        use_geonames=False,
    )


def _xy(c):
    return (round(c.geometry.x, 9), round(c.geometry.y, 9))


def test_feature_core():
    assert feature_core("七里峪景区") == "七里峪"
    assert feature_core("七里峪4A级景区") == "七里峪"
    assert feature_core("郭庄泉域湿地公园") == "郭庄"
    assert feature_core("某某国家森林公园") == "某某"
    assert feature_core("张峰水库") == "张峰"
    assert feature_core("汾河") == "汾河"  # nothing to strip
    assert feature_core("公园") == "公园"  # never shorter than two characters


def test_tiers_exact_alias_core(gaz):
    [town] = gaz.search("甲山镇", within="141082")
    assert (town.kind, town.tier, town.precision, town.source) == ("town", "exact", "town", SOURCE_PLACES)
    assert _xy(town) == pytest.approx(TOWN_WGS, abs=1e-8)  # GCJ-02 in the CSV, WGS84 out
    alias = gaz.search("甲山", within="141082")
    assert [(c.name, c.kind, c.tier) for c in alias] == [
        ("甲山镇", "town", "alias"),
        ("甲山村", "village", "alias"),
    ]
    [core] = gaz.search("七星峪景区", within="141082")
    assert (core.name, core.tier, core.matched) == ("七星峪村", "core", "七星峪")


def test_village_falls_back_to_its_town(gaz):
    [v] = gaz.search("七星峪", within="141082")
    assert (v.name, v.kind, v.town, v.precision) == ("七星峪村", "village", "甲山镇", "town")
    assert _xy(v) == pytest.approx(TOWN_WGS, abs=1e-8)


def test_village_with_own_point_is_exact(gaz):
    [v] = gaz.search("丁庄村", within="141082")
    assert (v.precision, v.source) == ("exact", SOURCE_PLACES)
    assert _xy(v) == pytest.approx(VILLAGE_WGS, abs=1e-8)


def test_point_outside_county_is_dropped_and_town_without_point_has_none(gaz):
    [v] = gaz.search("戊庄村", within="141082")  # its CSV point lies in Beijing
    assert v.geometry is None and v.precision == "county" and v.source == SOURCE_TREE
    [t] = gaz.search("乙河乡", within="141082")
    assert t.geometry is None and t.precision == "county"


def test_fuzzy_only_inside_a_scope_and_never_on_the_last_character(gaz):
    [f] = gaz.search("七晨峪村", within="141082")
    assert (f.name, f.tier) == ("七星峪村", "fuzzy")
    assert gaz.search("七晨峪村") == []  # no scope, no fuzzy
    assert gaz.search("七星峪河", within="141082") == []  # 河 is not 村
    assert gaz.search("七晨峪村", within="141082", fuzzy=False) == []


def test_curated_features_and_scope_by_geometry(gaz):
    [r] = gaz.search("甲山水库", within="141082")
    assert (r.kind, r.tier, r.precision, r.source) == (
        "lake_reservoir",
        "exact",
        "exact",
        "test: made-up point",
    )
    [a] = gaz.search("甲山库", within="1410")
    assert a.tier == "alias"
    [line] = gaz.search("乙溪", within="14")
    assert line.geometry.geom_type == "LineString"
    assert gaz.search("乙溪", within="110000") == []  # Beijing does not intersect it


def test_administrative_units(gaz):
    [u] = gaz.search("盐湖区")
    assert (u.kind, u.county_code, u.precision) == ("county", "140802", "county")
    [p] = gaz.search("临汾市")
    assert (p.kind, p.precision) == ("prefecture", "region")
    assert gaz.search("霍州", within="141082")[0].tier == "alias"
    assert gaz.search("", within="141082") == []


def test_kinds_filter(gaz):
    assert [c.kind for c in gaz.search("甲山", within="141082", kinds=["village"])] == ["village"]


def test_read_curated_reports_every_problem_at_once(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,kind,adcode,wkt,lon,lat,source\n"
        "甲,mountain,14108,,111.7,36.5,somewhere\n"
        "乙,mountain,141082,,,,made up\n"
        "丙,mountain,141082,,2.35,48.85,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        read_curated(bad)
    msg = str(err.value)
    assert "3 problem(s)" in msg or "4 problem(s)" in msg
    assert "'14108'" in msg and "no geometry" in msg and "not lon/lat in China" in msg
    missing_cols = tmp_path / "cols.csv"
    missing_cols.write_text("name,kind\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks column"):
        read_curated(missing_cols)
    with pytest.raises(DataMissingError, match=r"nowhere\.csv"):
        read_curated(tmp_path / "nowhere.csv")


def test_shipped_curated_file_is_valid():
    feats = read_curated(settings.GEODATA_DIR / "gazetteer.csv")
    assert all(f.source for f in feats)


def test_missing_places_file_raises(monkeypatch, tmp_path):
    with pytest.raises(DataMissingError, match="does not exist"):
        load_gazetteer(places_path=tmp_path / "none.csv")
    monkeypatch.setenv("ATLAS_PLACES", str(tmp_path / "gone.csv"))
    with pytest.raises(DataMissingError, match="ATLAS_PLACES"):
        load_gazetteer()


def test_pinyin_keys():
    assert pinyin_keys("李曹") == {"licao"}
    assert "changzhi" in pinyin_keys("长治")
    assert pinyin_keys("ab") == set()


# -- the real data ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real():
    if settings.places_path() is None:
        pytest.skip("Vonng/adcode places CSV not found (set ATLAS_PLACES or provide ../shared/geodata)")
    return load_gazetteer()


def test_real_village_in_its_town(real):
    [c] = real.search("七里峪", within="141082")
    assert (c.name, c.town, c.county_code) == ("七里峪村", "李曹镇", "141082")
    assert c.precision in ("exact", "town")
    assert load_boundaries().geometry("141082").contains(c.geometry)


def test_real_traps(real):
    assert real.search("历山", within="140521") == []  # nothing called 历山 inside 沁水县
    assert {c.county_code for c in real.search("历山", within="14")} >= {"140827"}  # 历山镇, 垣曲县
    assert real.search("盐池", within="14") == []  # the lake is no place in the hierarchy
    found = real.search("盐湖")  # the district first (administrative units lead), villages after
    assert (found[0].name, found[0].kind) == ("盐湖区", "county")
    assert real.search("霍林河") == []  # the river is not the city
    assert real.search("霍林郭勒")[0].name == "霍林郭勒市"
    assert [c.name for c in real.search("霍林郭勒", within="150581")] == ["霍林郭勒市"]


def test_real_lakes_from_natural_earth_by_geometry(real):
    [c] = real.search("呼伦湖", within="1507")  # Natural Earth 10m lakes, inside 呼伦贝尔市
    assert (c.kind, c.precision, c.tier) == ("lake_reservoir", "exact", "exact")
    assert c.geometry.geom_type in ("Polygon", "MultiPolygon") and "Natural Earth" in c.source
    assert [x.name for x in real.search("呼倫湖", within="1507")] == ["呼伦湖"]  # as written (alias)
    assert real.search("呼伦湖", within="14") == []  # not in Shanxi
    assert real.search("青海湖", within="630000")[0].county_code == "630000"


def test_real_points_inside_their_county(real):
    b = load_boundaries()
    for code in ("141082", "140521"):
        index = real._county_index(code)
        pts = [c.geometry for cands in index.values() for c, _ in cands if c.geometry is not None]
        assert pts, code
        assert all(b.geometry(code).contains(p) for p in pts)


def test_real_datum_is_applied(real):
    [c] = real.search("李曹镇", within="141082")
    # the CSV holds GCJ-02: shifting our point back must give a different, nearby location
    gx, gy = wgs84_to_gcj02(c.geometry.x, c.geometry.y)
    assert 50 < np.hypot(float(gx) - c.geometry.x, float(gy) - c.geometry.y) * 111_000 < 1000
    wx, wy = gcj02_to_wgs84(gx, gy)
    assert shapely.Point(float(wx), float(wy)).distance(c.geometry) < 1e-9


def test_user_files_from_the_environment(monkeypatch, curated_csv):
    monkeypatch.setenv("ATLAS_GAZETTEER", str(curated_csv))
    gaz = load_gazetteer(use_geonames=False)
    assert [c.name for c in gaz.search("甲山水库")] == ["甲山水库"]


# -- seats of government and districts new since 2016 --------------------------------------------
def _places(tmp_path, rows: list[str]):
    header = "code,parent,name,level,adcode,lon_gcj02,lat_gcj02,province,city,county,town,village\n"
    path = tmp_path / "seat_places.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return Gazetteer(
        boundaries=load_boundaries(),
        tree=AdminTree(TREE, source="tiny"),
        points=_PlacePoints(path),
        use_geonames=False,
    )


def _county_row(lon: float, lat: float, code: str = "141082", name: str = "霍州市") -> str:
    x, y = _gcj(lon, lat)
    return f"{code}000000,141000000000,{name},county,{code},{x},{y},山西省,临汾市,{name},,"


def _town_row(lon: float, lat: float, code: str = "141082", name: str = "甲山镇") -> str:
    x, y = _gcj(lon, lat)
    return f"{code}100000,{code}000000,{name},town,{code},{x},{y},山西省,临汾市,霍州市,{name},"


def test_seat_is_the_county_rows_point_when_a_town_is_near(tmp_path):
    g = _places(tmp_path, [_county_row(111.752, 36.565), _town_row(111.76, 36.57)])
    seat = g.seat("141082")
    assert seat is not None
    assert (seat.name, seat.precision, seat.county_code) == ("霍州市政府驻地", "town", "141082")
    assert seat.geometry.distance(shapely.Point(111.752, 36.565)) < 1e-6  # converted from GCJ-02
    assert SOURCE_PLACES in seat.source


def test_seat_far_from_every_town_or_outside_the_county_is_unknown(tmp_path):
    far = _places(tmp_path, [_county_row(111.60, 36.50), _town_row(111.80, 36.58)])  # ~19 km apart
    assert far.seat("141082") is None
    outside = _places(tmp_path, [_county_row(*BEIJING_WGS), _town_row(111.80, 36.58)])
    assert outside.seat("141082") is None
    assert _places(tmp_path, [_town_row(111.80, 36.58)]).seat("141082") is None  # no county row


def test_county_new_since_2016_takes_its_towns_from_the_prefecture(tmp_path):
    # the CSV knows the towns only under an older county of the same prefecture (another code and
    # name); the points inside the county's polygon are its, the one far away is not
    old = "141099"
    g = _places(
        tmp_path,
        [
            f"{old}000000,141000000000,旧县,county,{old},,,山西省,临汾市,旧县,,",
            _town_row(*TOWN_WGS, code=old, name="甲山镇"),
            _town_row(*BEIJING_WGS, code=old, name="乙河乡").replace(f"{old}100000", f"{old}200000"),
        ],
    )
    [town] = [c for c in g.search("甲山镇", within="141082") if c.kind == "town"]
    assert town.precision == "town" and town.geometry.distance(shapely.Point(*TOWN_WGS)) < 1e-6
    [other] = [c for c in g.search("乙河乡", within="141082") if c.kind == "town"]
    assert other.geometry is None  # the point in Beijing is not this county's


def test_real_district_new_since_2016_has_town_points(real):
    b = load_boundaries()
    index = real._county_index("330113")  # 临平区 (浙江), split from 余杭区 in 2021
    pts = [
        c.geometry
        for cands in index.values()
        for c, _ in cands
        if c.kind == "town" and c.geometry is not None
    ]
    assert len(pts) >= 5
    assert all(b.geometry("330113").contains(p) for p in pts)


def test_real_seat_lies_in_its_county_town(real):
    seat = real.seat("231084")  # 宁安市 (黑龙江): its government sits in 宁安镇
    town = real.town_candidate("231084", "宁安镇")
    assert seat is not None and town is not None
    assert seat.geometry.distance(town.geometry) * 111 < 3
    assert load_boundaries().geometry("231084").contains(seat.geometry)


def test_a_county_the_location_dictionary_lacks_has_no_towns_but_no_error(gaz):
    # 三明市三元区 (350404, formed in 2021) is in the boundaries but not in this dictionary (nor in
    # jionlp's of 2021): asking for its seat or its towns answers "none", it does not raise
    assert gaz.seat("350404") is None
    assert gaz.town_candidate("350404", "白沙街道") is None
