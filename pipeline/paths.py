"""Where the pipeline keeps models and caches. Overridable by environment."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = Path(os.environ.get("PIPELINE_MODELS_DIR", PROJECT_ROOT / ".models"))
CACHE_DIR = Path(os.environ.get("PIPELINE_CACHE_DIR", PROJECT_ROOT / ".cache"))
