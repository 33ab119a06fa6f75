"""统一社会信用代码 (unified social credit code), checked per GB 32100-2015.

Eighteen characters: registering authority (1), organisation category (1),
administrative division (6), organisation code (9), check character (1).
The alphabet is the 31 characters ``0-9`` and ``A-Y`` without ``I O S V Z``;
the check character makes the weighted sum of all 18 a multiple of 31.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, …

# GB 32100-2015 附录A: 登记管理部门代码 → 机构类别代码 it may issue.
CATEGORIES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直管群众团体, 其他
    "2": "19",  # 外交
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业
    "Y": "1",  # 其他
}


class USCCError(ValueError):
    """A code that is not a valid 统一社会信用代码."""


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    """Upper-case and validate a code; return it or raise ``USCCError`` saying what is wrong."""
    text = code.strip().upper() if isinstance(code, str) else ""
    if len(text) != 18:
        raise USCCError(f"统一社会信用代码须为 18 位, {code!r} 有 {len(text)} 位")
    bad = sorted({ch for ch in text if ch not in _VALUE})
    if bad:
        raise USCCError(f"统一社会信用代码 {text} 含有 GB 32100-2015 不允许的字符: {''.join(bad)}")
    authority, category, division = text[0], text[1], text[2:8]
    if authority not in CATEGORIES:
        raise USCCError(f"统一社会信用代码 {text}: 未知的登记管理部门代码 {authority!r}")
    if category not in CATEGORIES[authority]:
        raise USCCError(f"统一社会信用代码 {text}: 机构类别代码 {category!r} 不由登记管理部门 {authority!r} 赋予")
    if not division.isdigit():
        raise USCCError(f"统一社会信用代码 {text}: 登记管理机关行政区划码 {division!r} 须为 6 位数字")
    expected = check_character(text[:17])
    if text[17] != expected:
        raise USCCError(f"统一社会信用代码 {text}: 校验码是 {text[17]!r}, 应为 {expected!r} (请核对代码)")
    return text


def make(first17: str) -> str:
    """Complete 17 characters with their check character (for tests and the demo)."""
    return first17 + check_character(first17)
