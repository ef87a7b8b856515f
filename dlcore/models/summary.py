"""``summary()``: the layer table Keras prints, with the same parameter counts."""

from __future__ import annotations

from collections.abc import Callable


def _shape(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (",)" if len(shape) == 1 else ")")


def summary_lines(name: str, rows: list[tuple[str, str, tuple, int]], trainable: int, non_trainable: int) -> list[str]:
    """Lines of the table: ``rows`` are ``(layer name, class name, output shape, params)``."""
    first = max([28] + [len(f"{lname} ({cls})") + 2 for lname, cls, _, _ in rows])
    second = max([26] + [len(_shape(shape)) + 2 for _, _, shape, _ in rows])
    width = 1 + first + second + 10
    lines = [f'Model: "{name}"', "_" * width,
             f" {'Layer (type)':<{first}}{'Output Shape':<{second}}{'Param #':>10}", "=" * width]
    for i, (lname, cls, shape, count) in enumerate(rows):
        lines.append(f" {lname + ' (' + cls + ')':<{first}}{_shape(shape):<{second}}{count:>10,}")
        lines.append(("_" if i < len(rows) - 1 else "=") * width if len(rows) > 1 or i == 0 else "")
    if not rows:
        lines.append("=" * width)
    lines += [f"Total params: {trainable + non_trainable:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {non_trainable:,}", "_" * width]
    return lines


def print_summary(model, print_fn: Callable[[str], None] = print) -> None:
    """Print ``model``'s layers, output shapes and parameter counts (the model must be built)."""
    rows, trainable, frozen = [], 0, 0
    for layer, shape in zip(model.layers, model.output_shapes):
        t = int(sum(w.size for w in layer.trainable_weights))
        n = int(sum(w.size for w in layer.non_trainable_weights))
        rows.append((layer.name, type(layer).__name__, shape, t + n))
        trainable += t
        frozen += n
    for line in summary_lines(model.name, rows, trainable, frozen):
        print_fn(line)
