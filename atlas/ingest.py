"""Files in, documents out: decode, strip web boilerplate, split, detect region, kind and year.

>>> docs = documents_from_paths(["../shared/plans"])   # doctest: +SKIP
>>> docs[0].region.name, docs[0].kind, docs[0].year     # doctest: +SKIP
('霍州市', 'fyp_outline', 2021)

Offsets: the *source text* of a file is its decoded text (line endings kept; a UTF-8 BOM is kept
as character 0 so that offsets agree with ``path.read_bytes().decode("utf-8")``), or for
.html/.docx/.pdf the plain text extracted from it. Every ``Document`` is an exact slice of it.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from atlas import settings
from atlas._errors import InputError
from atlas.inputs import HTML_SUFFIXES, SUPPORTED_SUFFIXES, too_large_message, unsupported_message
from atlas.models import Document
from atlas.regions import RegionOverrides, apply_override, detect_region
from atlas.text import chinese_number, fold, is_cjk

log = logging.getLogger("atlas")


# ---------------------------------------------------------------------------------------------
# decoding
# ---------------------------------------------------------------------------------------------
def decode_bytes(data: bytes, *, name: str = "<bytes>") -> str:
    """Decode a Chinese text file: UTF-8 (± BOM), UTF-16 (± BOM), GB18030/GBK, Big5.

    Raises ``InputError`` for empty, blank, binary or undecodable data, naming ``name``. A UTF-8
    file with a few broken bytes (at most 4, or one in 1,000, and 64 in all) is read with U+FFFD in their
    place, as ``data.decode("utf-8", errors="replace")`` gives, and a warning says so.
    """
    if not data.strip():
        raise InputError(_empty_message(name))
    try:
        text = _decode(data, name=name)
    except UnicodeDecodeError as exc:
        msg = (
            f"{name}: cannot be decoded as {exc.encoding.upper()} ({exc.reason} at byte {exc.start});"
            " save it again as UTF-8"
        )
        raise InputError(msg) from exc
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())  # broken UTF-8 bytes let through
    if _looks_binary(text.replace("\ufffd", "") if replaced > 0 else text):
        msg = f"{name}: this looks like a binary file, not text; convert it to .txt, .docx or .pdf"
        raise InputError(msg)
    if _blank(text):
        raise InputError(_empty_message(name))
    return text


def _empty_message(name: str) -> str:
    return f"{name}: the file is empty; give a document with text in it"


def _blank(text: str) -> bool:
    return not text.replace("\ufeff", "").strip()


def _decode(data: bytes, *, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "\ufeff" + _utf8(data[3:], name=name, offset=3)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    nearly = _nearly_utf8(data, name=name)
    return nearly if nearly is not None else _decode_legacy(data, name=name)


def _utf8(data: bytes, *, name: str, offset: int = 0) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        nearly = _nearly_utf8(data, name=name)
        if nearly is None:
            exc.start += offset
            raise
        return nearly


def _nearly_utf8(data: bytes, *, name: str) -> str | None:
    """UTF-8 text with a few broken bytes, each read as U+FFFD; None when it is not that."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    if broken > min(64, max(4, len(data) // 1000)):
        return None
    log.warning("%s: %d byte(s) are not valid UTF-8; read as the replacement character \ufffd", name, broken)
    return text


def _decode_legacy(data: bytes, *, name: str) -> str:
    from charset_normalizer import from_bytes

    # UTF-16 without a BOM: the NULs of its ASCII characters sit all at odd (LE) or even (BE) bytes
    odd, even = data[1::2].count(0), data[0::2].count(0)
    if len(data) % 2 == 0 and max(odd, even) >= 2 and max(odd, even) >= 8 * min(odd, even):
        for enc in ("utf-16-le",) if odd else ("utf-16-be",):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if not _looks_binary(text):
                return text
    sample = data[:20000]
    controls = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13, 27))
    if controls > max(3, len(sample) // 100):
        msg = f"{name}: this looks like a binary file, not text; convert it to .txt, .docx or .pdf"
        raise InputError(msg)
    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16", "utf_8"]).best()
    if best is None:
        msg = f"{name}: cannot tell the text encoding; save it as UTF-8 and try again"
        raise InputError(msg)
    encoding = best.encoding
    if encoding in {"gbk", "gb2312", "hz"}:
        encoding = "gb18030"  # superset: never lose a character GBK does not have
    return data.decode(encoding, errors="strict")


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return True
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return bad > max(3, len(sample) // 100)


# ---------------------------------------------------------------------------------------------
# per-format readers -> source text
# ---------------------------------------------------------------------------------------------
_BLOCK_TAGS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "table", "blockquote", "pre", "dd", "dt", "title",
)  # fmt: skip
_CHROME_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside",
                "form", "iframe", "svg", "button", "select", "head")  # fmt: skip
_CHROME_ATTR = re.compile(
    r"(^|[\s_-])(nav|menu|footer|header|breadcrumb|sidebar|share|toolbar|copyright)", re.I
)


def html_to_text(html: str) -> str:
    """Visible body text of an HTML page, one line per block element, chrome removed."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception as exc:  # lxml raises several types for junk
        msg = f"cannot parse HTML ({exc}); save the page as text"
        raise InputError(msg) from exc
    for el in list(root.iter(*_CHROME_TAGS)):
        el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.getparent() is not None:
                el.drop_tree()
            continue
        attrs = " ".join(filter(None, (el.get("id"), el.get("class"), el.get("role"))))
        if attrs and _CHROME_ATTR.search(attrs) and el.getparent() is not None and el.tag != "body":
            el.drop_tree()
    lines: list[str] = []
    _collect_lines(root, lines, [])
    return "\n".join(line.strip() for line in lines if line.strip())


def _collect_lines(el, lines: list[str], current: list[str]) -> None:
    block = el.tag in _BLOCK_TAGS
    if block and current:
        lines.append("".join(current))
        current.clear()
    if el.text and el.tag not in ("br",):
        current.append(el.text)
    for child in el:
        _collect_lines(child, lines, current)
        if child.tag in ("td", "th"):
            current.append(" | ")  # table cells as pipe rows, which the indicator parser reads
        if child.tail:
            current.append(child.tail)
    if block and current:
        lines.append("".join(current))
        current.clear()
    if el.getparent() is None and current:
        lines.append("".join(current))
        current.clear()


def _docx_text(path: Path) -> str:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        msg = f"{path.name}: not a readable .docx file ({exc.__class__.__name__}); re-save it from Word"
        raise InputError(msg) from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:  # tables as pipe rows, which the indicator parser reads
        for row in table.rows:
            lines.append("| " + " | ".join(cell.text.strip() for cell in row.cells) + " |")
    return "\n".join(lines)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, OSError) as exc:
        msg = f"{path.name}: not a readable PDF ({exc}); check the file or export it again"
        raise InputError(msg) from exc
    text = "\n".join(pages)
    if not text.strip():
        msg = f"{path.name}: the PDF has no text layer (scanned image?); run OCR first"
        raise InputError(msg)
    return reflow_wrapped_lines(text)


#: Characters after which a line ends its sentence or heading, never wrapped mid-sentence.
_LINE_END_PUNCT = "。！？；：!?;:”’」』）)】"
#: A line that starts a new item (第二章, 一、, （三）, (3), 3．, ① …) or a table row (a number).
_NEW_ITEM = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条篇部]|[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d|[①-⑳]|[•●·▪◆■—-])"
)
#: Two numbers apart: a table row, whose line breaks are kept.
_TABLE_ROW = re.compile(r"\d\S*\s+\S*\d")
#: A line this close to the page's full width (as a share of it) was wrapped by the layout.
_FULL_LINE_SHARE = 0.8


def _display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def reflow_wrapped_lines(text: str) -> str:
    """A PDF's text with the line breaks its layout put inside paragraphs removed.

    A PDF stores lines, not paragraphs: 生态保护红线 wrapped at the page edge comes out as
    ``生态保护红\n线``, and no rule matches a name cut in two. A break is removed when the line
    before it is about as wide as the page's full lines (the widest tenth), ends in a Han character
    or a mid-sentence mark, and neither line looks like a table row, while the next line does
    not start a new item or heading. Short lines (titles, headings, page numbers) keep their
    breaks.
    """
    lines = text.split("\n")
    widths = [_display_width(line.strip()) for line in lines]
    drawn = sorted(w for w in widths if w)
    if len(drawn) < 3:
        return text
    full = drawn[int(len(drawn) * 0.9)]
    out = [lines[0]]
    for above, line, width_above in zip(lines, lines[1:], widths, strict=False):
        prev, nxt = out[-1].rstrip(), line.strip()
        if (
            prev
            and nxt
            and width_above >= _FULL_LINE_SHARE * full  # the line above, not the paragraph so far
            and prev[-1] not in _LINE_END_PUNCT
            and (is_cjk(prev[-1]) or prev[-1] in "，、")
            and (is_cjk(nxt[0]) or nxt[0] in "，、。；：“《")
            and not _NEW_ITEM.match(nxt)
            and not _TABLE_ROW.search(above)
            and not _TABLE_ROW.search(nxt)
        ):
            out[-1] = prev + nxt
        else:
            out.append(line)
    return "\n".join(out)


def source_text(path: str | Path) -> str:
    """The decoded text of one file, the coordinate system of every offset into it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(unsupported_message(path))
    try:
        size = path.stat().st_size
    except OSError as exc:
        msg = f"{path}: cannot read the file ({exc.strerror})"
        raise InputError(msg) from exc
    if size > settings.MAX_FILE_BYTES:
        msg = too_large_message(
            path.name, size, settings.MAX_FILE_BYTES, "split it or raise ATLAS_MAX_FILE_BYTES"
        )
        raise InputError(msg)
    if suffix == ".docx":
        text = _docx_text(path)
        if _blank(text):
            raise InputError(_empty_message(path.name))
        return text
    if suffix == ".pdf":
        return _pdf_text(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        msg = f"{path.name}: cannot read the file ({exc.strerror}); check its permissions"
        raise InputError(msg) from exc
    text = unescape_line_breaks(decode_bytes(data, name=path.name))
    if suffix in HTML_SUFFIXES:
        return html_to_text(text)
    return text


_ESCAPED_BREAK_RE = re.compile(r"\\r\\n|\\n|\\r")


def unescape_line_breaks(text: str) -> str:
    """Line breaks written as the two characters ``\\n`` (or ``\\r\\n``) made real.

    A text copied out of a database or a JSON field can hold its line breaks as escape
    sequences; read as they are, the whole report is one line and its title runs into the body.
    They are only taken for breaks when there are several and they outnumber the real ones, so
    a backslash in ordinary text (a path, a formula) is left alone.
    """
    escaped = len(_ESCAPED_BREAK_RE.findall(text))
    if escaped < 3 or escaped <= text.count("\n"):
        return text
    return _ESCAPED_BREAK_RE.sub("\n", text)


# ---------------------------------------------------------------------------------------------
# lines, boilerplate and document splitting
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Line:
    start: int  # offset of the first character
    end: int  # offset after the last character (line break excluded)
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip().lstrip("\ufeff").strip()


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        out.append(_Line(pos, pos + len(body), body))
        pos += len(raw)
    return out


_BOILERPLATE = re.compile(
    r"ICP备|ICP证|公网安备|版权所有|Copyright|©|主办单位|承办单位|技术支持|网站标识码|网站地图|门户网站"
    r"|浏览器|分辨率|涉密文件严禁|投稿|联系我们|关于我们|免费获取|立即获取|^确认$|^关闭$|^共\s*\d+\s*页"
    r"|^(上一页|下一页|首页|尾页|返回顶部|打印本页|关闭窗口|分享到)|热线$|^\d{3}-\d{3}-\d{4}$",
    re.I,
)
# the first line of a page's link lists (related articles, rankings, tag clouds, share buttons)
_MENU_MARKER = re.compile(
    r"^(?:上一篇|下一篇|相关(?:文章|阅读|新闻|链接|推荐)|本栏(?:最新|推荐|目录)|阅读排行|热门(?:文章|推荐|阅读)"
    r"|推荐阅读|猜你喜欢|标签云|分享到|责任编辑|扫一扫|打印本页|关闭窗口|返回顶部|友情链接)"
)
_BULLET = re.compile(r"^\s*[•●·▪◆■]\s*\S")
_SENTENCE_END = re.compile(r"[。！？；!?;]\s*$")
_ITEM_HEADING = re.compile(r"^\s*[•●·▪◆■]\s*(?:【([^】]{1,30})】)?\s*(\S.{1,80})$")
_DATE_LINE = re.compile(r"^\s*(?:发布(?:时间|日期)[:：]?\s*)?(\d{4})[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*$")


def is_boilerplate(line: str) -> bool:
    """True for a web-portal header/footer line (ICP number, copyright, contribution rules ...)."""
    s = fold(line.strip())
    return bool(s) and len(s) < 200 and bool(_BOILERPLATE.search(s))


def _is_short(line: _Line) -> bool:
    s = line.stripped
    return len(s) <= 40 and not _SENTENCE_END.search(s) and "|" not in s


def _menu_start(lines: list[_Line]) -> int | None:
    """Index where a page's trailing link lists begin, or None.

    The tail of a scraped page is a run of short lines without sentence ends (link titles, dates,
    share buttons). It is a menu from its first marker line (上一篇, 相关文章, 本栏推荐, 分享到 …)
    or its first of three or more bulleted lines in a row (• 招商引资政策 …); short lines before
    that (a signature, a date) stay with the document.
    """
    a = len(lines)
    while a > 0 and (
        not lines[a - 1].stripped or _is_short(lines[a - 1]) or is_boilerplate(lines[a - 1].text)
    ):
        a -= 1
    run = [i for i in range(a, len(lines)) if lines[i].stripped]
    for k, i in enumerate(run):
        s = fold(lines[i].stripped)
        if _MENU_MARKER.match(s):
            return i
        if (
            _BULLET.match(s)
            and len(run) - k >= 3
            and all(_BULLET.match(lines[j].text) for j in run[k : k + 3])
        ):
            return i
    return None


def _trim(lines: list[_Line]) -> list[_Line]:
    """Drop boilerplate and blank lines at both ends of a run of lines, and a trailing menu."""
    cut = _menu_start(lines)
    if cut is not None and cut > 0:
        lines = lines[:cut]
    a, b = 0, len(lines)
    while a < b and (not lines[a].stripped or is_boilerplate(lines[a].text)):
        a += 1
    while b > a and (not lines[b - 1].stripped or is_boilerplate(lines[b - 1].text)):
        b -= 1
    return lines[a:b]


def _split_items(lines: list[_Line]) -> list[list[_Line]] | None:
    """Split a listing page into its items: a short bulleted heading followed by a long body.

    Returns None when the page is not such a listing (fewer than two items).
    """
    heads = []
    for i, line in enumerate(lines):
        if not _ITEM_HEADING.match(line.text):
            continue
        body = next((x for x in lines[i + 1 : i + 4] if x.stripped), None)
        if body is not None and len(body.stripped) >= 200:
            heads.append(i)
    if len(heads) < 2:
        return None
    items = []
    for k, i in enumerate(heads):
        stop = heads[k + 1] if k + 1 < len(heads) else len(lines)
        chunk = lines[i:stop]
        # the item ends at the first boilerplate line after its body (site footer follows the last)
        cut = next((j for j, x in enumerate(chunk) if j > 0 and is_boilerplate(x.text)), len(chunk))
        items.append(_trim(chunk[:cut]))
    return [item for item in items if item]


# ---------------------------------------------------------------------------------------------
# title, kind, year
# ---------------------------------------------------------------------------------------------
_TITLE_WORDS = re.compile(
    r"(五年规划|规划纲要|远景目标纲要|十[一二三四五]五.{0,6}规划|政府工作报告|工作报告)"
)
_QUOTED_TITLE = re.compile(r"《([^》]{6,80})》")
_PUNCT_END = re.compile(r"[。；;！!？?,，:：]$")


def _find_title(lines: list[_Line]) -> tuple[str, bool]:
    """(title, found): the document's title from its first lines, or its first line."""
    head = [x for x in lines[:40] if x.stripped]
    if not head:
        return "", False
    m = _ITEM_HEADING.match(head[0].text)
    if m:
        return m.group(2).strip(), True
    for k, line in enumerate(head):
        s = line.stripped
        if len(s) <= 80 and _TITLE_WORDS.search(s) and not _PUNCT_END.search(s):
            # a title broken over two lines: "XX市国民经济和社会发展" + "第十四个五年规划…纲要"
            if k > 0 and s.startswith(("第", "和", "暨")):
                prev = head[k - 1].stripped
                if len(prev) <= 40 and not _PUNCT_END.search(prev):
                    return prev + s, True
            return s, True
    for line in head[:10]:
        m = _QUOTED_TITLE.search(line.stripped)
        if m and _TITLE_WORDS.search(m.group(1)):
            return m.group(1), True
    first = head[0].stripped
    return first[:80], len(first) <= 80 and not _PUNCT_END.search(first)


def detect_kind(title: str, text: str, *, titled: bool = True) -> str:
    """fyp_outline, work_report, article or unknown, from the title (and the opening text)."""
    t = fold(title)
    if "工作报告" in t:
        return "work_report"
    if re.search(r"五年规划|规划纲要|十[一二三四五]五.{0,8}规划", t):
        return "fyp_outline"
    opening = fold(text[:3000])
    if re.search(r"我代表.{0,16}?(?:人民政府|政府|国务院|行政公署|行署).{0,4}(向大会)?(作|报告)", opening):
        return "work_report"
    if re.search(r"第十四个五年规划和二〇三五年远景目标纲要|十四五.{0,6}规划纲要", opening):
        return "fyp_outline"
    return "article" if titled and t else "unknown"


_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*远景)")
_UPDATE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:更新|修订|调整|修编)")
_FULL_DATE = re.compile(r"((?:19|20)\d{2}|[一二〇零]{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_PLAN_NUMBER = re.compile(
    r"(?:第)?(十[一二三四五六]|[一二三四五六七八九十]{1,3})(?:个)?五年规划|“?十([一二三四五六])五”?"
)


_Y = r"((?:19|20)\d{2}|[一二][〇零○一二三四五六七八九]{3})\s*年"
_MEETING_DATE = re.compile(_Y + r"\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*在[^。\n]{2,40}?人民代表大会")
_REVIEW_YEAR = re.compile(
    _Y + r"(?:的)?(?:政府)?(?:工作)?回顾|回顾" + _Y + r"|" + _Y + r"[,，]?是[^。]{0,60}?的一年"
)
_PLAN_YEAR = re.compile(
    _Y
    + r"(?:的)?(?:政府)?(?:工作安排|主要任务|重点工作|工作任务|主要工作|总体要求|主要预期目标|工作的总体要求)"
)
_PAST_YEAR = re.compile(r"过去的?一年[^。]{0,80}?" + _Y)


def _year_value(token: str) -> int | None:
    value = chinese_number(token)
    return value if value and 1949 < value < 2100 else None


def work_report_year(text: str) -> int | None:
    """The year a work report was delivered, from its own words.

    The meeting date (2021年1月18日在…人民代表大会) says it outright; else the year it reviews
    (2020年工作回顾, 过去一年 … 2020年) is the year before and the year it plans (2021年工作安排)
    is the year itself. Votes are counted; the meeting date outweighs the rest.
    """
    folded = fold(text[:20000])
    m = _MEETING_DATE.search(folded[:3000])
    if m:
        return _year_value(m.group(1))
    votes: dict[int, float] = {}
    for m in _REVIEW_YEAR.finditer(folded[:4000]):
        y = _year_value(next(g for g in m.groups() if g))
        if y:
            votes[y + 1] = votes.get(y + 1, 0) + 1.0
    m = _PAST_YEAR.search(folded[:4000])
    if m:
        y = _year_value(m.group(1))
        if y:
            votes[y + 1] = votes.get(y + 1, 0) + 0.5
    for m in _PLAN_YEAR.finditer(folded):
        y = _year_value(m.group(1))
        if y:
            votes[y] = votes.get(y, 0) + 1.0
    if not votes:
        return None
    return max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]


def detect_year(title: str, text: str, kind: str, lines: list[_Line]) -> int | None:
    """The document's year: stated in the title, else its issuing or meeting date, else the date line.

    A work report is dated by the year it was delivered (``work_report_year``). For a five-year
    plan outline without a date, the plan's first year (十四五 → 2021).
    """
    t = fold(title)
    m = _UPDATE_YEAR.search(t) or _YEAR_IN_TITLE.search(t)
    if m:
        return int(m.group(1))
    if kind == "work_report":
        year = work_report_year(text)
        if year:
            return year
    opening = fold(text[:600])  # the issuing date or the meeting date, not dates in the body
    m = _FULL_DATE.search(opening)
    if m:
        value = chinese_number(m.group(1))
        if value and 1949 < value < 2100:
            return value
    if kind == "fyp_outline":
        p = _PLAN_NUMBER.search(fold(t + text[:2000]))
        if p:
            n = chinese_number(p.group(1) or ("十" + p.group(2)))
            if n and n >= 3:
                return 1966 + 5 * (n - 3)  # 3rd plan 1966-70 (after the 1963-65 gap) → 14th 2021-25
    for line in lines[-5:]:
        d = _DATE_LINE.match(fold(line.text))
        if d:
            return int(d.group(1))
    return None


# ---------------------------------------------------------------------------------------------
# public entry points
# ---------------------------------------------------------------------------------------------
def documents_from_text(text: str, *, source_file: str, source_path: str = "") -> list[Document]:
    """Split one file's source text into documents and detect their title, kind, year and region."""
    lines = _lines(text)
    groups = _split_items(lines) or [_trim(lines)]
    groups = [g for g in groups if g]
    if not groups:
        msg = f"{source_file}: no document text left after removing web-page boilerplate"
        raise InputError(msg)
    stem = Path(source_file).stem
    docs = []
    for i, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        while start < end and text[start] in "\ufeff \t\u3000":
            start += 1
        body = text[start:end]
        title, titled = _find_title(group)
        kind = detect_kind(title, body, titled=titled)
        guess = detect_region(title, body)
        docs.append(
            Document(
                doc_id=stem if len(groups) == 1 else f"{stem}-{i + 1:02d}",
                title=title,
                kind=kind,  # type: ignore[arg-type]
                year=detect_year(title, body, kind, group),
                region=guess.unit,
                text=body,
                source_file=source_file,
                char_start=start,
                char_end=end,
                source_path=source_path,
                region_confidence=guess.confidence,
                region_evidence=guess.evidence,
                region_source="detected",
            )
        )
    return docs


def documents_from_file(path: str | Path, *, regions: RegionOverrides | None = None) -> list[Document]:
    """Read one file into its documents (``InputError`` with a message naming the file).

    ``regions`` holds the regions the user gave (``--region``/``--regions``); they replace the
    detected ones (``region_source="user"``). A reader's own failure on a strange file (a library
    raising something unexpected) is turned into an ``InputError`` naming the file too, so that
    one file never stops a build.
    """
    path = Path(path)
    try:
        text = source_text(path)
        docs = documents_from_text(text, source_file=path.name, source_path=str(path))
    except (InputError, MemoryError, RecursionError):
        raise
    except Exception as exc:
        log.debug("reading %s failed", path, exc_info=True)
        msg = (
            f"{path.name}: could not be read ({exc.__class__.__name__}: {exc}); check the file"
            " or convert it to .txt (and please report this)"
        )
        raise InputError(msg) from exc
    return [apply_override(d, regions) for d in docs]


def iter_input_files(paths: Iterable[str | Path], *, errors: list[str] | None = None) -> Iterator[Path]:
    """Files named, and supported files inside folders named (see :mod:`atlas.inputs`)."""
    from atlas.inputs import iter_input_files as _iter

    return _iter(paths, errors=errors)


def documents_from_paths(
    paths: Iterable[str | Path], *, errors: list[str] | None = None, regions: RegionOverrides | None = None
) -> list[Document]:
    """Documents of every file under ``paths`` (``regions``: see ``documents_from_file``).

    A file that cannot be read is skipped and its one-line message appended to ``errors`` (when
    given) so the others are still processed; with ``errors=None`` the first problem raises.
    """
    docs: list[Document] = []
    for path in iter_input_files(paths, errors=errors):
        try:
            docs.extend(documents_from_file(path, regions=regions))
        except InputError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
            log.debug("skipped: %s", exc)
    return docs
