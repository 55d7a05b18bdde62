"""Corridor extraction: own short sentences per rule, exact names, spans and endpoints."""

from __future__ import annotations

import pytest

from atlas.boundaries import load_boundaries
from atlas.extract.corridors import corridor_mentions, normalise_code
from atlas.models import Document

HUOZHOU = "141082"  # 霍州市, 临汾市, 山西省


def _doc(text: str, region: str | None = HUOZHOU, *, offset: int = 0) -> Document:
    unit = load_boundaries().get(region) if region else None
    return Document("t", "", "fyp_outline", 2021, unit, text, "t.txt", offset, offset + len(text))


def _found(text: str, region: str | None = HUOZHOU) -> list[tuple[str, str, list[str]]]:
    return [(m.name, m.kind, list(m.get("endpoints"))) for m in corridor_mentions(_doc(text, region))]


def test_abbreviation_resolves_initials_near_the_region():
    assert _found("加快黎霍高速建设。") == [("黎霍高速", "expressway", ["黎城县", "霍州市"])]


def test_reversed_abbreviation_and_dash_list_share_one_head():
    assert _found("推进霍永—霍黎高速公路建设。") == [
        ("霍永高速公路", "expressway", ["霍州市", "永和县"]),
        ("霍黎高速公路", "expressway", ["霍州市", "黎城县"]),
    ]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("108国道", "G108"),
        ("国道108", "G108"),
        ("国道G108", "G108"),
        ("省道101线", "S101"),
        ("县道474", "X474"),
    ],
)
def test_code_normalisation(written, code):
    assert normalise_code(written) == code


def test_written_endpoints_and_source_offsets():
    text = "推动甲乙丙,侯马至霍州轻轨前期工作。"
    doc = _doc(text, offset=100)
    (m,) = corridor_mentions(doc)
    assert (m.name, m.kind) == ("侯马至霍州轻轨", "intercity_rail")
    assert m.get("endpoints") == ["侯马市", "霍州市"]
    assert m.get("endpoint_codes") == ["141081", "141082"]
    assert (m.char_start, m.char_end) == (100 + text.index("侯马"), 100 + text.index("轻轨") + 2)
    assert (m.sentence_start, m.sentence_end) == (100, 100 + len(text))
