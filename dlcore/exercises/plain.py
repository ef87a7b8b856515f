"""Plain data: how values cross from learner code to the grader, and back.

The grader never holds a learner's object. Arguments go to the learner's code, and results come
back, as *plain data*: numbers, strings, numeric numpy arrays, and tuples, lists and dicts of
those, written with ``np.savez`` and read with ``np.load(allow_pickle=False)`` — nothing is
unpickled, so reading a reply runs none of the learner's code. Anything else (a function, a
custom class, a generator …) arrives as an :class:`Opaque` placeholder that only knows its type
name and a short, bounded text. ``numpy.random.Generator`` arguments keep their identity within
one session (:class:`Decoder`), so a function can draw from the same generator twice.
"""

from __future__ import annotations

import fractions
import io
import json
import math

import numpy as np

MAX_TEXT = 2000          # characters kept of any string or repr
MAX_ITEMS = 100_000      # items kept of a list, tuple or dict
MAX_BYTES = 64 << 20     # bytes of array data in one message
_KINDS = "biufcU"        # numpy dtype kinds that are plain data: bool, int, uint, float, complex, str


class Opaque:
    """A value that is not plain data, seen from the grader: its type name and a short text."""

    def __init__(self, type_name: str, text: str = "", is_callable: bool = False):
        self.type_name, self.text, self.is_callable = type_name, text, is_callable

    def __repr__(self) -> str:
        return self.text or f"<{self.type_name} object>"


def type_name(value) -> str:
    """The name of ``value``'s type, without running code the value defines."""
    try:
        name = type.__dict__["__name__"].__get__(type(value))
        return name if type(name) is str else "object"
    except BaseException:  # noqa: BLE001 — a hostile metaclass
        return "object"


def safe_text(value, limit: int = MAX_TEXT) -> str:
    """``str(value)``, bounded, and never raising (a ``__str__`` may raise or return a non-string)."""
    try:
        text = value if type(value) is str else str(value)
        if type(text) is not str:
            return f"<{type_name(value)} whose str() is not a string>"
    except BaseException:  # noqa: BLE001 — learner objects may raise anything from __str__
        return f"<{type_name(value)} whose str() failed>"
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit:,} more characters)"


def safe_repr(value, limit: int = 200) -> str:
    """``repr(value)``, bounded and never raising."""
    try:
        text = repr(value)
        if type(text) is not str:
            raise TypeError
    except BaseException:  # noqa: BLE001
        return f"<{type_name(value)} object>"
    return text if len(text) <= limit else text[:limit] + "…"


class Encoder:
    """Turn values into plain data, one message at a time (see :func:`encode`).

    One encoder serves one session: a generator sent twice gets the same id both times (the
    encoder keeps it alive, so its id is never reused), and ``reset`` says whether the sender
    drew from it since it last sent it.
    """

    def __init__(self):
        self.arrays: dict[str, np.ndarray] = {}
        self.generators: dict[int, tuple[int, object, str]] = {}
        self.size = 0

    def encode(self, value) -> bytes:
        """``value`` as bytes of plain data (an ``.npz`` archive: a JSON tree and the arrays it names)."""
        self.arrays, self.size = {}, 0
        tree = self.tree(value)
        buffer = io.BytesIO()
        text = np.frombuffer(json.dumps(tree).encode(), dtype=np.uint8)
        np.savez(buffer, __tree__=text, **self.arrays)
        return buffer.getvalue()

    def tree(self, value, depth: int = 0):  # noqa: C901 — one branch per plain type
        t = type(value)
        if depth > 20:
            return {"t": "opaque", "type": t.__name__, "text": "<nested too deeply>"}
        if value is None or value is Ellipsis:
            return {"t": "none" if value is None else "ellipsis"}
        if t is bool:
            return {"t": "bool", "v": value is True}
        if isinstance(value, np.generic):
            return self._array(np.asarray(value), scalar=True)
        if isinstance(value, int):
            return {"t": "int", "v": int.__repr__(value)}
        if isinstance(value, float):
            return {"t": "float", "v": float.hex(float.__float__(value))}
        if isinstance(value, complex):
            real, imag = complex.real.__get__(value), complex.imag.__get__(value)
            return {"t": "complex", "v": [float.hex(real), float.hex(imag)]}
        if isinstance(value, fractions.Fraction) and t is fractions.Fraction:
            return {"t": "fraction", "v": [str(value.numerator), str(value.denominator)]}
        if isinstance(value, str):
            text = str.__str__(value)
            return {"t": "str", "v": text[:MAX_TEXT * 10]}
        if isinstance(value, np.ndarray) and t is np.ndarray:
            return self._array(value)
        if t in (tuple, list):
            items = list.__iter__(value) if t is list else tuple.__iter__(value)
            out = []
            for i, item in enumerate(items):
                if i >= MAX_ITEMS:
                    text = f"<a {t.__name__} of more than {MAX_ITEMS:,} items>"
                    return {"t": "opaque", "type": t.__name__, "text": text}
                out.append(self.tree(item, depth + 1))
            return {"t": t.__name__, "v": out}
        if t is dict:
            out = []
            for i, (k, v) in enumerate(dict.items(value)):
                if i >= MAX_ITEMS:
                    return {"t": "opaque", "type": "dict", "text": f"<a dict of more than {MAX_ITEMS:,} items>"}
                out.append([self.tree(k, depth + 1), self.tree(v, depth + 1)])
            return {"t": "dict", "v": out}
        if t is Opaque:
            return {"t": "opaque", "type": value.type_name, "text": value.text, "callable": value.is_callable}
        if t is np.random.Generator:
            state = value.bit_generator.state
            text = json.dumps(state, sort_keys=True)
            key, _, last = self.generators.get(id(value), (len(self.generators), value, None))
            self.generators[id(value)] = (key, value, text)
            return {"t": "rng", "id": key, "state": state, "reset": text != last}
        return {"t": "opaque", "type": type_name(value), "text": "", "callable": callable(value)}

    def _array(self, arr: np.ndarray, scalar: bool = False):
        if arr.dtype.kind not in _KINDS or arr.dtype.hasobject:
            return {"t": "opaque", "type": "ndarray", "text": f"<an array of dtype {arr.dtype}>"}
        self.size += arr.nbytes
        if self.size > MAX_BYTES:
            return {"t": "opaque", "type": "ndarray", "text": f"<an array of {arr.nbytes:,} bytes: too large>"}
        key = f"a{len(self.arrays)}"
        self.arrays[key] = np.array(arr, copy=True, order="C")
        return {"t": "scalar" if scalar else "array", "k": key}


def encode(value) -> bytes:
    """``value`` as bytes of plain data (an ``.npz`` archive: a JSON tree and the arrays it names)."""
    return Encoder().encode(value)


class Decoder:
    """Read plain data written by :func:`encode`; generators with the same id become the same object."""

    def __init__(self):
        self.generators: dict[int, np.random.Generator] = {}

    def decode(self, data: bytes):
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
        tree = json.loads(arrays.pop("__tree__").tobytes().decode())
        return self.value(tree, arrays)

    def value(self, node, arrays):  # noqa: C901 — one branch per plain type
        t = node["t"]
        if t == "none":
            return None
        if t == "ellipsis":
            return Ellipsis
        if t == "bool":
            return bool(node["v"])
        if t == "int":
            return int(node["v"])
        if t == "float":
            return float.fromhex(node["v"])
        if t == "complex":
            return complex(float.fromhex(node["v"][0]), float.fromhex(node["v"][1]))
        if t == "fraction":
            return fractions.Fraction(int(node["v"][0]), int(node["v"][1]))
        if t == "str":
            return node["v"]
        if t == "array":
            return arrays[node["k"]].copy()
        if t == "scalar":
            return arrays[node["k"]][()]
        if t in ("tuple", "list"):
            items = [self.value(v, arrays) for v in node["v"]]
            return tuple(items) if t == "tuple" else items
        if t == "dict":
            out = {}
            for k, v in node["v"]:
                key = self.value(k, arrays)
                try:
                    out[key] = self.value(v, arrays)
                except TypeError:  # an unhashable key (a list): not plain data as a key
                    return Opaque("dict", "<a dict with unhashable keys>")
            return out
        if t == "rng":
            if node["id"] not in self.generators or node.get("reset"):
                state = node["state"]
                bit_generator = getattr(np.random, state["bit_generator"])()
                bit_generator.state = state
                self.generators[node["id"]] = np.random.Generator(bit_generator)
            return self.generators[node["id"]]
        return Opaque(node.get("type", "object"), node.get("text", ""), bool(node.get("callable")))


def decode(data: bytes):
    """The value :func:`encode` wrote, built from plain data only."""
    return Decoder().decode(data)


def finite_float(value) -> float | None:
    """``value`` as a float when it is a real number (not bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating, fractions.Fraction)):
        return None
    try:
        out = float(value)
    except (OverflowError, ValueError):
        return None
    return out if math.isfinite(out) else None
