"""Draw a printout ``Sheet`` as PNG or PDF with Pillow and the system's Chinese font.

The font is Debian's fonts-noto-cjk (installed by scripts/setup), found at run time; without it there is no
way to print Chinese, so ``FontMissing`` says what to install instead of drawing empty boxes. The PDF holds the
page as one image at the sheet's resolution, so its page size is exactly A3 or A4.
"""

from __future__ import annotations

import io
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from anxin.core.i18n import gettext
from anxin.places.epimap.printout import Box, Label, Sheet

FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"))
REGULAR = "NotoSansCJK-Regular.ttc"
BOLD = "NotoSansCJK-Bold.ttc"
# The collection holds Japanese, Korean, Simplified and Traditional faces; the map is Simplified Chinese.
FAMILY = "Noto Sans CJK SC"
PNG_COMPRESS_LEVEL = 3  # zlib 3 instead of 6: a third of the encoding time, files about 1.5 times larger
JPEG_QUALITY = 90


class FontMissing(RuntimeError):
    pass


def _find(name: str) -> Path | None:
    return next((folder / name for folder in FONT_DIRS if (folder / name).is_file()), None)


@cache
def font_file(bold: bool = False) -> tuple[Path, int]:
    """(path, face index) of the Simplified Chinese face; bold falls back to regular."""
    path = (_find(BOLD) if bold else None) or _find(REGULAR)
    if path is None:
        raise FontMissing(
            gettext("未找到中文字体 %(font)s：请安装 Debian 软件包 fonts-noto-cjk（scripts/setup 会安装）")
            % {"font": REGULAR}
        )
    for index in range(16):
        try:
            face = ImageFont.truetype(str(path), 12, index=index)
        except OSError:
            break
        if face.getname()[0] == FAMILY:
            return path, index
    return path, 0


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    path, index = font_file(bold)
    return ImageFont.truetype(str(path), size, index=index)


@lru_cache(maxsize=4096)
def _stamp(text: str, size: int, bold: bool, anchor: str) -> tuple[Image.Image, int, int]:
    """A label drawn once as a mask, with its offset from the anchor point. The same unit numbers recur in
    every building ("1802" fifteen times), so pasting a cached mask halves the drawing time of a sheet."""
    font = _font(size, bold)
    left, top, right, bottom = font.getbbox(text, anchor=anchor)
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=255, font=font, anchor=anchor)
    return mask, left, top


def _draw(sheet: Sheet) -> Image.Image:
    image = Image.new("RGB", (sheet.width, sheet.height), "#ffffff")
    pen = ImageDraw.Draw(image)
    for item in sheet.items:
        if isinstance(item, Box):
            pen.rectangle(
                (item.x, item.y, item.x + item.w, item.y + item.h),
                fill=item.fill,
                outline=item.stroke,
                width=round(item.line) if item.stroke else 0,
            )
        elif isinstance(item, Label):
            mask, left, top = _stamp(item.text, max(1, round(item.size)), item.bold, item.anchor)
            image.paste(item.fill, (round(item.x) + left, round(item.y) + top), mask)
    return image


def render_png(sheet: Sheet) -> bytes:
    out = io.BytesIO()
    _draw(sheet).save(out, format="PNG", dpi=(sheet.dpi, sheet.dpi), compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue()


def render_pdf(sheet: Sheet) -> bytes:
    out = io.BytesIO()
    _draw(sheet).save(
        out,
        format="PDF",
        resolution=sheet.dpi,
        quality=JPEG_QUALITY,
        subsampling=0,  # full-resolution colour: the cells' edges and the red stay sharp
        title=sheet.title,
        creator="Anxin",
    )
    return out.getvalue()
