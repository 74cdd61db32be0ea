"""Write tests/fixtures/formats/: one real notice in each published layout, and broken files.

Run ``python tools/make_format_fixtures.py`` (needs python-docx and reportlab, the
``test`` extra).  Every layout carries the text of one real notice,
tests/fixtures/real/nhc_disability_friendly_medical_institutions_opinions_2025.txt,
so a test can check that each format gives the header facts of the text copy.  The
layouts reproduce what tests/fixtures/formats/README.md describes.  The PDF uses
reportlab's built-in STSong-Light CID font, which needs no font file on the machine
(none is embedded; readers substitute a Song face), so the output is the same on
every machine.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import shutil
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from lxml import etree
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "tests/fixtures/real/nhc_disability_friendly_medical_institutions_opinions_2025.txt"
OUT = ROOT / "tests/fixtures/formats"

TITLE = "关于开展残疾人友好医疗机构建设的意见"
NUMBER = "国卫办医政发〔2025〕22号"
ISSUERS = "国家卫生健康委办公厅 中国残联办公厅"
STAMP = dt.datetime(2025, 8, 12, tzinfo=dt.UTC)  # the notice's date, on every generated file
# Illustrative index number in the shape gov.cn prints (机构代码/年份-序号).
INDEX = "000013610/2025-00271"


def paragraphs() -> list[str]:
    """The notice's paragraphs, in order: title, 文号, salutation, body, signature, date."""
    lines = [line.strip() for line in NOTICE.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line]


# ----------------------------------------------------------------------------- HTML


def _paragraph_html(paras: list[str]) -> str:
    out = []
    for text in paras[1:]:  # a web page shows the title above the body, not in it
        style = (
            ' style="text-align: right;"'
            if text.startswith(("国家卫生健康委办公厅", "2025年"))
            else ""
        )
        indent = (
            "" if style or text == NUMBER or (text.endswith("：") and len(text) < 40) else "　　"
        )
        out.append(f"<p{style}>{indent}{html.escape(text)}</p>")
    return "\n".join(out)


def govcn_page(paras: list[str]) -> str:
    """www.gov.cn 政策文件库 (zhengceku): policyLibraryOverview_header table, #UCAP-CONTENT."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="ArticleTitle" content="{TITLE}">
<meta name="PubDate" content="2025-08-15 16:30">
<meta name="ContentSource" content="国家卫生健康委网站">
<meta name="keywords" content="残疾人;医疗机构">
<title>{TITLE}_国务院部门文件_中国政府网</title>
<link rel="stylesheet" href="/govhome/css/common.css">
<script src="/govhome/js/jquery.min.js"></script>
<script>var _hmt = _hmt || []; document.write("统计代码不是正文");</script>
</head>
<body>
<div class="header"><div class="nav"><a href="/">首页</a> | <a href="/zhengce/">政策</a> | <a href="/hudong/">互动</a></div></div>
<div class="BreadcrumbNav"><a href="/">首页</a> &gt; <a href="/zhengce/">政策</a> &gt; <a href="/zhengce/zhengceku/">政策文件库</a> &gt; 国务院部门文件</div>
<div class="policyLibraryOverview_header">
<table>
<tbody>
<tr><td><b>标　　题：</b></td><td colspan="3">{TITLE}</td></tr>
<tr><td><b>发文机关：</b></td><td>{ISSUERS}</td><td><b>发文字号：</b></td><td>{NUMBER}</td></tr>
<tr><td><b>来　　源：</b></td><td>国家卫生健康委网站</td><td><b>主题分类：</b></td><td>卫生、体育\\医药管理</td></tr>
<tr><td><b>公文种类：</b></td><td>意见</td><td><b>成文日期：</b></td><td>2025年08月12日</td></tr>
</tbody>
</table>
</div>
<div class="pages_content" id="UCAP-CONTENT">
{_paragraph_html(paras)}
</div>
<div class="pages-date">2025-08-15 16:30　<span class="font">来源： 国家卫生健康委网站</span></div>
<div class="share" id="share">分享到：<a class="weixin">微信</a><a class="weibo">微博</a></div>
<div class="editor">【我要纠错】 责任编辑：某某</div>
<div class="related"><h3>相关链接</h3><ul><li><a href="#">国务院办公厅关于印发某方案的通知</a></li></ul></div>
<div class="footer">主办单位：国务院办公厅　运行维护单位：中国政府网运行中心</div>
<script>$(function(){{ $(".share").show(); }});</script>
</body>
</html>
"""


def gbk_page(paras: list[str]) -> str:
    """Older gov.cn 信息公开 page: GB2312, http-equiv charset, table.bd1, #zoom body."""
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="ArticleTitle" content="{TITLE}">
<meta name="PubDate" content="2025-08-15">
<meta name="ContentSource" content="国家卫生健康委">
<title>{TITLE}</title>
<style>.bd1 td {{ font-size: 12px; }}</style>
</head>
<body>
<table width="980" class="menu"><tr><td><a href="/">首页</a></td><td><a href="/xxgk/">信息公开</a></td></tr></table>
<table class="bd1" width="900" border="0" cellspacing="1" cellpadding="3">
<tr><td width="90"><b>索 引 号：</b></td><td>{INDEX}</td><td width="90"><b>主题分类：</b></td><td>卫生、体育\\医药管理</td></tr>
<tr><td><b>发文机关：</b></td><td>{ISSUERS}</td><td><b>成文日期：</b></td><td>2025年08月12日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">{TITLE}</td></tr>
<tr><td><b>发文字号：</b></td><td>{NUMBER}</td><td><b>发布日期：</b></td><td>2025年08月15日</td></tr>
</table>
<div class="b12c" id="zoom">
{_paragraph_html(paras)}
</div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</body>
</html>
"""


SCRIPT_ONLY_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title></title>
<script>window.location.href = "/zhengce/content_1.htm";</script>
<script>document.write("<p>关于开展残疾人友好医疗机构建设的意见</p>");</script>
</head><body><noscript>请开启JavaScript</noscript><script>render()</script></body></html>
"""


# ----------------------------------------------------------------------------- DOCX

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _add_numbering(document: docx.document.Document) -> str:
    """A two-level 公文 list (一、 then （一）) in numbering.xml; returns its numId."""
    numbering = document.part.numbering_part.element
    w = f"{{{_W_NS}}}"
    abstract = etree.SubElement(numbering, f"{w}abstractNum", {f"{w}abstractNumId": "90"})
    for level, text in ((0, "%1、"), (1, "（%2）")):
        lvl = etree.SubElement(abstract, f"{w}lvl", {f"{w}ilvl": str(level)})
        etree.SubElement(lvl, f"{w}start", {f"{w}val": "1"})
        etree.SubElement(lvl, f"{w}numFmt", {f"{w}val": "chineseCounting"})
        etree.SubElement(lvl, f"{w}lvlText", {f"{w}val": text})
    # abstractNum elements must precede num elements in the schema.
    first_num = numbering.find(f"{w}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    num = etree.SubElement(numbering, f"{w}num", {f"{w}numId": "90"})
    etree.SubElement(num, f"{w}abstractNumId", {f"{w}val": "90"})
    return "90"


def _numbered(paragraph: Paragraph, num_id: str, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    numpr = ppr.get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = int(num_id)


_LEVEL_LABELS = ("一、", "二、", "三、", "四、", "（一）", "（二）", "（三）")


def notice_docx(paras: list[str]) -> bytes:
    """The notice as a ministry's Word attachment: auto-numbered headings, running head and footer."""
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "FangSong"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    style.font.size = Pt(16)
    section = document.sections[0]
    section.header.paragraphs[0].text = "国家卫生健康委办公厅文件"
    section.footer.paragraphs[0].text = "— 1 —"
    num_id = _add_numbering(document)
    for text in paras:
        label = next((lab for lab in _LEVEL_LABELS if text.startswith(lab)), None)
        if label is not None and len(text) < 40:
            paragraph = document.add_paragraph(text[len(label) :])
            _numbered(paragraph, num_id, 0 if label.endswith("、") else 1)
        else:
            document.add_paragraph(text)
    return _saved(document)


DUTY_ROWS = [
    ("序号", "重点任务", "牵头单位", "配合单位"),
    ("1", "开展学生心理健康知识和预防心理问题科普", "省教育厅", "省卫生健康委、省妇联"),
    ("2", "开展心理健康知识的网上宣传和普及", "省卫生健康委", "团省委、省委宣传部、省委网信办"),
    ("3", "推动中小学“医教结合”心理健康促进工作", "省卫生健康委", "省教育厅、省公安厅、省民政厅"),
]


def duty_table_docx() -> bytes:
    """A 责任分工 table (tasks of the Hainan plan) under one heading, a merged header cell."""
    document = docx.Document()
    document.add_paragraph("附件")
    document.add_paragraph("重点任务责任分工表")
    table = document.add_table(rows=len(DUTY_ROWS) + 1, cols=4)
    table.cell(0, 0).merge(table.cell(0, 3)).text = "“将健康融入所有政策”重点任务"
    for r, row in enumerate(DUTY_ROWS, start=1):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    return _saved(document)


FUXIN = ROOT / "tests/fixtures/real/fuxin_county_health_in_all_policies_2020.txt"
# Rows of the notice's 附件1 table whose three cells are one line each in the text copy.
_FUXIN_ROW_DEPARTMENTS = ("卫生健康局", "教育局", "工信局", "公安局", "编委办")


def fuxin_notice_and_attachment() -> tuple[str, bytes]:
    """The Fuxin notice up to its signature, and its 附件1 as the separate DOCX it was.

    The text copy holds both; published, the 附件 is a file of its own next to the
    notice, which lists it by title (附件：1.各部门政策制定重点领域).
    """
    lines = FUXIN.read_text(encoding="utf-8").splitlines()
    start = lines.index("附件1")
    notice = "\n".join(lines[:start]).rstrip() + "\n"
    document = docx.Document()
    document.add_paragraph("附件1")
    document.add_paragraph(lines[start + 1])  # 各部门政策制定重点领域
    rows = [tuple(lines[start + 2 : start + 5])]  # 部门 / 政策制定重点领域 / 对应的健康因素
    for department in _FUXIN_ROW_DEPARTMENTS:
        at = lines.index(department, start)
        rows.append(tuple(lines[at : at + 3]))
    table = document.add_table(rows=len(rows), cols=3)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value.strip()
    return notice, _saved(document)


def _saved(document: docx.document.Document) -> bytes:
    document.core_properties.created = document.core_properties.modified = STAMP
    buffer = io.BytesIO()
    document.save(buffer)
    return _stamped(buffer.getvalue())


def _stamped(archive_bytes: bytes) -> bytes:
    """The zip archive again with every member dated STAMP: the same bytes on every run."""
    source = zipfile.ZipFile(io.BytesIO(archive_bytes))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=STAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with source.open(member) as data, archive.open(info, "w", force_zip64=True) as out:
                shutil.copyfileobj(data, out, 1 << 20)
    return buffer.getvalue()


def zip_bomb_docx() -> bytes:
    """A DOCX whose document.xml inflates a thousandfold, to 64 MiB of white space."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<w:document xmlns:w="{_W_NS}"><w:body>'.encode())
            for _ in range(64):
                member.write(b" " * (1024 * 1024))
            member.write(b"</w:body></w:document>")
    return _stamped(buffer.getvalue())


def empty_ofd() -> bytes:
    """An OFD (GB/T 33190) package whose one document has no pages."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "OFD.xml",
            '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" '
            f'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:Title>{TITLE}</ofd:Title>'
            "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        archive.writestr(
            "Doc_0/Document.xml",
            '<?xml version="1.0"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"/>',
        )
    return _stamped(buffer.getvalue())


# ------------------------------------------------------------------------------ PDF

FONT = "STSong-Light"
PER_LINE = 36
LINES_PER_PAGE = 38


def _wrapped(paras: list[str]) -> list[tuple[str, str]]:
    """(kind, line) in print order: the title centred, body lines of PER_LINE characters."""
    out: list[tuple[str, str]] = [("title", paras[0]), ("blank", "")]
    for text in paras[1:]:
        if text in (NUMBER,):
            out += [("centre", text), ("blank", "")]
            continue
        if text.startswith("国家卫生健康委办公厅"):
            out += [("blank", ""), ("right", "国家卫生健康委办公厅　　中国残联办公厅")]
            continue
        if text.startswith(("2025年", "（信息公开")):
            out.append(("right", text))
            continue
        body = text if text.endswith("：") and text.startswith("各") else "　　" + text
        out += [("left", body[i : i + PER_LINE]) for i in range(0, len(body), PER_LINE)]
    return out


def notice_pdf(paras: list[str]) -> bytes:
    """Two A4 pages: page numbers — N — at the foot, the 版记 (抄送 … 印发) closing page 2."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(TITLE)
    width, height = A4
    lines = _wrapped(paras)
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    assert len(pages) == 2, f"the notice should print on two pages, not {len(pages)}"
    for number, page in enumerate(pages, start=1):
        y = height - 72
        for kind, text in page:
            size = 18 if kind == "title" else 12
            pdf.setFont(FONT, size)
            if kind == "title" or kind == "centre":
                pdf.drawCentredString(width / 2, y, text)
            elif kind == "right":
                pdf.drawRightString(width - 80, y, text)
            elif kind == "left":
                pdf.drawString(80, y, text)
            y -= 17
        if number == len(pages):
            pdf.setFont(FONT, 11)
            pdf.line(80, 110, width - 80, 110)
            pdf.drawString(84, 94, "抄送：国家中医药局，国家疾控局，各省级残联。")
            pdf.line(80, 88, width - 80, 88)
            pdf.drawString(84, 72, "国家卫生健康委办公厅")
            pdf.drawRightString(width - 84, 72, "2025年8月13日印发")
        pdf.setFont(FONT, 12)
        pdf.drawCentredString(width / 2, 40, f"— {number} —")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


_OFD_NS = "http://www.ofdspec.org/2016"
_MM = 25.4 / 72  # OFD measures in millimetres, reportlab in points


def _ofd_text(object_id: int, x: float, y: float, text: str, size: float) -> str:
    """One TextObject: the run at (x, y) mm, each glyph advanced by its width."""
    widths = [size if ord(c) > 0x2E7F else size / 2 for c in text]
    delta = " ".join(f"{w:.2f}" for w in widths[:-1])
    return (
        f'<ofd:TextObject ID="{object_id}" Boundary="{x:.2f} {y - size:.2f} {sum(widths):.2f} '
        f'{size * 1.4:.2f}" Font="2" Size="{size:.2f}"><ofd:TextCode X="0" Y="{size:.2f}" '
        f'DeltaX="{delta}">{html.escape(text)}</ofd:TextCode></ofd:TextObject>'
    )


def notice_ofd(paras: list[str]) -> bytes:
    """The two pages of ``notice_pdf`` as an OFD package, as 数科/福昕 OFD writers lay it out."""
    width, size = 210.0, 12 * _MM
    lines = _wrapped(paras)
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    ids = iter(range(10, 100_000))
    contents = []
    for number, page in enumerate(pages, start=1):
        objects, y = [], 25.0
        for kind, text in page:
            glyph = 18 * _MM if kind == "title" else size
            run = sum(glyph if ord(c) > 0x2E7F else glyph / 2 for c in text)
            x = {"title": (width - run) / 2, "centre": (width - run) / 2, "right": width - 28 - run}
            if text:
                objects.append(_ofd_text(next(ids), x.get(kind, 28.0), y + glyph, text, glyph))
            y += 17 * _MM
        if number == len(pages):
            objects.append(
                _ofd_text(
                    next(ids), 30, 262, "抄送：国家中医药局，国家疾控局，各省级残联。", 11 * _MM
                )
            )
            objects.append(_ofd_text(next(ids), 30, 270, "国家卫生健康委办公厅", 11 * _MM))
            objects.append(_ofd_text(next(ids), 140, 270, "2025年8月13日印发", 11 * _MM))
        objects.append(_ofd_text(next(ids), 97, 284, f"— {number} —", size))
        contents.append(
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content>'
            f'<ofd:Layer ID="{next(ids)}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
        )
    page_list = "".join(
        f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages))
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.1" '
            f'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>illustrative-0001</ofd:DocID>'
            f"<ofd:Title>{TITLE}</ofd:Title><ofd:CreationDate>2025-08-13</ofd:CreationDate>"
            "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        archive.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}">'
            "<ofd:CommonData><ofd:MaxUnitID>100000</ofd:MaxUnitID><ofd:PageArea>"
            "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
            "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
            f"<ofd:Pages>{page_list}</ofd:Pages></ofd:Document>",
        )
        archive.writestr(
            "Doc_0/PublicRes.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{_OFD_NS}" BaseLoc="Res">'
            '<ofd:Fonts><ofd:Font ID="2" FontName="仿宋_GB2312" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>',
        )
        for n, content in enumerate(contents):
            archive.writestr(f"Doc_0/Pages/Page_{n}/Content.xml", content)
    return _stamped(buffer.getvalue())


def running_head_pdf(paras: list[str]) -> bytes:
    """Three pages of the body under a running head, numbered 第N页 共3页 at the foot."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    lines = [text for kind, text in _wrapped(paras) if kind == "left"][:60]
    for number in range(1, 4):
        pdf.setFont(FONT, 10)
        pdf.drawCentredString(width / 2, height - 40, "国家卫生健康委员会文件选编")
        y = height - 80
        pdf.setFont(FONT, 12)
        for text in lines[(number - 1) * 20 : number * 20]:
            pdf.drawString(80, y, text)
            y -= 17
        pdf.setFont(FONT, 10)
        pdf.drawCentredString(width / 2, 40, f"第{number}页 共3页")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A page as a scanner makes it: a picture of text, no text layer."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    for y in range(700, 300, -20):  # grey bars where the scanned lines are
        pdf.setFillGray(0.3)
        pdf.rect(80, y, 430, 9, stroke=0, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    paras = paragraphs()
    good = OUT / "notice"
    good.mkdir(exist_ok=True)
    (good / "notice_govcn.html").write_text(govcn_page(paras), encoding="utf-8")
    (good / "notice_gbk.html").write_bytes(gbk_page(paras).encode("gb2312", "xmlcharrefreplace"))
    (good / "notice.docx").write_bytes(notice_docx(paras))
    pdf = notice_pdf(paras)
    (good / "notice.pdf").write_bytes(pdf)
    (good / "notice.ofd").write_bytes(notice_ofd(paras))
    other = OUT / "single"
    other.mkdir(exist_ok=True)
    (other / "duty_table.docx").write_bytes(duty_table_docx())
    (other / "running_head.pdf").write_bytes(running_head_pdf(paras))
    parts = OUT / "attachments"
    parts.mkdir(exist_ok=True)
    notice, attachment = fuxin_notice_and_attachment()
    (parts / "fuxin_notice.txt").write_text(notice, encoding="utf-8")
    (parts / "fuxin_attachment1.docx").write_bytes(attachment)
    broken = OUT / "broken"
    broken.mkdir(exist_ok=True)
    (broken / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    (broken / "scanned.pdf").write_bytes(scanned_pdf())
    (broken / "bomb.docx").write_bytes(zip_bomb_docx())
    (broken / "damaged.docx").write_bytes(notice_docx(paras)[:3000])
    (broken / "scripts_only.html").write_text(SCRIPT_ONLY_PAGE, encoding="utf-8")
    (broken / "empty.ofd").write_bytes(empty_ofd())
    (broken / "error_page.pdf").write_text(
        "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>", encoding="utf-8"
    )
    (broken / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (broken / "attachment_list.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
