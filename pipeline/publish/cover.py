"""Cover art check: the image is decoded far enough to know it is whole and fit.

Apple Podcasts takes square JPEG or PNG art, 1400 to 3000 px, RGB. The bytes
are embedded in every MP3 (ID3 APIC), so a size cap keeps episodes small, and
the header is decoded rather than trusted: a PNG's chunks must all pass their
CRC and its pixel data must inflate to exactly the declared size; a JPEG's
segments must chain from SOI to its frame header and the file must end at EOI.
No image library is needed for that much.
"""

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

MIN_PX, MAX_PX = 1400, 3000
MAX_BYTES = 1 << 20          # 1 MiB; Apple's guidance is "ideally under 512 KB"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_CHANNELS = {2: 3, 3: 1, 6: 4}        # colour type -> samples per pixel (RGB kinds only)
JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
FIX = f"use a square RGB JPEG or PNG of {MIN_PX}-{MAX_PX} px under {MAX_BYTES // 1024} KB as cover"


@dataclass
class Cover:
    mime: str
    width: int
    height: int


def check_cover(path: str | Path) -> Cover:
    """The cover's type and size, or an InputError naming what is wrong with it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"cover {path.name} is {size // 1024} KB, over the "
                             f"{MAX_BYTES // 1024} KB cap", FIX)
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cover image unreadable: {path}: {e.strerror}",
                         "check the cover setting") from None
    if data.startswith(PNG_SIGNATURE):
        cover = Cover("image/png", *_png_size(data, path.name))
    elif data.startswith(b"\xff\xd8\xff"):
        cover = Cover("image/jpeg", *_jpeg_size(data, path.name))
    else:
        raise InputError(f"cover {path.name} is neither a JPEG nor a PNG image", FIX)
    if cover.width != cover.height or not MIN_PX <= cover.width <= MAX_PX:
        raise InputError(f"cover {path.name} is {cover.width}x{cover.height} px; "
                         f"podcast apps want a square of {MIN_PX} to {MAX_PX} px", FIX)
    return cover


def _broken(name: str, what: str) -> InputError:
    return InputError(f"cover {name} is not a valid image ({what})", FIX)


def _png_size(data: bytes, name: str) -> tuple[int, int]:
    chunks = list(_png_chunks(data, name))
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise _broken(name, "PNG without a header chunk")
    if chunks[-1][0] != b"IEND":
        raise _broken(name, "PNG cut short: no end chunk")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if colour not in PNG_CHANNELS:
        raise InputError(f"cover {name} is a greyscale PNG; podcast apps want RGB", FIX)
    if max(width, height) > MAX_PX or min(width, height) < 1:
        return width, height       # refused for its size before any inflating
    pixels = b"".join(body for kind, body in chunks if kind == b"IDAT")
    row = 1 + (width * PNG_CHANNELS[colour] * depth + 7) // 8
    _inflate_exactly(pixels, row * height, exact=not interlace, name=name)
    return width, height


def _png_chunks(data: bytes, name: str):
    pos = len(PNG_SIGNATURE)
    while pos < len(data):
        if pos + 12 > len(data):
            raise _broken(name, "PNG cut short")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise _broken(name, "PNG cut short")
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise _broken(name, f"PNG chunk {kind!r} fails its checksum")
        yield kind, body
        pos += 12 + length
        if kind == b"IEND":
            return


def _inflate_exactly(stream: bytes, expected: int, exact: bool, name: str) -> None:
    """Inflate the pixel data in pieces, never keeping it and never past twice the
    declared size (a bomb stops there), and check it is complete."""
    d, total = zlib.decompressobj(), 0
    try:
        total += len(d.decompress(stream, 1 << 20))
        while d.unconsumed_tail and total <= 2 * expected:
            total += len(d.decompress(d.unconsumed_tail, 1 << 20))
        total += len(d.flush())
    except zlib.error:
        raise _broken(name, "PNG pixel data is corrupt") from None
    if not d.eof or total > 2 * expected or (exact and total != expected):
        raise _broken(name, "PNG pixel data is incomplete or oversized")


def _jpeg_size(data: bytes, name: str) -> tuple[int, int]:
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise _broken(name, "JPEG cut short: no end marker")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise _broken(name, "JPEG segments do not chain")
        marker = data[pos + 1]
        if marker == 0xFF:                  # fill byte
            pos += 1
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise _broken(name, "JPEG segment runs past the end")
        if marker in JPEG_SOF:
            if length < 8:
                raise _broken(name, "JPEG frame header too short")
            height, width, components = struct.unpack(">HHB", data[pos + 5:pos + 10])
            if components != 3:
                raise InputError(f"cover {name} is a {'greyscale' if components == 1 else 'CMYK'} "
                                 "JPEG; podcast apps want RGB", FIX)
            return width, height
        if marker == 0xDA:                  # scan data before any frame header
            break
        pos += 2 + length
    raise _broken(name, "JPEG without a frame header")
