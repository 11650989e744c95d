"""Cover art is decoded, not sniffed: a whole square RGB JPEG or PNG of
1400-3000 px under the size cap, else a clear InputError."""

import os
import struct
import zlib

import pytest

from pipeline.audio.ffmpeg import run_ffmpeg
from pipeline.config.episode import load_settings
from pipeline.errors import InputError
from pipeline.publish.cover import MAX_BYTES, check_cover


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, colour: int = 2, pixels: bytes | None = None) -> bytes:
    channels = {0: 1, 2: 3, 6: 4}[colour]
    if pixels is None:
        pixels = zlib.compress((b"\x00" + b"\x80" * width * channels) * height, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def jpeg(tmp_path_factory):
    """A real 1400 px JPEG made by ffmpeg."""
    out = tmp_path_factory.mktemp("jpeg") / "cover.jpg"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=1400x1400", "-frames:v", "1", "-q:v", "5", str(out)],
               "cannot make the test JPEG")
    return out.read_bytes()


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_good_covers_pass(tmp_path, jpeg):
    assert check_cover(write(tmp_path, "a.png", png(1400, 1400))).mime == "image/png"
    assert check_cover(write(tmp_path, "b.png", png(3000, 3000, colour=6))).width == 3000
    c = check_cover(write(tmp_path, "c.jpg", jpeg))
    assert (c.mime, c.width, c.height) == ("image/jpeg", 1400, 1400)


@pytest.mark.parametrize("make, message", [
    (lambda j: png(100000, 100000, pixels=zlib.compress(b"\x00" * 1000)), "100000x100000 px"),
    (lambda j: png(1000, 1000), "1000x1000 px"),
    (lambda j: png(1400, 1500), "square"),
    (lambda j: png(1400, 1400, colour=0), "greyscale"),
    (lambda j: png(1400, 1400)[:-40], "cut short"),
    (lambda j: png(1400, 1400, pixels=zlib.compress(b"\x00" * 1000)), "incomplete"),
    (lambda j: png(1400, 1400, pixels=os.urandom(5000)), "corrupt"),
    (lambda j: b"\x89PNG\r\n\x1a\n" + os.urandom(200_000), "not a valid image"),
    (lambda j: b"\xff\xd8\xff" + os.urandom(200_000), "not a valid image"),
    (lambda j: j[: len(j) // 2], "cut short"),
    (lambda j: b"\xff\xd8\xff\xe0" + os.urandom(MAX_BYTES), "KB cap"),
    (lambda j: b"<html>not an image</html>", "neither a JPEG nor a PNG"),
])
def test_bad_covers_are_refused(tmp_path, jpeg, make, message):
    path = write(tmp_path, "cover.bin", make(jpeg))
    with pytest.raises(InputError) as e:
        check_cover(path)
    assert message in str(e.value) and "1400-3000 px" in e.value.fix


def test_settings_refuse_a_bad_cover_before_any_work(tmp_path):
    (tmp_path / "post.md").write_text("# x\n")
    write(tmp_path, "art.png", png(100000, 100000, pixels=zlib.compress(b"\x00" * 1000)))
    (tmp_path / "post.yaml").write_text("cover: art.png\n")
    with pytest.raises(InputError, match="square of 1400 to 3000 px"):
        load_settings(tmp_path / "post.md")
