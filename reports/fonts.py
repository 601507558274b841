"""Finding a font with Chinese glyphs for charts and PDFs — or refusing to draw tofu boxes.

The font comes from ``HANDINHAND_CJK_FONT`` (a .ttf/.otf/.ttc path), else a full system font
below, else the GB 2312 subset of WenQuanYi Micro Hei shipped in ``reports/fonts/`` (so a fresh
machine needs no system package; see its README). Should none be usable, every report raises
`MissingCjkFont` instead of silently rendering boxes.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

__all__ = ["CANDIDATES", "MissingCjkFont", "cjk_font"]

CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path(__file__).resolve().parent / "fonts" / "wqy-microhei-gb2312.ttf",
)
_SAMPLE = "整改完成率大手小手"


class MissingCjkFont(RuntimeError):
    """No usable font with Chinese glyphs; the message says how to install one."""

    def __init__(self) -> None:
        super().__init__(
            "no font with Chinese glyphs found: install one (Debian: apt-get install -y "
            "fonts-wqy-microhei) or set HANDINHAND_CJK_FONT to a .ttf/.otf/.ttc file"
        )


def _has_glyphs(path: Path) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError):
        return False
    charmap = font.get_charmap()
    return all(ord(ch) in charmap for ch in _SAMPLE)


@cache
def cjk_font() -> Path:
    """The font file to use for Chinese text.

    Raises:
        MissingCjkFont: if neither the setting nor any known system font has Chinese glyphs.
    """
    configured = os.environ.get("HANDINHAND_CJK_FONT")
    for path in ([Path(configured)] if configured else []) + list(CANDIDATES):
        if path.is_file() and _has_glyphs(path):
            return path
    raise MissingCjkFont()
