"""Every way dlcore's public API differs from Keras 3.15.1 where it uses Keras' names, and why.

tests/test_keras_api.py compares ``inspect.signature`` of every constructor, function and method dlcore
shares with Keras (tests/keras_api_helpers.py) and holds this table to it both ways: a difference that is
not listed here fails, and so does an entry that is no longer a difference. Api.md renders the table.

Keys are ``(area.Name, parameter)``; either may be a tuple (aliases such as ``MaxPool2D``/``MaxPooling2D``,
or several parameters with one reason). Two special parameters: ``"(argument order)"`` (a positional call
binds another parameter: pass the later arguments by keyword) and ``"(object)"`` (a class in one library is
a function or an instance in the other).
"""

from __future__ import annotations

KERAS_VERSION = "3.15.1"
ORDER, OBJECT = "(argument order)", "(object)"

_POOLS_2D = ("layers.AveragePooling2D", "layers.AvgPool2D")
_POOLS_1D = ("layers.AveragePooling1D", "layers.AvgPool1D")
_OPTIMIZERS = tuple(f"optimizers.{n}" for n in ("SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Nadam"))
_SUMMARIES = ("Model.summary", "Sequential.summary")

# ---------------------------------------------------------------------------------------------------------
# Keras parameters dlcore leaves out for one reason wherever Keras has them: (area, parameters, reason).
# "area" is the module ("layers"), or "models" for Model/Sequential and their methods.
CATEGORIES: list[tuple[str, tuple[str, ...], str]] = [
    ("layers", ("dtype", "autocast"),
     "dtype policies and mixed-precision autocasting: dlcore computes in the dtype of its input "
     "(float64 in, float64 out; float32 for integer input)"),
    ("layers", ("trainable",),
     "not a constructor argument: set `layer.trainable = False` after creating the layer (the same "
     "attribute, with the same effect in `fit`)"),
    ("layers", ("activity_regularizer",),
     "penalties on a layer's output are not implemented: dlcore's regularizers act on weights only "
     "(`kernel_regularizer`, `bias_regularizer`)"),
    ("layers", ("input_dim",),
     "Keras 2's `input_dim`: in dlcore only `Dense` takes it; every layer takes `input_shape=(n,)`"),
    ("layers", ("kernel_constraint", "bias_constraint", "recurrent_constraint", "beta_constraint",
                "gamma_constraint", "embeddings_constraint"),
     "weight constraints (`keras.constraints`, e.g. max-norm) are not in dlcore"),
    ("layers", ("data_format",),
     "dlcore is channels-last only, Keras' default `data_format='channels_last'`: images are "
     "(batch, height, width, channels), sequences (batch, steps, features)"),
    ("layers", ("lora_rank", "lora_alpha", "quantization_config"),
     "LoRA fine-tuning and quantization of large models are outside the course"),
    ("layers", ("stateful", "unroll", "use_cudnn"),
     "dlcore's recurrent layers loop over time in numpy and start every batch from a zero state: no "
     "state carried across batches (`stateful`), no compiler unrolling, no NVIDIA cuDNN kernels"),
    ("initializers", ("input_axes", "output_axes"),
     "choosing which kernel axes count as fan-in/fan-out: dlcore always uses Keras' default rule "
     "(`compute_fans`: the last axis is fan-out, the others fan-in times the receptive field)"),
    ("optimizers", ("use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
                    "gradient_accumulation_steps"),
     "a moving average of the weights (EMA), loss scaling for float16 training and gradient accumulation "
     "over several batches are not in dlcore"),
    ("losses", ("dtype",),
     "dlcore's losses compute in the dtype of the prediction"),
    ("saving", ("zipped", "max_shard_size", "skip_mismatch"),
     "dlcore's `.keras` file is always one zip and its weights file one `.npz` archive (not sharded); "
     "loading checks every weight's shape and refuses a mismatch"),
    ("models", ("zipped", "max_shard_size", "skip_mismatch"),
     "as `saving.save_model`/`save_weights`/`load_weights`: one zip, one weights archive, shapes checked"),
    ("models", ("line_length", "positions", "expand_nested", "show_trainable", "layer_range"),
     "layout options of `summary`: dlcore prints Keras' default table"),
]

# ---------------------------------------------------------------------------------------------------------
# The other differences, one by one (or one reason for several names/parameters).
DIFFERENCES: dict[tuple, str] = {
    # ----- layers
    ("layers.Input", ("shape", "batch_size", "batch_shape", "sparse", "ragged", "tensor", "optional")):
        "dlcore's `Input` takes only `shape` (required, without the batch axis) and `name`: no sparse or "
        "ragged tensors, no fixed batch size",
    ("layers.Concatenate", "input_shape"):
        "a merge layer takes a list of inputs: give the model `Input`s instead",
    ("layers.Dense", ORDER):
        "the course's contract is `Dense(units, activation, input_dim, kernel_regularizer)`: pass `use_bias` "
        "and the initializers by keyword, as everyone does",
    (("layers.Conv1D", "layers.Conv2D"), "groups"):
        "grouped convolutions (each filter sees a slice of the channels) are not implemented",
    ("layers.Conv2DTranspose", ("output_padding", "kernel_regularizer", "bias_regularizer")):
        "dlcore's transposed convolution has no output padding (its output size follows from the padding "
        "alone) and no weight penalties",
    (_POOLS_1D + _POOLS_2D, "pool_size"):
        "dlcore gives average pooling `pool_size=2`, as max pooling; Keras requires it for average pooling "
        "(write it, and the code runs in both)",
    ("layers.BatchNormalization", ("renorm", "renorm_clipping", "renorm_momentum", "synchronized")):
        "batch renormalization and statistics synchronized across devices are not implemented",
    (("layers.Embedding", "layers.Bidirectional"), "weights"):
        "initial weights as a constructor argument: call `layer.set_weights(...)` once the layer is built",
    ("layers.MultiHeadAttention", ("attention_axes", "sliding_window", "flash_attention", "use_gate")):
        "attention over the time axis only, over all steps, computed plainly: no other axes, no sliding "
        "window, no fused FlashAttention kernel, no output gate",
    # ----- activations
    # ----- initializers
    (tuple(f"initializers.{n}" for n in ("glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
                                         "lecun_normal", "lecun_uniform", "ones", "orthogonal", "random_normal",
                                         "random_uniform", "truncated_normal", "zeros")), OBJECT):
        "in dlcore the lower-case names are functions of a shape, `he_normal((784, 128))`, the ones the "
        "layers call; in Keras they are aliases of the classes. The classes (`HeNormal(seed=0)`) are as Keras'",
    # ----- optimizers
    (_OPTIMIZERS, ORDER):
        "`weight_decay` and the clipping options are keyword arguments (shared by every dlcore optimizer): "
        "pass them by name",
    # ----- losses
    (("losses.binary_crossentropy", "losses.categorical_crossentropy", "losses.sparse_categorical_crossentropy"),
     OBJECT):
        "dlcore's lower-case losses are ready-made loss objects (mean over the batch, with `.gradient`); "
        "Keras' are functions returning one loss per sample, which is the classes' `per_sample` in dlcore (give "
        "`label_smoothing`, `axis` or `ignore_class` to the class: `CategoricalCrossentropy(label_smoothing=0.1)`)",
    # ----- metrics
    ("metrics.sparse_top_k_categorical_accuracy", "from_sorted_ids"):
        "`y_pred` is always scores per class, never pre-sorted class ids",
}

# Differences the signatures cannot show, or being removed on a branch not merged yet (not checked for
# staleness: remove an entry when its branch lands).
PENDING: dict[tuple, str] = {
    ("models.Sequential", "trainable"):
        "`Sequential(layers, trainable=False)` freezes the model as `model.trainable = False` does, its layers "
        "included, so a `BatchNormalization` in it runs in inference mode in `fit`. Keras' constructor freezes "
        "the model's weights but leaves each layer's `trainable` True, so its batch norms keep updating their "
        "moving statistics",
}

# ---------------------------------------------------------------------------------------------------------
# dlcore public names Keras does not have under that name: ("area.name" or a glob) -> why dlcore has them.
ADDITIONS: dict[str, str] = {
    "layers.TransformerBlock": "a whole encoder block (attention + feed-forward, residuals, layer norms): "
                               "in Keras one writes it from these layers (keras-hub has one)",
    "layers.scaled_dot_product_attention": "the attention formula as a plain function, to read and test",
    "layers.KerasTensor": "what calling a layer on an `Input` returns (Keras has it as `keras.KerasTensor`)",
    "activations.*_grad": "the derivative of each activation: dlcore's layers backpropagate by hand",
    "activations.softmax_vjp": "softmax's backward pass (a vector-Jacobian product), for the same reason",
    "activations.backward": "the backward pass of any activation by name",
    "activations.names": "the list of activation names `get` accepts",
    "activations.LEAKY_SLOPE": "leaky_relu's default slope (0.2, Keras 3's `negative_slope`) as a constant",
    "activations.SELU_*": "selu's two constants, named",
    "initializers.compute_fans": "fan-in/fan-out of a kernel shape (Keras' private `compute_fans`)",
    "losses.mse": "the mean squared error object, as `get('mse')` (Keras has no `keras.losses.mse`)",
    "losses.EPSILON": "the clipping constant of the cross-entropies (1e-7, Keras' `epsilon()`)",
    "losses.apply_mask": "folds a padding mask into the sample weights, as Keras does inside `fit`",
    "metrics.*_per_sample": "each metric's value per sample, from which `MeanMetricWrapper` averages",
    "metrics.PER_SAMPLE": "maps each batch-mean metric function to its per-sample twin",
    "metrics.per_sample": "the per-sample twin of a metric function",
    "metrics.per_sample_values": "per-sample values of any metric function",
    "metrics.accuracy_for": "picks binary, categorical or sparse accuracy from the shapes, as Keras' 'accuracy'",
    "metrics.as_metric": "turns a name or function into a metric object",
    "metrics.snake_case": "the default metric names (`AUC` -> `auc`)",
    "callbacks.MonitorCallback": "the shared base of EarlyStopping, ReduceLROnPlateau and ModelCheckpoint",
    "callbacks.as_callback": "checks an entry of `fit(callbacks=[...])`",
    "models.Functional": "the class of `Model(inputs, outputs)` (Keras' is private)",
    "models.History": "also `dlcore.callbacks.History`, as Keras' `keras.callbacks.History`",
    "models.InputLayer": "an `Input` inside a functional model (Keras: `keras.layers.InputLayer`)",
    "saving.FORMAT": "the format tag in dlcore's `.keras` file (not Keras' format)",
    "saving.WEIGHTS_FORMAT": "the format tag in dlcore's weights file",
    "saving.VERSION": "the version of dlcore's file format",
    "saving.layer_config": "a layer's constructor arguments as saved",
}


# ---------------------------------------------------------------------------------------------------------
# The table as a section of the API page (api.md, between the two markers); tests/test_keras_differences.py
# checks that the page is up to date. Rewrite it with: python tests/keras_differences.py
START, END = "<!-- keras-differences: generated by tests/keras_differences.py -->", "<!-- keras-differences end -->"
_AREA_TITLES = {"layers": "Layers", "activations": "Activations", "initializers": "Initializers",
                "optimizers": "Optimizers", "losses": "Losses", "metrics": "Metrics", "callbacks": "Callbacks",
                "regularizers": "Regularizers", "models": "Models (`Sequential`, `Model` and their methods)",
                "saving": "Saving", "utils": "Utilities"}
# who a category rule concerns, by (area, its first parameter), else by area
_WHO = {"layers": "Every layer", "initializers": "Every initializer class", "optimizers": "Every optimizer",
        "losses": "Every loss class", "saving": "`save_model`, `save_weights`, `load_weights`",
        ("layers", "input_dim"): "Every layer but `Dense`",
        ("layers", "kernel_constraint"): "Layers with weights",
        ("layers", "data_format"): "Convolution, pooling, padding and upsampling layers",
        ("layers", "lora_rank"): "`Dense`, `Embedding`",
        ("layers", "stateful"): "`SimpleRNN`, `LSTM`, `GRU`",
        ("models", "zipped"): "`Model.save`, `Model.save_weights`, `Model.load_weights`",
        ("models", "line_length"): "`Model.summary`, `Sequential.summary`"}


def _as_tuple(x) -> tuple:
    return (x,) if isinstance(x, str) else tuple(x)


def _area_of(name: str) -> str:
    area = name.split(".")[0]
    return "models" if area in ("Model", "Sequential") else area


def _short(name: str) -> str:
    area, _, rest = name.partition(".")
    return f"`{name}`" if area in ("Model", "Sequential") else f"`{rest}`"


def _sentence(reason: str) -> str:
    return reason[0].upper() + reason[1:] + "." if reason[0].isalpha() and reason[:6] != "dlcore" else reason + "."


def _params_text(params: tuple) -> str:
    words = {ORDER: "argument order", OBJECT: "what the name is"}
    return ", ".join(words.get(p, f"`{p}`") for p in params)


def as_markdown() -> str:
    """The table as Markdown: one subsection per area, one bullet per entry, reasons in full."""
    bullets: dict[str, list[str]] = {area: [] for area in _AREA_TITLES}
    for area, params, reason in CATEGORIES:
        who = _WHO.get((area, params[0]), _WHO.get(area))
        bullets[area].append(f"- {who}: {_params_text(params)} — {_sentence(reason)}")
    for key, reason in {**DIFFERENCES, **PENDING}.items():
        names, params = _as_tuple(key[0]), _as_tuple(key[1])
        shown = " / ".join(_short(n) for n in names)
        bullets[_area_of(names[0])].append(f"- {shown}: {_params_text(params)} — {_sentence(reason)}")
    lines = [START, "", "## Where dlcore differs from Keras 3", "",
             f"dlcore takes Keras {KERAS_VERSION}'s names, defaults and argument order. This is every difference "
             "left in the call signatures, with its reason; `tests/test_keras_api.py` checks the list against "
             "Keras itself, both ways. Any parameter not named here is accepted as in Keras.", ""]
    for area, title in _AREA_TITLES.items():
        if bullets[area]:
            lines += [f"### {title}", "", *bullets[area], ""]
    lines += ["### Only in dlcore", "",
              "Public names Keras does not have under that name (a `*` stands for several):", ""]
    lines += [f"- `{pattern}` — {_sentence(reason)}" for pattern, reason in ADDITIONS.items()]
    return "\n".join([*lines, "", END])


def update_page(path) -> bool:
    """Rewrite the generated section of ``path`` (api.md); returns whether it changed."""
    from pathlib import Path

    text = Path(path).read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = head + as_markdown() + tail if rest else text.rstrip("\n") + "\n\n" + as_markdown() + "\n"
    if new != text:
        Path(path).write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "api.md"
    print(f"{page}: {'updated' if update_page(page) else 'already up to date'}")
