"""Interactive figures for a live kernel, and their static twins for the built site.

Every interaction in the course draws with *one* function, ``draw(ax, **values)`` on a matplotlib
``Axes``, shown in one of three ways:

- :func:`interact_figure` in a kernel (JupyterLab, Colab, JupyterLite): ipywidgets controls that
  redraw the figure.
- :func:`interact_figure` on the built site (``DLCORE_STATIC_SITE=1``, set by
  ``_ext/offline_assets.py``): the same controls as a small player that shows frames drawn at build
  time for a grid of values (``dlcore.figure_player``), so the figure moves with no kernel.
- :func:`small_multiples`: the drawing for a few chosen values, side by side.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from itertools import product

from dlcore.figure_player import MAX_FRAMES, FigurePlayer, control_grids, readout

STATIC_SITE_ENV = "DLCORE_STATIC_SITE"


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
    """Alt text: the first line of ``draw``'s docstring and the values (str values as they are)."""
    doc = (draw.__doc__ or "").strip().splitlines()
    what = doc[0].rstrip(".") if doc else f"Figure drawn by {draw.__name__}"
    return f"{what}, at " + ", ".join(f"{k} = {v:.3g}" if isinstance(v, float) else f"{k} = {v}"
                                       for k, v in values.items())


def _shown(sliders: dict, values: dict) -> dict:
    """The values for the alt text: a selection widget's option label rather than its value."""
    return {name: readout(sliders[name], v) if hasattr(sliders[name], "options") else v
            for name, v in values.items()}


def interact_figure(draw: Callable, figsize: tuple[float, float] = (6.4, 4.0), grid: dict | None = None,
                    max_frames: int = MAX_FRAMES, **sliders):
    """Controls that redraw ``draw(ax, **values)``: live ipywidgets in a kernel, a frame player on the site.

    Parameters
    ----------
    draw : callable
        ``draw(ax, **values)``.
    figsize : (float, float)
        Figure size in inches.
    grid : dict of str to list, optional
        Static site only: the values a control offers there, e.g. ``grid={"lr": [0.01, 0.1, 1.0]}``
        (values the live widget can take). Controls not named get evenly spaced values of their range
        that include their current value.
    max_frames : int
        Static site only: bound on the number of frames drawn (the product of the grid sizes).
    **sliders : ipywidgets.ValueWidget
        One widget per parameter, e.g. ``lr=FloatLogSlider(value=0.1, base=10, min=-3, max=1)``.

    Returns
    -------
    ipywidgets.VBox or dlcore.figure_player.FigurePlayer
        In a kernel, the controls above the figure; with ``DLCORE_STATIC_SITE=1``, the player (HTML
        with every frame). Either is displayed when it is the cell's last expression. The figure's
        alt text is the first line of ``draw``'s docstring and the current values.
    """
    if not sliders:
        raise ValueError("interact_figure needs at least one control, e.g. a=ipywidgets.FloatSlider()")
    if os.environ.get(STATIC_SITE_ENV) == "1":
        grids = control_grids(sliders, grid, max_frames)
        player = FigurePlayer(draw, sliders, grids, figsize, lambda values: _describe(draw, _shown(sliders, values)))
        for w in sliders.values():
            w.close()  # no kernel will serve these widgets on a static page
        return player

    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    out = widgets.HTML()

    def redraw(change=None):
        values = {name: w.value for name, w in sliders.items()}
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        try:
            draw(ax, **values)
            out.value = _figure_html(fig, _describe(draw, _shown(sliders, values)))
        finally:
            plt.close(fig)

    for w in sliders.values():
        w.continuous_update = False  # redraw when the slider is released: smooth even on Binder
        w.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(list(sliders.values())), out])
