"""One error hierarchy. Every message names the cause and, when known, the fix.

Exit codes follow the CLI contract: 2 for bad input or usage (and set-up
problems the user must fix), 3 for a fault of the system (disk full,
permission denied, port out of reach), 1 is reserved for "built, but not
verified".
"""

import errno
import os


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


class CorruptFile(InputError, ValueError):
    """A file the pipeline wrote is unreadable (truncated, edited by hand).

    Also a ValueError, so the callers that already treat a bad file as "not
    current" (batch, caches) keep doing so; the CLI says it in one line."""


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


def yaml_problem(err: Exception, first_line: int = 1) -> str:
    """A PyYAML error in one line: where and what ("line 3, column 7: ..."),
    not PyYAML's multi-line excerpt. first_line: the file line of the text's line 1."""
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err).strip().splitlines()[0]
    if mark is None:
        return problem
    return f"line {mark.line + first_line}, column {mark.column + 1}: {problem}"


class SystemFault(PipelineError):
    """The machine refused: disk full, permission denied, a folder in the way.

    Not the user's input and not a failed check, so it has its own exit code.
    """

    exit_code = 3


# What to do about an OSError, by errno: the cause is the OS's own words.
_OS_FIXES = {
    errno.ENOSPC: "free some disk space, then run the same command again",
    errno.EDQUOT: "free some space within your disk quota, then run the same command again",
    errno.EACCES: "make the folder writable (chmod u+w) or choose another --out",
    errno.EPERM: "make the folder writable (chmod u+w) or choose another --out",
    errno.EROFS: "choose an --out on a writable disk",
    errno.EEXIST: "remove it or choose another --out",
    errno.ENOTDIR: "a file is in the way of a folder: remove it or choose another --out",
    errno.EISDIR: "a folder is in the way of a file: remove it or choose another --out",
    errno.EADDRINUSE: "pick another port (make serve PORT=8001)",
    errno.EMFILE: "raise the open-file limit (ulimit -n) or close other programs",
}


def os_error(err: OSError) -> PipelineError:
    """One line naming what the OS refused and where, plus what to do about it.

    A missing file is the user's to fix (a typo, an earlier stage not run): exit 2.
    Everything else the machine refused is a SystemFault: exit 3.
    """
    where = f": {err.filename}" if err.filename else ""
    if err.filename2:
        where += f" -> {err.filename2}"
    cause = (err.strerror or os.strerror(err.errno)) if err.errno else str(err)
    if err.errno == errno.ENOENT:
        return InputError(f"{cause}{where}", "check the path, or build the earlier stages "
                                             "first (make episode SRC=...)")
    fix = _OS_FIXES.get(err.errno or 0, "check the path and the disk, then run the same command again")
    return SystemFault(f"{cause}{where}", fix)
