"""Hostile input files, made in code (nothing large is committed).

Each case is a file name, a function giving its bytes, and what must happen: ``expect`` is a
regular expression for the one-line message (after ``atlas: NAME: ``), or None when the file must
be read as a document.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

# sentences of our own, about places far apart
PLAN_ZH = (
    "2024年海口市秀英区政府工作报告\n"
    "各位代表：现在我代表区人民政府向大会报告工作。\n"
    "今年我们将建设西海岸森林公园，推进海口至三亚的高速公路改造，保护南渡江流域的生态。\n"
)
PLAN_TRAD = "2023年新竹縣政府施政報告\n本縣將建設森林公園，並保護頭前溪流域的生態環境。\n"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    expect: str | None  # message regex after "NAME: ", or None: read as a document
    about: str
    warn: str | None = None  # a warning the reader must give (regex after "atlas: NAME: ")


def _png() -> bytes:
    raw = b"\x00" + b"\xff\x00\x00" * 4
    ihdr = struct.pack(">IIBBBBB", 4, 1, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def pdf_bytes(text: str | None) -> bytes:
    """A one-page PDF written by hand: with a text layer holding ``text`` (ASCII), or none."""
    content = b"" if text is None else b"BT /F1 12 Tf 72 720 Td (" + text.encode("ascii") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _zip_renamed() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "这不是Word文件")
    return buf.getvalue()


def _docx_broken_xml() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
        z.writestr("word/document.xml", "<w:document><w:body><w:p>")
    return buf.getvalue()


def _docx_no_text() -> bytes:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def _docx_good() -> bytes:
    import docx

    d = docx.Document()
    for line in PLAN_ZH.splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _ole_doc() -> bytes:
    return bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504) + b"Word.Document.8" + bytes(200)


def _random(seed: int, n: int = 4096) -> bytes:
    return random.Random(seed).randbytes(n)


def _utf16_no_bom(text: str, enc: str) -> bytes:
    return text.encode(enc)


def _html_hostile() -> bytes:
    return (
        "<html><head><title>2024年海口市秀英区政府工作报告</title>"
        "<script>alert('head')</script></head><body>"
        "<nav><a href='javascript:alert(1)'>首页</a></nav>"
        "<p onclick=\"alert('p')\">2024年海口市秀英区政府工作报告</p>"
        "<p>现在我代表区人民政府向大会报告工作。建设<img src=x onerror=alert(2)>西海岸森林公园。</p>"
        "<script>document.write('注入的文字')</script>"
        "<a href='javascript:void(0)' onmouseover='steal()'>保护南渡江流域</a>"
        "</body></html>"
    ).encode()


def _template_text() -> bytes:
    return (
        "2024年海口市秀英区政府工作报告\n"
        "现在我代表区人民政府报告工作。建设</script><script>alert(1)</script>森林公园，"
        "推进{{ config.items() }}湿地公园和${7*7}风景区建设。\n"
    ).encode()


def _nul_sprinkled() -> bytes:
    body = PLAN_ZH.encode()
    return body[:40] + b"\x00" + body[40:]


def _mostly_utf8_one_bad_byte() -> bytes:
    body = PLAN_ZH.encode()
    return body[:20] + b"\xff" + body[20:]


def _long_line() -> bytes:
    unit = "加快发展现代服务业，提升城市品质和公共服务水平。"
    body = unit * 40000  # one line of ~1 M characters (no line break at all), one park at its end
    return ("2024年海口市秀英区政府工作报告 " + body + "建设西海岸森林公园。").encode()


def _run_on_sentence() -> bytes:
    # 20,000 characters without a full stop: extraction time grows faster than linearly with the
    # length of one sentence (see the note in tests/hostile/README.md), so this stays moderate
    unit = "推进森林公园和湿地公园建设，保护南渡江流域生态，"
    return ("2024年海口市秀英区政府工作报告\n" + unit * 800).encode()


def _boilerplate_only() -> bytes:
    return "首页\n网站地图\n版权所有：某某网站\n琼ICP备00000000号\n".encode()


def _unpaired_surrogate_utf16() -> bytes:
    return b"\xff\xfe" + "报告".encode("utf-16-le") + b"\x00\xd8" + "工作".encode("utf-16-le")


_EMPTY = r"the file is empty; give a document with text in it"
_BINARY = r"this looks like a binary file, not text; convert it to \.txt, \.docx or \.pdf"

CASES: tuple[Case, ...] = (
    Case("empty.txt", lambda: b"", _EMPTY, "empty file"),
    Case("blank.txt", lambda: " \r\n\t\n\u3000\u3000\n\ufeff".encode(), _EMPTY, "only blank characters"),
    Case("blank-bom.md", lambda: b"\xef\xbb\xbf  \n", _EMPTY, "a BOM and spaces"),
    Case("random.txt", lambda: _random(1), _BINARY, "random bytes"),
    Case("random.html", lambda: _random(2), _BINARY, "random bytes named .html"),
    Case("nul-filled.txt", lambda: bytes(2048), _BINARY, "NUL bytes only"),
    Case("photo.txt", _png, _BINARY, "a PNG renamed .txt"),
    Case(
        "truncated.pdf",
        lambda: pdf_bytes("Forest park plan")[:180],
        r"not a readable PDF \(.+\); check the file or export it again|the PDF has no text layer \(scanned image\?\); run OCR first",
        "truncated PDF",
    ),
    Case(
        "scan.pdf",
        lambda: pdf_bytes(None),
        r"the PDF has no text layer \(scanned image\?\); run OCR first",
        "PDF without text",
    ),
    Case(
        "garbage.pdf",
        lambda: b"%PDF-1.7\n" + _random(3, 600),
        r"not a readable PDF \(.+\); check the file or export it again",
        "PDF header then junk",
    ),
    Case(
        "archive.docx",
        _zip_renamed,
        r"not a readable \.docx file \(\w+\); re-save it from Word",
        "zip renamed .docx",
    ),
    Case(
        "broken.docx",
        _docx_broken_xml,
        r"not a readable \.docx file \(\w+\); re-save it from Word",
        "docx with broken XML",
    ),
    Case("blank.docx", _docx_no_text, _EMPTY, "a Word file with no text"),
    Case(
        "old.doc",
        _ole_doc,
        r"unsupported file type '\.doc' \(an old Word file; open it in Word or LibreOffice and save it as \.docx\)",
        "old Word .doc",
    ),
    Case(
        "table.xlsx",
        lambda: _zip_renamed(),
        r"unsupported file type '\.xlsx' \(a spreadsheet; copy the indicator table into a \.docx or \.txt\)",
        "a spreadsheet",
    ),
    Case(
        "boilerplate.html",
        lambda: _boilerplate_only(),
        r"no document text left after removing web-page boilerplate",
        "only web chrome",
    ),
    Case(
        "broken-utf8.txt",
        _mostly_utf8_one_bad_byte,
        None,
        "UTF-8 with one bad byte",
        warn=r"\d byte\(s\) are not valid UTF-8; read as the replacement character \ufffd",
    ),
    Case(
        "bad-surrogate.txt",
        _unpaired_surrogate_utf16,
        r"cannot be decoded as UTF-16(-LE)? \(.+ at byte \d+\); save it again as UTF-8",
        "UTF-16 with an unpaired surrogate",
    ),
    Case("gbk.txt", lambda: PLAN_ZH.encode("gbk"), None, "GBK"),
    Case("gb18030.txt", lambda: (PLAN_ZH + "㐀䶵\n").encode("gb18030"), None, "GB18030 beyond GBK"),
    Case("big5.txt", lambda: PLAN_TRAD.encode("big5"), None, "Big5"),
    Case("utf16le-bom.txt", lambda: PLAN_ZH.encode("utf-16"), None, "UTF-16 with BOM"),
    Case("utf16be-bom.txt", lambda: b"\xfe\xff" + PLAN_ZH.encode("utf-16-be"), None, "UTF-16BE with BOM"),
    Case("utf16le.txt", lambda: _utf16_no_bom(PLAN_ZH, "utf-16-le"), None, "UTF-16LE without BOM"),
    Case("utf16be.txt", lambda: _utf16_no_bom(PLAN_ZH, "utf-16-be"), None, "UTF-16BE without BOM"),
    Case("utf8-bom.txt", lambda: b"\xef\xbb\xbf" + PLAN_ZH.encode(), None, "UTF-8 with BOM"),
    Case("crlf.txt", lambda: PLAN_ZH.replace("\n", "\r\n").encode(), None, "Windows line ends"),
    Case("nul-in-text.txt", _nul_sprinkled, None, "one NUL inside real text"),
    Case("long-line.txt", _long_line, None, "a line of a million characters"),
    Case("run-on.txt", _run_on_sentence, None, "a sentence of 20,000 characters"),
    Case("hostile.html", _html_hostile, None, "HTML with script, event handlers, javascript: links"),
    Case("template.txt", _template_text, None, "text holding </script> and {{ }}"),
    Case("plan with spaces 2024.txt", lambda: PLAN_ZH.encode(), None, "spaces in the name"),
    Case("秀英区 政府工作报告.txt", lambda: PLAN_ZH.encode(), None, "Chinese in the name"),
    Case("a..b.txt", lambda: PLAN_ZH.encode(), None, "'..' inside the name"),
    Case("plan.docx", _docx_good, None, "a real .docx"),
    Case("text.pdf", lambda: pdf_bytes("Haikou forest park plan"), None, "a PDF with a text layer"),
    Case("UPPER.TXT", lambda: PLAN_ZH.encode("gb18030"), None, "upper-case suffix"),
)
