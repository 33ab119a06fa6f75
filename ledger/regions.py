"""The administrative divisions of the two cities whose policies the catalogue holds, as 6-digit codes.

A unit registered by a provincial or national authority is placed in a city with ``unit register --region``;
within Qingdao (3702xx) and Weihai (3710xx) only a division that exists (or existed while 统一社会信用代码
were issued, from 2015-10) is accepted. Codes of other places are not checked here: they name a place the
catalogue's clauses do not cover, and the rules refuse them as NOT_ELIGIBLE.

Source: 中华人民共和国县以上行政区划代码 (民政部, GB/T 2260), 2023; 即墨市 370282 became 即墨区 370215
(国函〔2017〕96号, 2017-07); the development zones are 统计用区划代码 (国家统计局, 2023) 功能区 codes, which
their market-regulation bureaus use as the registering authority.
"""

from __future__ import annotations

DIVISIONS: dict[str, str] = {
    # 青岛市
    "370200": "青岛市",
    "370202": "市南区",
    "370203": "市北区",
    "370211": "黄岛区",
    "370212": "崂山区",
    "370213": "李沧区",
    "370214": "城阳区",
    "370215": "即墨区",
    "370271": "青岛高新技术产业开发区",
    "370281": "胶州市",
    "370282": "即墨市 (2017年撤市设区前)",
    "370283": "平度市",
    "370285": "莱西市",
    # 威海市
    "371000": "威海市",
    "371002": "环翠区",
    "371003": "文登区",
    "371071": "威海火炬高技术产业开发区",
    "371072": "威海经济技术开发区",
    "371073": "威海临港经济技术开发区",
    "371082": "荣成市",
    "371083": "乳山市",
}
CHECKED = {"3702": "青岛市", "3710": "威海市"}


def unknown_division(region: str) -> str | None:
    """Why a 3702xx/3710xx code names no division of its city (None: it does, or it is another city's)."""
    city = CHECKED.get(region[:4])
    if city is None or region in DIVISIONS:
        return None
    known = "、".join(f"{code} {name}" for code, name in DIVISIONS.items() if code.startswith(region[:4]))
    return f"{region} 不是{city}的行政区划代码; {city}的代码为: {known}"
