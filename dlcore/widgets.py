"""Interactive figures for a live kernel, and their static twin for the built site.

Every interaction in the course comes in two parts that draw with the *same* function:

- :func:`interact_figure` — sliders (ipywidgets) that redraw a matplotlib figure; needs a kernel.
- :func:`small_multiples` — the same drawing for a few chosen slider values, side by side; this
  is what a reader of the static site sees, so the page teaches the same thing without a kernel.

``draw(ax, **values)`` draws one panel on a matplotlib ``Axes``.

When the book is built, ``DLCORE_STATIC_SITE=1`` is set (by ``_ext/offline_assets.py``), and
:func:`interact_figure` freezes its sliders and says so: on a static page a slider cannot redraw
anything, and a control that silently does nothing would mislead the reader.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from itertools import product

STATIC_SITE_ENV = "DLCORE_STATIC_SITE"
FROZEN_NOTE = ("<em>On the static page these sliders are frozen: open the chapter in Binder, Colab or "
               "Jupyter (rocket icon at the top) to move them. The small multiples above show the same "
               "figure at several settings.</em>")


def small_multiples(draw: Callable, ncols: int | None = None, panel_size: tuple[float, float] = (3.2, 2.6),
                    title: str | None = None, **values):
    """Draw ``draw(ax, **combo)`` for every combination of the given value lists, in a grid.

    Parameters
    ----------
    draw : callable
        ``draw(ax, **params)``; should set its own panel title (e.g. the parameter values).
    ncols : int, optional
        Panels per row (default: all in one row, at most 4).
    panel_size : (float, float)
        Width and height of one panel in inches.
    title : str, optional
        Figure title.
    **values : list
        For each parameter, the values to show, e.g. ``learning_rate=[0.01, 0.1, 1.0]``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if not values:
        raise ValueError("small_multiples needs at least one parameter with a list of values")
    names = list(values)
    combos = [dict(zip(names, combo)) for combo in product(*(values[n] for n in names))]
    ncols = ncols or min(len(combos), 4)
    nrows = -(-len(combos) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                             squeeze=False, layout="constrained")
    for ax, combo in zip(axes.ravel(), combos):
        draw(ax, **combo)
    for ax in axes.ravel()[len(combos):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    return fig


def _figure_html(fig, alt: str) -> str:
    """The figure as an ``<img>`` with alt text (a plain Output widget would give it none)."""
    import base64
    import html
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            'style="max-width:100%;height:auto">')


def _describe(draw: Callable, values: dict) -> str:
    doc = (draw.__doc__ or "").strip().splitlines()
    what = doc[0].rstrip(".") if doc else f"Figure drawn by {draw.__name__}"
    return f"{what}, at " + ", ".join(f"{k} = {v:.3g}" if isinstance(v, float) else f"{k} = {v}"
                                       for k, v in values.items())


def interact_figure(draw: Callable, figsize: tuple[float, float] = (6.4, 4.0), **sliders):
    """Sliders that redraw ``draw(ax, **values)`` whenever one moves (needs a running kernel).

    Parameters
    ----------
    draw : callable
        ``draw(ax, **values)``.
    figsize : (float, float)
        Figure size in inches.
    **sliders : ipywidgets.ValueWidget
        One widget per parameter, e.g. ``lr=FloatLogSlider(value=0.1, base=10, min=-3, max=1)``.

    Returns
    -------
    ipywidgets.VBox
        The controls above the figure; displayed when it is the cell's last expression. The figure's
        alt text is the first line of ``draw``'s docstring and the current values.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    out = widgets.HTML()

    def redraw(change=None):
        values = {name: w.value for name, w in sliders.items()}
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        try:
            draw(ax, **values)
            out.value = _figure_html(fig, _describe(draw, values))
        finally:
            plt.close(fig)

    for w in sliders.values():
        w.continuous_update = False  # redraw when the slider is released: smooth even on Binder
        w.observe(redraw, names="value")
    redraw()
    controls = widgets.HBox(list(sliders.values()))
    if os.environ.get(STATIC_SITE_ENV) == "1":
        for w in sliders.values():
            w.disabled = True
        return widgets.VBox([widgets.HTML(FROZEN_NOTE), controls, out])
    return widgets.VBox([controls, out])
