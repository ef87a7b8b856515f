"""The JupyterLite build step: Pyodide's lock rewritten to the site and the pinned CDN; no npm means no lite app."""

import hashlib
import importlib.util
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("jupyterlite_ext", ROOT / "_ext" / "jupyterlite.py")
jupyterlite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(jupyterlite)


def _lock():
    def entry(name, file_name, depends=()):
        return {"name": name, "version": "1.0", "file_name": file_name, "sha256": "cdn-hash",
                "depends": list(depends), "package_type": "package"}

    return {"info": {}, "packages": {
        "numpy": entry("numpy", "numpy-1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl"),
        "six": entry("six", "six-1.0-py3-none-any.whl"),
        "cycler": entry("cycler", "cycler-1.0-py3-none-any.whl", ["six"]),
        "scipy": entry("scipy", "scipy-1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl", ["numpy"]),
    }}


def test_local_wheels_are_served_from_the_site_and_the_rest_from_the_pinned_cdn(tmp_path):
    wheel = tmp_path / "six-1.0-py3-none-any.whl"
    wheel.write_bytes(b"a wheel from PyPI")
    lock = jupyterlite.rewrite_lock(_lock(), {"six": wheel})
    six, numpy = lock["packages"]["six"], lock["packages"]["numpy"]
    assert six["file_name"] == wheel.name  # beside pyodide-lock.json on the site
    assert six["sha256"] == hashlib.sha256(b"a wheel from PyPI").hexdigest()
    assert numpy["file_name"] == f"https://cdn.jsdelivr.net/pyodide/v{jupyterlite.PYODIDE_VERSION}/full/" + \
        "numpy-1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl"
    assert numpy["sha256"] == "cdn-hash", "the CDN wheel keeps the lock's hash (the browser checks it)"
    assert _lock()["packages"]["six"]["file_name"] == "six-1.0-py3-none-any.whl", "the input is not modified"


def test_closure_follows_dependencies_with_normalized_names():
    assert jupyterlite._closure(_lock()["packages"], ["Cycler"]) == ["cycler", "six"]
    assert jupyterlite._closure(_lock()["packages"], ["scipy"]) == ["numpy", "scipy"]


def test_only_the_five_compiled_packages_come_from_the_cdn():
    assert sorted(jupyterlite.FROM_CDN) == ["contourpy", "kiwisolver", "matplotlib", "numpy", "pillow"]
    assert jupyterlite.PYODIDE_VERSION in (ROOT / "requirements-lite.txt").read_text()


def _app(tmp_path, fmt="html"):
    html = tmp_path / "_build" / "html"
    html.mkdir(parents=True)
    launch = {"colab_url": "https://colab.research.google.com", "jupyterlite_url": "../lite/lab/index.html"}
    return SimpleNamespace(outdir=str(html), srcdir=str(tmp_path), builder=SimpleNamespace(format=fmt),
                           config=SimpleNamespace(html_theme_options={"launch_buttons": launch}))


def test_without_npm_the_build_succeeds_without_the_lite_app_and_its_buttons(tmp_path, monkeypatch):
    tools = tmp_path / ".vendor" / "lite" / "tools"
    tools.mkdir(parents=True)
    (tools / jupyterlite.MARKER).write_text("")  # installed by an earlier build: no pip here
    monkeypatch.setattr(jupyterlite.shutil, "which", lambda name: None)
    logged = []
    monkeypatch.setattr(jupyterlite, "logger", SimpleNamespace(info=logged.append))
    app = _app(tmp_path)
    (Path(app.outdir) / "lite").mkdir()  # from an earlier build
    jupyterlite.on_builder_inited(app)
    assert not (Path(app.outdir) / "lite").exists()
    assert app.config.html_theme_options["launch_buttons"] == {"colab_url": "https://colab.research.google.com"}
    assert len(logged) == 1 and "npm was not found" in logged[0] and "no JupyterLite button" in logged[0]


def test_only_html_builds_build_the_lite_app(tmp_path, monkeypatch):
    monkeypatch.setattr(jupyterlite, "build_lite", lambda *a: (_ for _ in ()).throw(AssertionError("built")))
    app = _app(tmp_path, fmt="latex")
    jupyterlite.on_builder_inited(app)
    assert "jupyterlite_url" in app.config.html_theme_options["launch_buttons"]
