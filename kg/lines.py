"""Line shapes of an official document, shared by ingest (where breaks are repaired),
the header reader and the sentence view: a 成文日期 line, a line that is only the name
of a body, a line closed by a duty clause."""

from __future__ import annotations

import re

from kg.extraction.wordlists import word_list

DATE_LINE = re.compile(
    r"^\s*[（(]?\s*(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*[)）]?\s*$"
)


# The duty clause that closes a task's paragraph, with an optional note after the list:
# （省卫生健康委等按职责分工负责）, （…负责。以下责任单位均包括各设区市人民政府，不再列出）.
DUTY_NOTE = r"(?:[。；;][^（）()\n]{0,80})?"
DUTY_CLOSE = re.compile(rf"(?:负责|牵头|配合|参与){DUTY_NOTE}[）)]$")

# A seal mark printed after a signature: （代章）, （盖章）, （印）.
# A body that seals for another writes its name first: （国家中医药管理局代章）.
SEAL_MARK = re.compile(r"\s*[（(](?:[^（）()\s]{2,30}?代章|代章|盖章|印章|章|印)[)）]\s*$")
# A body's second name in brackets, on its own line or after the first:
# 海南省健康海南建设委员会（爱国卫生运动委员会）.
_ALTERNATE = re.compile(r"[（(](?P<name>[^（）()]{2,30})[)）]$")


def is_alternate_name(text: str) -> bool:
    """A line that is only a bracketed second name of the body above it."""
    text = SEAL_MARK.sub("", text.strip())
    match = _ALTERNATE.fullmatch(text) if text.startswith(("（", "(")) else None
    return match is not None and _ends_like_body(match["name"])


def _ends_like_body(name: str) -> bool:
    return name.endswith(word_list("header/agency_suffixes.txt"))


def is_agency_line(text: str) -> bool:
    """A short line with no punctuation that ends like the name of a body (a letterhead
    or a signature: 岳阳市卫生健康委员会, 湖南省人民政府办公厅文件, 海南省健康海南建设委员会
    （爱国卫生运动委员会））."""
    name = SEAL_MARK.sub("", text.removesuffix("文件").strip())
    alternate = _ALTERNATE.search(name)
    if alternate and alternate.start() > 0 and _ends_like_body(alternate["name"]):
        name = name[: alternate.start()]
    if not 3 <= len(name) <= 40 or re.search(r"[，。：:；、《》“”\d]", name):
        return False
    if "关于" in name:
        return False  # 浙江省卫生健康委关于…中心: a title line that happens to end like a body
    return _ends_like_body(name)
