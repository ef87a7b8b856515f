"""Build the book once per test session (from a clean execution cache) and share the result."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


@functools.lru_cache(maxsize=1)
def build_book() -> subprocess.CompletedProcess:
    """``jupyter-book build . -W -n --keep-going`` after deleting the execution cache.

    The cache does not notice changes to dlcore, so a stale cache could hide a broken chapter.
    """
    shutil.rmtree(ROOT / "_build" / ".jupyter_cache", ignore_errors=True)
    shutil.rmtree(ROOT / "_build" / "jupyter_execute", ignore_errors=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb) if jb.exists() else "jupyter-book", "build", str(ROOT), "-W", "-n", "--keep-going"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
