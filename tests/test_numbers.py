"""Number parsing: Chinese and English numerals, multipliers, vague, redacted and garbled."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.numerals import Number, parse_cn_numeral, parse_en, parse_zh, parse_zh_range

ZH_CASES = [
    ("1500", 1500, "exact"),
    ("3,500", 3500, "exact"),
    ("28.6", 28.6, "exact"),
    ("3万", 30000, "exact"),
    ("1.2万", 12000, "exact"),
    ("3万余", 30000, "more_than"),
    ("2.5亿", 250000000, "exact"),
    ("2900余万", 29000000, "more_than"),
    ("1.7亿余", 170000000, "more_than"),
    ("3亿1,200万", 312000000, "exact"),
    ("2万8千", 28000, "exact"),
    ("三万", 30000, "exact"),
    ("一百二十", 120, "exact"),
    ("两千余", 2000, "more_than"),
    ("十余", 10, "more_than"),
    ("十余万", 100000, "more_than"),
    ("三千余万", 30000000, "more_than"),
    ("一亿六千多万", 160000000, "more_than"),
    ("廿", 20, "exact"),
    ("廿五", 25, "exact"),
    ("二十三点六亿", 2360000000, "exact"),
    ("三点五", 3.5, "exact"),
    ("二四六八", 2468, "exact"),
    ("三〇七〇", 3070, "exact"),
    ("百分之七十", 70, "exact"),
    ("800于", 800, "more_than"),
    ("万", 10000, "exact"),
]


@pytest.mark.parametrize("text,value,qualifier", ZH_CASES)
def test_parse_zh(text: str, value: float, qualifier: str) -> None:
    number = parse_zh(text)
    assert number is not None
    assert number.value == value
    assert number.qualifier == qualifier
    assert not number.garbled


@pytest.mark.parametrize("text", ["X", "XX", "XXXX", "X.X", "XX.XX", "x", "×", "**", "某", "?",
                                  "XX余"])
def test_redacted_numbers_have_no_value(text: str) -> None:
    number = parse_zh(text)
    assert number is not None
    assert number.value is None
    assert number.redacted


@pytest.mark.parametrize("text", ["数十", "数百", "几十", "上百", "上千", "数十万", "成千上万"])
def test_vague_amounts_have_no_value(text: str) -> None:
    assert parse_zh(text) == Number(None, "about", vague=True)


@pytest.mark.parametrize("text", ["一一", "三四十", "十二三"])
def test_numeral_runs_that_are_no_numeral_are_garbled(text: str) -> None:
    number = parse_zh(text)
    assert number is not None
    assert number.value is None
    assert number.garbled


def test_parse_zh_rejects_non_numbers() -> None:
    assert parse_zh("") is None
    assert parse_zh("3万元") is None


@pytest.mark.parametrize("low,high,expected", [
    ("3", "5", (3, 5)),
    ("三", "五", (3, 5)),
    ("3", "5万", (30000, 50000)),
    ("1.5", "2亿", (150000000, 200000000)),
])
def test_parse_zh_range(low: str, high: str, expected: tuple[int, int]) -> None:
    number = parse_zh_range(low, high)
    assert number is not None
    assert (number.value, number.value_max, number.qualifier) == (*expected, "range")


def test_parse_zh_range_backwards_is_garbled() -> None:
    number = parse_zh_range("9", "3")
    assert number is not None and number.value is None and number.garbled


EN_CASES = [
    ("30,000", 30000),
    ("1,234,567", 1234567),
    ("12.5", 12.5),
    ("ten", 10),
    ("Six", 6),
    ("twenty-five", 25),
    ("ninety-nine", 99),
    ("a dozen", 12),
    ("one hundred twenty", 120),
    ("1.2 million", 1200000),
    ("3 billion", 3000000000),
    ("4.43 billion", 4430000000),
    ("266.2m", 266200000),
    ("3.4B", 3400000000),
    ("two thousand", 2000),
]


@pytest.mark.parametrize("text,value", EN_CASES)
def test_parse_en(text: str, value: int) -> None:
    number = parse_en(text)
    assert number is not None
    assert number.value == value


@pytest.mark.parametrize("text", ["65,438+00", "65,438+0,000", "1.300 million", "2.50 billion"])
def test_machine_translation_debris_is_garbled(text: str) -> None:
    number = parse_en(text)
    assert number is not None
    assert number.value is None
    assert number.garbled


@pytest.mark.parametrize("text", ["dozens", "hundreds", "thousands", "tens of thousands"])
def test_english_vague_amounts(text: str) -> None:
    assert parse_en(text) == Number(None, "about", vague=True)


@pytest.mark.parametrize("text", ["XX", "XXX million"])
def test_english_redacted(text: str) -> None:
    number = parse_en(text)
    assert number is not None and number.value is None and number.redacted


def test_parse_en_rejects_words() -> None:
    assert parse_en("several") is None
    assert parse_en("") is None


def test_parse_cn_numeral_rejects_non_numerals() -> None:
    assert parse_cn_numeral("三四十") is None
    assert parse_cn_numeral("点五") is None


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_chinese_numerals_round_trip(n: int) -> None:
    written = cn2an.an2cn(n)
    number = parse_zh(written)
    assert number is not None, written
    assert number.value == n, written


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_separators_round_trip(n: int) -> None:
    written = f"{n:,}"
    zh = parse_zh(written)
    en = parse_en(written)
    assert zh is not None and zh.value == n
    assert en is not None and en.value == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_plain_digits_round_trip(n: int) -> None:
    number = parse_zh(str(n))
    assert number is not None and number.value == n


@pytest.mark.parametrize("text", ["0", "7", "007", "1500", "2023", "13800138000",
                                  "9" * 28, "0000"])  # 28: Decimal's precision
def test_plain_digits_take_the_fast_path_to_the_same_number(text):
    from pipeline.extract.numerals import Number, parse_zh

    slow = parse_zh(" " + text)  # a space skips the fast path
    assert parse_zh(text) == slow == Number(int(text))
