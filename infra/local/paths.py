"""Where the project is, and the code folders the site build and the API import (the Makefile's PYTHONPATH)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CODE_PATHS = (PROJECT_ROOT / "functions", PROJECT_ROOT / "site", PROJECT_ROOT)
