"""Upload logic below the page: previews of good and bad files, adding with a region pick."""

from __future__ import annotations

import io

import pytest

from atlas import settings
from atlas.upload import add_previews, preview_upload, region_key, region_options
from atlas.workspace import Workspace

REPORT = (
    "宾川县2023年政府工作报告\n"
    "宾川县人民政府\n"
    "今年我们将重点推进青梅湾湿地公园建设，完善桃溪谷森林公园的步道设施。\n"
    "加快建设宾川至祥云高速公路。\n"
).encode()


def test_a_text_report_is_previewed_with_region_kind_year_and_counts():
    stages = []
    p = preview_upload("binchuan.txt", REPORT, progress=lambda s, d, t, label: stages.append((s, d, t)))
    assert p.ok and p.error is None
    (d,) = p.documents
    assert (d.document.doc_id, d.document.kind, d.document.year, d.region_code) == (
        "binchuan",
        "work_report",
        2023,
        "532924",
    )
    assert d.counts["parks"] == 2 and d.counts["corridors"] == 1 and d.counts["red_lines"] == 0
    assert [s for s, done, total in stages if done == total] == ["read", "split", "extract"]


def test_adding_stores_the_documents_with_the_picked_region(tmp_path):
    ws = Workspace(tmp_path / "ws")
    p = preview_upload("binchuan.txt", REPORT)
    added = add_previews(ws, [p], regions={region_key("binchuan.txt", "binchuan"): "532900"})
    assert added == ["binchuan"]
    assert ws.region_overrides() == {"binchuan": "532900"}
    layers = ws.layers()
    assert list(layers["regions"]["region_code"]) == ["532900"]
    assert len(layers["parks"]) == 2
    # picking the detected region is not an override
    ws2 = Workspace(tmp_path / "ws2")
    add_previews(ws2, [p], regions={region_key("binchuan.txt", "binchuan"): "532924"})
    assert ws2.region_overrides() == {}


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "pattern"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n", "unsupported file type '.png'"),
        ("report", REPORT, "unsupported file type '\\(none\\)'"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable .docx"),
        ("broken.pdf", b"%PDF-1.4 garbage", "not a readable PDF|no text layer"),
        ("scan.pdf", None, "no text layer"),
        ("empty.txt", b"", "empty"),
        ("binary.txt", bytes(range(256)) * 20, "binary"),
    ],
)
def test_bad_uploads_get_one_clear_message_and_add_nothing(tmp_path, name, data, pattern):
    p = preview_upload(name, _blank_pdf() if data is None else data)
    assert not p.ok
    assert p.error is not None and name in p.error
    assert __import__("re").search(pattern, p.error), p.error
    assert "Traceback" not in p.error
    ws = Workspace(tmp_path / "ws")
    assert add_previews(ws, [p]) == []
    assert not ws.exists()  # not even created


def test_oversized_upload_is_refused(monkeypatch):
    monkeypatch.setattr(settings, "MAX_FILE_BYTES", 100)
    p = preview_upload("big.txt", REPORT * 10)
    assert p.error is not None and "larger than" in p.error and "big.txt" in p.error


def test_a_bad_file_beside_a_good_one_adds_only_the_good(tmp_path):
    ws = Workspace(tmp_path / "ws")
    good = preview_upload("binchuan.txt", REPORT)
    bad = preview_upload("broken.docx", b"PK\x03\x04 nope")
    assert add_previews(ws, [bad, good]) == ["binchuan"]
    assert [d.source_file for d in ws.documents()] == ["binchuan.txt"]


def test_docx_and_html_uploads(tmp_path):
    import docx

    d = docx.Document()
    for line in REPORT.decode().splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    p = preview_upload("binchuan.docx", buf.getvalue())
    assert p.ok and p.documents[0].region_code == "532924"
    html = (
        "<html><head><script>alert(1)</script></head><body><p>"
        + REPORT.decode().replace("\n", "</p><p>")
        + "</p></body></html>"
    )
    p = preview_upload("binchuan.html", html.encode())
    assert p.ok and p.documents[0].counts["parks"] == 2
    assert "alert" not in p.text


def test_a_path_in_the_upload_name_is_cut_to_the_file_name():
    p = preview_upload("../../etc/binchuan.txt", REPORT)
    assert p.file_name == "binchuan.txt"
    assert p.documents[0].document.source_file == "binchuan.txt"


def test_region_options_cover_every_level():
    options = region_options()
    assert options["532924"] == "宾川县 · 大理白族自治州 (532924)"
    assert options["530000"] == "云南省 (530000)"
    assert len(options) > 3000


def test_the_uploader_offers_the_build_size_limit():
    # the uploader's own limit (MB) is the one a build applies, not Streamlit's 200 MB default
    import tomllib

    config = tomllib.loads((settings.PROJECT_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] << 20 == settings.DEFAULT_MAX_FILE_BYTES
