"""Line shapes of an official document, shared by ingest (where breaks are repaired)
and the header reader: a 成文日期 line and a line that is only the name of a body."""

from __future__ import annotations

import re

from kg.extraction.wordlists import word_list

DATE_LINE = re.compile(
    r"^\s*[（(]?\s*(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*[)）]?\s*$"
)


def is_agency_line(text: str) -> bool:
    """A short line with no punctuation that ends like the name of a body (a letterhead
    or a signature: 岳阳市卫生健康委员会, 湖南省人民政府办公厅文件)."""
    name = text.removesuffix("文件").strip()
    if not 3 <= len(name) <= 40 or re.search(r"[，。：:；、《》“”\d]", name):
        return False
    if "关于" in name:
        return False  # 浙江省卫生健康委关于…中心: a title line that happens to end like a body
    return name.endswith(word_list("header/agency_suffixes.txt"))
