"""Serve MathJax from the site itself, not from a CDN.

At build time the packages are fetched once from the npm registry (``npm pack``; never
committed), trimmed to what the book uses, and cached in ``.vendor/`` at the book's root.
The built site then reads fully offline and behind blocked CDNs.

If ``npm`` is missing or the registry cannot be reached, the build still succeeds: it falls
back to the CDN and says so in one clear line of the build log.

Why not ``_static/``: Jupyter Book injects every ``.js`` found under ``_static/`` into every
page, so a MathJax tree there would load hundreds of scripts on each page.

No ipywidgets JavaScript: on the site, the chapters' interactive figures are frame players
(``dlcore/figure_player.py``, ``_ext/figure_player.py``) that need no widget manager.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

PACKAGES = {  # npm spec -> files to keep: (path in the package, path under vendor/)
    "mathjax@3.2.2": [
        ("package/es5/tex-chtml.js", "mathjax/tex-chtml.js"),
        ("package/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
        ("package/es5/input/tex/extensions", "mathjax/input/tex/extensions"),  # loaded on demand (autoload)
        ("package/LICENSE", "mathjax/LICENSE"),
    ],
}
MARKER = "vendor/mathjax/tex-chtml.js"
STALE = ("widgets", "require.js", "widgets-config.js")  # the ipywidgets manager that earlier builds fetched


def _fetch(vendor: Path) -> None:
    """Fetch and trim every package into ``vendor`` (raises on any failure)."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm was not found on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        subprocess.run([npm, "pack", "--silent", *PACKAGES], cwd=tmp, check=True, capture_output=True, timeout=600)
        staging = tmp_path / "vendor"
        for spec, keep in PACKAGES.items():
            name = spec.rsplit("@", 1)[0].lstrip("@").replace("/", "-")
            tarball = next(tmp_path.glob(f"{name}-*.tgz"))
            unpacked = tmp_path / name
            with tarfile.open(tarball) as tar:
                tar.extractall(unpacked, filter="data")
            for source, target in keep:
                for found in sorted(unpacked.glob(source)):
                    dest = staging / target / found.name if target.endswith("/") else staging / target
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    (shutil.copytree if found.is_dir() else shutil.copy2)(found, dest)
        if vendor.exists():
            shutil.rmtree(vendor)
        shutil.copytree(staging, vendor)


def drop_thebe(app: Sphinx, config) -> None:
    """The course launches notebooks in Binder/Colab/JupyterHub, not with live Thebe cells. Jupyter Book
    loads sphinx-thebe anyway, and its setup script is then added twice to every page ("Identifier
    'THEBE_JS_URL' has already been declared" in the browser console): unhook it."""
    for event in ("env-before-read-docs", "doctree-resolved"):
        for listener in list(app.events.listeners.get(event, [])):
            if getattr(listener.handler, "__module__", "") == "sphinx_thebe":
                app.disconnect(listener.id)


def setup_assets(app: Sphinx, config) -> None:
    root = Path(app.srcdir) / ".vendor"
    vendor = root / "static" / "vendor"
    if not (root / "static" / MARKER).exists():
        try:
            _fetch(vendor)
            logger.info("offline assets: fetched MathJax into .vendor/")
        except Exception as exc:  # noqa: BLE001 — any failure means: use the CDN
            logger.info(f"offline assets: could not fetch MathJax from npm ({exc}); "
                        "the site will load it from a public CDN instead")
            return
    for name in STALE:
        stale = vendor / name
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    config.html_static_path = [*config.html_static_path, str(root / "static")]
    config.mathjax_path = "vendor/mathjax/tex-chtml.js"


def no_widget_manager(app: Sphinx, config) -> None:
    """myst-nb would link the ipywidgets manager (from a CDN) on pages whose notebook made widgets."""
    config.nb_ipywidgets_js = {}


def setup(app: Sphinx) -> dict:
    # notebooks executed by this build run on a static page: dlcore.widgets draws frame players there
    os.environ["DLCORE_STATIC_SITE"] = "1"
    app.connect("config-inited", setup_assets, priority=100)
    app.connect("config-inited", no_widget_manager)
    app.connect("config-inited", drop_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
