"""Tests of atlas.admin_tree: a tiny hand-written dictionary plus checks on jionlp's file."""

from __future__ import annotations

import sys

import pytest

from atlas._errors import DataMissingError, InputError
from atlas.admin_tree import AdminTree, Place, load_admin_tree, place_short_name

# A made-up dictionary in jionlp's layout (CRLF line ends, tab indentation).
TINY = (
    "甲省\t990000\t甲\r\n"
    "\t乙市\t990100\t乙\r\n"
    "\t\t丙县\t990101\t丙\r\n"
    "\t\t\t东山镇\r\n"
    "\t\t\t\t东山村\r\n"
    "\t\t\t\t七星峪村\r\n"
    "\t\t\t西河乡\r\n"
    "\t\t\t\t冯村\r\n"
    "\t\t丁区\t990102\t丁\r\n"
    "\t\t\t东山街道\r\n"
    "\t\t\t\t南关社区\r\n"
    "\t\t无码区\r\n"
    "\t\t\t不该出现镇\r\n"
    "\t戊市\t990200\t戊\r\n"
    "\t\t己县\t990201\t己\r\n"
    "\t\t\t七星峪镇\r\n"
).encode()


@pytest.fixture()
def tiny() -> AdminTree:
    return AdminTree(TINY, source="tiny")


def test_short_names():
    assert place_short_name("李曹镇", "town") == "李曹"
    assert place_short_name("北环路街道", "town") == "北环路"
    assert place_short_name("七里峪村", "village") == "七里峪"
    assert place_short_name("冯村", "village") == "冯村"  # core would be one character
    assert place_short_name("南关社区", "village") == "南关"
    assert place_short_name("霍州市", "county") == "霍州市"  # counties keep their names here


def test_counties_and_towns(tiny):
    assert tiny.county_codes == ["990101", "990102", "990201"]
    assert tiny.county("990101") == Place("丙县", "county", "990101", "甲省", "乙市", "丙县")
    assert [p.name for p in tiny.towns_of("990101")] == ["东山镇", "西河乡"]
    assert [(p.name, p.town) for p in tiny.villages_of("990101")] == [
        ("东山村", "东山镇"),
        ("七星峪村", "东山镇"),
        ("冯村", "西河乡"),
    ]
    # a district without an adcode is skipped with everything under it
    assert [p.name for p in tiny.places_of("990102")] == ["东山街道", "南关社区"]


def test_places_named_exact_and_alias(tiny):
    assert tiny.places_named("东山镇") == [
        Place("东山镇", "town", "990101", "甲省", "乙市", "丙县", "东山镇")
    ]
    assert [(p.name, p.county_code) for p in tiny.places_named("东山")] == [
        ("东山镇", "990101"),
        ("东山村", "990101"),
        ("东山街道", "990102"),
    ]
    assert [(p.name, p.county) for p in tiny.places_named("七星峪")] == [
        ("七星峪村", "丙县"),
        ("七星峪镇", "己县"),
    ]
    assert [p.name for p in tiny.places_named("七星峪", within="9902")] == ["七星峪镇"]
    assert [p.level for p in tiny.places_named("乙")] == ["prefecture"]
    assert tiny.places_named("不该出现镇") == []
    assert tiny.places_named("  ") == []


def test_names_in(tiny):
    names = tiny.names_in("990100")
    expected = ["东山镇", "东山", "东山村", "七星峪村", "七星峪", "西河乡", "西河", "冯村"]
    expected += ["东山街道", "南关社区", "南关"]
    assert sorted(names) == sorted(expected)
    assert [p.county for p in names["东山"]] == ["丙县", "丙县", "丁区"]
    assert sorted(tiny.names_in("990201", aliases=False)) == ["七星峪镇"]


def test_errors_quote_input(tiny):
    with pytest.raises(InputError, match="'123'"):
        tiny.names_in("123")
    with pytest.raises(InputError, match="'990109'"):
        tiny.towns_of("990109")
    with pytest.raises(DataMissingError, match="nowhere"):
        load_admin_tree("/nowhere/china_location.txt")


# -- the real dictionary ---------------------------------------------------------------------
def test_real_dictionary_loads_without_importing_jionlp():
    load_admin_tree.cache_clear()
    tree = load_admin_tree()  # its speed is measured by `python -m bench.stages`
    assert "jionlp" not in sys.modules
    assert len(tree.county_codes) > 2800


def test_real_dictionary_samples():
    tree = load_admin_tree()
    assert [(p.name, p.county, p.town) for p in tree.places_named("七里峪", within="141082")] == [
        ("七里峪村", "霍州市", "李曹镇")
    ]
    lishan = {(p.name, p.county_code) for p in tree.places_named("历山", within="14")}
    assert ("历山镇", "140827") in lishan  # 垣曲县
    assert not any(code == "140521" for _, code in lishan)  # nothing called 历山 in 沁水县
    assert "李曹" in tree.names_in("141082")
