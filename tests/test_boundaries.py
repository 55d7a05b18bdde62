from __future__ import annotations

import pytest
import shapely

from atlas._errors import InputError
from atlas.boundaries import load_boundaries, short_name


def test_counts_and_levels():
    b = load_boundaries()
    levels = [u.level for u in b.units.values()]
    assert levels.count("province") == 34
    assert levels.count("county") > 2800
    assert all(len(code) == 6 and code.isdigit() for code in b.units)


def test_lookup_by_adcode_full_and_short_name():
    b = load_boundaries()
    huozhou = b.get("141082")
    assert (huozhou.name, huozhou.level, huozhou.prefecture, huozhou.province) == (
        "霍州市",
        "county",
        "临汾市",
        "山西省",
    )
    assert [u.adcode for u in b.find("霍州")] == ["141082"]
    assert b.find("盐湖区")[0].prefecture == "运城市"
    assert b.find("长治")[0].level == "prefecture"


def test_same_name_ranked_by_region():
    b = load_boundaries()
    assert b.find("朝阳区", within="220000")[0].prefecture == "长春市"
    assert b.find("朝阳区", within="110000")[0].adcode == "110105"


def test_unknown_adcode_is_a_clear_error():
    with pytest.raises(InputError, match="unknown adcode '999999'"):
        load_boundaries().get("999999")


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("霍州市", "霍州"),
        ("临县", "临县"),
        ("盐湖区", "盐湖"),
        ("霍林郭勒市", "霍林郭勒"),
        ("孟村回族自治县", "孟村"),
    ],
)
def test_short_name(name, short):
    assert short_name(name) == short


def test_label_point_inside_and_display_copy_simpler():
    b = load_boundaries()
    for code in ("141082", "140400", "150581"):
        geom = b.geometry(code)
        assert geom.is_valid
        assert geom.contains(b.label_point(code))
        assert shapely.get_num_coordinates(b.display_geometry(code)) <= shapely.get_num_coordinates(geom)


def test_county_at_point():
    b = load_boundaries()
    p = b.label_point("140521")
    assert b.county_at(p.x, p.y).name == "沁水县"
    assert b.county_at(0.0, 0.0) is None


def test_loaded_once_per_process():
    assert load_boundaries() is load_boundaries()
