"""Plausible wrong answers for chapter 8's exercises."""

import numpy as np

# ----------------------------------------------------------------------------- 8.1 standardize


def _std_all_data(X_train, X_test):
    # the leak: statistics of the training AND test rows together
    both = np.concatenate([X_train, X_test])
    mean, std = both.mean(axis=0), both.std(axis=0)
    return (X_train - mean) / std, (X_test - mean) / std


def _std_each_its_own(X_train, X_test):
    # each part standardized with its own statistics (the test set's own mean and std)
    return ((X_train - X_train.mean(0)) / X_train.std(0),
            (X_test - X_test.mean(0)) / X_test.std(0))


def _std_wrong_axis(X_train, X_test):
    # statistics per row instead of per column
    mean, std = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    return (X_train - mean) / std, (X_test - X_test.mean(axis=1, keepdims=True)) / X_test.std(axis=1, keepdims=True)


def _std_one_number(X_train, X_test):
    # one mean and one std for the whole array, not one per feature
    mean, std = X_train.mean(), X_train.std()
    return (X_train - mean) / std, (X_test - mean) / std


def _std_no_constant_guard(X_train, X_test):
    # right statistics, but a constant column gives 0 / 0 = NaN
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_test - mean) / std


def _std_test_only_centred(X_train, X_test):
    # forgot to divide the test part
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return (X_train - mean) / std, X_test - mean


def _std_in_place(X_train, X_test):
    # right numbers, but modifies the caller's arrays
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    X_train -= mean
    X_train /= std
    X_test -= mean
    X_test /= std
    return X_train, X_test


# ----------------------------------------------------------------------------- 8.2 train_step


def _forward(p, X):
    Z1 = X @ p["W1"] + p["b1"]
    H = np.maximum(Z1, 0)
    Z2 = H @ p["W2"] + p["b2"]
    Z2 = Z2 - Z2.max(axis=1, keepdims=True)
    P = np.exp(Z2)
    return Z1, H, P / P.sum(axis=1, keepdims=True)


def _make_step(sum_not_mean=False, no_relu_mask=False, ascent=False, freeze_biases=False, loss_after=False,
               in_place=False):
    def step(params, X, y, lr):
        n = len(X)
        Z1, H, P = _forward(params, X)
        loss = -np.mean(np.log(P[np.arange(n), y]))
        dZ2 = P.copy()
        dZ2[np.arange(n), y] -= 1
        if not sum_not_mean:
            dZ2 /= n
        dH = dZ2 @ params["W2"].T
        dZ1 = dH if no_relu_mask else dH * (Z1 > 0)
        grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dZ2, "b2": dZ2.sum(0)}
        if freeze_biases:
            grads["b1"], grads["b2"] = 0 * grads["b1"], 0 * grads["b2"]
        sign = -1.0 if ascent else 1.0
        if in_place:
            for k in grads:
                params[k] -= sign * lr * grads[k]
            new = params
        else:
            new = {k: params[k] - sign * lr * grads[k] for k in grads}
        if loss_after:
            _, _, P_new = _forward(new, X)
            loss = -np.mean(np.log(P_new[np.arange(n), y]))
        return new, float(loss)
    return step


def _step_naive_softmax(params, X, y, lr):
    # no max-subtraction: exp overflows for large logits
    n = len(X)
    Z1 = X @ params["W1"] + params["b1"]
    H = np.maximum(Z1, 0)
    E = np.exp(H @ params["W2"] + params["b2"])
    P = E / E.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(P[np.arange(n), y]))
    dZ2 = P.copy()
    dZ2[np.arange(n), y] -= 1
    dZ2 /= n
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dZ2, "b2": dZ2.sum(0)}
    return {k: params[k] - lr * grads[k] for k in grads}, float(loss)


def _step_labels_as_numbers(params, X, y, lr):
    # the source document's error: output error = prediction - label, with the label as a number
    n = len(X)
    Z1, H, P = _forward(params, X)
    loss = -np.mean(np.log(P[np.arange(n), y]))
    dZ2 = (P - y[:, None]) / n
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dZ2, "b2": dZ2.sum(0)}
    return {k: params[k] - lr * grads[k] for k in grads}, float(loss)


WRONG = {
    "ch08.standardize": [_std_all_data, _std_each_its_own, _std_wrong_axis, _std_one_number, _std_no_constant_guard,
                         _std_test_only_centred, _std_in_place],
    "ch08.train_step": [_make_step(sum_not_mean=True), _make_step(no_relu_mask=True), _make_step(ascent=True),
                        _make_step(freeze_biases=True), _make_step(loss_after=True), _make_step(in_place=True),
                        _step_naive_softmax, _step_labels_as_numbers],
    "ch08.param_count": [
        2 * 32 + 32 * 32 + 32 * 3,                           # weights only: 1184
        (2 * 32 + 32) + (32 * 32 + 32) + (32 * 3 + 3) + 2,   # gave the input layer biases: 1253
        2 * 64 + 64 + 64 * 3 + 3,                            # the chapter's 64-unit network: 387
        2 + 32 + 32 + 3,                                     # counted units: 69
        "1251",                                              # a string, not a number
    ],
    "ch08.valid_evaluation": ["a", "b", "d", "c and d"],
    "ch08.spiral_tune": [
        {"hidden": 64, "epochs": 3000},      # the chapter's run: far over the budget
        {"hidden": 2, "epochs": 1000},       # within the budget but too narrow
        {"hidden": 100, "epochs": 20},       # within the budget, too few epochs (94.2 %)
        {"hidden": 2000, "epochs": 1},       # all width, no training
        [32, 50],                            # not a dict
        {"hidden": 32.5, "epochs": 50},      # not a whole number of units
    ],
}
