"""Property-based fuzzing of ingest → extract → indicators → geocode on random and mutated Chinese text.

Properties: no exception but ``InputError`` escapes; every document is an exact slice of its
source text; every mention's and indicator's span lies inside its document and indexes the source
text; every feature has a precision tier and either a valid, non-empty WGS84 geometry in China or
none at all (``unplaced``).

CI runs the ``ci`` profile (a few hundred examples). The longer run::

    ATLAS_FUZZ_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz.py -q   # 5,000 examples each
    ATLAS_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/test_fuzz.py -q  # any number

Failing examples are kept in ``.hypothesis/`` (git-ignored) and replayed first on the next run.
"""

from __future__ import annotations

import os

import pytest

hypothesis = pytest.importorskip(
    "hypothesis", reason="hypothesis is a dev dependency: pip install -e '.[dev]'"
)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from atlas._errors import InputError  # noqa: E402
from atlas.models import PRECISIONS  # noqa: E402

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("ci", max_examples=120, **_COMMON)
settings.register_profile("long", max_examples=5000, **_COMMON)
settings.load_profile(os.environ.get("ATLAS_FUZZ_PROFILE", "ci"))
if os.environ.get("ATLAS_FUZZ_EXAMPLES"):
    settings.register_profile("custom", max_examples=int(os.environ["ATLAS_FUZZ_EXAMPLES"]), **_COMMON)
    settings.load_profile("custom")

# pieces plans are made of (our own words), from many provinces
PLACES = [
    "秀英区", "海口市", "临桂区", "桂林市", "东港区", "日照市", "霍州市", "沁水县", "喀什市", "拉萨市",
    "延吉市", "漠河市", "三亚市", "莆田市", "城关区", "西湖区", "朝阳区", "鼓楼区", "南渡江", "黄河",
    "长江", "汾河", "太行山", "祁连山", "洞庭湖", "青海湖", "G108", "G5", "S32",
]  # fmt: skip
SUFFIXES = [
    "森林公园", "湿地公园", "地质公园", "自然保护区", "风景名胜区", "国家公园", "遗址公园", "矿山公园",
    "高速公路", "高速", "铁路", "高铁", "城际铁路", "国道", "省道", "机场", "物流园", "生态廊道", "生态屏障",
    "流域", "水源保护区", "生态保护红线", "生态功能区", "一核两带", "三区", "发展轴", "经济带",
]  # fmt: skip
GLUE = [
    "建设", "推进", "改造", "提升", "规划", "新建", "完成", "加快", "保护", "修复", "至", "和", "、", "，",
    "。", "；", "\n", "\r\n", "（", "）", "《", "》", "|", " ", "　", "%", "平方公里", "公顷", "万人",
    "十四五", "2025年", "达到", "以上", "约", "1", "23.5", "100", "第一章", "一、", "（二）", "指标", "预期性",
    "约束性", "森林覆盖率", "全市", "全县", "我区", "各位代表：", "政府工作报告", "国民经济和社会发展第十四个五年规划",
]  # fmt: skip

piece = st.one_of(
    st.sampled_from(PLACES), st.sampled_from(SUFFIXES), st.sampled_from(GLUE), st.sampled_from(GLUE),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=6),
    st.text(max_size=4),  # anything at all, controls and astral planes included
)  # fmt: skip
plan_text = st.lists(piece, max_size=120).map("".join)

SEED = (
    "2024年海口市秀英区政府工作报告\n各位代表：我们将建设西海岸森林公园和南渡江湿地公园，"
    "推进海口至三亚高速公路改造，新建G15海口段。\n划定生态保护红线面积120平方公里，占全区面积的18.5%。\n"
    "| 指标 | 2020年 | 2025年 | 属性 |\n| 森林覆盖率（%） | 38 | 40 | 约束性 |\n构建一核两带三区的空间格局。\n"
)


@st.composite
def mutated(draw) -> str:
    """The seed plan with random characters deleted, repeated, swapped or inserted."""
    text = list(SEED)
    for _ in range(draw(st.integers(0, 12))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        op = draw(st.sampled_from(["del", "dup", "ins", "swap", "cut"]))
        if op == "del":
            del text[i]
        elif op == "dup":
            text.insert(i, text[i])
        elif op == "ins":
            text.insert(i, draw(st.one_of(piece, st.characters())))
        elif op == "swap" and i + 1 < len(text):
            text[i], text[i + 1] = text[i + 1], text[i]
        elif op == "cut":
            text = text[:i]
    return "".join(text)


TITLES = st.sampled_from(
    ["", "2024年海口市秀英区政府工作报告\n", "桂林市临桂区国民经济和社会发展第十四个五年规划纲要\n"]
)


def _run_pipeline(text: str) -> None:
    from atlas.extract import mentions_from_document
    from atlas.geocode import features_from_mentions
    from atlas.indicators import indicators_from_document
    from atlas.ingest import documents_from_text

    try:
        docs = documents_from_text(text, source_file="fuzz.txt")
    except InputError:
        return
    for doc in docs:
        assert text[doc.char_start : doc.char_end] == doc.text
        mentions = mentions_from_document(doc)
        for m in mentions:
            assert doc.char_start <= m.char_start < m.char_end <= doc.char_end, m
            assert (
                text[m.char_start : m.char_end]
                == doc.text[m.char_start - doc.char_start : m.char_end - doc.char_start]
            )
            assert (
                doc.char_start <= m.sentence_start <= m.char_start
                and m.char_end <= m.sentence_end <= doc.char_end
            ), m
        for ind in indicators_from_document(doc):
            assert doc.char_start <= ind.char_start <= ind.char_end <= doc.char_end, ind
        for f in features_from_mentions(doc, mentions):
            assert f.precision in PRECISIONS, f
            if f.geometry is None:
                assert f.precision == "unplaced" and doc.region is None, f
                continue
            g = f.geometry
            assert not g.is_empty and g.is_valid, (f.mention.name, g.wkt[:200])
            x0, y0, x1, y1 = g.bounds
            assert 73 <= x0 <= x1 <= 136 and 3 <= y0 <= y1 <= 54, (f.mention.name, g.bounds)


@given(title=TITLES, body=plan_text)
def test_random_plan_text(title: str, body: str) -> None:
    _run_pipeline(title + body)


@given(text=mutated())
def test_mutated_plan(text: str) -> None:
    _run_pipeline(text)


@given(data=st.binary(max_size=600))
def test_random_bytes_decode_or_refuse(data: bytes) -> None:
    from atlas.ingest import decode_bytes

    try:
        text = decode_bytes(data, name="fuzz.bin")
    except InputError as exc:
        assert str(exc).startswith("fuzz.bin: ")
        return
    assert isinstance(text, str) and text.strip()
    _run_pipeline(text)
