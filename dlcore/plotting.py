"""One colour-blind-safe palette for every figure and widget of the course (Okabe & Ito, 2008).

matplotlib is imported only when a plotting helper is called, so ``dlcore`` itself needs numpy alone.
"""

from __future__ import annotations

import numpy as np

#: Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000",
}
#: Order used for classes and line series.
CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]
#: Ten colours for ten classes (the digits 0-9): Okabe–Ito without its pale yellow, which is barely
#: visible on white, plus three dark colours of Paul Tol's palettes (indigo, olive, wine).
DIGIT_COLORS = [*(PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")),
                "#332288", "#999933", "#882255"]


def use_style() -> None:
    """Set matplotlib's colour cycle to :data:`CYCLE` and a readable default size."""
    import matplotlib as mpl

    mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=CYCLE)
    mpl.rcParams["figure.figsize"] = (6.4, 4.0)
    mpl.rcParams["figure.dpi"] = 100
    mpl.rcParams["axes.spines.top"] = False
    mpl.rcParams["axes.spines.right"] = False


def class_colors(labels) -> list[str]:
    """The palette colour of each integer class label."""
    return [CYCLE[int(k) % len(CYCLE)] for k in np.asarray(labels).ravel()]


def plot_decision_boundary(predict, X, y, ax=None, resolution: int = 200, title: str | None = None):
    """Shade the class ``predict`` gives over the plane around the 2-D points ``X`` and draw the points.

    Parameters
    ----------
    predict : callable
        Maps an ``(m, 2)`` array to class scores ``(m, K)`` (argmax taken), or to ``(m, 1)`` /
        ``(m,)`` probabilities of class 1 (threshold 0.5).
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,) of int
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    ax = ax or plt.gca()
    X = np.asarray(X)
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.1
    (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    scores = np.asarray(predict(np.c_[gx.ravel(), gy.ravel()]))
    if scores.ndim == 2 and scores.shape[1] > 1:
        cls = scores.argmax(axis=1)
    else:
        cls = (scores.ravel() > 0.5).astype(int)
    k = int(max(cls.max(), np.max(y))) + 1
    ax.contourf(gx, gy, cls.reshape(gx.shape), levels=np.arange(k + 1) - 0.5, cmap=ListedColormap(CYCLE[:k]),
                alpha=0.25)
    ax.scatter(X[:, 0], X[:, 1], c=class_colors(y), s=12, edgecolors="white", linewidths=0.3)
    if title:
        ax.set_title(title)
    return ax
