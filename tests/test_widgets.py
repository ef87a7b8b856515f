import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import pytest  # noqa: E402

from dlcore import widgets  # noqa: E402


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


def test_interact_figure_freezes_its_sliders_on_the_static_site(monkeypatch):
    monkeypatch.setenv(widgets.STATIC_SITE_ENV, "1")
    slider = ipywidgets.FloatSlider(value=1.0)
    box = widgets.interact_figure(lambda ax, a: None, a=slider)
    assert slider.disabled
    assert "frozen" in box.children[0].value


def test_interact_figure_image_has_alt_text_with_the_values(monkeypatch):
    monkeypatch.delenv(widgets.STATIC_SITE_ENV, raising=False)
    slider = ipywidgets.FloatSlider(value=1.0)
    box = widgets.interact_figure(_draw, a=slider)
    image = box.children[-1].value
    assert image.startswith("<img src=\"data:image/png;base64,") and 'alt="A line of slope a, at a = 1"' in image
