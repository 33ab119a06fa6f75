"""The one font every PDF of grantledger is written in: a CJK TrueType font, embedded and subset by reportlab.

A form must print the same on any machine and in any reader: with no font
pack, without poppler-data, in Adobe Reader on a clerk's PC. So no PDF names a
font it does not carry — not reportlab's CID font STSong-Light, not the base-14
Helvetica (the canvas's initial font is set to ours too). reportlab embeds only
the glyphs a document uses (a few tens of kB).

Where the font comes from, first found wins:

1. ``GRANTLEDGER_PDF_FONT``: a ``.ttf`` or ``.ttc`` file (``FILE.ttc#N`` picks
   the N-th face of a collection) — for a machine with its own font;
2. Debian's ``fonts-wqy-microhei`` (文泉驿微米黑, TrueType outlines, Latin
   glyphs included), what ``scripts/test`` installs; then ``fonts-wqy-zenhei``
   and ``fonts-droid-fallback``; then 黑体/微软雅黑 where Windows keeps them.

Noto CJK and Source Han are OpenType/CFF: reportlab cannot embed those, so a
file like that is refused in words. When none is found the command says which
package to install (``NOT_FOUND``); it never falls back to a font that is not
embedded.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ledger import errors

ENV = "GRANTLEDGER_PDF_FONT"
PACKAGE = "fonts-wqy-microhei"
NAME = "GrantLedgerCJK"
# (file, face in a collection, Debian package or where it comes from)
CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, "fonts-wqy-microhei"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0, "fonts-droid-fallback"),
    ("C:/Windows/Fonts/msyh.ttc", 0, "Windows 微软雅黑"),
    ("C:/Windows/Fonts/simhei.ttf", 0, "Windows 黑体"),
)


def candidates() -> list[tuple[str, int]]:
    """The files tried, in order: the environment's choice first (alone, when given)."""
    given = os.environ.get(ENV, "").strip()
    if given:
        path, _, face = given.partition("#")
        if face and not face.isdigit():
            raise errors.invalid(f"{ENV}={given}: # 后应是字体集中的序号 (如 wqy-zenhei.ttc#0)")
        return [(path, int(face or 0))]
    return [(path, face) for path, face, _ in CANDIDATES]


def find() -> tuple[str, int]:
    for path, face in candidates():
        if Path(path).is_file():
            return path, face
    if os.environ.get(ENV, "").strip():
        raise errors.not_found(f"{ENV} 指定的字体文件不存在: {os.environ[ENV]}")
    raise errors.not_found(
        "没有找到可嵌入 PDF 的中文 TrueType 字体, 凭证没有生成: 请安装 Debian 软件包 "
        f"{PACKAGE} (sudo apt-get install {PACKAGE}), 或设置环境变量 {ENV}=字体文件.ttf|.ttc "
        "(须是 TrueType 轮廓; Noto CJK 等 OpenType/CFF 字体 reportlab 无法嵌入)"
    )


@functools.cache
def _registered(path: str, face: int) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        font = TTFont(NAME, path, subfontIndex=face)
    except (TTFError, OSError, IndexError) as exc:
        raise errors.invalid(
            f"字体 {path} (第 {face} 个字形集) 无法嵌入 PDF: {exc}; 需要 TrueType 轮廓的中文字体, 如 {PACKAGE}"
        ) from None
    pdfmetrics.registerFont(font)
    return NAME


def register() -> str:
    """Register the CJK font with reportlab (once a process) and return its name for styles and canvases."""
    return _registered(*find())


def canvas_options() -> dict[str, object]:
    """Keyword arguments for a reportlab document template so its canvas starts in our font (no Helvetica)."""
    return {"initialFontName": register(), "initialFontSize": 10}
