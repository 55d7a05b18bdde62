from __future__ import annotations

import itertools

import pytest

from atlas._errors import InputError
from atlas.ingest import (
    decode_bytes,
    detect_kind,
    documents_from_file,
    documents_from_paths,
    documents_from_text,
    html_to_text,
    is_boilerplate,
)

# A short plan of our own, written for these tests.
PLAN = (
    "主办单位:山西省临汾市古县人民政府 版权所有\n"
    "晋ICP备00000000号\n"
    "古县国民经济和社会发展\n"
    "第十四个五年规划和二〇三五年远景目标纲要\n"
    "古县人民政府\n"
    "2021年10月9日\n"
    "第一章 发展基础\n"
    "全市森林覆盖率稳步提高，临汾市和太原市的客商到古县投资。\n"
    "网站标识码:1410250001\n"
)

SAMPLE_TABLE = {
    # (source file prefix, region name) -> (adcode, kind, year)
    ("000", "霍州市"): ("141082", "fyp_outline", 2021),
    ("001", "沁水县"): ("140521", "fyp_outline", 2022),
    ("002", "长治市"): ("140400", "fyp_outline", 2021),
    ("003", "闻喜县"): ("140823", "work_report", 2021),
    ("003", "襄汾县"): ("141023", "work_report", 2021),
    ("003", "文水县"): ("141121", "work_report", 2021),
    ("003", "灵石县"): ("140729", "work_report", 2021),
    ("003", "朔州市"): ("140600", "work_report", 2021),
    ("003", "静乐县"): ("140926", "work_report", 2021),
    ("003", "稷山县"): ("140824", "work_report", 2021),
    ("003", "盐湖区"): ("140802", "work_report", 2021),
    ("003", "临县"): ("141124", "article", 2025),
    ("003", "榆社县"): ("140721", "work_report", 2021),
    ("004", "霍林郭勒市"): ("150581", "fyp_outline", 2021),
}


def test_all_sample_documents_region_kind_year(sample_documents):
    got = {(d.source_file[:3], d.region.name): (d.region.adcode, d.kind, d.year) for d in sample_documents}
    assert got == SAMPLE_TABLE
    assert len(sample_documents) == 14


def test_sample_codes_agree_with_boundaries():
    from atlas.boundaries import load_boundaries

    b = load_boundaries()
    for (_, name), (code, _, _) in SAMPLE_TABLE.items():
        assert b.get(code).name == name


def test_documents_are_exact_slices_of_the_source(plans_dir):
    for path in sorted(plans_dir.glob("0*.txt")):
        text = path.read_bytes().decode("utf-8")
        for doc in documents_from_file(path):
            assert text[doc.char_start : doc.char_end] == doc.text
            assert not is_boilerplate(doc.text.splitlines()[0])


def test_listing_page_split_into_items(plans_dir):
    path = next(plans_dir.glob("003_*.txt"))
    docs = documents_from_file(path)
    assert len(docs) == 10
    assert len({d.doc_id for d in docs}) == 10
    # items do not overlap, and the site footer after the last item is not part of it
    spans = [(d.char_start, d.char_end) for d in docs]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert "投稿" not in docs[-1].text


def test_title_region_and_boilerplate_of_own_plan():
    (doc,) = documents_from_text(PLAN, source_file="plan.txt")
    assert doc.title == "古县国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
    assert (doc.kind, doc.year, doc.region.adcode) == ("fyp_outline", 2021, "141025")
    assert doc.text.startswith("古县国民经济")
    assert doc.text.endswith("投资。")
    assert PLAN[doc.char_start : doc.char_end] == doc.text


def test_region_not_fooled_by_other_places_in_the_text():
    text = (
        "2021年沁水县政府工作报告\n"
        + "我代表县人民政府向大会报告工作。" * 2
        + "学习长治市、晋城市、太原市、临汾市的经验，对接太原市和临汾市的企业。\n"
    )
    (doc,) = documents_from_text(text, source_file="r.txt")
    assert (doc.region.name, doc.kind) == ("沁水县", "work_report")


def test_region_from_issuing_body_when_the_title_has_none():
    text = "关于印发发展规划的通知\n各乡镇：\n现将规划印发给你们。\n盐湖区人民政府\n2021年3月1日\n运城市的客商来访。\n"
    (doc,) = documents_from_text(text, source_file="n.txt")
    assert doc.region.adcode == "140802"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_encodings_ingest_to_identical_text(tmp_path, encoding):
    reference = documents_from_text(PLAN, source_file="x.txt")[0].text
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAN.encode(encoding))
    (doc,) = documents_from_file(path)
    assert doc.text == reference
    assert doc.region.adcode == "141025"


def test_big5_traditional_text():
    text = "霍州市國民經濟和社會發展第十四個五年規劃綱要\n加強森林公園與濕地公園的保護，推進生態廊道建設。\n"
    assert decode_bytes(text.encode("big5")) == text


def test_utf8_bom_offsets_match_plain_utf8_decoding(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(PLAN.encode("utf-8-sig"))
    (doc,) = documents_from_file(path)
    assert path.read_bytes().decode("utf-8")[doc.char_start : doc.char_end] == doc.text


def test_html_with_script_and_navigation_gives_the_same_body(tmp_path):
    reference = documents_from_text(PLAN, source_file="x.txt")[0].text
    paragraphs = "".join(f"<p>{line}</p>" for line in PLAN.splitlines())
    html = (
        "<html><head><title>门户</title><script>var x = '<p>不要我</p>';</script>"
        "<style>p{color:red}</style></head><body>"
        "<nav><a href='/'>首页</a> <a href='/zw'>政务公开</a></nav>"
        "<div class='breadcrumb'>当前位置：首页 &gt; 规划</div>"
        f"<div id='content'>{paragraphs}</div>"
        "<footer>联系我们 | 网站地图</footer><script>alert(1)</script></body></html>"
    )
    path = tmp_path / "plan.html"
    path.write_text(html, encoding="utf-8")
    (doc,) = documents_from_file(path)
    assert doc.text == reference
    assert "alert" not in doc.text and "不要我" not in doc.text


def test_html_escaped_markup_stays_text():
    text = html_to_text("<body><p>&lt;script&gt;alert(1)&lt;/script&gt; 森林公园</p></body>")
    assert text == "<script>alert(1)</script> 森林公园"


def test_docx_made_in_the_test(tmp_path):
    import docx

    document = docx.Document()
    for line in PLAN.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "森林覆盖率(%)"
    table.rows[0].cells[1].text = "30"
    path = tmp_path / "plan.docx"
    document.save(path)
    (doc,) = documents_from_file(path)
    assert doc.region.adcode == "141025"
    assert "| 森林覆盖率(%) | 30 |" in doc.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \n\n ", "is empty"),
        ("binary.txt", bytes(range(256)) * 40, "binary"),
        ("image.png", b"\x89PNG\r\n", "unsupported file type '.png'"),
        ("broken.docx", b"not a zip", "not a readable .docx"),
        ("broken.pdf", b"%PDF-1.4 garbage", "PDF"),
    ],
)
def test_bad_files_get_one_clear_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        documents_from_file(path)


def test_bad_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    errors: list[str] = []
    docs = documents_from_paths([tmp_path], errors=errors)
    assert len(docs) == 1
    assert errors == ["b.txt: the file is empty; give a document with text in it"]


def test_kind_rules():
    assert detect_kind("2021年某县政府工作报告", "") == "work_report"
    assert detect_kind("某市国民经济和社会发展第十四个五年规划纲要", "") == "fyp_outline"
    assert detect_kind("某县：绘就城乡发展新画卷", "近年来，某县加快建设。") == "article"
    assert detect_kind("", "", titled=False) == "unknown"


def test_huge_file_is_refused_before_reading(tmp_path, monkeypatch):
    from atlas import settings

    monkeypatch.setattr(settings, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "huge.txt"
    path.write_text("森林公园。" * 400, encoding="utf-8")
    with pytest.raises(
        InputError,
        match=r"huge.txt: 6.0 KB is larger than the 1.0 KB limit; split it or raise ATLAS_MAX_FILE_BYTES",
    ):
        documents_from_file(path)


def test_line_breaks_written_as_escape_sequences_are_made_real(tmp_path):
    from atlas.ingest import documents_from_file, source_text, unescape_line_breaks

    body = r"2023年大理市政府工作报告\r\n各位代表：\r\n现在我代表市人民政府报告工作。\r\n洱海保护取得新成效。"
    path = tmp_path / "大理.txt"
    path.write_text(body, encoding="utf-8")
    text = source_text(path)
    assert text.splitlines()[:2] == ["2023年大理市政府工作报告", "各位代表："]
    (doc,) = documents_from_file(path)
    assert doc.title == "2023年大理市政府工作报告"
    # a backslash or two in ordinary text stays as written
    assert unescape_line_breaks("路径 C:\\new\\data\n第二行\n") == "路径 C:\\new\\data\n第二行\n"
