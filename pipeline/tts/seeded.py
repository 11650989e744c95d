"""Seeded noise for ONNX voices: the same text and seed give the same audio.

piper's VITS voices sample noise inside the graph (`RandomNormalLike`, twice:
the duration predictor's and the flow's). onnxruntime seeds such a node once,
when the session is made, from the clock unless the node has a `seed`
attribute, and then its generator runs on from call to call: the same sentence
came out differently in every run and with every call before it. A seed
attribute would still tie a sentence's audio to the calls made before it in
the session, so the graph is rewritten instead (once, hash-checked): each
random node becomes a slice of a new graph input (`noise_0`, `noise_1`...)
shaped like the tensor it replaces, and `SeededSession.run` feeds those inputs
with noise drawn from numpy's PCG64 seeded by the caller's seed. Nothing else
in the graph changes, so the voice sounds as before (same distributions).

The fed noise is laid out time-major (the last axis varies slowest as drawn),
so a longer draw keeps the same values at the start; when a draw turns out
too short for the graph (its output is longer than guessed), the call is made
again with twice the length: the result depends only on the inputs and the seed.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from ..fsio import atomic_path, json_digest, sha256_file, write_text

log = logging.getLogger(__name__)

# Bump when the rewrite changes: every rewritten graph is made again.
REWRITE_VERSION = 1
NOISE_OPS = {"RandomNormalLike": "normal", "RandomUniformLike": "uniform"}
NOISE_PREFIX = "noise_"
# The first guess of a noise input's dynamic length, per element of the longest
# dynamic axis of the other inputs (piper: 1.3 frames per phoneme id measured at
# rate 1, so 2.6 at rate 0.5; a guess too short costs one more call, never other audio).
LENGTH_PER_INPUT = 8
MAX_DOUBLINGS = 8
# An unknown axis between batch and time: piper's duration noise is (1, 2, phonemes),
# and shape inference cannot tell the 2. Never 1, which would broadcast instead of failing.
WIDTH = 2


def rewrite(src: Path, dst: Path) -> list[dict]:
    """Write `src`'s graph to `dst` with every random node fed by an input; returns
    the noise inputs ({name, kind, dims (None where dynamic), mean, scale})."""
    model, noises = rewritten(src)
    with atomic_path(dst) as tmp:
        import onnx

        onnx.save(model, str(tmp))
    return noises


def rewritten(src: Path):
    """(`src`'s graph with every random node fed by an input, its noise inputs)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper, shape_inference

    model = onnx.load(str(src))
    try:
        inferred = shape_inference.infer_shapes(model)
    except Exception:  # noqa: BLE001 - ranks then come from the graph as it is
        inferred = model
    shapes = {}
    for vi in [*inferred.graph.value_info, *inferred.graph.input, *inferred.graph.output]:
        dims = vi.type.tensor_type.shape.dim
        shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else None for d in dims]
    graph = model.graph
    noises: list[dict] = []
    nodes = []
    for node in graph.node:
        kind = NOISE_OPS.get(node.op_type)
        if kind is None:
            nodes.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if attrs.get("dtype", TensorProto.FLOAT) != TensorProto.FLOAT:
            raise ValueError(f"{node.name}: only float noise is supported")
        like = node.input[0]
        dims = shapes.get(like) or shapes.get(node.output[0])
        if not dims:
            raise ValueError(f"{node.name}: the rank of {like} is unknown")
        i = len(noises)
        name = f"{NOISE_PREFIX}{i}"
        graph.input.append(helper.make_tensor_value_info(
            name, TensorProto.FLOAT, [d if d else f"{name}_d{k}" for k, d in enumerate(dims)]))
        graph.initializer.append(numpy_helper.from_array(
            np.zeros(len(dims), dtype=np.int64), f"{name}_starts"))
        nodes += [helper.make_node("Shape", [like], [f"{name}_shape"], name=f"{name}/Shape"),
                  helper.make_node("Slice", [name, f"{name}_starts", f"{name}_shape"], [node.output[0]],
                                   name=f"{name}/Slice")]
        if kind == "normal":
            mean, scale = float(attrs.get("mean", 0.0)), float(attrs.get("scale", 1.0))
        else:
            low, high = float(attrs.get("low", 0.0)), float(attrs.get("high", 1.0))
            mean, scale = low, high - low
        noises.append({"name": name, "kind": kind, "dims": dims, "mean": mean, "scale": scale})
    if not noises:
        raise ValueError(f"{src} samples no noise: nothing to seed")
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    return model, noises


def seeded_path(src: Path, folder: Path) -> Path:
    """Where `src`'s rewritten graph is kept in `folder` (named by what it is made from)."""
    st = src.stat()
    key = json_digest([str(src.resolve()), st.st_size, st.st_mtime_ns, REWRITE_VERSION])[:24]
    return folder / f"{src.stem}.{key}.seeded.onnx"


def _checked(path: Path) -> list[dict] | None:
    """The noise inputs of a rewritten graph whose bytes still have the recorded SHA-256."""
    import json

    meta = path.with_name(path.name + ".json")
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        if sha256_file(path) == info["sha256"]:
            return info["noises"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def seeded_graph(src: Path, folders: list[Path], look_in: list[Path] | None = None) -> tuple[Path, list[dict]]:
    """`src` rewritten (rewrite), from the first of `look_in` (default `folders`) that
    holds it intact, else made into the first of `folders` that can take it; its
    SHA-256 is recorded beside it and checked at every load (a damaged copy is
    made again)."""
    import json

    for folder in look_in or folders:
        path = seeded_path(src, folder)
        if path.is_file():
            noises = _checked(path)
            if noises is not None:
                return path, noises
            log.warning("rewritten voice %s does not match its recorded hash: making it again", path)
    err: Exception | None = None
    for folder in folders:
        path = seeded_path(src, folder)
        try:
            noises = rewrite(src, path)
            write_text(path.with_name(path.name + ".json"),
                       json.dumps({"source": src.name, "source_sha256": sha256_file(src),
                                   "sha256": sha256_file(path), "rewrite": REWRITE_VERSION,
                                   "noises": noises}, indent=1))
            return path, noises
        except OSError as e:   # a read-only models folder: the cache next
            err = e
    raise OSError(f"cannot write the seeded voice graph of {src}: {err}")


def guess(dims: list, length: int) -> list[int]:
    """A noise input's shape: its static dims, batch 1, the last (time) axis `length`,
    any other unknown axis WIDTH."""
    last = len(dims) - 1
    return [d if d else 1 if k == 0 else length if k == last else WIDTH for k, d in enumerate(dims)]


def _draw(noise: dict, seed: int, call: int, index: int, dims: list[int]):
    """Noise input `index` of the `call`-th run under `seed`, shaped `dims`."""
    import numpy as np

    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed & (2**63 - 1), call, index])))
    shape = tuple(reversed(dims))         # time-major: the last axis drawn slowest
    x = rng.standard_normal(shape, dtype=np.float32) if noise["kind"] == "normal" else \
        rng.random(shape, dtype=np.float32)
    x = np.ascontiguousarray(x.transpose(tuple(reversed(range(len(dims))))))
    if noise["scale"] != 1.0:
        x *= np.float32(noise["scale"])
    if noise["mean"] != 0.0:
        x += np.float32(noise["mean"])
    return x


class SeededSession:
    """An onnxruntime session of a rewritten graph that looks like the original's:
    `run(outputs, feed)` adds the noise inputs, drawn from the seed of the `seeded(seed)`
    block it runs in and the number of runs before it in that block (piper runs the
    graph once per sentence: each sentence gets its own noise). The seed and the count
    are the calling thread's: two threads speak two segments at once (onnxruntime's
    run is thread-safe), each with its own noise, the same as one after the other."""

    def __init__(self, session, noises: list[dict]):
        self._session = session
        self._noises = noises
        self._state = threading.local()

    def __getattr__(self, name):
        return getattr(self._session, name)

    def get_inputs(self):
        return [i for i in self._session.get_inputs() if not i.name.startswith(NOISE_PREFIX)]

    @property
    def seed(self) -> int:
        return getattr(self._state, "seed", 0)

    def seeded(self, seed: int):
        state = self._state

        class _Ctx:
            def __enter__(self_inner):
                state.seed, state.calls = int(seed), 0
                return self

            def __exit__(self_inner, *exc):
                state.seed, state.calls = 0, 0
                return False

        return _Ctx()

    def _next_call(self) -> int:
        call = getattr(self._state, "calls", 0)
        self._state.calls = call + 1
        return call

    def run(self, output_names, input_feed, run_options=None):
        import numpy as np

        longest = max((d for v in input_feed.values() for d in np.shape(v)[1:]), default=1)
        length = max(16, LENGTH_PER_INPUT * int(longest))
        if run_options is None:     # a draw too short is expected now and then: no error line for it
            import onnxruntime

            run_options = onnxruntime.RunOptions()
            run_options.log_severity_level = 4
        call = self._next_call()
        for _ in range(MAX_DOUBLINGS):
            feed = dict(input_feed)
            for i, noise in enumerate(self._noises):
                feed[noise["name"]] = _draw(noise, self.seed, call, i, guess(noise["dims"], length))
            try:
                return self._session.run(output_names, feed, run_options)
            except Exception as e:  # noqa: BLE001 - onnxruntime's own types: noise too short
                if "broadcast" not in str(e).lower() and "shape" not in str(e).lower():
                    raise
                log.debug("noise of length %d too short (%s): drawing twice as much", length, e)
                length *= 2
        raise RuntimeError(f"noise inputs of length {length} still too short")
