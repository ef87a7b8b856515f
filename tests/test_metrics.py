import numpy as np
import pytest

from dlcore import metrics
from dlcore.layers import Dense, Input
from dlcore.models import Sequential

RNG = np.random.default_rng(0)

# (labels, outputs) of every shape pair the accuracy rule distinguishes
CASES = {
    "binary (n, 1) labels": (RNG.integers(0, 2, size=(8, 1)).astype(float), RNG.uniform(size=(8, 1))),
    "binary (n,) labels": (RNG.integers(0, 2, size=8).astype(float), RNG.uniform(size=(8, 1))),
    "sparse (n,) labels": (RNG.integers(0, 4, size=8), RNG.dirichlet(np.ones(4), size=8)),
    "sparse (n, 1) labels": (RNG.integers(0, 4, size=(8, 1)), RNG.dirichlet(np.ones(4), size=8)),
    "one-hot labels": (np.eye(4)[RNG.integers(0, 4, size=8)], RNG.dirichlet(np.ones(4), size=8)),
    "multi-label": (RNG.integers(0, 2, size=(8, 3)).astype(float), RNG.uniform(size=(8, 3))),
}
EXPECTED = {"binary (n, 1) labels": "binary_accuracy", "binary (n,) labels": "binary_accuracy",
            "sparse (n,) labels": "sparse_categorical_accuracy", "sparse (n, 1) labels": "sparse_categorical_accuracy",
            "one-hot labels": "categorical_accuracy", "multi-label": "categorical_accuracy"}


@pytest.mark.parametrize("case", list(CASES))
def test_accuracy_is_chosen_from_the_shapes(case):
    y, p = CASES[case]
    assert metrics.get("accuracy", y, p).__name__ == EXPECTED[case]
    assert metrics.get("acc", y.shape, p.shape).__name__ == EXPECTED[case]


def test_accuracy_needs_the_shapes_and_unknown_names_raise():
    with pytest.raises(ValueError, match="needs y_true and y_pred"):
        metrics.get("accuracy")
    with pytest.raises(ValueError, match="unknown metric"):
        metrics.get("precision_at_k")


def test_values_by_hand():
    y, p = np.array([[1.0], [0.0], [1.0], [0.0]]), np.array([[0.9], [0.6], [0.4], [0.1]])
    assert metrics.binary_accuracy(y, p) == 0.5
    assert metrics.sparse_categorical_accuracy(np.array([0, 1]), np.array([[0.9, 0.1], [0.8, 0.2]])) == 0.5
    assert metrics.categorical_accuracy(np.eye(2), np.array([[0.9, 0.1], [0.2, 0.8]])) == 1.0
    assert metrics.mean_absolute_error(np.zeros((2, 2)), np.ones((2, 2))) == 1.0


def test_mse_model_with_one_hot_softmax_reports_categorical_accuracy():
    # the loss no longer decides: Keras reports categorical accuracy here, not element-wise binary accuracy
    model = Sequential([Input(shape=(3,)), Dense(4, activation="softmax")])
    model.compile(optimizer="sgd", loss="mse", metrics=["accuracy"])
    x, y = RNG.normal(size=(20, 3)), np.eye(4)[RNG.integers(0, 4, size=20)]
    acc = model.evaluate(x, y, return_dict=True)["accuracy"]
    assert acc == pytest.approx(np.mean(np.argmax(model.predict(x), 1) == np.argmax(y, 1)))


@pytest.mark.parametrize("case", list(CASES))
def test_choice_and_values_match_keras(case):
    from keras_reference import keras_or_skip
    keras_or_skip()
    from keras.src.trainers.compile_utils import get_metric
    y, p = CASES[case]
    theirs = get_metric("accuracy", y, p)
    assert type(theirs).__name__.lower() == EXPECTED[case].replace("_", "")
    theirs.update_state(y, p)
    assert metrics.get("accuracy", y, p)(y, p) == pytest.approx(float(theirs.result()), rel=1e-6)


def test_top_k_by_hand_and_ties_count_in_favour():
    y_pred = np.array([[0.1, 0.5, 0.4], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])
    labels = np.array([2, 2, 0])
    np.testing.assert_array_equal(metrics.sparse_top_k_categorical_accuracy_per_sample(labels, y_pred, k=2),
                                  [1.0, 0.0, 1.0])  # row 3: class 0 ties class 1 for second place
    np.testing.assert_array_equal(metrics.sparse_top_k_categorical_accuracy_per_sample(labels, y_pred, k=1),
                                  [0.0, 0.0, 0.0])
    assert metrics.top_k_categorical_accuracy(np.eye(3)[labels], y_pred, k=2) == pytest.approx(2 / 3)
    assert metrics.get("sparse_top_k_categorical_accuracy")(labels, y_pred) == 1.0  # k=5 >= 3 classes
    with pytest.raises(ValueError, match="k must be a positive integer"):
        metrics.top_k_categorical_accuracy(np.eye(3)[labels], y_pred, k=0)
    with pytest.raises(ValueError, match=r"\(2,\).*\(3, 3\)"):
        metrics.sparse_top_k_categorical_accuracy(labels[:2], y_pred)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_top_k_matches_keras(k):
    from keras_reference import keras_or_skip
    keras = keras_or_skip()
    rng = np.random.default_rng(k)
    y_pred = rng.normal(size=(40, 8))
    y_pred[:5, :4] = 0.0  # ties at the top-k boundary
    labels = rng.integers(0, 8, size=40)
    for name, y_true in [("sparse_top_k_categorical_accuracy", labels),
                         ("sparse_top_k_categorical_accuracy", labels[:, None]),
                         ("top_k_categorical_accuracy", np.eye(8)[labels])]:
        theirs = keras.ops.convert_to_numpy(getattr(keras.metrics, name)(y_true, y_pred, k=k)).reshape(-1)
        ours = metrics.PER_SAMPLE[metrics.get(name)](y_true, y_pred, k=k)
        assert 0 < theirs.sum() < 40 or k == 5
        np.testing.assert_array_equal(ours, theirs)
        assert getattr(metrics, name)(y_true, y_pred, k=k) == pytest.approx(theirs.mean())
