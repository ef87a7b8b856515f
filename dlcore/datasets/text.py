"""A small public-domain English text shipped with the package, for character-level models."""

from __future__ import annotations

from importlib import resources

TEXTS = {
    "aesop": "aesop.txt",
}
"""Names accepted by :func:`load_text`, mapped to files in ``dlcore/datasets/data``."""


def load_text(name: str = "aesop") -> str:
    """Return one of the texts shipped in ``dlcore/datasets/data`` (no download).

    ``"aesop"`` (about 7,100 characters, 58 distinct ones): twelve of Aesop's fables in the
    translation of George Fyler Townsend (London, 1867), which is in the public domain
    (the translator died in 1900). Each fable is its title, a blank line, one paragraph, and a blank line.

    Parameters
    ----------
    name : str
        A key of ``dlcore.datasets.text.TEXTS``.

    Returns
    -------
    str
        The whole text, with ``"\\n"`` line ends.
    """
    if name not in TEXTS:
        raise ValueError(f"load_text: unknown text {name!r}; available: {sorted(TEXTS)}")
    path = resources.files("dlcore.datasets").joinpath("data", TEXTS[name])
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def char_vocab(text: str) -> tuple[list[str], dict[str, int]]:
    """The sorted distinct characters of ``text`` and the map from character to integer id.

    Ids are positions in the sorted list, so they do not depend on the order the text is read in.
    Encode with ``[char_to_id[c] for c in text]`` and decode with ``"".join(chars[i] for i in ids)``.

    Parameters
    ----------
    text : str
        A non-empty string.

    Returns
    -------
    chars : list of str
        ``len(chars)`` is the vocabulary size (the ``input_dim`` of an ``Embedding``).
    char_to_id : dict
        ``char_to_id[chars[i]] == i``.
    """
    if not isinstance(text, str) or not text:
        raise ValueError(f"char_vocab expects a non-empty str, got {type(text).__name__} of length "
                         f"{len(text) if hasattr(text, '__len__') else '?'}")
    chars = sorted(set(text))
    return chars, {c: i for i, c in enumerate(chars)}
