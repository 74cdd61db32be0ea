"""Generate a synthetic corpus of Chinese health-policy documents for benchmarks.

    python benchmarks/generate_corpus.py --count 10000 --out var/bench-corpus --seed 1 \\
        --manifest var/bench-corpus.json

The documents have the structure of the real ones in ``corpus/`` (notices that issue a
plan, work notices, implementation opinions, replies to 政协提案 and 人大建议), issued by
bodies built from the real administrative divisions (``kg/data/admin-divisions``) at
national, provincial, prefecture and county level.  The text is templates and seeded
random choices, never a copy of a seed document: the same ``--seed`` gives the same
bytes.

Citations form a realistic network: documents are written in date order and cite
earlier ones (generated documents in their own jurisdiction or above, and real national
documents from ``kg/data/policy-catalogue``) by preferential attachment, so a few
documents are cited very often and most rarely.  A citation is printed as
《title》（number）, as a bare number or as a bare title.  ``--manifest`` writes each
document's number and what it cites: the ground truth a benchmark checks against.

No telephone number, address or other contact data is ever generated.  Plain Python
only (no spaCy): 10,000 documents take seconds.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from random import Random
from typing import Final

from kg import docno
from kg.errors import ConfigError, DocNumberError

__all__ = ["GeneratedDoc", "Summary", "generate", "main"]

REPO: Final = Path(__file__).resolve().parent.parent
DATA: Final = REPO / "kg" / "data"
FIRST_YEAR: Final = 2017
LAST_YEAR: Final = 2025
# File names sort in date order, like the seed corpus's NNN_hash.txt.
_NAME_RE: Final = re.compile(r"^\d{5,}_[0-9a-f]{16}\.txt$")

# --------------------------------------------------------------------------- vocabulary
# General vocabulary of the genre, written for this generator (not lifted from the seed
# documents): codes, agency names, topics, programmes, sentence frames.

# Province code → (abbreviation used in 机关代字, the word its government codes use).
PROVINCE_CODES: Final[dict[str, tuple[str, str]]] = {
    "11": ("京", "政"),
    "12": ("津", "政"),
    "13": ("冀", "政"),
    "14": ("晋", "政"),
    "15": ("内", "政"),
    "21": ("辽", "政"),
    "22": ("吉", "政"),
    "23": ("黑", "政"),
    "31": ("沪", "府"),
    "32": ("苏", "政"),
    "33": ("浙", "政"),
    "34": ("皖", "政"),
    "35": ("闽", "政"),
    "36": ("赣", "府"),
    "37": ("鲁", "政"),
    "41": ("豫", "政"),
    "42": ("鄂", "政"),
    "43": ("湘", "政"),
    "44": ("粤", "府"),
    "45": ("桂", "政"),
    "46": ("琼", "府"),
    "50": ("渝", "府"),
    "51": ("川", "府"),
    "52": ("黔", "府"),
    "53": ("云", "政"),
    "54": ("藏", "政"),
    "61": ("陕", "政"),
    "62": ("甘", "政"),
    "63": ("青", "政"),
    "64": ("宁", "政"),
    "65": ("新", "政"),
}
MUNICIPALITIES: Final = ("11", "12", "31", "50")
NOT_PREFECTURES: Final = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")

# National issuers and their 机关代字.
NATIONAL_ISSUERS: Final = (
    ("国务院办公厅", ("国办发", "国办函")),
    ("国家卫生健康委员会", ("国卫基层发", "国卫医发", "国卫医政发", "国卫体改发", "国卫疾控发")),
    ("国家卫生健康委办公厅", ("国卫办基层函", "国卫办医政函", "国卫办基层发", "国卫办医急函")),
    ("国家医疗保障局", ("医保发", "医保函")),
    ("国家医疗保障局办公室", ("医保办发", "医保办函")),
    ("国家中医药管理局", ("国中医药医政发", "国中医药规财发")),
    ("国家疾病预防控制局", ("国疾控综发",)),
)

TOPICS: Final = (
    "促进基层卫生健康事业高质量发展",
    "全面推进紧密型县域医疗卫生共同体建设",
    "进一步加强乡村医生队伍建设",
    "推进医疗联合体建设和发展",
    "深化医药卫生体制改革",
    "加快推进分级诊疗制度建设",
    "推进家庭医生签约服务高质量发展",
    "提升基层医疗卫生服务能力",
    "加强县级公立医院综合能力建设",
    "推动公立医院高质量发展",
    "深化医疗保障制度改革",
    "健全重特大疾病医疗保险和救助制度",
    "做好城乡居民基本医疗保障工作",
    "促进中医药传承创新发展",
    "加强基层中医药服务能力建设",
    "推进检查检验结果互认",
    "促进“互联网+医疗健康”发展",
    "加强公共卫生体系建设",
    "完善疾病预防控制体系",
    "加强全科医生队伍建设",
    "完善基层医疗卫生机构绩效工资政策",
    "推进乡村医疗卫生一体化管理",
    "做好基本公共卫生服务项目工作",
    "加强村卫生室标准化建设",
    "推进县域医疗服务次中心建设",
    "加强卫生健康人才队伍建设",
    "推进智慧医院建设",
    "加强妇幼健康服务体系建设",
    "推进医养结合发展",
    "做好老年人健康管理服务",
    "加强慢性病综合防控",
    "完善院前医疗急救服务体系",
    "建立健全职工基本医疗保险门诊共济保障机制",
    "推进医保支付方式改革",
    "加强医疗机构药事管理",
    "推进社区医院建设",
    "完善基层医疗卫生机构财政补助政策",
    "加强基层医疗卫生机构发热诊室建设",
    "改善就医感受提升患者体验",
    "加强县域医疗卫生人才一体化配置",
)
WORK_TOPICS: Final = (
    "优质服务基层行活动",
    "社区医院建设评审",
    "基层卫生健康综合试验区评估",
    "家庭医生签约服务质量评价",
    "基本公共卫生服务项目绩效评价",
    "医疗机构检查检验结果互认",
    "乡村医生岗位培训",
    "紧密型县域医共体建设监测",
    "基层医疗卫生机构绩效考核",
    "县级医院能力评估",
    "医疗质量安全专项检查",
    "基层中医馆服务能力提升",
)
PLAN_KINDS: Final = ("实施方案", "工作方案", "行动方案", "管理办法", "考核办法", "三年行动计划")
PROPOSAL_TOPICS: Final = (
    "加强基层医疗卫生服务能力建设",
    "完善医联体体系",
    "解决乡村医生养老保障问题",
    "提升县域医共体建设水平",
    "推进智慧医疗平台建设",
    "加强基层卫生人才队伍建设",
    "改善乡镇卫生院基础设施条件",
    "提高家庭医生签约服务质量",
    "推动优质医疗资源下沉",
    "加快中医药事业发展",
    "完善村卫生室运行保障机制",
    "提升农村地区急救能力",
)
REPLY_SECTIONS: Final = (
    "加大基础设施设备投入",
    "加强基层卫生人才队伍建设",
    "推进紧密型县域医共体建设",
    "加强医疗机构信息化建设",
    "完善财政投入保障机制",
    "提升家庭医生签约服务质量",
    "提高中医药服务能力",
    "推进检查检验结果互认",
    "强化基本公共卫生服务",
    "落实医保支持政策",
    "推动优质医疗资源下沉",
    "健全乡村医生保障机制",
)
TASK_GROUPS: Final = (
    "构建优质高效的基层医疗卫生服务体系",
    "健全公益高效的运行保障机制",
    "提升系统连续的卫生健康服务能力",
    "建立科学规范的评价考核体系",
    "推进医疗卫生资源整合共享",
    "强化人才和信息化支撑",
    "完善医疗保障支持政策",
)
TASKS: Final = (
    "优化医疗卫生机构布局",
    "改善基层设施设备条件",
    "加强公共卫生应急能力建设",
    "打造区域特色专科",
    "加强医共体建设",
    "建立上下联动工作机制",
    "创新医防融合机制",
    "完善财政投入机制",
    "落实绩效工资政策",
    "加大医保支持力度",
    "加强人才引进和培养",
    "拓宽人才晋升渠道",
    "提高同质化诊疗水平",
    "推进信息平台互联互通",
    "推广远程医疗服务",
    "加强中医药服务能力建设",
    "完善家庭医生签约服务",
    "健全质量安全管理制度",
    "强化绩效评价结果运用",
    "推进村卫生室标准化建设",
    "加强急救体系建设",
    "做实慢性病健康管理",
    "推进检查检验结果互认",
    "规范药品耗材管理",
)
SAFEGUARDS: Final = ("加强组织领导", "加强协调联动", "加强督导考核", "加强宣传引导", "强化经费保障")
# (name as quoted, the word that follows it in running text)
PROGRAMMES: Final = (
    ("优质服务基层行", "活动"),
    ("家庭医生签约服务", ""),
    ("智医助理", "系统"),
    ("基本公共卫生服务项目", ""),
    ("千县工程", ""),
    ("互联网+医疗健康", ""),
    ("电子健康卡", ""),
    ("名医基层工作站", "建设"),
    ("县聘乡用", "模式"),
    ("城市医生支援农村卫生工程", ""),
    ("全科医生特设岗位计划", ""),
    ("农村订单定向医学生免费培养", "项目"),
    ("社区医院建设", ""),
    ("基层卫生人才能力提升培训项目", ""),
)
# Agencies as the task lists and lead sentences shorten them, after a level character.
LEAD_AGENCY: Final = {
    "省": "卫生健康委",
    "市": "卫生健康委",
    "区": "卫生健康局",
    "县": "卫生健康局",
}
OTHER_AGENCIES: Final = {
    "省": (
        "医保局",
        "财政厅",
        "发展改革委",
        "人力资源社会保障厅",
        "委编办",
        "教育厅",
        "民政厅",
        "中医药管理局",
        "市场监管局",
        "工业和信息化厅",
    ),
    "市": (
        "医保局",
        "财政局",
        "发展改革委",
        "人力资源社会保障局",
        "委编办",
        "教育局",
        "民政局",
        "市场监管局",
        "自然资源和规划局",
        "数据局",
    ),
    "区": (
        "医保局",
        "财政局",
        "发展改革局",
        "人力资源社会保障局",
        "委编办",
        "教育局",
        "民政局",
        "市场监管局",
        "农业农村局",
        "工业和信息化局",
    ),
}
OTHER_AGENCIES["县"] = OTHER_AGENCIES["区"]
NATIONAL_AGENCIES: Final = (
    "国家卫生健康委",
    "国家医保局",
    "财政部",
    "国家发展改革委",
    "人力资源社会保障部",
    "教育部",
    "民政部",
    "国家中医药局",
    "国家疾控局",
    "国家药监局",
)
PARTIES: Final = ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社")
SURNAMES: Final = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃戴莫孔向汤"
GIVEN: Final = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力林斌宇浩凯鹏飞云峰晨欣怡佳雪梅琳丹蕾瑶琪睿博志诚嘉锋鑫俊豪海亮波宁慧颖婷晓春松柏青"
CN_NUM: Final = "〇一二三四五六七八九"
# Printed forms of the year brackets, and how often each appears.
BRACKETS: Final = (("〔", "〕"), ("﹝", "﹞"), ("[", "]"), ("（", "）"), ("【", "】"), ("(", ")"))
BRACKET_WEIGHTS: Final = (80, 5, 5, 5, 3, 2)
DISCLOSURE: Final = ("主动公开", "同意公开", "予以公开", "公开")


def _cn(n: int) -> str:
    """1–99 in Chinese numerals (届/次 of a session, 一、 of a section)."""
    if n < 10:
        return CN_NUM[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUM[tens]) + "十" + (CN_NUM[ones] if ones else "")


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    """A jurisdiction: the country, a province, a prefecture or a county."""

    level: str  # "national" | "provincial" | "prefecture" | "county"
    name: str  # the name an issuer carries: 湖南省, 岳阳市, 益阳市资阳区, 崇阳县
    full: str  # province first: 湖南省岳阳市
    province: str = ""  # province code
    city: str = ""  # prefecture code ("" for a municipality's districts)
    county: str = ""  # county code
    code_prefix: str = ""  # what its 机关代字 start with: 湘, 岳, 益资
    level_char: str = ""  # 省/市/区/县 as its own documents say it (市卫生健康委)


@dataclass
class Geography:
    """The divisions, with Zipf weights so a corpus concentrates on some places."""

    provinces: dict[str, str]
    cities: dict[str, tuple[str, str]]  # code → (name, province code)
    counties: dict[str, tuple[str, str, str]]  # code → (name, city code, province code)
    towns: dict[str, list[str]]  # county code → 镇/乡 names
    streets: dict[str, list[str]]  # county code → 街道 names
    province_order: list[str] = field(default_factory=list)
    province_cum: list[float] = field(default_factory=list)
    cities_of: dict[str, tuple[list[str], list[float]]] = field(default_factory=dict)
    counties_of: dict[str, tuple[list[str], list[float]]] = field(default_factory=dict)


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise ConfigError(f"{path}: reference data missing; the generator needs kg/data")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _zipf(keys: list[str], rng: Random, exponent: float) -> tuple[list[str], list[float]]:
    order = sorted(keys)
    rng.shuffle(order)
    cum, total = [], 0.0
    for rank in range(len(order)):
        total += 1.0 / (rank + 1) ** exponent
        cum.append(total)
    return order, cum


def load_geography(rng: Random) -> Geography:
    """Read the division tables and draw a Zipf weight for every place."""
    base = DATA / "admin-divisions"
    provinces = {r["code"]: r["name"] for r in _read_csv(base / "provinces.csv")}
    cities = {
        r["code"]: (r["name"], r["provinceCode"])
        for r in _read_csv(base / "cities.csv")
        if r["name"] not in NOT_PREFECTURES
    }
    counties: dict[str, tuple[str, str, str]] = {}
    for r in _read_csv(base / "areas.csv"):
        if r["name"].endswith(("县", "区", "市", "旗")) and r["name"] != "市辖区":
            city = r["cityCode"] if r["cityCode"] in cities else ""
            counties[r["code"]] = (r["name"], city, r["provinceCode"])
    towns: dict[str, list[str]] = {}
    streets: dict[str, list[str]] = {}
    for r in _read_csv(base / "streets.csv"):
        name = r["name"]
        if name.endswith("街道"):
            streets.setdefault(r["areaCode"], []).append(name)
        elif name.endswith(("镇", "乡")) and len(name) <= 6:
            towns.setdefault(r["areaCode"], []).append(name)
    geo = Geography(provinces, cities, counties, towns, streets)
    geo.province_order, geo.province_cum = _zipf(list(provinces), rng, 0.7)
    by_province: dict[str, list[str]] = {}
    for code, (_, prov) in cities.items():
        by_province.setdefault(prov, []).append(code)
    for prov in provinces:
        geo.cities_of[prov] = _zipf(by_province.get(prov, []), rng, 1.0)
    by_parent: dict[str, list[str]] = {}
    for code, (_, city, prov) in counties.items():
        by_parent.setdefault(city or prov, []).append(code)
    for parent, codes in by_parent.items():
        geo.counties_of[parent] = _zipf(codes, rng, 1.0)
    return geo


def _pick(rng: Random, order: list[str], cum: list[float]) -> str:
    return rng.choices(order, cum_weights=cum)[0]


@cache
def _code_ok(prefix: str) -> bool:
    """Whether the project's parser reads codes on this prefix back whole.

    A place name whose first character is a function word (和县, 日照市, 如东县) makes
    a code the parser cuts short (和政发 → 政发); such places take another character.
    """
    for suffix in ("政办发", "卫健字", "医保发"):
        code = prefix + suffix
        for context in ("\n{}〔2020〕1号", "按照{}〔2020〕1号文件"):
            found = docno.find_all(context.format(code))
            if len(found) != 1 or found[0].number.agency_code != code:
                return False
    return True


def _safe_prefix(*candidates: str) -> str:
    for c in candidates:
        if c and _code_ok(c):
            return c
    return candidates[-1]


def _province_place(geo: Geography, prov: str) -> Place:
    name = geo.provinces[prov]
    return Place(
        "provincial",
        name,
        name,
        prov,
        code_prefix=PROVINCE_CODES[prov][0],
        level_char="省" if name.endswith("省") else "市" if prov in MUNICIPALITIES else "区",
    )


def _city_place(geo: Geography, city: str) -> Place:
    name, prov = geo.cities[city]
    return Place(
        "prefecture",
        name,
        geo.provinces[prov] + name,
        prov,
        city,
        code_prefix=_safe_prefix(name[0], name[1], name[:2], PROVINCE_CODES[prov][0]),
        level_char="市" if name.endswith("市") else "州",
    )


def _county_place(geo: Geography, county: str, rng: Random) -> Place:
    name, city, prov = geo.counties[county]
    level_char = "区" if name.endswith("区") else "市" if name.endswith("市") else "县"
    if city:
        city_name = geo.cities[city][0]
        full = geo.provinces[prov] + city_name + name
        # A district always prints its city (益阳市资阳区); a county or a county-level
        # city often stands alone (崇阳县).
        issuer_name = city_name + name if level_char == "区" or rng.random() < 0.4 else name
        own = name[1] if name[0] == "市" else name[0]
        prefix = _safe_prefix(
            city_name[0] + own, own + name[1], city_name[1] + own, PROVINCE_CODES[prov][0] + name[1]
        )
    else:
        full = geo.provinces[prov] + name
        issuer_name = name if prov not in MUNICIPALITIES else geo.provinces[prov] + name
        prefix = _safe_prefix(name[0], name[:2], PROVINCE_CODES[prov][0] + name[1])
    return Place("county", issuer_name, full, prov, city, county, prefix, level_char)


def draw_place(geo: Geography, rng: Random, level: str) -> Place:
    if level == "national":
        return Place("national", "国家", "中华人民共和国", level_char="国")
    prov = _pick(rng, geo.province_order, geo.province_cum)
    if level == "provincial":
        return _province_place(geo, prov)
    cities, cum = geo.cities_of[prov]
    if level == "prefecture" or not cities:
        if not cities:  # a municipality has no prefectures: fall back to its districts
            order, ccum = geo.counties_of[prov]
            return _county_place(geo, _pick(rng, order, ccum), rng)
        return _city_place(geo, _pick(rng, cities, cum))
    # County level: through a prefecture, or straight under the province
    # (a municipality's districts, 省直辖 county-level cities).
    direct = geo.counties_of.get(prov)
    if direct and (prov in MUNICIPALITIES or rng.random() < 0.05):
        return _county_place(geo, _pick(rng, *direct), rng)
    city = _pick(rng, cities, cum)
    if city not in geo.counties_of:
        return _city_place(geo, city)
    return _county_place(geo, _pick(rng, *geo.counties_of[city]), rng)


# --------------------------------------------------------------------------- issuers


@dataclass(frozen=True)
class Issuer:
    name: str
    kind: str  # "gov" | "office" | "health" | "insurance" | "tcm"
    codes: tuple[str, ...]


# The 2018 reform renamed the health commissions (卫生和计划生育委员会 → 卫生健康委员会)
# and created the medical-insurance bureaus; local bodies followed about a year later.
HEALTH_RENAMED: Final = {"national": 2018, "provincial": 2019, "prefecture": 2019, "county": 2019}
INSURANCE_FOUNDED: Final = HEALTH_RENAMED
NATIONAL_FOUNDED: Final = {
    "国家医疗保障局": 2018,
    "国家医疗保障局办公室": 2018,
    "国家疾病预防控制局": 2021,
}


def issuers_of(place: Place, year: int) -> list[Issuer]:
    """The bodies of a place that issue health documents in a year, with their 机关代字."""
    renamed = year >= HEALTH_RENAMED[place.level]
    insured = year >= INSURANCE_FOUNDED[place.level]
    if place.level == "national":
        kinds = ("office", "health", "health", "insurance", "insurance", "tcm", "health")
        out = []
        for (name, codes), kind in zip(NATIONAL_ISSUERS, kinds, strict=True):
            if year < NATIONAL_FOUNDED.get(name, 0):
                continue
            if not renamed:
                name = name.replace("卫生健康委", "卫生计生委").replace(
                    "卫生计生委员会", "卫生和计划生育委员会"
                )
            out.append(Issuer(name, kind, codes))
        return out
    p, n = place.code_prefix, place.name
    commission = "卫生健康委员会" if renamed else "卫生和计划生育委员会"
    hc = f"{p}卫" if renamed else f"{p}卫计"
    out: list[Issuer]
    if place.level == "provincial":
        gw = PROVINCE_CODES[place.province][1]
        out = [
            Issuer(n + "人民政府", "gov", (f"{p}{gw}发",)),
            Issuer(n + "人民政府办公厅", "office", (f"{p}{gw}办发", f"{p}{gw}办函")),
            Issuer(n + commission, "health", (f"{hc}发", f"{hc}函", f"{hc}基层发", f"{hc}医发")),
            Issuer(n + "中医药管理局", "tcm", (f"{p}中医药发",)),
        ]
    elif place.level == "prefecture":
        out = [
            Issuer(n + "人民政府", "gov", (f"{p}政发", f"{p}政函")),
            Issuer(n + "人民政府办公室", "office", (f"{p}政办发", f"{p}政办函")),
            Issuer(
                n + commission,
                "health",
                (f"{hc}发", f"{hc}函", f"{hc}字") + ((f"{p}卫健发",) if renamed else ()),
            ),
        ]
    else:
        out = [
            Issuer(n + "人民政府", "gov", (f"{p}政发", f"{p}政函")),
            Issuer(n + "人民政府办公室", "office", (f"{p}政办发", f"{p}政办函")),
            Issuer(
                n + ("卫生健康局" if renamed else "卫生和计划生育局"),
                "health",
                (f"{p}卫健发", f"{p}卫健字", f"{p}卫发") if renamed else (f"{hc}发", f"{hc}字"),
            ),
        ]
    if insured:
        out.append(Issuer(n + "医疗保障局", "insurance", (f"{p}医保发", f"{p}医保函")))
    return out


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class CatalogueDoc:
    """A real national document the generated ones may cite."""

    number: str | None  # canonical
    code: str
    year: int
    serial: str
    title: str
    date: str


_CITED_TYPES: Final = ("通知", "意见", "办法", "方案", "规划", "决定", "规定", "纲要", "计划")
_HEALTH_WORDS: Final = (
    "医",
    "卫生",
    "药",
    "疾病",
    "疫",
    "健康中国",
    "健康服务",
    "护理",
    "妇幼",
    "计划生育",
)


def load_catalogue() -> tuple[list[CatalogueDoc], set[str]]:
    """Citable catalogue rows in date order, and every canonical catalogue number."""
    rows = _read_csv(DATA / "policy-catalogue" / "national_health_policies.csv")
    citable: list[CatalogueDoc] = []
    numbers: set[str] = set()
    for r in rows:
        title, raw = r["title"].strip(), r["number"].strip()
        parsed = None
        if raw:
            try:
                parsed = docno.parse(raw)
            except DocNumberError:
                parsed = None
            if parsed is not None:
                numbers.add(parsed.canonical)
        # Only health documents with a plain title; 令 rows join two titles with
        # full-width spaces, and telegrams (明电) are about transport.
        # No hotline titles: the corpus never carries a telephone number.
        plain = (
            "\u3000" not in title
            and "电话" not in title
            and "热线" not in title
            and len(title) <= 80
            and r["date"][:4].isdigit()
        )
        if (
            not plain
            or not title.endswith(_CITED_TYPES)
            or not any(w in title for w in _HEALTH_WORDS)
        ):
            continue
        if parsed is not None and (
            parsed.form not in ("standard", "letter")
            or parsed.year is None
            or parsed.word
            or not parsed.agency_code
        ):
            continue
        if parsed is None and raw:
            continue
        citable.append(
            CatalogueDoc(
                parsed.canonical if parsed else None,
                parsed.agency_code if parsed else "",
                parsed.year if parsed and parsed.year else 0,
                parsed.serial if parsed else "",
                # Inside 《》 a nested title takes 〈〉, as the citing document prints it.
                title.replace("《", "〈").replace("》", "〉"),
                r["date"][:10],
            )
        )
    # The library lists some documents twice (once from the gazette, without a
    # number): keep one per title, the numbered one.
    by_title: dict[str, CatalogueDoc] = {}
    for d in citable:
        if d.title not in by_title or (by_title[d.title].number is None and d.number is not None):
            by_title[d.title] = d
    unique = sorted(by_title.values(), key=lambda d: (d.date, d.title))
    return unique, numbers


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class CiteRecord:
    """One cited document, as the manifest records it."""

    number: str | None  # canonical number of the cited document (None: it has none)
    title: str
    form: str  # "title+number" | "number" | "title": how the text prints it
    source: str  # "generated" | "catalogue"


@dataclass
class GeneratedDoc:
    index: int
    number: str  # canonical
    code: str
    year: int
    serial: int
    title: str
    cite_title: str  # the title as others cite it (with the issuer in front)
    issuer: str
    level: str
    jurisdiction: str
    type: str
    date: str
    scope: str  # citation pool this document joins ("" for replies: nobody cites them)
    cites: list[CiteRecord] = field(default_factory=list)
    file: str = ""


@dataclass(frozen=True)
class Summary:
    files: int
    bytes: int
    seconds: float
    citations: int
    most_cited: tuple[tuple[str, int], ...]


class _Numbering:
    """Unique serials per (机关代字, year), rising through the year like real registers."""

    def __init__(self, taken: set[str], rng: Random) -> None:
        self._taken = set(taken)
        self._next: dict[tuple[str, int], int] = {}
        self._rng = rng

    def issue(self, code: str, year: int) -> tuple[int, str]:
        serial = self._next.get((code, year), self._rng.randint(1, 6))
        while True:
            canonical = f"{code}〔{year}〕{serial}号"
            if canonical not in self._taken:
                break
            serial += 1
        self._taken.add(canonical)
        self._next[(code, year)] = serial + self._rng.randint(1, 5)
        return serial, canonical

    def take(self, canonical: str) -> bool:
        if canonical in self._taken:
            return False
        self._taken.add(canonical)
        return True


def print_number(
    rng: Random, code: str, year: int, serial: int | str, *, header: bool = False
) -> str:
    """A number as a document prints it: bracket variants, sometimes a space before 号."""
    # A header nearly always prints 〔〕; citations in running text vary more.
    if header and rng.random() >= 0.1:
        opening, closing = BRACKETS[0]
    else:
        opening, closing = rng.choices(BRACKETS, weights=BRACKET_WEIGHTS)[0]
    space = " " if rng.random() < (0.03 if header else 0.12) else ""
    return f"{code}{opening}{year}{closing}{serial}{space}号"


class _Writer:
    """Builds one document's text: places, people, numbers and citations on demand."""

    def __init__(self, gen: _Generator, doc: GeneratedDoc, place: Place, rng: Random) -> None:
        self.g, self.doc, self.place, self.rng = gen, doc, place, rng
        self.year = int(doc.date[:4])
        # Some PDF converters pad every run of digits with spaces ("全市 20 个").
        self.spaced = rng.random() < 0.3
        self.cite_budget = rng.randint(2, 7) if doc.type != "答复" else rng.randint(1, 4)
        self._cited: set[str] = set()
        self.consortia = 0  # consortium sentences so far; a few per document read naturally
        self.used: set[tuple[int, int]] = set()  # sentence frames used, to avoid repeats
        self._hospitals: list[str] | None = None
        self._units: list[str] | None = None
        lc = place.level_char if place.level != "national" else ""
        self.lc = {"州": "州", "市": "市", "区": "区", "县": "县", "省": "省"}.get(lc, "")
        self.self_word = {"省": "我省", "市": "我市", "州": "我州", "区": "我区", "县": "我县"}.get(
            lc, "各地"
        )
        self.area_word = {"省": "全省", "市": "全市", "州": "全州", "区": "全区", "县": "全县"}.get(
            lc, "全国"
        )

    # -- small pieces

    def num(self, lo: int, hi: int) -> str:
        v = str(self.rng.randint(lo, hi))
        return f" {v} " if self.spaced else v

    def big(self, lo: int) -> str:
        """A population in 万, scaled to the level of the place."""
        hi = {"national": 30000, "provincial": 3000, "prefecture": 400}.get(self.place.level, 60)
        return self.dec(lo, hi)

    def dec(self, lo: float, hi: float) -> str:
        v = f"{self.rng.uniform(lo, hi):.2f}"
        return f" {v}" if self.spaced else v

    def yr(self, back: int = 3) -> str:
        y = self.rng.randint(max(FIRST_YEAR - 3, self.year - back), self.year)
        return f" {y} 年" if self.spaced else f"{y}年"

    def person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def prog(self) -> str:
        name, tail = self.rng.choice(PROGRAMMES)
        return f"“{name}”{tail}"

    def agency(self, short: str) -> str:
        if self.place.level == "national":
            return short
        lc = "市" if self.lc == "州" else self.lc
        return lc + short

    # -- institutions from real division names

    def hospitals(self) -> list[str]:
        if self._hospitals is None:
            self._hospitals = self._make_hospitals()
        return self._hospitals

    def _make_hospitals(self) -> list[str]:
        g, p, r = self.g.geo, self.place, self.rng
        out: list[str] = []
        if p.level == "national":
            return out
        if p.level == "provincial":
            out += [p.name + "人民医院", p.name + "中医医院", p.name + "妇幼保健院"]
            order, cum = g.cities_of[p.province]
            for _ in range(2 if order else 0):
                name = g.cities[_pick(r, order, cum)][0]
                out += [name + "人民医院", name + "中心医院"]
            return out
        if p.level == "prefecture":
            name = g.cities[p.city][0]
            out += [
                name + "人民医院",
                name + "第一人民医院",
                name + "中医医院",
                name + "妇幼保健院",
            ]
            if p.city in g.counties_of:
                for _ in range(2):
                    county = g.counties[_pick(r, *g.counties_of[p.city])][0]
                    out += [county + "人民医院", county + "中医医院"]
            return out
        county = g.counties[p.county][0]
        return [county + "人民医院", county + "中医医院", county + "妇幼保健院"]

    def units(self) -> list[str]:
        """Township health centres and community health centres of the place."""
        if self._units is None:
            g, p, r = self.g.geo, self.place, self.rng
            county = p.county
            if not county:
                parent = p.city or p.province
                if parent in g.counties_of:
                    county = _pick(r, *g.counties_of[parent])
            towns = g.towns.get(county, [])
            streets = g.streets.get(county, [])
            picked = r.sample(towns, min(len(towns), 6)) + r.sample(streets, min(len(streets), 2))
            self._units = [
                t
                + (
                    "社区卫生服务中心"
                    if t.endswith("街道")
                    else "中心卫生院"
                    if r.random() < 0.25
                    else "卫生院"
                )
                for t in picked
            ] or ["中心卫生院"]
        return self._units

    def unit(self) -> str:
        return self.rng.choice(self.units())

    def hospital(self) -> str:
        hs = self.hospitals()
        return self.rng.choice(hs) if hs else self.rng.choice(self.units())

    # -- citations

    def cite(self, *, allow_bare_number: bool = True) -> str | None:
        """A citation of an earlier document, recorded for the manifest."""
        if self.cite_budget <= 0:
            return None
        target = self.g.draw_target(self, self.rng)
        if target is None:
            return None
        number, code, year, serial, title, source = target
        key = number or title
        if key in self._cited:
            return None
        self._cited.add(key)
        self.cite_budget -= 1
        r = self.rng
        roll = r.random()
        if number is None:
            form = "title"
        elif roll < 0.6:
            form = "title+number"
        elif roll < 0.8 and allow_bare_number:
            form = "number"
        else:
            form = "title"
        self.doc.cites.append(CiteRecord(number, title, form, source))
        self.g.cited[key] += 1
        if form == "title":
            return f"《{title}》"
        printed = print_number(r, code, year, serial)
        if form == "number":
            return printed + "文件"
        paren = ("（", "）") if r.random() < 0.85 else ("(", ")")
        return f"《{title}》{paren[0]}{printed}{paren[1]}"

    def cites(self, k: int) -> str:
        found = [c for c in (self.cite(allow_bare_number=False) for _ in range(k)) if c]
        if not found:
            return ""
        return "、".join(found) if self.rng.random() < 0.6 else "".join(found)


# Sentence frames.  Each takes the writer and returns one sentence ending in 。
Frame = Callable[[_Writer], str]

STAT_FRAMES: Final[tuple[Frame, ...]] = (
    lambda w: (
        f"{w.yr()}{w.area_word}基本公共卫生服务项目人均财政补助标准达到{w.num(79, 99)}元，资金均足额拨付。"
    ),
    lambda w: (
        f"{w.area_word}乡镇卫生院标准化建设率达{w.dec(80, 99.9)}%，{w.num(2, 30)}家乡镇卫生院达到服务能力推荐标准。"
    ),
    lambda w: (
        f"{w.yr()}{w.area_word}家庭医生签约服务覆盖{w.big(1)}万人，重点人群签约率为{w.dec(60, 90)}%。"
    ),
    lambda w: (
        f"争取上级财政补助资金{w.num(100, 9000)}万元，改扩建基层医疗卫生机构业务用房{w.num(3, 60)}处。"
    ),
    lambda w: (
        f"累计开展远程影像诊断{w.num(1000, 90000)}人次、远程心电诊断{w.num(1000, 90000)}人次。"
    ),
    lambda w: (
        f"{w.area_word}基层医疗卫生机构核定编制{w.num(300, 9000)}个，编制使用率达到{w.dec(85, 99)}%。"
    ),
    lambda w: (
        f"{w.area_word}村卫生室标准化建设覆盖率达{w.dec(85, 100)}%，{w.num(20, 300)}个村卫生室纳入乡村一体化管理。"
    ),
    lambda w: (
        f"上级医疗机构下派医疗技术人员{w.num(20, 400)}人次，组建家庭医生团队{w.num(30, 900)}个。"
    ),
    lambda w: f"{w.yr()}新增基层胸痛救治单元{w.num(2, 30)}家、卒中防治站{w.num(2, 30)}家。",
    lambda w: (
        f"近三年累计定向培养医学生{w.num(50, 900)}名，招聘基层卫生专业技术人员{w.num(20, 600)}名。"
    ),
    lambda w: (
        f"{w.yr()}{w.area_word}基层医疗卫生机构诊疗量占比达到{w.dec(45, 70)}%，较上年提高{w.dec(0.5, 5)}个百分点。"
    ),
    lambda w: (
        f"{w.area_word}二级及以上公立医院{w.num(5, 80)}家实现检查检验结果互认，互认项目{w.num(10, 120)}项。"
    ),
    lambda w: (
        f"{w.area_word}每千人口执业（助理）医师数达到{w.dec(2, 4)}人，全科医生{w.num(50, 3000)}名。"
    ),
    lambda w: f"{w.yr()}城乡居民医保政策范围内住院费用报销比例稳定在{w.num(60, 75)}%左右。",
)
GENERAL_FRAMES: Final[tuple[Frame, ...]] = (
    lambda w: f"持续推广应用{w.prog()}，组织基层医务人员开展专题培训，提高基层诊疗水平。",
    lambda w: (
        f"{w.area_word}所有乡镇卫生院和社区卫生服务中心参与{w.prog()}，规范服务管理，提升服务质量。"
    ),
    lambda w: f"推动{w.prog()}提质扩面，重点人群签约服务覆盖率稳步提升。",
    lambda w: f"统筹推进{w.prog()}，加强绩效评价，强化结果运用。",
    lambda w: "健全乡村医生进入和退出机制，落实乡村医生养老保障待遇，稳定乡村医生队伍。",
    lambda w: "完善双向转诊标准和流程，推动形成基层首诊、双向转诊、急慢分治、上下联动的就医格局。",
    lambda w: "加强基层医疗卫生机构发热诊室和预防接种门诊建设，提升突发公共卫生事件应对能力。",
    lambda w: "建立健全人才激励机制，推动卫生人才“县管乡用”“乡聘村用”，落实基层岗位倾斜政策。",
    lambda w: "完善全民健康信息平台，推进电子病历、电子健康档案和医保结算信息互联互通。",
    lambda w: "落实“两个允许”要求，合理核定基层医疗卫生机构绩效工资总量，向一线业务骨干倾斜。",
    lambda w: "将基层医疗卫生机构基本建设和设备购置等发展建设支出纳入财政预算，足额保障人员经费。",
    lambda w: "强化医保基金监管，推进按病种付费和按床日付费，引导参保群众基层首诊。",
    lambda w: "加强中医馆建设，推广针灸、推拿、拔罐等中医药适宜技术，满足群众多样化需求。",
    lambda w: "以老年人、儿童、孕产妇和慢性病患者为重点，做实健康管理服务，提升群众获得感。",
    lambda w: f"{w.self_word}将{w.prog()}纳入年度重点工作，定期调度，跟踪问效。",
    lambda w: "规范基层用药管理，推动上下级医疗机构用药目录衔接，保障群众用药需求。",
)
LOCAL_FRAMES: Final[tuple[Frame, ...]] = (
    lambda w: f"选派{w.hospital()}骨干医师到{w.unit()}开展特色专科建设，帮带培养基层医疗骨干。",
    lambda w: f"{w.hospital()}与{w.unit()}签订紧密型医共体合作协议，推进优质医疗资源下沉。",
    lambda w: f"依托{w.hospital()}建设区域影像、心电诊断中心，实现“基层检查、上级诊断”。",
    lambda w: f"加强{w.unit()}发热诊室建设，提升传染病早期发现和处置能力。",
    lambda w: f"{w.hospital()}派驻专家到{w.unit()}担任业务副院长，每周坐诊、查房、带教。",
    lambda w: f"支持{w.unit()}建设县域医疗服务次中心，参照二级医院标准配置设备和人员。",
    lambda w: f"{w.unit()}获评“优质服务基层行”推荐标准单位，服务能力明显提升。",
    lambda w: f"在{w.unit()}试点“名医基层工作站”，由{w.hospital()}专家定期坐诊。",
)
CITE_FRAMES: Final[tuple[Callable[[_Writer, str], str], ...]] = (
    lambda w, c: f"按照{c}要求，{w.self_word}结合实际细化工作措施，逐项抓好落实。",
    lambda w, c: f"全面贯彻落实{c}精神，推动各项政策落地见效。",
    lambda w, c: f"对照{c}的要求，细化任务，建立台账，明确工作重点。",
    lambda w, c: f"认真落实{c}，对相关工作作出部署。",
    lambda w, c: f"根据{c}，进一步明确了职责分工和完成时限。",
)


def consortium_sentence(w: _Writer) -> str:
    """A named 医共体 with its lead and members."""
    r = w.rng
    hs = w.hospitals()
    lead = r.choice(hs[:3] if len(hs) >= 3 else hs) if hs else None
    members = r.sample(w.units(), min(len(w.units()), r.randint(2, 4)))
    m = "、".join(members)
    if lead is None:
        return f"推进{m}等基层医疗卫生机构一体化管理，提升服务能力。"
    choice = r.randrange(4)
    if choice == 0:
        return f"以{lead}为牵头单位，{m}为成员单位，组建{lead}医共体。"
    if choice == 1:
        return f"{lead}医共体由{lead}牵头，{m}等{len(members)}家基层医疗卫生机构为成员单位。"
    if choice == 2:
        return f"{lead}牵头组建{lead}医共体，成员单位包括{m}。"
    other = r.choice(hs)
    if other == lead:
        return f"有序推进{lead}医共体建设，探索医共体升级为医疗集团的路径和模式。"
    return f"有序推进{lead}医共体、{other}医共体建设，强化牵头医院对成员单位的指导帮扶。"


def _fresh(w: _Writer, frames: tuple[Frame, ...]) -> str:
    """A sentence from a frame this document has not used yet, where one is left."""
    r = w.rng
    i = r.randrange(len(frames))
    for _ in range(3):
        if (id(frames), i) not in w.used:
            break
        i = r.randrange(len(frames))
    w.used.add((id(frames), i))
    return frames[i](w)


def paragraph(w: _Writer, n: int, *, cite_p: float = 0.35, consortium_p: float = 0.25) -> str:
    r = w.rng
    local = w.place.level != "national"
    parts: list[str] = []
    for _ in range(n):
        roll = r.random()
        if roll < cite_p and w.cite_budget > 0:
            c = w.cite()
            if c:
                parts.append(r.choice(CITE_FRAMES)(w, c))
                continue
        if local and roll < cite_p + consortium_p * 0.3 and w.consortia < 3:
            w.consortia += 1
            parts.append(consortium_sentence(w))
        elif roll < 0.7:
            frames = LOCAL_FRAMES if local and r.random() < 0.35 else GENERAL_FRAMES
            parts.append(_fresh(w, frames))
        else:
            parts.append(_fresh(w, STAT_FRAMES))
    return "".join(parts)


# --------------------------------------------------------------------------- templates


def _date_line(date: str) -> str:
    y, m, d = date.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def _responsible(w: _Writer) -> str:
    r = w.rng
    if w.place.level == "national":
        lead, others = "国家卫生健康委", NATIONAL_AGENCIES[1:]
    else:
        lc = "市" if w.lc == "州" else w.lc
        lead, others = w.agency(LEAD_AGENCY[lc]), tuple(w.agency(a) for a in OTHER_AGENCIES[lc])
    picked = r.sample(others, r.randint(1, 4))
    if r.random() < 0.5:
        units = (
            (
                [f"各{'乡镇（街道）' if w.lc in ('区', '县') else '县市区'}"]
                if r.random() < 0.4
                else []
            )
            + [lead]
            + picked
        )
        return f"[责任单位：{'、'.join(units)}]"
    return f"（{lead}牵头，{'、'.join(picked)}等按职责分工负责）"


def _addressees(w: _Writer, issuer: Issuer) -> str:
    lvl = w.place.level
    if lvl == "national":
        if issuer.kind == "office":
            return "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
        if w.year < HEALTH_RENAMED["national"]:
            return "各省、自治区、直辖市及新疆生产建设兵团卫生计生委、中医药局："
        return "各省、自治区、直辖市及新疆生产建设兵团卫生健康委、医保局、中医药局："
    if lvl == "provincial":
        if issuer.kind in ("gov", "office"):
            return "各市州人民政府，省政府各厅委、各直属机构："
        return "各市州卫生健康委、医疗保障局，委直各单位："
    if lvl == "prefecture":
        if issuer.kind in ("gov", "office"):
            return "各县（市、区）人民政府，市直各有关单位："
        return "各县市区卫生健康局，委直各单位："
    if issuer.kind in ("gov", "office"):
        return (
            "各乡镇人民政府，街道办事处，县直各有关单位："
            if w.lc == "县"
            else "各乡、镇人民政府，街道办事处，区直各有关单位："
        )
    return "各乡镇卫生院、社区卫生服务中心，局直各单位："


def _signature(w: _Writer, issuer: Issuer) -> list[str]:
    r = w.rng
    out = [issuer.name, _date_line(w.doc.date)]
    if r.random() < 0.5:
        out.append(r.choice(("（此件主动公开）", "(此件主动公开)", "（信息公开形式：主动公开）")))
    return out


def _task_section(w: _Writer, heading: int, groups: int) -> list[str]:
    r = w.rng
    out = [f"{_cn(heading)}、重点任务"]
    k = 1
    for gi, group in enumerate(r.sample(TASK_GROUPS, groups), start=1):
        out.append(f"（{_cn(gi)}）{group}")
        for task in r.sample(TASKS, r.randint(2, 4)):
            body = paragraph(w, r.randint(2, 4), cite_p=0.2, consortium_p=0.5)
            out.append(f"{k}. {task}。{body}{_responsible(w)}")
            k += 1
    return out


def _opinion_tasks(w: _Writer, heading: int) -> list[str]:
    r = w.rng
    out = [f"{_cn(heading)}、主要任务"]
    for gi, task in enumerate(r.sample(TASKS, r.randint(4, 7)), start=1):
        body = paragraph(w, r.randint(2, 4), cite_p=0.2)
        out.append(f"（{_cn(gi)}）{task}。{body}{_responsible(w)}")
    return out


def _safeguards(w: _Writer, heading: int) -> list[str]:
    r = w.rng
    out = [f"{_cn(heading)}、保障措施"]
    for gi, s in enumerate(r.sample(SAFEGUARDS, r.randint(2, 4)), start=1):
        out.append(
            f"（{_cn(gi)}）{s}。{paragraph(w, r.randint(1, 2), cite_p=0.0, consortium_p=0.0)}"
        )
    return out


def _preamble(w: _Writer, aim: str) -> str:
    c = w.cites(w.rng.randint(1, 3))
    basis = f"根据{c}等文件精神，" if c else ""
    place = w.place.name if w.place.level != "national" else ""
    where = f"结合{place}实际，" if place else ""
    return f"为{aim}，{basis}{where}"


def write_notice_issue(
    w: _Writer, issuer: Issuer, printed: str, plan: str, topic: str
) -> list[str]:
    r = w.rng
    head: list[str] = []
    if r.random() < 0.3:
        head.append(
            "".join(r.choice("ABCDEFGHJKLMNPQRSTWXYZ") for _ in range(4))
            + f"—{w.year}—{r.randint(1, 9999):05d}"
        )
    head.append(printed)
    title = w.doc.title
    if r.random() < 0.3:
        # A PDF title printed on two lines, in bold.
        cut = title.index("印发")
        head.append(f"**{title[:cut]}\n{title[cut:]}**")
    else:
        head.append(title)
    head.append(_addressees(w, issuer))
    approved = r.choice(
        (
            "已经研究同意",
            f"已经{w.agency('人民政府') if w.place.level != 'national' else '国务院'}同意",
            "已经审议通过",
        )
    )
    head.append(f"《{plan}》{approved}，现印发给你们，请结合实际认真贯彻执行。")
    head += _signature(w, issuer)
    body = [plan, _preamble(w, topic) + "制定本方案。"]
    body += ["一、总体要求", paragraph(w, r.randint(2, 4), cite_p=0.15)]
    body += [
        "二、工作目标",
        f"到{w.year + r.randint(2, 5)}年，{paragraph(w, r.randint(1, 3), cite_p=0.0, consortium_p=0.0)}",
    ]
    body += _task_section(w, 3, r.randint(2, 4))
    body += _safeguards(w, 4)
    return head + body


def write_notice_work(w: _Writer, issuer: Issuer, printed: str, topic: str) -> list[str]:
    r = w.rng
    out = [issuer.name, printed, w.doc.title, _addressees(w, issuer)]
    c = w.cites(r.randint(1, 2))
    basis = f"为贯彻落实{c}要求，" if c else "为进一步做好相关工作，"
    out.append(f"{basis}决定在{w.area_word}开展{topic}工作。现将有关事项通知如下：")
    out += ["一、工作目标", paragraph(w, r.randint(2, 3), cite_p=0.1)]
    out.append("二、工作内容")
    for gi, task in enumerate(r.sample(TASKS, r.randint(3, 5)), start=1):
        out.append(f"（{_cn(gi)}）{task}。{paragraph(w, r.randint(2, 4))}")
    out += ["三、工作要求", paragraph(w, r.randint(2, 3), cite_p=0.2, consortium_p=0.0)]
    out += _signature(w, issuer)
    return out


def write_opinion(w: _Writer, issuer: Issuer, printed: str, topic: str) -> list[str]:
    r = w.rng
    out = [
        issuer.name + ("文件" if r.random() < 0.3 else ""),
        printed,
        w.doc.title,
        _addressees(w, issuer),
    ]
    out.append(_preamble(w, topic) + f"现提出如下{w.doc.type}。")
    out += ["一、总体要求", paragraph(w, r.randint(2, 4), cite_p=0.1)]
    out += _opinion_tasks(w, 2)
    out += _safeguards(w, 3)
    out += _signature(w, issuer)
    return out


def write_reply(w: _Writer, issuer: Issuer, printed: str, answered: dict[str, str]) -> list[str]:
    r = w.rng
    out = [issuer.name]
    style = r.randrange(3)
    disclosure = r.choice(DISCLOSURE)
    if style == 0:
        out.append(f"{printed}{r.choice(('A', 'A1类', 'B'))} {disclosure}")
    elif style == 1:
        out += [r.choice(("A", "(A)")), disclosure, printed]
    else:
        out += [f"签发人：{w.person()}", printed, "(A)"]
    out.append(answered["printed_title"])
    out.append(answered["salutation"])
    you = answered["you"]
    out.append(
        f"{you}提出的《{answered['title']}》收悉，{r.choice(('现答复如下：', '经认真研究，现答复如下：', '感谢对卫生健康工作的支持，现答复如下：'))}"
    )
    out.append(paragraph(w, r.randint(1, 3), cite_p=0.4, consortium_p=0.2))
    bold = r.random() < 0.35
    for si, section in enumerate(r.sample(REPLY_SECTIONS, r.randint(2, 5)), start=1):
        out.append(f"{_cn(si)}、{'关于' if r.random() < 0.6 else ''}{section}")
        if r.random() < 0.4:
            points = []
            for pi in range(1, r.randint(2, 4) + 1):
                lead = f"{_cn(pi)}是{r.choice(TASKS)}。"
                points.append((f"**{lead}**" if bold else lead) + paragraph(w, r.randint(1, 3)))
            out.append("".join(points))
        else:
            out.append(paragraph(w, r.randint(3, 6), consortium_p=0.35))
    out.append(
        f"感谢{you}对{'卫生健康' if issuer.kind != 'insurance' else '医疗保障'}工作的关心和支持。"
    )
    if r.random() < 0.4:
        out.append("以上答复，如有不妥，请批评指正。")
    out += [issuer.name, _date_line(w.doc.date)]
    if r.random() < 0.5:
        out.append(f"{r.choice(('承办负责人', '主管领导', '联系人'))}：{w.person()}")
    if r.random() < 0.4:
        out.append(f"抄送：{answered['copy']}")
    return out


# --------------------------------------------------------------------------- artefacts

_SAFE_SPLIT: Final = re.compile(r"[\u4e00-\u9fff]{12}")
_UNSAFE: Final = set("《》〔〕﹝﹞[]【】()（）“”*：:0123456789")
_PAIRS: Final = (("《", "》"), ("（", "）"), ("“", "”"), ("[", "]"), ("**", "**"))


def _balanced(text: str) -> bool:
    return all(
        text.count(o) == text.count(c) if o != c else text.count(o) % 2 == 0 for o, c in _PAIRS
    )


def page_breaks(blocks: list[str], rng: Random, k: int) -> list[str]:
    """Split ``k`` long paragraphs in two mid-sentence, the way a page break does."""
    long = [i for i, b in enumerate(blocks) if len(b) > 120 and "。" in b]
    for i in rng.sample(long, min(k, len(long))):
        text = blocks[i]
        # Never inside a title, a number or brackets: the manifest promises that every
        # citation is printed whole, and a split title tests ingest, not the service.
        runs = [
            m
            for m in _SAFE_SPLIT.finditer(text, 40)
            if not (_UNSAFE & set(text[m.start() - 12 : m.end() + 12]))
            and _balanced(text[: m.start() + 6])
        ]
        if not runs:
            continue
        m = rng.choice(runs)
        cut = m.start() + 6
        gap = "\n\n" if rng.random() < 0.8 else "\n\n \n"
        blocks[i] = text[:cut] + gap + text[cut:]
    return blocks


# --------------------------------------------------------------------------- generator

LEVELS: Final = ("national", "provincial", "prefecture", "county")
LEVEL_WEIGHTS: Final = (6, 20, 38, 36)
# Per level: weights of (notice issuing a plan, work notice, opinion, reply).
TYPE_WEIGHTS: Final = {
    "national": (40, 25, 35, 0),
    "provincial": (35, 25, 25, 15),
    "prefecture": (25, 15, 15, 45),
    "county": (30, 15, 15, 40),
}


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)
        self.geo = load_geography(self.rng)
        self.catalogue, catalogue_numbers = load_catalogue()
        self.catalogue_dates = [d.date for d in self.catalogue]
        self.numbering = _Numbering(catalogue_numbers, self.rng)
        self.docs: list[GeneratedDoc] = []
        # Preferential attachment: a document sits in its pool once, plus once for
        # every citation it receives, so a uniform draw favours the well-cited.
        self.pools: dict[str, list[int]] = {}
        self.members: dict[str, list[int]] = {}
        self.catalogue_pool: list[int] = []
        self.cited: Counter[str] = Counter()

    def draw_target(
        self, w: _Writer, rng: Random
    ) -> tuple[str | None, str, int, str | int, str, str] | None:
        place = w.place
        scopes = ["CN"]
        if place.province:
            scopes.append("P" + place.province)
        if place.city:
            scopes.append("C" + place.city)
        if place.county:
            scopes.append("A" + place.county)
        if rng.random() < 0.45:
            # Nearest jurisdiction first: a county cites its county, city and province.
            scope = rng.choices(scopes, weights=[1, 3, 3, 2][: len(scopes)])[0]
            pool = self.pools.get(scope)
            if pool:
                # Half by attachment, half uniform over the scope's documents: a pure
                # attachment process lets the first national document take a fifth of
                # all citations.
                members = self.members[scope]
                d = self.docs[rng.choice(pool if rng.random() < 0.5 else members)]
                pool.append(d.index)
                return d.number, d.code, d.year, d.serial, d.cite_title, "generated"
        limit = bisect.bisect_left(self.catalogue_dates, w.doc.date)
        if limit == 0:
            return None
        # A fresh pick leans to recent documents: policy cites the current rules.
        fresh = limit - 1 - int(limit * rng.random() ** 2)
        if self.catalogue_pool and rng.random() < 0.35:
            i = rng.choice(self.catalogue_pool)
            # Not yet issued, or superseded long ago: attachment alone would keep a
            # 1980s document at the top for good.
            if i >= limit or int(self.catalogue_dates[i][:4]) < w.year - 10:
                i = fresh
        else:
            i = fresh
        self.catalogue_pool.append(i)
        d = self.catalogue[i]
        return d.number, d.code, d.year, d.serial, d.title, "catalogue"

    def make(self, index: int, date: str) -> tuple[GeneratedDoc, str]:
        r = self.rng
        level = r.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
        place = draw_place(self.geo, r, level)
        level = place.level
        kind = r.choices(("issue", "work", "opinion", "reply"), weights=TYPE_WEIGHTS[level])[0]
        issuers = issuers_of(place, int(date[:4]))
        if kind == "reply":
            issuer = r.choices(
                issuers,
                weights=[3 if i.kind == "gov" else 4 if i.kind == "health" else 1 for i in issuers],
            )[0]
        elif kind == "opinion":
            issuer = r.choice([i for i in issuers if i.kind in ("gov", "office", "health")])
        else:
            issuer = r.choice(issuers)
        year = int(date[:4])
        # Letters (函) and register codes (字) answer; 发 codes issue policy.
        letters = [c for c in issuer.codes if c.endswith(("函", "字"))]
        policy = [c for c in issuer.codes if not c.endswith("函")] or list(issuer.codes)
        code = r.choice(letters if kind == "reply" and letters and r.random() < 0.6 else policy)
        answered: dict[str, str] = {}
        printed: str
        if kind == "reply" and place.level == "county" and r.random() < 0.05:
            # Some county replies carry only a register number: (2023)字第26号.
            serial = r.randint(1, 60)
            while not self.numbering.take(docno.normalise(f"({year})字第{serial}号")):
                serial += 1
            printed, code = f"({year})字第{serial}号", ""
        else:
            serial, _ = self.numbering.issue(code, year)
            printed = print_number(r, code, year, serial, header=True)
        number = docno.normalise(printed)
        topic = r.choice(TOPICS)
        place_word = place.name if place.level != "national" else ""
        if kind == "issue":
            plan_kind = r.choice(PLAN_KINDS)
            plan = f"{place_word}{topic}{plan_kind}"
            if plan_kind == "三年行动计划":
                plan += f"（{year}—{year + 2}年）"
            title = f"{issuer.name}{'印发' if r.random() < 0.5 else '关于印发'}《{plan}》的通知"
            doc_type = "通知"
        elif kind == "work":
            work = f"{year}年{r.choice(WORK_TOPICS)}"
            title = f"关于开展{work}工作的通知"
            doc_type = "通知"
        elif kind == "opinion":
            doc_type = r.choice(
                {"national": ("意见", "指导意见"), "county": ("实施意见", "意见")}.get(
                    level, ("实施意见", "意见", "指导意见")
                )
            )
            title = f"{issuer.name if r.random() < 0.5 else ''}关于{topic}的{doc_type}"
        else:
            answered = self._answered(place, issuer, r)
            title = answered["doc_title"]
            doc_type = "函" if title.endswith("函") else "答复"
        cite_title = title if title.startswith(issuer.name) else issuer.name + title
        # Inside 《》 a nested title takes 〈〉: 《关于印发〈…方案〉的通知》.
        cite_title = cite_title.replace("《", "〈").replace("》", "〉")
        scope = ""
        if kind != "reply":
            scope = {
                "national": "CN",
                "provincial": "P" + place.province,
                "prefecture": "C" + place.city,
                "county": "A" + place.county,
            }[level]
        doc = GeneratedDoc(
            index,
            number,
            code,
            year,
            serial,
            title,
            cite_title,
            issuer.name,
            level,
            place.full,
            doc_type,
            date,
            scope,
        )
        w = _Writer(self, doc, place, r)
        if kind == "issue":
            blocks = write_notice_issue(w, issuer, printed, plan, topic)
        elif kind == "work":
            blocks = write_notice_work(w, issuer, printed, work)
        elif kind == "opinion":
            blocks = write_opinion(w, issuer, printed, topic)
        else:
            blocks = write_reply(w, issuer, printed, answered)
        blocks = page_breaks(blocks, r, r.choice((0, 1, 1, 2, 3)))
        text = "\n\n" + "\n\n".join(blocks) + "\n"
        if scope:
            self.pools.setdefault(scope, []).append(index)
            self.members.setdefault(scope, []).append(index)
        self.docs.append(doc)
        return doc, text

    def _answered(self, place: Place, issuer: Issuer, r: Random) -> dict[str, str]:
        npc = r.random() < 0.35
        term, sitting = _cn(r.randint(5, 15)), _cn(r.randint(1, 5))
        serial = str(r.randint(1, 400))
        if r.random() < 0.2:
            serial = serial.zfill(3)
        elif r.random() < 0.1:
            serial = f"{r.randint(10, 99)}{r.randint(1000, 9999)}"
        lc = {"provincial": "省", "prefecture": "市", "county": place.level_char}.get(
            place.level, "市"
        )
        lc = "市" if lc == "州" else lc
        gap = " " if r.random() < 0.15 else ""
        mark = "\x00"  # where a stray space may go
        topic = r.choice(PROPOSAL_TOPICS)
        if npc:
            session = f"{lc}{term}届人大{sitting}次会议"
            kind, role = "建议", "代表"
            copy = f"{lc}人大常委会代表工作委员会"
        else:
            session = f"{lc}政协{term}届{sitting}次会议"
            kind, role = "提案", "委员"
            copy = f"{lc}政协提案委员会"
        if r.random() < 0.3 and not npc:
            doc_title = f"{issuer.name}关于{lc}政协{mark}{term}届{sitting}次会议第{serial}号提案办理意见的函"
        else:
            doc_title = f"对{session}第{mark}{serial}{mark}号{kind}的{mark}答复"
        if not npc and place.level in ("provincial", "prefecture") and r.random() < 0.25:
            salutation = f"{r.choice(PARTIES)}{place.name}委："
            you = "你们"
        else:
            name = "".join(
                (r.choice(SURNAMES), *(r.choice(GIVEN) for _ in range(r.choice((1, 2)))))
            )
            salutation = f"{name}{'等' if r.random() < 0.1 else ''}{role}："
            you = "您"
        title = f"关于{topic}的{kind}" if r.random() < 0.8 else topic
        return {
            # The manifest keeps the title as issued; the text prints the converter's
            # stray spaces ("市政协 五届二次会议", "提案的 答复").
            "doc_title": doc_title.replace("\x00", ""),
            "printed_title": doc_title.replace("\x00", gap),
            "salutation": salutation,
            "you": you,
            "title": title,
            "copy": copy,
        }


def _dates(rng: Random, count: int) -> list[str]:
    """``count`` dates in order, between FIRST_YEAR and LAST_YEAR."""
    import datetime as dt

    start = dt.date(FIRST_YEAR, 1, 1).toordinal()
    end = dt.date(LAST_YEAR, 12, 31).toordinal()
    days = sorted(rng.randint(start, end) for _ in range(count))
    return [dt.date.fromordinal(d).isoformat() for d in days]


def generate(
    count: int,
    out: Path | str,
    seed: int = 1,
    *,
    manifest: Path | str | None = None,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Write ``count`` documents into ``out`` (and the manifest); same seed, same bytes."""
    if count < 1:
        raise ConfigError(f"count must be at least 1, not {count}")
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{target} exists and is not a directory; pass a folder for the corpus")
    target.mkdir(parents=True, exist_ok=True)
    old = [p for p in target.iterdir() if _NAME_RE.match(p.name)]
    if old and not overwrite:
        raise ConfigError(
            f"{target} already holds {len(old)} generated documents; pass overwrite=True "
            "(--overwrite) to replace them, or choose another folder"
        )
    for p in old:
        p.unlink()

    started = time.perf_counter()
    gen = _Generator(seed)
    dates = _dates(gen.rng, count)
    width = max(5, len(str(count - 1)))
    total = 0
    step = max(1, count // 10)
    for i, date in enumerate(dates):
        doc, text = gen.make(i, date)
        data = text.encode("utf-8")
        doc.file = f"{i:0{width}d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
        (target / doc.file).write_bytes(data)
        total += len(data)
        if progress is not None and ((i + 1) % step == 0 or i + 1 == count):
            progress(i + 1, count)

    if manifest is not None:
        write_manifest(Path(manifest), gen, seed)
    most = tuple(gen.cited.most_common(10))
    return Summary(count, total, time.perf_counter() - started, sum(gen.cited.values()), most)


def write_manifest(path: Path, gen: _Generator, seed: int) -> None:
    """Per document its number and what it cites; plus the most-cited numbers."""
    generated = {d.number for d in gen.docs}
    numbered = Counter({k: v for k, v in gen.cited.items() if "号" in k})
    payload = {
        "generator": "benchmarks/generate_corpus.py",
        "seed": seed,
        "count": len(gen.docs),
        # Well-cited numbers for cited-by queries: over all, and among generated documents.
        "most_cited": [{"number": k, "cited_by": v} for k, v in numbered.most_common(20)],
        "most_cited_generated": [
            {"number": k, "cited_by": v}
            for k, v in Counter({k: v for k, v in numbered.items() if k in generated}).most_common(
                20
            )
        ],
        "documents": [
            {
                "file": d.file,
                "number": d.number,
                "title": d.title,
                "issuer": d.issuer,
                "level": d.level,
                "jurisdiction": d.jurisdiction,
                "type": d.type,
                "date": d.date,
                "cites": [
                    {"number": c.number, "title": c.title, "form": c.form, "source": c.source}
                    for c in d.cites
                ],
            }
            for d in gen.docs
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="documents to write (default 1000)")
    parser.add_argument("--out", type=Path, default=Path("var/bench-corpus"), help="output folder")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same bytes)")
    parser.add_argument(
        "--manifest",
        type=Path,
        default=None,
        help="write a JSON manifest: each document's number and the numbers it cites",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace documents a previous run left in --out"
    )
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")

    def report(done: int, total: int) -> None:
        print(f"  {done:>{len(str(total))}}/{total} documents", flush=True)

    try:
        summary = generate(
            args.count,
            args.out,
            args.seed,
            manifest=args.manifest,
            overwrite=args.overwrite,
            progress=report,
        )
    except ConfigError as exc:
        parser.error(str(exc))
    mb = summary.bytes / 1_000_000
    print(
        f"wrote {summary.files} files, {mb:.1f} MB, to {args.out} in {summary.seconds:.1f} s "
        f"({summary.citations} citations)"
    )
    if summary.most_cited:
        top = ", ".join(f"{k} ×{v}" for k, v in summary.most_cited[:5])
        print(f"most cited: {top}")
    if args.manifest is not None:
        print(f"manifest: {args.manifest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
