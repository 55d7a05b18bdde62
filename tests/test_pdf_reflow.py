"""A PDF's lines wrapped at the page edge are joined back into paragraphs before any rule runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.ingest import reflow_wrapped_lines, source_text

# a plan page as a PDF lays it out: a heading, a paragraph cut at the page width (inside names),
# an indicator table and a page number
LINES = [
    "第四章 筑牢南方生态屏障",
    "全面落实主体功能区战略，严格执行生态保护红线管控要求，加快推进梵净山国家级自然保",
    "护区和锦江国家湿地公园建设，开展乌江干流及支流两岸的生态修复，构建以武陵山脉为骨",
    "架的生态安全格局。",
    "（一）加强水源保护",
    "序号 指标 2020年 2025年 属性",
    "1 森林覆盖率(%) 62.1 65 约束性",
    "2 地表水达标率(%) 95 100 约束性",
    "— 12 —",
]


def test_lines_wrapped_inside_a_paragraph_are_joined_and_the_others_kept():
    out = reflow_wrapped_lines("\n".join(LINES)).split("\n")
    assert out[0] == LINES[0]  # a heading is short: its break stays
    assert out[1] == LINES[1] + LINES[2] + LINES[3]
    assert "梵净山国家级自然保护区" in out[1] and "以武陵山脉为骨架" in out[1]
    assert out[2:] == LINES[4:]  # a new item, the table rows and the page number keep their lines


def test_text_without_wrapped_lines_is_unchanged():
    text = "一、总体要求\n坚持绿色发展。\n二、主要任务\n实施国土绿化行动，建设美丽乡村。\n"
    assert reflow_wrapped_lines(text) == text


def _pdf(path: Path, lines: list[str]) -> Path:
    pytest.importorskip("reportlab", reason="reportlab (a dev dependency) writes the test PDF")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # Adobe's CJK font: not embedded
    c = canvas.Canvas(str(path))
    y = 800
    for line in lines:
        c.setFont("STSong-Light", 12)
        c.drawString(40, y, line)
        y -= 18
    c.save()
    return path


def test_a_real_pdf_reads_as_paragraphs_and_its_red_line_is_found(tmp_path):
    from atlas.extract import mentions_from_document
    from atlas.ingest import documents_from_file

    pdf = _pdf(tmp_path / "铜仁规划.pdf", LINES)
    text = source_text(pdf)
    assert "生态保护红线管控" in text and "梵净山国家级自然保护区" in text
    (doc,) = documents_from_file(pdf)
    found = {(m.theme, m.name) for m in mentions_from_document(doc)}
    assert any(theme == "red_lines" and "生态保护红线" in name for theme, name in found), found
    assert ("parks", "梵净山国家级自然保护区") in found  # cut at the page edge in the PDF
