"""A small name -> factory registry shared by the TTS, ASR and condenser engines.

Engines from outside the package: PIPELINE_PLUGINS names Python modules
(comma-separated) imported before the first look-up in any registry; each
registers its engines (`pipeline.tts.REGISTRY.register(name, factory)`) when
imported. The variable reaches every process a build starts (CLI, batch
workers, Ray tasks), so an engine registered this way works wherever a
built-in one does (the test suite's fake engines, tests/fakes.py, load so).
"""

import importlib
import os
from typing import Callable, Generic, TypeVar

from .errors import EngineError

T = TypeVar("T")
PLUGINS_ENV = "PIPELINE_PLUGINS"


def load_plugins() -> None:
    """Import the modules named in $PIPELINE_PLUGINS (each once per process: Python
    keeps imported modules), so their engines are registered before a look-up."""
    for name in filter(None, (n.strip() for n in os.environ.get(PLUGINS_ENV, "").split(","))):
        try:
            importlib.import_module(name)
        except ImportError as e:
            raise EngineError(f"cannot import the engine plugin {name!r} named in {PLUGINS_ENV}: {e}",
                              f"install the module or remove it from {PLUGINS_ENV}") from e


class Registry(Generic[T]):
    def __init__(self, kind: str):
        self.kind = kind
        self._factories: dict[str, Callable[[], T]] = {}

    def register(self, name: str, factory: Callable[[], T]) -> None:
        self._factories[name] = factory

    def names(self) -> list[str]:
        load_plugins()
        return sorted(self._factories)

    def check(self, name: str) -> str:
        load_plugins()
        if name not in self._factories:
            valid = ", ".join(self.names())
            raise EngineError(
                f"unknown {self.kind} engine {name!r}",
                f"use one of: {valid}",
            )
        return name

    def get(self, name: str) -> T:
        return self._factories[self.check(name)]()
