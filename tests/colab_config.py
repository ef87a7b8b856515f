"""The repository URL and branch from _config.yml, shared by the tests (see tools/colab_cell.py)."""

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "colab_cell.py"
_spec = importlib.util.spec_from_file_location("colab_cell", TOOL)
colab_cell = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(colab_cell)
repository = colab_cell.repository
