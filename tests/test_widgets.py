import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import pytest  # noqa: E402

from dlcore import widgets  # noqa: E402
from dlcore.figure_player import FigurePlayer, control_grids  # noqa: E402


def _draw(ax, a, b=0.0):
    """A line of slope a."""
    ax.plot([0, 1], [b, a + b])
    ax.set_title(f"a={a}, b={b}")


def test_small_multiples_draws_every_combination():
    fig = widgets.small_multiples(_draw, a=[1, 2, 3], b=[0, 1])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 6
    assert {ax.get_title() for ax in visible} == {f"a={a}, b={b}" for a in (1, 2, 3) for b in (0, 1)}


def test_small_multiples_needs_values():
    with pytest.raises(ValueError, match="at least one parameter"):
        widgets.small_multiples(_draw)


def test_interact_figure_redraws_with_the_slider_values(monkeypatch):
    monkeypatch.delenv(widgets.STATIC_SITE_ENV, raising=False)
    seen = []
    slider = ipywidgets.FloatSlider(value=1.0, min=0, max=2)
    box = widgets.interact_figure(lambda ax, a: seen.append(a), a=slider)
    slider.value = 1.5
    assert seen == [1.0, 1.5]
    assert not slider.disabled and isinstance(box, ipywidgets.VBox)


def test_interact_figure_draws_a_player_on_the_static_site(monkeypatch):
    monkeypatch.setenv(widgets.STATIC_SITE_ENV, "1")
    seen = []
    slider = ipywidgets.FloatSlider(value=1.0, min=0, max=2, step=0.5)
    toggle = ipywidgets.ToggleButtons(options=[("low", 0.0), ("high", 1.0)], value=1.0, description="b")

    def draw(ax, a, b):
        """A line of slope a."""
        seen.append((a, b))
        ax.plot([0, 1], [b, a + b])

    player = widgets.interact_figure(draw, a=slider, b=toggle)
    assert isinstance(player, FigurePlayer)
    assert seen == [(a, b) for a in (0.0, 0.5, 1.0, 1.5, 2.0) for b in (0.0, 1.0)]  # every combination, once
    assert player.frames == list(range(10)) and all(frame[8:12] == b"WEBP" for frame in player.images)
    assert player.alts[player.frame_index([2, 1])] == "A line of slope a, at a = 1, b = high"
    page = player._repr_html_()
    assert 'type="range"' in page and 'aria-valuetext="1.00"' in page and ">high</button>" in page
    assert 'alt="A line of slope a, at a = 1, b = high"' in page  # the start frame: the widgets' values
    assert "widget" not in page


def test_identical_frames_are_stored_once(monkeypatch):
    monkeypatch.setenv(widgets.STATIC_SITE_ENV, "1")
    player = widgets.interact_figure(lambda ax, a: ax.plot([0, 1]), a=ipywidgets.IntSlider(value=0, min=0, max=3))
    assert len(player.frames) == 4 and len(player.images) == 1
    assert len(set(player.alts)) == 4


def test_default_grid_is_bounded_and_keeps_the_current_value():
    sliders = {"a": ipywidgets.FloatSlider(value=0.3, min=0, max=10, step=0.1),
               "k": ipywidgets.Dropdown(options=["x", "y", "z"], value="y"),
               "on": ipywidgets.Checkbox(value=True)}
    grids = control_grids(sliders, max_frames=48)
    assert grids["k"] == ["x", "y", "z"] and grids["on"] == [False, True]
    assert 2 <= len(grids["a"]) <= 8 and 0.3 in grids["a"]
    assert len(grids["a"]) * 3 * 2 <= 48
    steps = {round(b - a, 9) for a, b in zip(grids["a"], grids["a"][1:])}
    assert len(steps) == 1  # evenly spaced


def test_log_slider_grid_is_on_the_slider():
    slider = ipywidgets.FloatLogSlider(value=0.01, base=10, min=-3, max=0, step=0.5)
    assert control_grids({"lr": slider})["lr"] == pytest.approx([10 ** (k / 2) for k in range(-6, 1)])


def test_explicit_grid_is_checked():
    sliders = {"a": ipywidgets.IntSlider(value=1, min=0, max=5), "k": ipywidgets.Dropdown(options=["x", "y"])}
    assert control_grids(sliders, {"a": [0, 5]}) == {"a": [0, 5], "k": ["x", "y"]}
    with pytest.raises(ValueError, match="cannot show"):
        control_grids(sliders, {"a": [9]})
    with pytest.raises(ValueError, match="cannot show"):
        control_grids(sliders, {"k": ["w"]})
    with pytest.raises(ValueError, match="not controls"):
        control_grids(sliders, {"b": [1]})
    with pytest.raises(ValueError, match="max_frames=4"):
        control_grids(sliders, {"a": [0, 1, 2]}, max_frames=4)


def test_too_many_controls_for_the_budget_is_a_clear_error():
    sliders = {name: ipywidgets.Checkbox() for name in "abcdef"}  # 2**6 = 64 frames at least
    with pytest.raises(ValueError, match="pass grid="):
        control_grids(sliders, max_frames=48)


def test_unsupported_widget_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(widgets.STATIC_SITE_ENV, "1")
    with pytest.raises(TypeError, match="cannot show a Text"):
        widgets.interact_figure(lambda ax, a: None, a=ipywidgets.Text())


def test_live_kernel_ignores_the_grid(monkeypatch):
    monkeypatch.delenv(widgets.STATIC_SITE_ENV, raising=False)
    seen = []
    slider = ipywidgets.IntSlider(value=1, min=0, max=9)
    box = widgets.interact_figure(lambda ax, a: seen.append(a), grid={"a": [0, 9]}, a=slider)
    slider.value = 4  # not in the grid: the live figure follows the slider anyway
    assert isinstance(box, ipywidgets.VBox) and seen == [1, 4]


def test_interact_figure_image_has_alt_text_with_the_values(monkeypatch):
    monkeypatch.delenv(widgets.STATIC_SITE_ENV, raising=False)
    slider = ipywidgets.FloatSlider(value=1.0)
    box = widgets.interact_figure(_draw, a=slider)
    image = box.children[-1].value
    assert image.startswith("<img src=\"data:image/png;base64,") and 'alt="A line of slope a, at a = 1"' in image
