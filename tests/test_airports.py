"""Airports at their own coordinates (airportsdata), matched by the place a plan names them after."""

from __future__ import annotations

import pytest

from atlas.airports import airport_core, china_airports, find_airport
from atlas.boundaries import load_boundaries
from atlas.gazetteer import load_gazetteer
from atlas.geocode import features_from_mentions
from atlas.models import Document, Mention

pytestmark = pytest.mark.skipif(not china_airports(), reason="the airportsdata package is not installed")


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("长治机场", "长治"),
        ("霍林河机场", "霍林河"),
        ("太原武宿国际机场", "太原武宿"),
        ("平顺通用机场", None),
    ],
)
def test_airport_core(name, core):
    assert airport_core(name) == core


def test_found_only_inside_the_scope():
    b = load_boundaries()
    hit = find_airport("长治机场", within=b.geometry("140400"))
    assert hit is not None and hit.icao == "ZBCZ"
    assert b.geometry("140400").covers(hit.point)
    assert find_airport("长治机场", within=b.geometry("141000")) is None  # not in 临汾市


def test_general_aviation_airport_is_never_an_existing_one():
    b = load_boundaries()
    assert find_airport("朔州通用机场", within=b.geometry("140600")) is None


def _doc(text: str, region: str) -> Document:
    return Document(
        "a", "测试", "work_report", 2021, load_boundaries().get(region), text, "a.txt", 0, len(text)
    )


def _mention(doc: Document, name: str) -> Mention:
    start = doc.text.index(name)
    return Mention(doc.doc_id, "corridors", "airport", name, start, start + len(name), 0, len(doc.text), {})


def test_geocoded_exact_inside_its_county():
    doc = _doc("加快长治机场改扩建。", "140400")
    (feature,) = features_from_mentions(doc, [_mention(doc, "长治机场")], gazetteer=load_gazetteer())
    assert feature.precision == "exact"
    assert load_boundaries().geometry(feature.county_code).covers(feature.geometry)


def test_two_character_county_at_the_head_of_a_name():
    doc = _doc("建成右玉、应县通用机场。", "140600")  # the sentence names 右玉, the mention is 应县's
    (feature,) = features_from_mentions(doc, [_mention(doc, "应县通用机场")], gazetteer=load_gazetteer())
    assert (feature.precision, feature.county_name) == ("county", "应县")
