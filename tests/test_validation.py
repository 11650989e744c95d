"""Values out of range are refused with one clear line; YAML errors say where
and what in one line, not PyYAML's nine-line excerpt."""

import pytest

from pipeline.config.episode import load_settings
from pipeline.errors import InputError
from pipeline.ingest import ingest


def settings_error(tmp_path, text: str) -> InputError:
    (tmp_path / "post.md").write_text("# x\n")
    (tmp_path / "post.yaml").write_text(text)
    with pytest.raises(InputError) as e:
        load_settings(tmp_path / "post.md")
    return e.value


@pytest.mark.parametrize("text, cause, fix", [
    ("episode_number: -5\n", "episode_number -5 is out of range", "use 1 to"),
    ("episode_number: 0\n", "episode_number 0 is out of range", "use 1 to"),
    ("channels: 6\n", "channels 6 is out of range", "mono or stereo"),
    ("pause_ms: -100\n", "pause_ms -100 is out of range", "ms"),
    ("loudness_lufs: 20\n", "loudness_lufs 20 is out of range", "LUFS"),
    ("rate: 9\n", "rate 9 is out of range", "0.5 to 2.0"),
])
def test_settings_out_of_range(tmp_path, text, cause, fix):
    e = settings_error(tmp_path, text)
    assert cause in e.cause and fix in e.fix


def test_good_settings_pass(tmp_path):
    (tmp_path / "post.md").write_text("# x\n")
    (tmp_path / "post.yaml").write_text("episode_number: 7\nchannels: 2\npause_ms: 0\n")
    s = load_settings(tmp_path / "post.md")
    assert (s.episode_number, s.channels, s.pause_ms) == (7, 2, 0)


def test_settings_yaml_error_is_one_line(tmp_path):
    e = settings_error(tmp_path, "tts: espeak\nshow: Numbers: Heard\n")
    assert "\n" not in e.cause
    assert "line 2, column 14: mapping values are not allowed here" in e.cause


def test_front_matter_yaml_error_is_one_line_with_the_post_line(tmp_path):
    src = tmp_path / "post.md"
    src.write_text("---\ntitle: Bikes\ndate: 2024: up\n---\n\n# Bikes\n\nIn 2024 we rode 42 km.\n")
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "post.json")
    assert "\n" not in e.value.cause and len(e.value.message.splitlines()) == 2
    assert "line 3, column 11: mapping values are not allowed here" in e.value.cause
    assert "'---'" in e.value.fix
