"""The figure player on the site: its JavaScript and CSS, and its frames as image files.

``dlcore.widgets.interact_figure`` emits, at build time, a self-contained player (see
``dlcore/figure_player.py``): controls, an ``<img>`` and every frame as a ``data:`` URI in a JSON
script tag. This extension

- serves ``player_static/player/player.{js,css}`` (not from a ``_static/`` folder: Jupyter Book adds
  every ``.js`` found there to every page) and links them only from pages that hold a player;
- moves the frames into ``_images/player/<hash>.webp`` files, so a page downloads a frame only
  when it is shown (or when the reader reaches its controls), and a chapter stays light;
- drops the ipywidgets state that executing the notebooks records (the chapters still create
  ipywidgets objects, which the player replaces) from pages that display no widget.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
FRAMES_DIR = "_images/player"
DATA_URI = re.compile(r"data:image/(webp|png);base64,([A-Za-z0-9+/=]+)")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def add_static_path(app: Sphinx, config) -> None:
    config.html_static_path = [*config.html_static_path, str(HERE / "player_static")]


def frames_to_files(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each player's ``data:`` URIs by files written once under ``_images/player/``."""
    if app.builder.format != "html":
        return
    page = app.builder.get_target_uri(docname)
    folder = Path(app.outdir) / FRAMES_DIR

    def to_file(match: re.Match) -> str:
        data = base64.b64decode(match.group(2))
        name = f"{hashlib.sha1(data).hexdigest()[:16]}.{match.group(1)}"
        path = folder / name
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return relative_uri(page, f"{FRAMES_DIR}/{name}")

    for raw in doctree.findall(nodes.raw):
        text = raw.astext()
        if 'class="dl-player"' in text:
            raw.children = [nodes.Text(DATA_URI.sub(to_file, text))]


def page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The player's files on pages with a player; no ipywidgets state on pages without a widget."""
    body = context.get("body", "")
    if 'class="dl-player"' in body:
        app.add_js_file("player/player.js", defer="defer")
        app.add_css_file("player/player.css")
    if WIDGET_VIEW in body:
        logger.warning(f"{pagename}: displays an ipywidgets widget, which the static site cannot show; "
                       "use dlcore.widgets.interact_figure")
        return
    js_files = getattr(app.env, "nb_metadata", {}).get(pagename, {}).get("js_files", {})
    for key in [k for k in js_files if k.startswith("ipywidgets")]:
        del js_files[key]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_static_path)
    app.connect("doctree-resolved", frames_to_files)
    app.connect("html-page-context", page_assets, priority=400)  # before myst-nb adds the widget files (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
