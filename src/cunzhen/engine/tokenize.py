"""The language model's view of text: one token per Chinese character.

This step ships with the model: a model is only valid with the tokenizer it was trained with, so the
model's metadata records ``TOKENIZER_VERSION`` and loading refuses a mismatch.

Rules, per character after NFKC (so full-width and Kangxi-radical forms like ⼤ read as 大):
- whitespace is dropped;
- a run of ASCII letters is one token ``A`` and a run of digits one token ``0`` (their identity says
  little about Chinese wording, and collapsing them keeps the vocabulary small);
- every other character is its own token.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

TOKENIZER_VERSION = "char-nfkc-1"

LETTER_TOKEN = "A"
DIGIT_TOKEN = "0"


@lru_cache(maxsize=65536)
def _char_token(char: str) -> str:
    """Token for one character; '' for whitespace, LETTER_TOKEN/DIGIT_TOKEN for ASCII alphanumerics."""
    norm = unicodedata.normalize("NFKC", char).strip()
    if not norm:
        return ""
    first = norm[0]
    if first.isascii():
        if first.isalpha():
            return LETTER_TOKEN
        if first.isdigit():
            return DIGIT_TOKEN
    return norm[0]


def char_tokens(text: str) -> tuple[list[str], list[int]]:
    """Tokens of ``text`` and, for every character, the index of the token it belongs to.

    ``token_of[i]`` is the token index of character ``i``; dropped whitespace points at the next token, so
    ``tokens[token_of[start]:token_of[end]]`` covers the span ``text[start:end]`` (with ``token_of`` one
    longer than the text).
    """
    tokens: list[str] = []
    token_of: list[int] = []
    prev = ""
    for char in text:
        tok = _char_token(char)
        if tok and not (tok == prev and tok in (LETTER_TOKEN, DIGIT_TOKEN)):
            tokens.append(tok)
        token_of.append(len(tokens) - 1 if tok else len(tokens))
        prev = tok if tok else prev
    token_of.append(len(tokens))
    return tokens, token_of


def to_lm_line(text: str) -> str:
    """One line of training text as the space-separated tokens lmplz reads."""
    return " ".join(char_tokens(text)[0])
