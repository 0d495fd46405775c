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

import re
import unicodedata
from functools import cache, lru_cache

import numpy as np

TOKENIZER_VERSION = "char-nfkc-1"

LETTER_TOKEN = "A"
DIGIT_TOKEN = "0"
# Texts at least this long are tokenized with numpy (``char_tokens``); on this machine the two ways break even
# at about 150 characters since the BMP table (6,600 characters: numpy 0.23 ms, the loop 0.84 ms; 20
# characters: numpy 21 us, the loop 4 us).
VECTOR_FROM = 150


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
    if len(text) < VECTOR_FROM:
        return _char_tokens_loop(text)
    tokens, kept, starts = _vector_tokens(text)
    begun = np.zeros(len(text), dtype=np.int64)
    begun[kept] = starts
    # a kept character belongs to the last token begun at or before it; dropped whitespace points at the next
    token_of = (np.cumsum(begun) - kept).tolist()
    token_of.append(len(tokens))
    return tokens, token_of


def char_tokens_at(text: str, positions: list[int]) -> tuple[list[str], list[int]]:
    """``char_tokens(text)``'s tokens, and its ``token_of[p]`` for each of ``positions`` (0..len(text)) alone:
    the restorer needs the token index of its candidates' edges, and the list for every character of a page
    (its cumulative sum, and 7,000 Python ints) cost three times the tokens themselves."""
    if len(text) < VECTOR_FROM:
        tokens, token_of = _char_tokens_loop(text)
        return tokens, [token_of[p] for p in positions]
    tokens, kept, starts = _vector_tokens(text)
    # The characters where a token begins; a position's token is the count of those at or before it, less one
    # if the position's own character is kept (it belongs to the last one begun), as ``char_tokens`` has it.
    begins = np.flatnonzero(kept)[starts]
    at = np.asarray(positions, dtype=np.int64)
    kept_at = np.concatenate((kept, [False]))[at]  # one past the end: no character, the count of all tokens
    return tokens, (np.searchsorted(begins, at, side="right") - kept_at).tolist()


def _vector_tokens(text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The tokens of ``text`` (at least VECTOR_FROM characters), which characters are kept (not whitespace),
    and, for each kept one, whether a token begins there."""
    # Vectorised: this runs over every page the restorer judges, and as a per-character loop it was a sixth of
    # `cunzhen clean`'s time. Every token is one character (``_char_token``), so the page is a code array, and
    # a character's token code is read off a table of the whole Basic Multilingual Plane (``_bmp_codes``).
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    token_code = _bmp_codes()[np.minimum(codes, 0xFFFF)]
    wide = codes > 0xFFFF
    if wide.any():  # beyond the BMP (CJK extension B, emoji): rare, one character at a time
        token_code[wide] = [_token_code(int(c)) for c in codes[wide]]
    kept = token_code >= 0  # whitespace has no token
    run = token_code[kept]
    collapsible = (run == ord(LETTER_TOKEN)) | (run == ord(DIGIT_TOKEN))
    starts = np.ones(len(run), dtype=bool)  # a token starts here, or extends the run of A or 0 before it
    starts[1:] = ~(collapsible[1:] & (run[1:] == run[:-1]))
    tokens = list(run[starts].astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass"))
    return tokens, kept, starts


def token_list(text: str) -> list[str]:
    """``char_tokens(text)[0]``, the tokens alone, for callers that need no offsets (the garble scan's lines):
    every character translated to its token by one ``str.translate`` (whitespace deleted), then each run of
    ``A`` or ``0`` tokens collapsed to one, as the loop does."""
    if text and max(text) > "\uffff":  # beyond the BMP table: the loop
        return _char_tokens_loop(text)[0]
    tokens = text.translate(_translation())
    if LETTER_TOKEN * 2 in tokens:
        tokens = _LETTER_RUN.sub(LETTER_TOKEN, tokens)
    if DIGIT_TOKEN * 2 in tokens:
        tokens = _DIGIT_RUN.sub(DIGIT_TOKEN, tokens)
    return list(tokens)


_LETTER_RUN = re.compile(f"{LETTER_TOKEN}{{2,}}")
_DIGIT_RUN = re.compile(f"{DIGIT_TOKEN}{{2,}}")


@cache
def _translation() -> dict[int, int | None]:
    """``str.translate`` table of the BMP characters whose token is not themselves (None: no token)."""
    codes = _bmp_codes()
    changed = np.flatnonzero(codes != np.arange(0x10000))
    return {int(c): (None if codes[c] < 0 else int(codes[c])) for c in changed}


def _char_tokens_loop(text: str) -> tuple[list[str], list[int]]:
    """``char_tokens`` one character at a time: the same result, faster on short strings (a candidate's
    options, a window) where numpy's fixed cost dominates."""
    tokens: list[str] = []
    token_of: list[int] = []
    add_token, add_index = tokens.append, token_of.append  # bound once, and the count kept: no len() a character
    count = 0
    prev = ""
    known = _TOKENS.get  # a plain dict read: the LRU cache's call was a third of this loop's time
    for char in text:
        tok = known(char)
        if tok is None:
            tok = _remember(char)
        if tok:
            if tok != prev or (tok != LETTER_TOKEN and tok != DIGIT_TOKEN):  # a run of A or 0 is one token
                add_token(tok)
                count += 1
            add_index(count - 1)
            prev = tok
        else:
            add_index(count)  # whitespace points at the next token
    add_index(count)
    return tokens, token_of


# ``_char_token`` of characters seen by ``_char_tokens_loop``; emptied when it reaches this many (as the LRU
# cache was bounded: a run over many scripts cannot grow it without limit).
_TOKENS: dict[str, str] = {}
_TOKENS_MAX = 65536


def _remember(char: str) -> str:
    if len(_TOKENS) >= _TOKENS_MAX:
        _TOKENS.clear()
    tok = _TOKENS[char] = _char_token(char)
    return tok


def _token_code(code: int) -> int:
    """``_char_token`` of the character with this code point, as a code point; -1 where it has no token."""
    token = _char_token(chr(code))
    return ord(token) if token else -1


@cache
def _bmp_codes() -> np.ndarray:
    """``_token_code`` of every code point of the Basic Multilingual Plane (built once, ~35 ms; 512 KB)."""
    uncached = _char_token.__wrapped__  # not through the LRU cache: 65,536 entries would flush it
    return np.array([ord(t) if (t := uncached(chr(c))) else -1 for c in range(0x10000)], dtype=np.int64)


def to_lm_line(text: str) -> str:
    """One line of training text as the space-separated tokens lmplz reads."""
    return " ".join(char_tokens(text)[0])
