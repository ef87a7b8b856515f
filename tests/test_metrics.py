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


# ----- stateful metrics: Precision, Recall, AUC ------------------------------------------------------------
Y6 = np.array([0, 1, 1, 1, 0, 0])
P6 = np.array([0.6, 0.7, 0.4, 0.9, 0.2, 0.55])  # at 0.5: TP = rows 1, 3; FP = rows 0, 5; FN = row 2


def test_precision_and_recall_by_hand():
    precision, recall = metrics.Precision(), metrics.Recall()
    precision.update_state(Y6, P6)
    recall.update_state(Y6[:, None], P6[:, None])
    np.testing.assert_array_equal(precision.true_positives, [2])
    np.testing.assert_array_equal(precision.false_positives, [2])
    np.testing.assert_array_equal(recall.false_negatives, [1])
    assert precision.result() == 0.5 and recall.result() == pytest.approx(2 / 3)
    assert isinstance(precision.result(), float)


def test_an_output_equal_to_the_threshold_is_a_negative_prediction():
    m = metrics.Precision(thresholds=0.4)
    m.update_state([1, 0], [0.4, 0.41])  # y_pred > threshold, strictly
    assert m.result() == 0.0 and m.false_positives[0] == 1 and m.true_positives[0] == 0


def test_sample_weight_weighs_each_count():
    w = np.array([1.0, 2.0, 0.0, 1.0, 1.0, 3.0])
    precision, recall = metrics.Precision(), metrics.Recall()
    precision.update_state(Y6, P6, sample_weight=w)   # TP = 2 + 1, FP = 1 + 3
    recall.update_state(Y6, P6, sample_weight=w)      # FN = 0 (row 2 weighs 0)
    assert precision.result() == pytest.approx(3 / 7) and recall.result() == 1.0


@pytest.mark.parametrize("make", [metrics.Precision, metrics.Recall, metrics.AUC, lambda: metrics.AUC(curve="PR")])
def test_batches_accumulate_to_the_whole_data_value_not_the_mean_of_batches(make):
    r = np.random.default_rng(3)
    y = r.integers(0, 2, size=(50, 1))
    p = np.clip(0.3 * y + r.uniform(size=(50, 1)) * 0.8, 0, 1)
    w = r.choice([0.5, 1.0, 2.0], size=50)
    whole, batched, per_batch = make(), make(), []
    whole.update_state(y, p, sample_weight=w)
    for i in range(0, 50, 8):
        batched.update_state(y[i:i + 8], p[i:i + 8], sample_weight=w[i:i + 8])
        one = make()
        per_batch.append(one(y[i:i + 8], p[i:i + 8], sample_weight=w[i:i + 8]))  # __call__: update + result
    assert batched.result() == pytest.approx(whole.result(), rel=1e-12)
    assert abs(np.mean(per_batch) - whole.result()) > 1e-3  # why the counts, not the values, are accumulated


def test_a_list_of_thresholds_gives_one_value_per_threshold_and_reset_forgets():
    m = metrics.Recall(thresholds=[0.3, 0.5, 0.8])
    m.update_state(Y6, P6)
    np.testing.assert_allclose(m.result(), [1.0, 2 / 3, 1 / 3])
    assert metrics.Recall(thresholds=[0.5])(Y6, P6) == pytest.approx(2 / 3)  # a one-element list: a float
    m.reset_state()
    np.testing.assert_array_equal(m.result(), [0.0, 0.0, 0.0])  # nothing seen: 0, not NaN (as Keras)
    m.update_state([1], [0.6])
    np.testing.assert_array_equal(m.result(), [1.0, 1.0, 0.0])


def test_top_k_and_class_id():
    y = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    p = np.array([[0.1, 0.6, 0.3], [0.2, 0.55, 0.25], [0.4, 0.35, 0.25]])
    top1 = metrics.Precision(top_k=1)   # the argmax of each row is a positive prediction: 1 right of 3
    assert top1(y, p) == pytest.approx(1 / 3)
    top2 = metrics.Recall(top_k=2)      # labels among the top two: row 0 only (row 1's is third, row 2's too)
    assert top2(y, p) == pytest.approx(1 / 3)
    column1 = metrics.Precision(class_id=1)  # column 1 above 0.5: rows 0 (label 1) and 1 (label 0)
    assert column1(y, p) == 0.5
    with pytest.raises(ValueError, match="class_id=3 needs outputs of shape"):
        metrics.Precision(class_id=3)(y, p)


def test_auc_by_hand_as_in_keras_docstring():
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    # thresholds [-1e-7, 0.5, 1 + 1e-7]: tp = [2, 1, 0], fp = [2, 0, 0] -> recall [1, .5, 0], fp rate [1, 0, 0]
    np.testing.assert_array_equal(m.true_positives, [2, 1, 0])
    np.testing.assert_array_equal(m.false_positives, [2, 0, 0])
    assert m.result() == 0.75
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert m.result() == 1.0
    assert len(metrics.AUC().thresholds) == 200 and metrics.AUC().thresholds[0] == -1e-7


def test_auc_approximates_the_exact_roc_area():
    r = np.random.default_rng(4)
    y = r.integers(0, 2, size=400)
    p = 1 / (1 + np.exp(-(2 * y - 1 + r.normal(size=400))))
    pos, neg = p[y == 1], p[y == 0]
    exact = np.mean(pos[:, None] > neg[None, :])  # P(positive scores above negative): the ROC area
    assert 0.7 < exact < 0.95
    assert metrics.AUC()(y, p) == pytest.approx(exact, abs=5e-3)
    perfect = metrics.AUC(curve="PR")
    assert perfect([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == pytest.approx(1.0)
    lower, upper = metrics.AUC(summation_method="minoring"), metrics.AUC(summation_method="majoring")
    assert lower(y, p) <= metrics.AUC()(y, p) <= upper(y, p)


def test_multi_label_auc_is_the_mean_of_the_column_aucs():
    r = np.random.default_rng(5)
    y, p = r.integers(0, 2, size=(60, 3)), r.uniform(size=(60, 3))
    per_column = [metrics.AUC()(y[:, j], p[:, j]) for j in range(3)]
    assert metrics.AUC(multi_label=True)(y, p) == pytest.approx(np.mean(per_column))
    assert metrics.AUC(multi_label=True, label_weights=[1, 0, 0])(y, p) == pytest.approx(per_column[0])
    assert metrics.AUC(from_logits=True)(y, np.log(p / (1 - p))) == pytest.approx(metrics.AUC()(y, p))


@pytest.mark.parametrize("make,y,p,match", [
    (metrics.Precision, [0, 2, 1], [0.1, 0.9, 0.8], r"labels must be 0 or 1, got \[2\]"),
    (metrics.Recall, [0, 1, 1], [[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], r"labels of shape \(3,\) do not match outputs"),
    (metrics.AUC, np.array([1, 3, 0]), np.eye(3) * 0.9, r"labels of shape \(3,\) do not match outputs of shape \(3, 3"),
    (lambda: metrics.AUC(multi_label=True), np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), r"needs outputs of shape \(n, l"),
])
def test_bad_labels_and_shapes_say_what_was_expected(make, y, p, match):
    with pytest.raises(ValueError, match=match):
        make().update_state(y, p)
    with pytest.raises(ValueError, match="sample_weight of shape"):
        metrics.Precision().update_state([0, 1, 1], [0.2, 0.7, 0.9], sample_weight=[1.0, 2.0])


@pytest.mark.parametrize("build,match", [
    (lambda: metrics.Precision(thresholds=1.5), r"thresholds must be numbers in \[0, 1\], got 1.5"),
    (lambda: metrics.Recall(thresholds=[0.2, -0.1]), r"thresholds must be numbers in \[0, 1\]"),
    (lambda: metrics.Precision(top_k=0), "top_k must be a positive integer"),
    (lambda: metrics.Recall(class_id=-1), "class_id must be a non-negative integer"),
    (lambda: metrics.AUC(curve="ROCX"), "curve must be 'ROC' or 'PR', got 'ROCX'"),
    (lambda: metrics.AUC(summation_method="trapezoid"), "summation_method must be one of"),
    (lambda: metrics.AUC(num_thresholds=1), "num_thresholds must be an integer > 1"),
    (lambda: metrics.AUC(thresholds=[0.5, 2.0]), r"thresholds must be numbers in \[0, 1\]"),
    (lambda: metrics.AUC(num_labels=3), "num_labels is needed only when multi_label=True"),
])
def test_bad_arguments_say_what_was_expected(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_names_by_string_class_and_instance(monkeypatch):
    from collections import defaultdict

    import dlcore.layers.base
    monkeypatch.setattr(dlcore.layers.base, "_name_counts", defaultdict(int))  # count names from zero
    assert [metrics.AUC().name, metrics.AUC(curve="PR").name, metrics.Precision(name="p").name] == ["auc", "auc_1", "p"]
    assert metrics.MeanMetricWrapper(metrics.binary_accuracy).name == "mean_metric_wrapper"
    assert metrics.as_metric(metrics.binary_accuracy).name == "binary_accuracy"
    assert isinstance(metrics.get("AUC"), metrics.AUC) and isinstance(metrics.get("recall"), metrics.Recall)
    with pytest.raises(ValueError, match="unknown metric 'f1'.*'auc'.*'precision'"):
        metrics.get("f1")


def _binary_model(metrics_list, weighted=None):
    model = Sequential([Input(shape=(3,)), Dense(1, activation="sigmoid")])
    model.trainable = False  # the outputs stay fixed while fit runs
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=metrics_list, weighted_metrics=weighted)
    return model


def test_fit_and_evaluate_accumulate_over_the_batches():
    r = np.random.default_rng(6)
    x, y = r.normal(size=(70, 3)), r.integers(0, 2, size=(70, 1)).astype(float)
    recalls = metrics.Recall(thresholds=[0.3, 0.7], name="recalls")
    model = _binary_model(["precision", "recall", "auc", "accuracy", recalls])
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, validation_data=(x, y)).history
    p = model.predict(x)
    for name, make in [("precision", metrics.Precision), ("recall", metrics.Recall), ("auc", metrics.AUC)]:
        whole = make()(y, p)
        assert history[name] == pytest.approx([whole, whole], rel=1e-12)  # reset every epoch
        assert history[f"val_{name}"] == pytest.approx([whole, whole], rel=1e-12)
        assert model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)[name] == pytest.approx(whole)
    np.testing.assert_allclose(history["recalls"][1], metrics.Recall(thresholds=[0.3, 0.7])(y, p))
    assert model.metrics_names == ["loss", "precision", "recall", "auc", "accuracy", "recalls"]


def test_duplicate_and_weighted_names_as_keras():
    r = np.random.default_rng(7)
    x, y = r.normal(size=(30, 3)), r.integers(0, 2, size=(30, 1)).astype(float)
    model = _binary_model(["auc", "AUC", "auc", "recall"], weighted=["auc", "precision"])
    w = r.choice([0.5, 1.0, 2.0], size=30)
    logs = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "auc", "AUC", "auc_1", "recall", "weighted_auc", "precision"]
    p = model.predict(x)
    assert logs["weighted_auc"] == pytest.approx(metrics.AUC()(y, p, sample_weight=w))
    assert logs["auc"] == pytest.approx(metrics.AUC()(y, p))
    assert logs["precision"] == pytest.approx(metrics.Precision()(y, p, sample_weight=w))
