"""The build's offline assets: local MathJax when fetched, the CDN otherwise; no widget manager."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("offline_assets", ROOT / "_ext" / "offline_assets.py")
offline_assets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(offline_assets)

CDN_MATHJAX = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"


def _config():
    return SimpleNamespace(html_static_path=["_static"], mathjax_path=CDN_MATHJAX, nb_ipywidgets_js={"cdn": {}})


def test_without_npm_the_build_falls_back_to_the_cdn(tmp_path, monkeypatch):
    monkeypatch.setattr(offline_assets.shutil, "which", lambda name: None)
    config = _config()
    offline_assets.setup_assets(SimpleNamespace(srcdir=str(tmp_path)), config)
    assert config.mathjax_path == CDN_MATHJAX and config.html_static_path == ["_static"]
    assert not (tmp_path / ".vendor").exists()


def test_fetched_assets_are_served_from_the_site(tmp_path, monkeypatch):
    vendor = tmp_path / ".vendor" / "static" / "vendor"
    vendor.mkdir(parents=True)
    (vendor / "mathjax").mkdir()
    (vendor / "mathjax" / "tex-chtml.js").write_text("// fetched earlier")
    (vendor / "widgets").mkdir()  # the ipywidgets manager of earlier builds: no longer served
    (vendor / "require.js").write_text("// fetched earlier")
    monkeypatch.setattr(offline_assets, "_fetch", lambda v: (_ for _ in ()).throw(AssertionError("refetched")))
    config = _config()
    offline_assets.setup_assets(SimpleNamespace(srcdir=str(tmp_path)), config)
    assert config.mathjax_path == "vendor/mathjax/tex-chtml.js"
    assert config.html_static_path == ["_static", str(tmp_path / ".vendor" / "static")]
    assert not (vendor / "widgets").exists() and not (vendor / "require.js").exists()


def test_no_widget_manager_is_linked():
    config = _config()
    offline_assets.no_widget_manager(None, config)
    assert config.nb_ipywidgets_js == {}
    assert not any("widgets" in spec or "require" in spec for spec in offline_assets.PACKAGES)
