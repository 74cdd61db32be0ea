"""HTML pages as gov.cn and provincial sites publish them: body text plus metadata facts.

The page's own charset (``<meta charset>`` or ``http-equiv``) decides the decoding,
GBK/GB2312 read as GB18030, their superset; without one the bytes are detected as a
text file's are.  Metadata comes from the information table above the body
(``div.policyLibraryOverview_header table`` on www.gov.cn, ``table.bd1`` on older
gov.cn pages, a 索引号/发文字号 table on provincial 信息公开 pages) and from the
``<meta>`` tags the sites' CMS writes (ArticleTitle, PubDate, ContentSource).
The body is the site's content block when there is one, else ``<body>``, without
scripts, navigation, share bars and related-link lists; a table of the body is kept
as rows, cells separated by a tab.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from kg.errors import IngestError
from kg.model import MetaFact
from kg.readers import Reading
from kg.readers.text import decode

__all__ = ["read"]

# Labels of the information table → Header fields.  Only number, title, issuer and
# date override the header the extractor reads from the text (kg.build).
TABLE_LABELS = {
    "发文字号": "number",
    "文号": "number",
    "标题": "title",
    "名称": "title",
    "发文机关": "issuer",
    "发布机构": "issuer",
    "成文日期": "date",
    "发文日期": "date",
    "索引号": "index",
    "主题分类": "subject",
    "发布日期": "published",
}
META_NAMES = {"ArticleTitle": "page_title", "PubDate": "published", "ContentSource": "site"}


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# The content block of the CMSs these sites run, most specific first.
_BODY_PATHS = tuple(
    f"//*[{test}]"
    for test in (
        "@id='UCAP-CONTENT'",
        _has_class("pages_content"),
        "@id='zoom'",
        _has_class("TRS_Editor"),
        _has_class("article-content"),
        _has_class("article_con"),
        "@id='content'",
        "self::article",
        "self::main",
    )
)
_DROPPED_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "svg",
    "nav", "header", "footer", "form", "button", "select", "input", "textarea",
)  # fmt: skip
# class/id words of site furniture: share bars, breadcrumbs, related links, print/close.
_FURNITURE_RE = re.compile(
    r"share|fenxiang|bdshare|breadcrumb|crumb|\bnav|menu|related|xglj|xgwj|relevant"
    r"|\bprint|close|toolbar|footer|\bfoot\b|sidebar|\bad\b|qrcode|erweima",
    re.IGNORECASE,
)
# A block that opens with one of these is furniture however it is marked up.
_FURNITURE_TEXT_RE = re.compile(
    r"^\s*(?:相关链接|相关文件|相关阅读|相关新闻|分享到|【?打印本页】?|【?关闭窗口】?)"
)
_BLOCKS = frozenset((
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "section", "article", "aside", "blockquote", "pre", "center", "address", "figure",
    "figcaption", "hr", "main", "body", "caption",
))  # fmt: skip
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACE_RUN_RE = re.compile(r"[ \t\r\n\f]+")
_WIDE = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_WIDE_BREAK_RE = re.compile(f"(?<=[{_WIDE}])[ \t]*\r?\n[ \t\r\n]*(?=[{_WIDE}])")
_DATE_RE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")


def read(data: bytes, name: str) -> Reading:
    """Decode the page, read its metadata, and give its body as lines of text."""
    text, encoding = _decode(data, name)
    text = _XML_DECLARATION_RE.sub("", text, count=1)  # lxml refuses a str that declares bytes
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(
            name, f"is not a readable HTML page ({exc}); save the page again"
        ) from exc
    metadata = (*_meta_tags(root), *_info_table(root))
    body = _body(root)
    lines = _lines(body)
    title = next((f.value for f in metadata if f.field == "title"), None) or _page_title(root)
    # A web copy keeps the title above the body, outside the content block; put it
    # back as line 1 so that the text reads as the printed document does.
    if title and not any(title in line for line in lines[:3]):
        lines.insert(0, title)
    body_text = "\n".join(lines).strip()
    if not body_text:
        raise IngestError(
            name, "is an HTML page without body text (a frame or a script-only page?)"
        )
    return Reading(body_text + "\n", encoding, tuple(metadata))


def _decode(data: bytes, name: str) -> tuple[str, str]:
    declared = _CHARSET_RE.search(data[:4096])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        codec = "gb18030" if label in ("gb2312", "gbk", "gb18030", "x-gbk") else label
        try:
            return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            pass  # a page that lies about its charset: detect it from the bytes instead
    return decode(data, name)


def _meta_tags(root: lxml_html.HtmlElement) -> Iterator[MetaFact]:
    for meta in root.iter("meta"):
        label = meta.get("name", "")
        content = _squash(meta.get("content", ""))
        if label in META_NAMES and content:
            yield MetaFact(META_NAMES[label], _value(META_NAMES[label], content), label)


def _info_table(root: lxml_html.HtmlElement) -> Iterator[MetaFact]:
    """Label/value cell pairs of the first table that holds two known labels."""
    for table in root.iter("table"):
        facts = []
        # Its own rows only: old sites lay the whole page out in tables around it.
        for row in (r for r in table.iter("tr") if next(r.iterancestors("table")) is table):
            cells = [_squash(cell.text_content()) for cell in row if cell.tag in ("td", "th")]
            for label_cell, value in zip(cells[0::2], cells[1::2], strict=False):
                label = re.sub(r"[\s：:　]", "", label_cell)
                if label in TABLE_LABELS and value:
                    facts.append(
                        MetaFact(TABLE_LABELS[label], _value(TABLE_LABELS[label], value), label)
                    )
        if len(facts) >= 2:
            table.drop_tree()  # the table is metadata, not a part of the body text
            yield from facts
            return


def _value(field: str, value: str) -> str:
    if field in ("date", "published") and (m := _DATE_RE.search(value)):
        return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    return value


def _page_title(root: lxml_html.HtmlElement) -> str | None:
    for tag in ("h1", "title"):
        found = list(root.iter(tag))
        if found and (text := _squash(found[0].text_content())):
            return text
    return None


def _body(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    for element in list(root.iter(*_DROPPED_TAGS)):
        element.drop_tree()
    for element in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        element.drop_tree()
    body = next((found[0] for path in _BODY_PATHS if (found := root.xpath(path))), None)
    if body is None:
        body = root.find("body") if root.find("body") is not None else root
    for element in list(body.iter()):
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if (
            element is not body
            and element.getparent() is not None
            and (_FURNITURE_RE.search(marks) or _FURNITURE_TEXT_RE.match(element.text or ""))
        ):
            element.drop_tree()
    return body


def _lines(body: lxml_html.HtmlElement) -> list[str]:
    pieces: list[str] = []
    _walk(body, pieces)
    lines: list[str] = []
    for line in "".join(pieces).split("\n"):
        # Leading ideographic spaces are the paragraph indent of the printed page: kept.
        line = line.strip(" \t\u00a0")
        if line or (lines and lines[-1]):
            lines.append(line)
    return lines


def _walk(element: lxml_html.HtmlElement, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "br":
        out.append("\n")
    elif tag == "tr":
        cells = [_squash(cell.text_content()) for cell in element if cell.tag in ("td", "th")]
        out.append("\n" + "\t".join(cells) + "\n")
        return
    block = tag in _BLOCKS or tag == "table"
    if block:
        out.append("\n")
    if element.text:
        out.append(_inline(element.text))
    for child in element:
        _walk(child, out)
        if child.tail:
            out.append(_inline(child.tail))
    if block:
        out.append("\n")


def _inline(text: str) -> str:
    # Source line breaks inside a paragraph are markup layout, not text; between two
    # Chinese characters they vanish (the segment-break rule of CSS Text 3).
    return _SPACE_RUN_RE.sub(" ", _WIDE_BREAK_RE.sub("", text))


def _squash(text: str) -> str:
    return _inline(text).strip(" \u00a0\u3000")
