"""Smaller figures on the site: the build's PNG figures re-encoded with a 256-colour palette.

Matplotlib saves full-colour PNGs, but a plot uses a few hundred colours at most: a palette of
256 keeps it visually identical and cuts its size by half or more, which keeps a chapter's page
weight down. A figure that the palette would visibly change (a photo, a smooth gradient: mean
error above ``MAX_ERROR`` grey levels) keeps its original.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

MAX_ERROR = 1.0  # mean absolute difference per channel, in 0-255 levels


def compress_png(path: Path) -> int:
    """Re-encode ``path`` with a palette if that is smaller and faithful; return the bytes saved."""
    import numpy as np
    from PIL import Image

    original = path.read_bytes()
    with Image.open(path) as image:
        if image.mode not in ("RGB", "RGBA"):
            return 0  # already a palette (or grey) image: nothing to gain
        image.load()
    if image.mode == "RGBA" and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")
    method = Image.Quantize.MEDIANCUT if image.mode == "RGB" else Image.Quantize.FASTOCTREE
    palette = image.quantize(256, method=method)
    error = np.abs(np.asarray(palette.convert(image.mode), float) - np.asarray(image, float)).mean()
    if error > MAX_ERROR:
        return 0
    import io

    out = io.BytesIO()
    palette.save(out, format="png", optimize=True)
    if len(out.getvalue()) >= len(original):
        return 0
    path.write_bytes(out.getvalue())
    return len(original) - len(out.getvalue())


def compress_figures(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    saved = sum(compress_png(path) for path in sorted((Path(app.outdir) / "_images").glob("*.png")))
    logger.info(f"compress_images: figures {saved / 1e6:.1f} MB smaller")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", compress_figures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
