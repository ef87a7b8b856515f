"""A figure that moves without a kernel: every frame drawn at build time, picked by the page's controls.

On the built site (``DLCORE_STATIC_SITE=1``) :func:`dlcore.widgets.interact_figure` cannot redraw
anything, so it draws ``draw(ax, **values)`` once for every combination of a small *grid* of control
values and hands the frames to a tiny player in the page (``_ext/player_static/player/player.js``):
the controls look like the live ipywidgets (a range slider, a dropdown, toggle buttons, a checkbox)
and show the frame of the chosen values at once, with alt text that names them.

Why a grid, not every slider position: 48 frames of ~10 kB each keep a chapter light, and a grid
chosen by the author (the values the small multiples use, say) teaches better than 300 near-copies.

The frames are lossless WebP images with a reduced palette (a line plot: ~8 kB instead of ~45 kB as
a full-colour PNG). The HTML is self-contained (frames as ``data:`` URIs); the book's
``_ext/figure_player.py`` moves them into image files that the page loads only when needed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import math
from collections.abc import Callable

MAX_FRAMES = 48
PALETTE_COLOURS = 128  # plots use few colours; 128 keeps antialiased text and colour maps smooth

_SLIDERS = ("IntSlider", "FloatSlider", "FloatLogSlider")


def _kind(widget) -> str:
    """The player's control for a widget: ``"range"``, ``"select"``, ``"toggles"`` or ``"checkbox"``."""
    name = type(widget).__name__
    if name in _SLIDERS or name == "SelectionSlider":
        return "range"
    if name in ("Dropdown", "Select", "RadioButtons"):
        return "select"
    if name == "ToggleButtons":
        return "toggles"
    if name in ("Checkbox", "ToggleButton"):
        return "checkbox"
    raise TypeError(f"interact_figure cannot show a {name} on the static site; use one of "
                    f"{', '.join(_SLIDERS)}, SelectionSlider, Dropdown, Select, RadioButtons, "
                    "ToggleButtons, Checkbox or ToggleButton")


def _options(widget) -> list[tuple[str, object]]:
    """(label, value) of every option of a selection widget, as ipywidgets shows them."""
    return [o if isinstance(o, tuple) and len(o) == 2 else (str(o), o) for o in widget.options]


def possible_values(widget) -> list:
    """Every value the live widget can take, in order (a slider's positions, a dropdown's options)."""
    name = type(widget).__name__
    if name in _SLIDERS:
        count = int(math.floor((widget.max - widget.min) / widget.step + 1e-9)) + 1
        positions = [widget.min + k * widget.step for k in range(count)]
        if name == "FloatLogSlider":
            return [float(f"{widget.base ** p:.12g}") for p in positions]
        return [p if name == "IntSlider" else round(p, 12) for p in positions]
    if _kind(widget) == "checkbox":
        return [False, True]
    return [value for _, value in _options(widget)]


def _nearest(values: list, value) -> int:
    """Index of ``value`` in ``values`` (the closest one for numbers)."""
    if value in values:
        return values.index(value)
    try:
        return min(range(len(values)), key=lambda i: abs(values[i] - value))
    except TypeError:
        return 0


def subsample(values: list, start, count: int) -> list:
    """At most ``count`` evenly spaced entries of ``values`` that include ``start`` (the widget's value)."""
    if count >= len(values):
        return list(values)
    stride = -(-(len(values) - 1) // max(count - 1, 1))
    i0 = _nearest(values, start)
    picked = [values[i] for i in range(i0 % stride, len(values), stride)]
    return picked[:count] if len(picked) > count else picked


def control_grids(widgets: dict, grid: dict | None = None, max_frames: int = MAX_FRAMES) -> dict[str, list]:
    """The values each control offers on the static page; at most ``max_frames`` combinations in all.

    Parameters
    ----------
    widgets : dict of str to ipywidgets.ValueWidget
        The controls of :func:`dlcore.widgets.interact_figure`, by parameter name.
    grid : dict of str to list, optional
        Explicit values for some controls (each must be a value the live widget can show). The
        others get evenly spaced values of their range that include their current value, as many
        as the frame budget allows.
    max_frames : int
        Bound on the number of frames (the product of the grid sizes).

    Returns
    -------
    dict of str to list
        The values of every control, in the order of ``widgets``.
    """
    grid = dict(grid or {})
    unknown = set(grid) - set(widgets)
    if unknown:
        raise ValueError(f"grid names {sorted(unknown)}, which are not controls of this figure "
                         f"(controls: {list(widgets)})")
    possible = {name: possible_values(w) for name, w in widgets.items()}
    for name, values in grid.items():
        values = list(values)
        if not values:
            raise ValueError(f"grid[{name!r}] is empty; give at least one value")
        w = widgets[name]
        for v in values:
            numeric = type(w).__name__ in _SLIDERS
            ok = (min(possible[name]) - 1e-9 <= v <= max(possible[name]) + 1e-9) if numeric else v in possible[name]
            if not ok:
                raise ValueError(f"grid[{name!r}] holds {v!r}, which the {type(w).__name__} cannot show "
                                 f"(expected {'a value in ' if numeric else 'one of '}"
                                 f"{[possible[name][0], possible[name][-1]] if numeric else possible[name]})")
        grid[name] = values
    counts = {name: len(grid[name]) if name in grid else len(possible[name]) for name in widgets}
    free = [name for name in widgets if name not in grid]
    while math.prod(counts.values()) > max_frames:
        shrinkable = [name for name in free if counts[name] > 2]
        if not shrinkable:
            raise ValueError(f"the controls {list(widgets)} need {math.prod(counts.values())} frames at least, "
                             f"more than max_frames={max_frames}; pass grid= with fewer values")
        counts[max(shrinkable, key=lambda n: counts[n])] -= 1
    return {name: grid[name] if name in grid else subsample(possible[name], widgets[name].value, counts[name])
            for name in widgets}


def readout(widget, value) -> str:
    """``value`` as the live widget shows it (its option label, or its number in ``readout_format``)."""
    if _kind(widget) in ("select", "toggles") or type(widget).__name__ == "SelectionSlider":
        for label, option in _options(widget):
            if option == value:
                return label
        return str(value)
    if _kind(widget) == "checkbox":
        return "on" if value else "off"
    fmt = getattr(widget, "readout_format", "")
    try:
        return format(value, fmt.lstrip("{:").rstrip("}") or "g")
    except (ValueError, TypeError):
        return str(value)


def encode_frame(fig, colours: int = PALETTE_COLOURS) -> bytes:
    """The figure as a lossless WebP with a reduced palette (falls back to PNG without WebP support)."""
    from PIL import Image, features

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    image = Image.open(buffer)
    if image.mode == "RGBA" and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")  # opaque: no alpha channel to store
    # median cut keeps white exactly white; only the octree method takes an alpha channel
    method = Image.Quantize.MEDIANCUT if image.mode == "RGB" else Image.Quantize.FASTOCTREE
    image = image.quantize(colours, method=method)
    out = io.BytesIO()
    if features.check("webp"):
        image.save(out, format="webp", lossless=True, method=4, quality=50)  # quality: effort
    else:
        image.save(out, format="png", optimize=True)
    return out.getvalue()


def _data_uri(frame: bytes) -> str:
    mime = "image/webp" if frame[8:12] == b"WEBP" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(frame).decode('ascii')}"


class FigurePlayer:
    """Frames of ``draw`` on a grid of control values, shown by the page's player (``_repr_html_``).

    Attributes
    ----------
    names : list of str
        The controls, in order.
    grids : dict of str to list
        The values of each control.
    images : list of bytes
        The distinct frames (identical drawings are stored once).
    frames : list of int
        For each combination (row-major over ``names``), the index of its image.
    alts : list of str
        For each combination, the alt text of its figure.
    """

    def __init__(self, draw: Callable, widgets: dict, grids: dict, figsize: tuple[float, float],
                 describe: Callable[[dict], str]):
        import matplotlib.pyplot as plt

        self.widgets, self.grids, self.names = widgets, grids, list(widgets)
        self.images, self.frames, self.alts = [], [], []
        seen: dict[bytes, int] = {}
        for combo in itertools.product(*(grids[n] for n in self.names)):
            values = dict(zip(self.names, combo))
            fig, ax = plt.subplots(figsize=figsize, layout="constrained")
            try:
                draw(ax, **values)
                frame = encode_frame(fig)
                self.size = (round(fig.get_figwidth() * fig.dpi), round(fig.get_figheight() * fig.dpi))
            finally:
                plt.close(fig)
            digest = hashlib.sha1(frame).digest()
            if digest not in seen:
                seen[digest] = len(self.images)
                self.images.append(frame)
            self.frames.append(seen[digest])
            self.alts.append(describe(values))
        self.start = [_nearest(grids[n], widgets[n].value) for n in self.names]

    def frame_index(self, indices: list[int]) -> int:
        """Row-major position of one combination (one index per control)."""
        k = 0
        for name, i in zip(self.names, indices):
            k = k * len(self.grids[name]) + i
        return k

    def _control_html(self, uid: str, c: int, name: str) -> str:
        w, values = self.widgets[name], self.grids[name]
        label = html.escape(getattr(w, "description", "") or name)
        labels = [readout(w, v) for v in values]
        cid, i = f"{uid}-{c}", self.start[c]
        kind = _kind(w)
        if kind == "range":
            current = html.escape(labels[i])
            return (f'<div class="dl-player-control dl-player-range"><label for="{cid}">{label}</label>'
                    f'<input type="range" id="{cid}" data-control="{c}" min="0" max="{len(values) - 1}" step="1" '
                    f'value="{i}" aria-valuetext="{current}" disabled>'
                    f'<output for="{cid}" aria-hidden="true">{current}</output></div>')
        if kind == "select":
            options = "".join(f'<option value="{k}"{" selected" if k == i else ""}>{html.escape(t)}</option>'
                              for k, t in enumerate(labels))
            return (f'<div class="dl-player-control dl-player-select"><label for="{cid}">{label}</label>'
                    f'<select id="{cid}" data-control="{c}" disabled>{options}</select></div>')
        if kind == "toggles":
            buttons = "".join(f'<button type="button" data-control="{c}" data-index="{k}" '
                              f'aria-pressed="{"true" if k == i else "false"}" disabled>{html.escape(t)}</button>'
                              for k, t in enumerate(labels))
            return (f'<div class="dl-player-control dl-player-toggles" role="group" aria-labelledby="{cid}">'
                    f'<span class="dl-player-label" id="{cid}">{label}</span>'
                    f'<span class="dl-player-buttons">{buttons}</span></div>')
        checked = " checked" if values[i] else ""
        return (f'<div class="dl-player-control dl-player-checkbox">'
                f'<input type="checkbox" id="{cid}" data-control="{c}"{checked} disabled>'
                f'<label for="{cid}">{label}</label></div>')

    def _repr_html_(self) -> str:
        uris = [_data_uri(frame) for frame in self.images]
        uid = "dlp-" + hashlib.sha1("".join(self.alts).encode() + b"".join(self.images)).hexdigest()[:10]
        controls = "".join(self._control_html(uid, c, name) for c, name in enumerate(self.names))
        data = {"shape": [len(self.grids[n]) for n in self.names], "images": uris, "frames": self.frames,
                "alts": self.alts, "labels": [[readout(self.widgets[n], v) for v in self.grids[n]] for n in self.names],
                "checked": [[bool(v) for v in self.grids[n]] if _kind(self.widgets[n]) == "checkbox" else None
                            for n in self.names]}
        k = self.frame_index(self.start)
        # "</" inside a script would end it early
        payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
        width, height = self.size
        return (f'<div class="dl-player" id="{uid}"><div class="dl-player-controls">{controls}</div>'
                f'<img class="dl-player-figure" src="{uris[self.frames[k]]}" alt="{html.escape(self.alts[k])}" '
                f'width="{width}" height="{height}">'
                f'<script type="application/json" class="dl-player-data">{payload}</script></div>')

    def __repr__(self) -> str:
        return f"<FigurePlayer: {len(self.frames)} frames ({len(self.images)} distinct) of {self.names}>"
