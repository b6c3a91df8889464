"""Chinese numerals read without cn2an (pipeline/extract/numerals.py _plain_cn_numeral) must read
as cn2an's strict mode reads them: the same value, or refused by both."""

from __future__ import annotations

import itertools
import random

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.numerals import (
    _REFUSED,
    _plain_cn_numeral,
    parse_cn_numeral,
    plain_cn_numeral,
)

_ALPHABET = "零一二三四五六七八九十百千万亿"


def _strict(text: str) -> int | None:
    try:
        return int(cn2an.cn2an(text, "strict"))
    except (ValueError, KeyError, IndexError):
        return None


def _agrees(text: str) -> None:
    plain = _plain_cn_numeral(text)
    if plain is None:
        return  # left to cn2an
    assert (None if plain == _REFUSED else plain) == _strict(text), text


def test_every_standard_numeral_reads_as_cn2an_reads_it():
    rng = random.Random(15)
    values = [*range(1, 30_001), *(rng.randrange(1, 10**12) for _ in range(5000)),
              *(rng.randrange(1, 10**8) for _ in range(5000))]
    for value in values:
        text = plain_cn_numeral(value)
        assert _plain_cn_numeral(text) == value, text
        assert _strict(text) == value, text


@pytest.mark.parametrize("length", [1, 2, 3])
def test_every_short_string_of_numeral_characters_reads_as_cn2an_reads_it(length):
    for chars in itertools.product(_ALPHABET, repeat=length):
        _agrees("".join(chars))


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=_ALPHABET, min_size=1, max_size=12))
def test_any_string_of_numeral_characters_reads_as_cn2an_reads_it(text):
    _agrees(text)


@pytest.mark.parametrize("text,value", [("三", 3), ("二十", 20), ("十五", 15), ("一百零五", 105),
                                        ("两千三百", 2300), ("一万零八百四十", 10840),
                                        ("十二万六千", 126000), ("一亿三千万", 130000000),
                                        ("一千零十五", 1015), ("廿五", 25), ("零", 0)])
def test_parse_cn_numeral_reads_standard_and_other_forms(text, value):
    assert parse_cn_numeral(text) == value


@pytest.mark.parametrize("text", ["一二", "三四百", "一万二", "一二三"])
def test_parse_cn_numeral_refuses_what_strict_cn2an_refuses(text):
    assert parse_cn_numeral(text) is None
