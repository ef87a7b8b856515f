"""What some tests need beyond requirements-dev.txt, and the one command that installs each.

Outside CI a missing prerequisite skips its tests with one clear reason naming that command; in CI
(``CI=true``) tests/test_repo.py::test_prerequisite_is_installed fails for it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# name -> (what needs it, how to install it)
PREREQUISITES = {
    "torch": ("the PyTorch reference tests (layers compared with torch)", "pip install torch==2.13.0"),
    "chromium": ("the browser tests of the built site (tests/test_site.py)", "apt-get install chromium"),
    "playwright": ("the browser tests of the built site (tests/test_site.py)", "pip install -r requirements-dev.txt"),
}


def is_installed(name: str) -> bool:
    """Whether prerequisite ``name`` (a key of PREREQUISITES) is available here."""
    if name == "chromium":
        return Path(CHROMIUM).exists()
    return importlib.util.find_spec(name) is not None


def skip_reason(name: str) -> str:
    """One line: what is skipped, why, and the command that fixes it."""
    needs, install = PREREQUISITES[name]
    return f"{name} is not installed, so {needs} are skipped: `{install}` (CI fails instead)"
