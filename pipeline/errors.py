"""One error hierarchy. Every message names the cause and, when known, the fix.

Exit codes follow the CLI contract: 2 for bad input or usage (and set-up
problems the user must fix), 1 is reserved for "built, but not verified".
"""


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""

    exit_code = 2

    def __init__(self, cause: str, fix: str | None = None):
        self.cause = cause
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.cause}\n  fix: {self.fix}" if self.fix else self.cause


class InputError(PipelineError):
    """The post, a YAML file or a command-line argument is unusable."""


class UnsupportedLanguage(InputError):
    """The post's language is one the pipeline cannot speak or check."""


class EngineError(PipelineError):
    """An engine name is unknown, or an engine failed in a way no fallback covers."""


class EngineUnavailable(EngineError):
    """An engine cannot run here (no network, no voice for the language).

    Callers catch this one to fall back to another engine.
    """


class SetupError(PipelineError):
    """Models or tools are missing or corrupt; `make setup` fixes most of these."""
