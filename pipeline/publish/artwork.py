"""The show's cover art, the image the feed's itunes:image points at.

    url = show_artwork(cfg, episodes_dir)

podcast.yaml `artwork`:
  unset          a square cover is drawn from the show's title (Pillow) into
                 episodes/artwork.jpg, rewritten only when its bytes change
  a file         checked (pipeline.publish.cover: square JPEG/PNG, 1400-3000 px) and
                 copied into episodes/ as artwork.jpg or artwork.png
  an http(s) URL used as it is (the image lives elsewhere)
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
from pathlib import Path

from .. import fsio
from ..urls import is_http_url
from .cover import check_cover

SIDE_PX = 1400                   # Apple's minimum; the drawn cover stays small
MARGIN_PX = 140
FONT_SIZES = (200, 170, 140, 120, 100, 84, 70, 60)
GENERATED = "artwork.jpg"
# Fonts with accents and more, found by name in the system's font folders; else
# Pillow's bundled font, which has ASCII only (the title is then transliterated).
SYSTEM_FONTS = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LiberationSans-Bold.ttf", "Arial.ttf")
JPEG_QUALITY = 90


def show_artwork(cfg: dict, episodes_dir: str | Path) -> str:
    """The cover's public URL; its file written into episodes_dir when it is ours to serve."""
    art = cfg.get("artwork")
    if is_http_url(art):
        local = Path(episodes_dir) / art[len(cfg["base_url"]):]
        if art.startswith(cfg["base_url"]) and not local.is_file():
            logging.getLogger(__name__).warning(f"artwork {art} is served from {local}, which does not exist: "
                  "podcast apps will get a 404 (unset artwork to have one drawn)")
        return art
    if art:
        name = copy_cover(art, Path(episodes_dir), "artwork").name
    else:
        name = GENERATED
        _write_if_changed(Path(episodes_dir) / name, draw_cover(cfg["title"]))
    return cfg["base_url"] + name


def copy_cover(source: str | Path, folder: Path, stem: str) -> Path:
    """A user's image, checked (square JPEG/PNG, 1400-3000 px), copied as folder/stem.jpg|png."""
    mime = check_cover(source).mime
    target = Path(folder) / (stem + (".png" if mime == "image/png" else ".jpg"))
    _write_if_changed(target, Path(source).read_bytes())
    return target


def _write_if_changed(path: Path, data: bytes) -> None:
    if not (path.is_file() and path.read_bytes() == data):
        fsio.write_bytes(path, data)


def draw_cover(title: str) -> bytes:
    """A 1400 px square RGB JPEG: the title, wrapped and centred, on a colour of its own."""
    from PIL import Image, ImageDraw

    digest = hashlib.sha256(title.encode("utf-8")).digest()
    background = tuple(40 + b % 90 for b in digest[:3])      # dark enough for white text
    image = Image.new("RGB", (SIDE_PX, SIDE_PX), background)
    draw = ImageDraw.Draw(image)
    width = SIDE_PX - 2 * MARGIN_PX
    for size in FONT_SIZES:
        font, ascii_only = _font(size)
        if ascii_only:
            title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
        lines = wrap(title, lambda s, font=font: draw.textlength(s, font=font), width)
        height = len(lines) * size * 1.2
        if height <= width and all(draw.textlength(line, font=font) <= width for line in lines):
            break
    y = (SIDE_PX - height) / 2
    for line in lines:
        draw.text((SIDE_PX / 2, y), line, font=font, fill=(255, 255, 255), anchor="ma")
        y += size * 1.2
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _font(size: int):
    """(font, ascii_only): a system font with accents, else Pillow's bundled one."""
    from PIL import ImageFont

    for name in SYSTEM_FONTS:
        try:
            return ImageFont.truetype(name, size), False
        except OSError:
            continue
    return ImageFont.load_default(size=size), True


def wrap(text: str, measure, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the line is cut into pieces that fit."""
    lines: list[str] = []
    for word in text.split() or [""]:
        while len(word) > 1 and measure(word) > width:
            cut = max([i for i in range(1, len(word)) if measure(word[:i]) <= width] or [1])
            lines.append(word[:cut])
            word = word[cut:]
        if lines and measure(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
