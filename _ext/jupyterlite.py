"""Build a JupyterLite site into ``_build/html/lite/``: every chapter runs in the reader's browser, no server.

What the site serves itself (fetched once at build time into ``.vendor/lite/``, never committed):

- the JupyterLite app and the Pyodide kernel (``requirements-lite.txt``, pip-installed into
  ``.vendor/lite/tools``, not into the course environment: see that file why);
- the Pyodide runtime (``npm pack pyodide``), source maps dropped;
- every pure-Python wheel the kernel and the chapters load (PyPI, ``pip download``), entered into
  Pyodide's lock file in place of the CDN's copies;
- the piplite index: ``dlcore`` (built from this repository at each build) and the widget packages.

Pyodide builds of numpy, matplotlib, contourpy, kiwisolver and pillow exist only on the Pyodide CDN:
those five (``FROM_CDN``) load from there, at the exact versions and hashes of the lock. Offline, the
chapter's first cell (tools/colab_cell.py) says so in one sentence.

The JupyterLab extensions installed in this environment (ipywidgets, jupyterlab-myst) are copied into
the app. The app is built before the pages (``builder-inited``, about 30 s once the cache is filled).
Without npm or without network to the registries the build still succeeds, without the lite app and
without JupyterLite buttons, and the build log says so in one line.

Only this step, on an already built book:  ``python _ext/jupyterlite.py [_build/html]``
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

try:
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
except ImportError:  # run as a script without Sphinx
    import logging

    logger = logging.getLogger(__name__)

PYODIDE_VERSION = "314.0.6"  # what jupyterlite-pyodide-kernel 0.8.6 expects (its constants.PYODIDE_VERSION)
CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
FROM_CDN = ("numpy", "matplotlib", "contourpy", "kiwisolver", "pillow")  # compiled: no registry has them
# what the kernel loads when it starts (micropip, jedi, ipython) and what the chapters import
LOCK_ROOTS = ("micropip", "jedi", "ipython", "matplotlib", "numpy")
PIPLITE_WHEELS = ("ipywidgets==8.1.9", "comm==0.2.3", "jupyterlab-widgets==3.0.17")  # not in Pyodide's lock
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MARKER = "ready"  # written last into each cache folder: a half-fetched cache is fetched again


def _run(*cmd: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900, **kwargs)


def _cached(folder: Path, fill) -> Path:
    """``folder``, filled by ``fill(staging)`` unless an earlier build completed it."""
    if not (folder / MARKER).exists():
        staging = folder.with_name(folder.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        fill(staging)
        (staging / MARKER).write_text("")
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    return folder


def _tools(dest: Path) -> None:
    """The pinned JupyterLite build tools (requirements-lite.txt) into ``dest``."""
    _run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(dest),
         "-r", str(ROOT / "requirements-lite.txt"))


def _pip_download(dest: Path, *specs: str) -> None:
    _run(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--python-version", "3.14", "--platform", "any", "-d", str(dest), *specs)


def _closure(packages: dict, roots) -> list[str]:
    """Names of ``roots`` and everything they depend on in a Pyodide lock's ``packages``."""
    seen, todo = set(), [*roots]
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name not in seen:
            seen.add(name)
            todo += packages[name]["depends"]
    return sorted(seen)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_lock(lock: dict, local_wheels: dict[str, Path]) -> dict:
    """Pyodide's lock with ``local_wheels`` (name -> wheel beside the lock) served from the site and
    every other package from the CDN, pinned by absolute URL (its sha256 stays in the lock)."""
    lock = json.loads(json.dumps(lock))
    for name, entry in lock["packages"].items():
        wheel = local_wheels.get(name)
        if wheel is not None:
            entry.update(file_name=wheel.name, sha256=_sha256(wheel))
        elif not re.match(r"https?://", entry["file_name"]):
            entry["file_name"] = CDN + entry["file_name"]
    return lock


def _pyodide(dest: Path) -> None:
    """Pyodide's core runtime from npm, its lock rewritten, and the pure-Python wheels it needs from PyPI."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm was not found on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        _run(npm, "pack", "--silent", f"pyodide@{PYODIDE_VERSION}", cwd=tmp)
        with tarfile.open(next(Path(tmp).glob("pyodide-*.tgz"))) as tar:
            tar.extractall(tmp, filter="data")
        for name in PYODIDE_FILES:  # no source maps, consoles or type definitions
            shutil.copy2(Path(tmp) / "package" / name, dest / name)
    lock = json.loads((dest / "pyodide-lock.json").read_text(encoding="utf-8"))
    pure = [n for n in _closure(lock["packages"], LOCK_ROOTS) if n not in FROM_CDN]
    _pip_download(dest, *(f"{n}=={lock['packages'][n]['version']}" for n in pure))
    wheels = {}
    for name in pure:
        stem, version = re.sub(r"[-_.]+", "_", name), lock["packages"][name]["version"]
        pattern = rf"{stem}-{re.escape(version)}-.*-none-any\.whl"
        found = [w for w in dest.glob("*.whl") if re.fullmatch(pattern, w.name, re.I)]
        if len(found) != 1:
            raise RuntimeError(f"expected one wheel of {name} from PyPI, found {[w.name for w in found]}")
        wheels[name] = found[0]
    (dest / "pyodide-lock.json").write_text(json.dumps(rewrite_lock(lock, wheels), indent=1), encoding="utf-8")


def _dlcore_wheel(dest: Path) -> None:
    """dlcore as a wheel, built from a copy of the library (no build/ or egg-info in the repository)."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, Path(tmp) / name)
        shutil.copytree(ROOT / "dlcore", Path(tmp) / "dlcore", ignore=shutil.ignore_patterns("__pycache__"))
        _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dest), tmp)


def lite_config(tools: Path, output: Path) -> dict:
    """``jupyter_lite_config.json``: what the build includes."""
    return {
        "LiteBuildConfig": {
            "apps": ["lab"],
            "contents": ["content"],
            "output_dir": str(output),
            "no_sourcemaps": True,
            "no_unused_shared_packages": True,
        },
        # the Pyodide kernel's extension lives with the tools; ipywidgets' and jupyterlab-myst's in sys.prefix
        "FederatedExtensionAddon": {"extra_labextensions_path": [str(tools / "share" / "jupyter" / "labextensions")]},
    }


def build_lite(html: Path, srcdir: Path = ROOT) -> Path:
    """Build the JupyterLite site into ``html/lite`` (raises on any failure)."""
    vendor = srcdir / ".vendor" / "lite"
    tools = _cached(vendor / "tools", _tools)
    pyodide = _cached(vendor / "pyodide", _pyodide)
    pypi = _cached(vendor / "pypi", lambda d: _pip_download(d, *PIPLITE_WHEELS))
    output = html / "lite"
    with tempfile.TemporaryDirectory() as tmp:
        lite_dir = Path(tmp)
        (lite_dir / "content" / "chapters").mkdir(parents=True)
        for notebook in sorted((srcdir / "chapters").glob("*.ipynb")):
            shutil.copy2(notebook, lite_dir / "content" / "chapters" / notebook.name)
        shutil.copytree(pyodide, lite_dir / "static" / "pyodide", ignore=shutil.ignore_patterns(MARKER))
        shutil.copytree(pypi, lite_dir / "pypi", ignore=shutil.ignore_patterns(MARKER))
        _dlcore_wheel(lite_dir / "pypi")
        (lite_dir / "jupyter_lite_config.json").write_text(json.dumps(lite_config(tools, output), indent=1))
        shutil.rmtree(output, ignore_errors=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tools), os.environ.get("PYTHONPATH", "")])}
        _run(sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite_dir), cwd=lite_dir, env=env)
    return output


def on_builder_inited(app) -> None:
    """Build the lite app before the pages, so that without it the chapters get no dead JupyterLite button."""
    if app.builder.format != "html":
        return
    try:
        build_lite(Path(app.outdir), Path(app.srcdir))
        logger.info("jupyterlite: built the in-browser notebooks into lite/")
    except Exception as exc:  # noqa: BLE001 — any failure means: a site without the lite app
        detail = exc.stderr.strip().splitlines()[-1] if getattr(exc, "stderr", None) else exc
        app.config.html_theme_options.get("launch_buttons", {}).pop("jupyterlite_url", None)
        shutil.rmtree(Path(app.outdir) / "lite", ignore_errors=True)  # no stale app from an earlier build
        logger.info(f"jupyterlite: could not build the in-browser notebooks ({detail}); "
                    "the chapters get no JupyterLite button")


def setup(app) -> dict:
    app.connect("builder-inited", on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    print(build_lite(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"))
