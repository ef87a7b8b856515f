"""dlcore is Keras 3 wherever it uses Keras' names: every call signature, compared with Keras 3.15.1.

For every public name dlcore shares with Keras (layers, activations, initializers, optimizers, losses,
metrics, callbacks, regularizers, models, saving, utils, ``Input``, and the methods of ``Sequential`` and
``Model``), every Keras parameter must be accepted by dlcore with the same default and in the same
position, or be listed in tests/keras_differences.py with its reason. The table is held to the code both
ways: an unlisted difference fails, and so does a listed one that is gone (a stale entry). Names dlcore
has and Keras has not must be listed as dlcore additions.

Keras (3.15.1, torch backend) is a reference only, like torch: without it the module is skipped.
"""

from __future__ import annotations

import fnmatch
import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras' first import: its default backend is TensorFlow
pytest.importorskip("keras", reason="keras (a reference only, like torch) is not installed: "
                                    "`pip install keras==3.15.1 torch==2.13.0` runs the Keras API comparison")
pytest.importorskip("torch", reason="the Keras reference runs on the torch backend: install torch")

import keras  # noqa: E402
import keras_api_helpers as api  # noqa: E402
import keras_differences as table  # noqa: E402

import dlcore  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras.*")


def _expand(key) -> list[tuple[str, str]]:
    names, params = key
    names = (names,) if isinstance(names, str) else names
    params = (params,) if isinstance(params, str) else params
    return [(n, p) for n in names for p in params]


LISTED = {k: reason for key, reason in table.DIFFERENCES.items() for k in _expand(key)}


def _area(label: str) -> str:
    area = label.split(".")[0]
    return "models" if area in ("Model", "Sequential") else area


def _category(diff: api.Difference):
    """The category rule that covers ``diff``, if any (never an argument-order or object difference)."""
    label, param = diff.key
    for area, params, reason in table.CATEGORIES:
        if diff.kind in ("missing", "default", "required") and _area(label) == area and param in params:
            return (area, params, reason)
    return None


@pytest.fixture(scope="module")
def comparison():
    return api.find_differences(keras)


def test_keras_is_the_version_the_table_describes():
    assert keras.__version__ == table.KERAS_VERSION, (
        f"tests/keras_differences.py describes Keras {table.KERAS_VERSION}, Keras {keras.__version__} is "
        "installed: rerun this module and update the table")


def test_the_comparison_covers_every_area(comparison):
    compared_areas = {_area(label) for label in comparison.names_compared}
    assert compared_areas == set(api.AREAS), f"areas with nothing compared: {set(api.AREAS) - compared_areas}"
    for name in ("layers.Dense", "layers.Conv2D", "layers.LSTM", "optimizers.Adam", "losses.BinaryCrossentropy",
                 "metrics.AUC", "callbacks.EarlyStopping", "models.Sequential", "models.Model", "Model.fit",
                 "Model.compile", "saving.load_model", "utils.to_categorical", "layers.Input"):
        assert name in comparison.names_compared, f"{name} was not compared"
    assert comparison.parameters_compared > 500


def test_every_difference_from_keras_is_listed_with_its_reason(comparison):
    unlisted = [str(d) for d in comparison.differences if d.key not in LISTED and _category(d) is None]
    assert not unlisted, ("dlcore differs from Keras here, and tests/keras_differences.py does not say why; "
                          "make dlcore accept the parameter as Keras does, or list it with its reason:\n"
                          + "\n".join(unlisted))


def test_no_listed_difference_is_stale(comparison):
    found = {d.key for d in comparison.differences}
    stale = sorted(k for k in LISTED if k not in found)
    assert not stale, f"listed in tests/keras_differences.py but no longer a difference (remove them): {stale}"
    used = {_category(d) for d in comparison.differences} - {None}
    unused = [(area, params) for area, params, _ in table.CATEGORIES if (area, params, _) not in used]
    assert not unused, f"category rules that match no difference any more (remove them): {unused}"
    for area, params, _ in table.CATEGORIES:  # every parameter a rule names must still be a difference
        hit = {d.key[1] for d in comparison.differences if _category(d) is not None and _area(d.key[0]) == area}
        assert set(params) <= hit, f"rule for {area}: {sorted(set(params) - hit)} are no longer differences"


def test_no_entry_is_covered_twice(comparison):
    both = sorted(str(d) for d in comparison.differences if d.key in LISTED and _category(d) is not None)
    assert not both, f"listed one by one and by a category rule (keep one): {both}"


def test_every_reason_is_a_sentence_a_learner_can_read():
    reasons = list(LISTED.values()) + [r for *_, r in table.CATEGORIES] + list(table.ADDITIONS.values())
    for reason in reasons:
        assert isinstance(reason, str) and len(reason.split()) >= 4, f"reason too short to explain: {reason!r}"


def test_every_dlcore_name_keras_lacks_is_a_listed_addition(comparison):
    unlisted = [n for n in comparison.dlcore_only if not any(fnmatch.fnmatchcase(n, p) for p in table.ADDITIONS)]
    assert not unlisted, ("dlcore has these public names that Keras does not have under that name; list them "
                          f"as dlcore additions in tests/keras_differences.py (or rename them): {unlisted}")
    unused = [p for p in table.ADDITIONS if not any(fnmatch.fnmatchcase(n, p) for n in comparison.dlcore_only)]
    assert not unused, f"listed as dlcore additions but Keras has them, or dlcore no longer does: {unused}"


def test_the_top_level_names_are_the_compared_objects():
    assert dlcore.Input is dlcore.layers.Input and keras.Input is keras.layers.Input
    assert dlcore.Model is dlcore.models.Model and dlcore.Sequential is dlcore.models.Sequential
    assert dlcore.utils.to_categorical is dlcore.preprocessing.to_categorical


# ----- the comparison itself can fail: it finds differences it is shown --------------------------------
def test_compare_finds_a_missing_parameter_a_changed_default_and_a_changed_order():
    def theirs(x, alpha=0.2, beta=1):
        return x

    def ours_missing(x, alpha=0.2):
        return x

    def ours_default(x, alpha=0.3, beta=1):
        return x

    def ours_order(x, beta=1, alpha=0.2):
        return x

    def ours_same(x, alpha=0.2, beta=(1, 1), extra=None):
        return x

    kinds = {name: {d.kind for d in api.compare(name, fn, theirs)[0]}
             for name, fn in [("missing", ours_missing), ("default", ours_default), ("order", ours_order),
                              ("same", ours_same)]}
    assert kinds == {"missing": {"missing"}, "default": {"default"}, "order": {"order"}, "same": set()}


def test_parameters_follow_dlcore_kwargs_to_the_base_class():
    names = [p.name for p in api.parameters(dlcore.optimizers.AdamW)]
    assert {"learning_rate", "weight_decay", "beta_1", "amsgrad", "clipnorm", "name"} <= set(names)


# ----- parameters added so that Keras code runs unchanged ------------------------------------------------
@pytest.mark.parametrize("module,identifier", [
    ("activations", "relu"), ("initializers", "he_normal"), ("losses", "mse"), ("metrics", "mae"),
    ("optimizers", "adam"), ("regularizers", "l2")])
def test_get_takes_keras_keyword_identifier(module, identifier):
    mod = getattr(dlcore, module)
    assert type(mod.get(identifier=identifier)) is type(mod.get(identifier))
    with pytest.raises(ValueError, match="unknown"):
        mod.get(identifier="no_such_thing")


def test_optimizer_name_defaults_to_keras_name():
    from keras.src.utils.naming import reset_uids

    reset_uids()  # Keras numbers a second "sgd" "sgd_1": start from zero whatever ran before in this process
    for cls in (dlcore.optimizers.SGD, dlcore.optimizers.Adam, dlcore.optimizers.RMSprop, dlcore.optimizers.AdamW):
        assert cls().name == getattr(keras.optimizers, cls.__name__)().name
    assert dlcore.optimizers.Adam(name="slow_adam").name == "slow_adam"


def test_to_categorical_takes_x_as_keras():
    import numpy as np

    np.testing.assert_array_equal(dlcore.utils.to_categorical(x=[0, 2], num_classes=3),
                                  keras.utils.to_categorical(x=[0, 2], num_classes=3))


def test_metric_takes_dtype_then_name_as_keras():
    metric = dlcore.metrics.AUC(name="roc")
    assert metric.name == "roc"
    base = dlcore.metrics.Metric(None, "mine")
    assert base.name == "mine" and base.dtype is None


def test_summary_print_fn_defaults_to_print(capsys):
    model = dlcore.Sequential([dlcore.Input(shape=(3,)), dlcore.layers.Dense(2)])
    lines = []
    model.summary(print_fn=lines.append)
    model.summary()
    assert lines and capsys.readouterr().out.splitlines() == lines


def test_functional_compile_accepts_keras_options_positionally():
    a = dlcore.Input(shape=(3,))
    model = dlcore.Model(a, dlcore.layers.Dense(1)(a))
    model.compile("sgd", "mse", None, None, None, False, 1, "auto", True)
    assert model.loss is not None and isinstance(model.optimizer, dlcore.optimizers.SGD)
