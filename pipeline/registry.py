"""A small name -> factory registry shared by the TTS, ASR and condenser engines."""

from typing import Callable, Generic, TypeVar

from .errors import EngineError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str):
        self.kind = kind
        self._factories: dict[str, Callable[[], T]] = {}

    def register(self, name: str, factory: Callable[[], T]) -> None:
        self._factories[name] = factory

    def names(self) -> list[str]:
        return sorted(self._factories)

    def check(self, name: str) -> str:
        if name not in self._factories:
            valid = ", ".join(self.names())
            raise EngineError(
                f"unknown {self.kind} engine {name!r}",
                f"use one of: {valid}",
            )
        return name

    def get(self, name: str) -> T:
        return self._factories[self.check(name)]()
