"""Where the pipeline keeps models and caches. Overridable by environment.

In a checkout (pyproject.toml beside the package, with .git or the Makefile):
.models/ and .cache/ at its root, as `make setup` provisions them. Installed
anywhere else (pip, pipx): the user's data and cache folders (platformdirs),
never site-packages. PIPELINE_MODELS_DIR and PIPELINE_CACHE_DIR win over both.
"""

import os
from pathlib import Path

APP_NAME = "podcast-pipeline"
PACKAGE_DIR = Path(__file__).resolve().parent


def checkout_root(package_dir: Path = PACKAGE_DIR) -> Path | None:
    """The source checkout the package runs from, or None when it is installed."""
    root = package_dir.parent
    if (root / "pyproject.toml").is_file() and ((root / ".git").exists() or (root / "Makefile").is_file()):
        return root
    return None


def default_dirs(root: Path | None) -> tuple[Path, Path]:
    """(models, cache) folders when no PIPELINE_* variable says otherwise."""
    if root is not None:
        return root / ".models", root / ".cache"
    import platformdirs
    return (platformdirs.user_data_path(APP_NAME) / "models",
            platformdirs.user_cache_path(APP_NAME))


PROJECT_ROOT = checkout_root()
_MODELS, _CACHE = default_dirs(PROJECT_ROOT)
MODELS_DIR = Path(os.environ.get("PIPELINE_MODELS_DIR") or _MODELS)
CACHE_DIR = Path(os.environ.get("PIPELINE_CACHE_DIR") or _CACHE)
