"""A tape of layer calls, so a subclassed ``Model`` can backpropagate through its ``call``.

While a model runs ``call(x)``, every ``layer(x)`` is appended to the active tape. The
model checks that the calls form a chain (each input is the previous output) and then
runs ``backward`` over the tape in reverse.
"""

from __future__ import annotations

_active: list | None = None


def record(layer, x, out) -> None:
    """Append ``(layer, x, out)`` to the active tape, if a model is recording."""
    if _active is not None:
        _active.append((layer, x, out))


class recording:
    """Context manager: ``with recording() as tape: ...`` collects the layer calls made inside."""

    def __enter__(self) -> list:
        global _active
        self._outer = _active
        _active = []
        return _active

    def __exit__(self, *exc) -> None:
        global _active
        _active = self._outer
