"""Blog post -> key-points podcast episode, with every number checked by ear."""

import os
import sys

__version__ = "0.1.0"


def prog_name() -> str:
    """How the user called us: `podcast-pipeline` (entry point) or `python -m pipeline`."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return "python -m pipeline" if name in ("", "__main__.py", "-c") else name
