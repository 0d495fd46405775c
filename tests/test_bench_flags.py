"""bench/flags.py: a benchmark script's flags are parsed, and an unknown one is an error, not ignored."""

import pytest
from flags import parse_flags


def test_flags_default_off_and_set_by_name() -> None:
    args = parse_flags("doc", [], quick="smoke run", tune="tune split")
    assert (args.quick, args.tune) == (False, False)
    assert parse_flags("doc", ["--tune"], quick="smoke run", tune="tune split").tune


def test_unknown_flag_is_an_error() -> None:
    with pytest.raises(SystemExit):
        parse_flags("doc", ["--bogus"], quick="smoke run")
