"""The character tokenizer: its vectorised path gives what the per-character loop gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cunzhen.engine import tokenize

# letters and digits (collapsed in runs, full-width ones too), whitespace (dropped), NFKC forms, NUL, a lone
# surrogate, Han characters and punctuation
ALPHABET = "ab Z12３４ａ\t\n中文⼤，。\u3000x9\x00\ud800㎏AA00"


@given(st.text(alphabet=ALPHABET, max_size=400))
def test_vectorised_tokens_equal_the_loop(text):
    saved = tokenize.VECTOR_FROM
    tokenize.VECTOR_FROM = 0  # force the numpy path for every length
    try:
        assert tokenize.char_tokens(text) == tokenize._char_tokens_loop(text)
    finally:
        tokenize.VECTOR_FROM = saved


@given(st.text(alphabet=ALPHABET, max_size=400), st.data(), st.booleans())
def test_token_indices_at_positions_equal_the_full_map(text, data, vectorised):
    positions = data.draw(st.lists(st.integers(0, len(text)), max_size=30))
    saved = tokenize.VECTOR_FROM
    tokenize.VECTOR_FROM = 0 if vectorised else 10**9  # both paths, at every length
    try:
        tokens, token_of = tokenize.char_tokens(text)
        assert tokenize.char_tokens_at(text, positions) == (tokens, [token_of[p] for p in positions])
    finally:
        tokenize.VECTOR_FROM = saved


@given(st.text(alphabet=ALPHABET, max_size=200) | st.text(max_size=60))
def test_token_list_equals_the_tokens(text):
    assert tokenize.token_list(text) == tokenize.char_tokens(text)[0]


def test_runs_collapse_across_whitespace_and_spans_map_back():
    text = "写 AB cd 12 中文" * 40  # long enough for the numpy path
    tokens, token_of = tokenize.char_tokens(text)
    assert tokens[:5] == ["写", "A", "0", "中", "文"]
    assert len(token_of) == len(text) + 1
    start = text.index("中")
    assert tokens[token_of[start] : token_of[start + 2]] == ["中", "文"]
