"""The episode format (narration or conversation) and the show's two hosts.

    format: conversation          # podcast.yaml or <slug>.yaml; --format / FORMAT= win
    hosts:                        # podcast.yaml: the lead host first
      - name: Claire
        voice: {en: kokoro:af_heart, fr: kokoro:ff_siwis}
      - name: Hugo
        voice: {en: piper, fr: "kokoro:ff_siwis*0.3+am_michael*0.7"}

A voice is `engine` or `engine:voice` (pipeline.tts.voices). The default
voices were chosen by numbers heard on the first pass (docs/conversation.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError

FORMATS = ("narration", "conversation")
DEFAULT_FORMAT = "narration"
# One female and one male voice per language, told apart by pitch (tests/test_conversation_audio.py).
DEFAULT_HOSTS: tuple[dict[str, Any], ...] = (
    {"name": "Claire", "voice": {"en": "kokoro:af_heart", "fr": "kokoro:ff_siwis"}},
    {"name": "Hugo", "voice": {"en": "piper", "fr": "kokoro:ff_siwis*0.3+am_michael*0.7"}},
)


@dataclass(frozen=True)
class Host:
    name: str
    voices: tuple[tuple[str, str], ...]      # (language, voice spec), sorted

    def voice(self, lang: str) -> str:
        base = lang.split("-")[0].lower()
        found = dict(self.voices).get(base)
        if found is None:
            raise InputError(f"host {self.name} has no voice for language {base!r}",
                             f"add `{base}: kokoro:...` under that host's `voice:` in podcast.yaml")
        return found


def check_format(value, where: str) -> str:
    if value not in FORMATS:
        raise InputError(f"{where}: format {value!r} is not one of {', '.join(FORMATS)}",
                         "write format: narration or format: conversation")
    return str(value)


def parse_hosts(raw, where: str) -> list[dict]:
    """podcast.yaml's `hosts:` checked: two hosts, each a name and a voice per language."""
    if not isinstance(raw, list) or len(raw) != 2:
        raise InputError(f"{where}: hosts must be a list of two hosts",
                         "give each a `name:` and a `voice:` mapping of language to voice")
    out: list[dict[str, Any]] = []
    for i, host in enumerate(raw, 1):
        if not isinstance(host, dict) or set(host) - {"name", "voice"}:
            raise InputError(f"{where}: host {i} must have only `name:` and `voice:`",
                             "e.g. {name: Claire, voice: {en: kokoro:af_heart, fr: kokoro:ff_siwis}}")
        name, voice = str(host.get("name") or "").strip(), host.get("voice")
        if not name or not isinstance(voice, dict) or not voice:
            raise InputError(f"{where}: host {i} needs a name and a voice per language",
                             "e.g. voice: {en: kokoro:af_heart, fr: kokoro:ff_siwis}")
        out.append({"name": name, "voice": {str(k).lower(): str(v) for k, v in voice.items()}})
    if out[0]["name"].casefold() == out[1]["name"].casefold():
        raise InputError(f"{where}: both hosts are named {out[0]['name']!r}", "give them two names")
    return out


def hosts_of(hosts: list | None) -> tuple[Host, Host]:
    """The lead host and the co-host of a show config (pipeline.config.show.show_config)."""
    raw = hosts or DEFAULT_HOSTS
    lead, co = (Host(h["name"], tuple(sorted(h["voice"].items()))) for h in raw)
    return lead, co


def resolve_format(asked: str | None, settings_format: str | None, show_format: str | None) -> str:
    """--format, else the episode settings' format, else podcast.yaml's, else narration."""
    chosen = asked or settings_format or show_format or DEFAULT_FORMAT
    return check_format(chosen, "--format" if asked else "settings")
