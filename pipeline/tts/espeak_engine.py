"""espeak-ng through ctypes on the library shipped by PyPI's espeakng-loader.

No espeak-ng binary is needed. The library is process-global (one voice, one
callback at a time), so every call holds a module lock and it is initialized
once per process.
"""

from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path

from ..audio.wav import write_wav
from ..errors import EngineError, EngineUnavailable
from .base import check_request

# espeak-ng/speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
_EE_OK = 0
DEFAULT_WPM = 175  # espeak's own default speed, words per minute

_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)

_lock = threading.Lock()
_state: dict = {}  # lib, sample_rate, callback, chunks, version, error


def _init_locked() -> dict:
    """Load and initialize the library once. Caller holds _lock."""
    if "lib" in _state:
        return _state
    if "error" in _state:
        raise EngineUnavailable(_state["error"], "pip install espeakng-loader==0.2.4")
    try:
        import espeakng_loader

        lib_path = espeakng_loader.get_library_path()
        data_path = espeakng_loader.get_data_path()
        lib = ctypes.CDLL(lib_path)
    except (ImportError, OSError, RuntimeError) as e:
        _state["error"] = f"espeak-ng library not loadable: {e}"
        raise EngineUnavailable(_state["error"], "pip install espeakng-loader==0.2.4") from e

    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
        ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
    lib.espeak_Info.restype = ctypes.c_char_p

    rate = lib.espeak_Initialize(
        _AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _ESPEAK_INITIALIZE_DONT_EXIT
    )
    if rate <= 0:
        _state["error"] = f"espeak_Initialize failed ({rate}) with data at {data_path}"
        raise EngineUnavailable(_state["error"])

    chunks: list[bytes] = []

    def _on_audio(wav, numsamples, _events):
        if numsamples > 0 and wav:
            chunks.append(ctypes.string_at(wav, numsamples * 2))
        return 0  # 0 = continue

    callback = _SYNTH_CALLBACK(_on_audio)  # keep a reference: ctypes does not
    lib.espeak_SetSynthCallback(callback)
    version = (lib.espeak_Info(None) or b"?").decode("ascii", "replace")
    _state.update(lib=lib, sample_rate=rate, callback=callback, chunks=chunks, version=version)
    return _state


class EspeakEngine:
    name = "espeak"
    offline = True

    def __init__(self, voices: dict[str, str] | None = None):
        # lang -> espeak voice name; env PIPELINE_ESPEAK_VOICE_<LANG> also works.
        self._voices = dict(voices or {})
        self._supported: dict[str, bool] = {}

    def _voice(self, lang: str) -> str:
        env = os.environ.get(f"PIPELINE_ESPEAK_VOICE_{lang.upper().replace('-', '_')}")
        return self._voices.get(lang) or env or lang

    def supports(self, lang: str) -> bool:
        voice = self._voice(lang)
        if voice not in self._supported:
            try:
                with _lock:
                    st = _init_locked()
                    self._supported[voice] = st["lib"].espeak_SetVoiceByName(voice.encode()) == _EE_OK
            except EngineUnavailable:
                return False
        return self._supported[voice]

    def voice_id(self, lang: str) -> str:
        with _lock:
            version = _init_locked()["version"]
        return f"espeak-ng {version} voice={self._voice(lang)}"

    def synthesize(self, text: str, lang: str, out_wav: Path, rate: float = 1.0) -> None:
        check_request(text)   # the rate is clamped to espeak's words per minute below
        voice = self._voice(lang)
        data = text.encode("utf-8") + b"\0"
        with _lock:
            st = _init_locked()
            lib = st["lib"]
            if lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
                raise EngineUnavailable(
                    f"espeak-ng has no voice {voice!r} for language {lang!r}",
                    "pick another engine, or set PIPELINE_ESPEAK_VOICE_<LANG>",
                )
            wpm = max(80, min(450, round(DEFAULT_WPM * rate)))
            lib.espeak_SetParameter(_ESPEAK_RATE, wpm, 0)
            st["chunks"].clear()
            err = lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, _ESPEAK_CHARS_UTF8, None, None
            )
            pcm = b"".join(st["chunks"])
            st["chunks"].clear()
            sample_rate = st["sample_rate"]
        if err != _EE_OK:
            raise EngineError(f"espeak_Synth failed with code {err}")
        write_wav(out_wav, pcm, sample_rate)
