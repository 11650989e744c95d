"""The episode format (narration or conversation) and the show's two hosts.

    format: conversation          # podcast.yaml or <slug>.yaml; --format / FORMAT= win
    hosts:                        # podcast.yaml: the lead host first
      - name: Claire
        voice: {en: kokoro:af_heart, fr: kokoro:ff_siwis}
      - name: Hugo
        voice: {en: piper, fr: "kokoro:ff_siwis*0.3+am_michael*0.7"}

A voice is `engine` or `engine:voice` (pipeline.tts.voices). The default
voices were chosen by numbers heard on the first pass (docs/conversation.md).
When gTTS (online) is the episode's engine and `hosts:` is unset, the hosts
are two accents of the language (GTTS_HOSTS); a host whose voice is online
keeps the offline voice of their place in DEFAULT_HOSTS, spoken when the
network fails (`offline:` in script.yaml).
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
# gTTS as the engine: the same hosts in two accents (Google domains) of each language.
GTTS_HOSTS: tuple[dict[str, Any], ...] = (
    {"name": "Claire", "voice": {"en": "gtts:com", "fr": "gtts:fr"}},
    {"name": "Hugo", "voice": {"en": "gtts:co.uk", "fr": "gtts:ca"}},
)
ONLINE_ENGINES = ("gtts",)


def is_online(voice: str) -> bool:
    """True when the voice spec's engine needs the network."""
    return voice.partition(":")[0].strip() in ONLINE_ENGINES


@dataclass(frozen=True)
class Host:
    name: str
    voices: tuple[tuple[str, str], ...]      # (language, voice spec), sorted
    offline: tuple[tuple[str, str], ...] = ()    # (language, voice spec) when the voice is online

    def voice(self, lang: str) -> str:
        base = lang.split("-")[0].lower()
        found = dict(self.voices).get(base)
        if found is None:
            raise InputError(f"host {self.name} has no voice for language {base!r}",
                             f"add `{base}: kokoro:...` under that host's `voice:` in podcast.yaml")
        return found

    def offline_voice(self, lang: str) -> str | None:
        """The voice spoken when this host's online voice cannot be reached (None: not online)."""
        if not is_online(self.voice(lang)):
            return None
        return dict(self.offline).get(lang.split("-")[0].lower())

    def as_script(self, lang: str) -> dict[str, str]:
        """This host as script.yaml's `hosts:` lists them."""
        offline = self.offline_voice(lang)
        return {"name": self.name, "voice": self.voice(lang), **({"offline": offline} if offline else {})}


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
        check_accents(out[-1]["voice"], f"{where}: host {i}")
    if out[0]["name"].casefold() == out[1]["name"].casefold():
        raise InputError(f"{where}: both hosts are named {out[0]['name']!r}", "give them two names")
    return out


def check_accents(voices: dict[str, str], where: str) -> None:
    """A gTTS voice's accent is one of its language's (pipeline.tts.gtts_engine.ACCENTS)."""
    for lang, spec in voices.items():
        engine, _, tld = spec.partition(":")
        if engine.strip() == "gtts" and tld.strip():
            from ..errors import EngineError
            from ..tts.gtts_engine import check_tld

            try:
                check_tld(tld.strip(), lang)
            except EngineError as e:
                raise InputError(f"{where}, {lang}: {e.cause}", e.fix) from None


def hosts_of(hosts: list | None, engine: str | None = None) -> tuple[Host, Host]:
    """The lead host and the co-host of a show config (pipeline.config.show.show_config):
    its `hosts:`, else two accents of gTTS when it is the `engine`, else DEFAULT_HOSTS."""
    raw = hosts or (GTTS_HOSTS if engine in ONLINE_ENGINES else DEFAULT_HOSTS)
    lead, co = (Host(h["name"], tuple(sorted(h["voice"].items())), tuple(sorted(d["voice"].items())))
                for h, d in zip(raw, DEFAULT_HOSTS))
    return lead, co


def resolve_format(asked: str | None, settings_format: str | None, show_format: str | None) -> str:
    """--format, else the episode settings' format, else podcast.yaml's, else narration."""
    chosen = asked or settings_format or show_format or DEFAULT_FORMAT
    return check_format(chosen, "--format" if asked else "settings")
