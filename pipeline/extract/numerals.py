"""Numbers as written in Chinese and English fraud-warning texts, parsed to values.

What gives a value:
- Arabic digits with or without thousands separators and decimals: 1500, 3,500, 28.6.
- Multipliers: 3万 -> 30000, 1.2万 -> 12000, 2.5亿 -> 250000000, 2900余万 -> 29000000
  (the 余/多 before or after the multiplier makes the qualifier ``more_than``).
- Chinese numerals (via cn2an, strict mode): 三万, 一百二十, 两千, 十余, 廿五, 二十三点六亿.
- Percentages: 70% and 百分之七十 -> 70; 六成 -> 60 (the extractor gives these the unit %).
- English: 30,000; 1.2 million; 3 billion; $4.4m; ten; twenty-five; a dozen.

What gives ``None`` on purpose (never an invented value):
- Redacted numbers: X, XX, XX.XX, x, ×, *, 某, ?.
- Vague amounts: 数十, 数百, 几十, 上百, 上千, 成千上万, dozens, hundreds, thousands of ...
  They say "many" but no figure, so the count is null and the qualifier ``about``.
- Garbled numbers (machine-translation debris such as "65,438+00", "kloc-0", "1.300 million",
  Chinese digit runs like 三四十 that are no numeral): ``None`` with ``garbled=True`` so the
  caller can add a warning.

English number words are read here, not by a library: on our phrases text2num 3.1.0 reads
"three hundred and forty" and "twenty-five" but refuses "a dozen", "a million" and "half a
billion" (and its alpha2digit, which rewrites the text and so loses the offsets the evidence
needs, leaves "a 1000000"), and word2number 1.1 reads "half a billion" as 1,000,000,000.
Fractions and multiples of a change ("half", "fourfold", "two-thirds") are not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pipeline.lang import en

Value = int | float
MAX_DIGITS = 40  # characters of the longest number read (the regexes admit fewer)


@dataclass(frozen=True)
class Number:
    """A parsed number: its value (None when redacted, vague or garbled) and how it was written."""

    value: Value | None
    qualifier: str = "exact"  # exact | more_than | about | at_least | less_than | range
    value_max: Value | None = None
    redacted: bool = False
    vague: bool = False
    garbled: bool = False


MULTIPLIERS = {
    "十": 10, "百": 100, "千": 1000, "万": 10_000, "十万": 100_000, "百万": 1_000_000,
    "千万": 10_000_000, "亿": 100_000_000, "万亿": 1_000_000_000_000,
    "thousand": 1000, "k": 1000, "million": 1_000_000, "m": 1_000_000, "mn": 1_000_000,
    "billion": 1_000_000_000, "bn": 1_000_000_000, "b": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_REDACTED = re.compile(r"[Xx×*?？某]+(?:[.,][Xx×*?？\d]+)*")
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_CN_NUMERAL = re.compile(r"([零〇○一二两三四五六七八九十廿卅百千万亿]+)"
                         r"(?:点([零〇一二三四五六七八九]+(?:万亿|亿|万)?))?")
_CN_SCALE = re.compile(r"(.*?)(万亿|亿|万)$")
_DIGIT_SEGMENT = re.compile(r"(\d[\d,]*(?:\.\d+)?)(万亿|十万|百万|千万|万|亿|千|百)?")
_DIGITS_AND_SCALES = re.compile(r"[\d,.十百千万亿]+")
_BARE_MULTIPLIERS = frozenset({"十万", "百万", "千万", "百", "千", "万", "亿"})


def to_value(amount: Decimal) -> Value:
    """Return an int when `amount` is integral, else a float rounded to 6 places."""
    if amount == amount.to_integral_value():
        return int(amount)
    return float(round(amount, 6))


def parse_arabic(text: str) -> Decimal | None:
    """Return the value of digits such as "3,500" or "28.6", or None when not well-formed."""
    text = text.strip()
    if len(text) > MAX_DIGITS or not _ARABIC.fullmatch(text):
        return None  # more digits than any count: no int conversion of 4,300 digits
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return None


def parse_cn_numeral(text: str) -> Decimal | None:
    """Return the value of a Chinese numeral (三万, 一百二十, 廿五, 二十三点六亿) or None."""
    m = _CN_NUMERAL.fullmatch(text)
    if not m:
        return None
    integer, decimals = m.group(1), m.group(2)
    scale = 1
    if decimals is None:
        whole = integer
    else:
        # 二十三点六亿: the decimals sit between the integer part and a trailing 万/亿
        s = _CN_SCALE.match(decimals)
        whole = integer
        if s:
            decimals, scale = s.group(1), MULTIPLIERS[s.group(2)]
        if not decimals or any(c not in _CN_DIGITS for c in decimals):
            return None
    whole = whole.replace("两", "二").replace("〇", "零").replace("○", "零").replace("卅", "三十")
    if whole.startswith("十"):
        whole = "一" + whole
    plain = _plain_cn_numeral(whole)
    if plain == _REFUSED:
        return None
    if plain is not None:
        value = Decimal(plain)
    else:
        try:
            value = Decimal(int(_cn2an()(whole, "strict")))
        except (ValueError, KeyError, IndexError):
            return None
    if decimals:
        value += Decimal("0." + "".join(str(_CN_DIGITS[c]) for c in decimals))
    return value * scale


_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_SECTION_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
_CN_DIGIT_NAMES = "零一二三四五六七八九"


_REFUSED = -1  # _plain_cn_numeral: a form that cn2an's strict mode refuses
# two digits in a row (一二, 三四百) or a digit alone after 万 or 亿 (一万二): strict cn2an
# names a unit after every digit but the last, and puts 零 or a 千 after 万 and 亿
_CN_REFUSED = re.compile(r"[一二三四五六七八九][零一二三四五六七八九]|[万亿][一二三四五六七八九]$")


def _plain_cn_numeral(whole: str) -> int | None:
    """The value of a numeral written the standard way (一万零八百四十, 一十二万六千, 一亿三千万:
    every digit named, 零 where a place is skipped), read without cn2an; _REFUSED for a form
    that strict cn2an refuses; None for any other form (cn2an decides those).

    cn2an costs a fifth of a second to import: a batch whose numerals are all standard never
    pays it. The text is read leniently, then written again the standard way: only a numeral
    that comes back unchanged is taken, so a form this reading might get wrong goes to cn2an.
    tests/test_numerals.py checks that cn2an reads every such form to the same value.
    """
    if whole == "零":
        return 0
    if _CN_REFUSED.search(whole):
        return _REFUSED
    total = section = digit = 0  # total: the 亿 and 万 parts read so far
    wan = 0
    for c in whole:
        d = _CN_DIGITS.get(c)
        if d is not None:
            digit = d
        elif c in _CN_UNITS:
            section += digit * _CN_UNITS[c]
            digit = 0
        elif c == "万":
            wan = (section + digit) * 10_000
            section = digit = 0
        elif c == "亿":
            total = (total + wan + section + digit) * 100_000_000
            wan = section = digit = 0
        else:
            return None
    value = total + wan + section + digit
    return value if 0 < value < 10**12 and plain_cn_numeral(value) == whole else None


def plain_cn_numeral(value: int) -> str:
    """`value` (1 to 10**12 - 1) as a Chinese numeral written the standard way, with 一 before a
    leading 十 (一十二万: the form parse_cn_numeral gives cn2an)."""
    yi, rest = divmod(value, 100_000_000)
    wan, low = divmod(rest, 10_000)
    out = _cn_section(yi) + "亿" if yi else ""
    if wan:
        out += ("零" if yi and wan < 1000 else "") + _cn_section(wan) + "万"
    if low:
        out += ("零" if (yi or wan) and (low < 1000 or not wan) else "") + _cn_section(low)
    return out


def _cn_section(n: int) -> str:
    """1 to 9999 as 一千零五, 一百一十, 一十二."""
    out, gap = "", False
    for unit, name in _CN_SECTION_UNITS:
        d = n // unit % 10
        if d == 0:
            gap = gap or bool(out)
            continue
        out += ("零" if gap else "") + _CN_DIGIT_NAMES[d] + name
        gap = False
    return out


@lru_cache(maxsize=1)
def _cn2an():
    """cn2an.cn2an, imported on the first Chinese numeral: a fifth of a second that English
    documents never need."""
    import cn2an

    return cn2an.cn2an


@lru_cache(maxsize=8192)
def parse_zh(text: str) -> Number | None:
    """Return the Number written in `text` (Chinese style: 3万余, 两千余, 1.2万, 百分之七十, XX).

    Returns None when `text` is not a number at all; a Number with value None when it is
    redacted, vague or garbled.
    """
    if text.isdigit() and text.isascii() and len(text) <= MAX_DIGITS:  # most: plain digits
        return Number(int(text))
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if text.startswith("百分之"):
        return parse_zh(text[3:])
    if text.startswith("十几"):  # 十几万: more than ten (ten thousand)
        return parse_zh("十余" + text[2:].lstrip("余多"))
    special = _parse_zh_no_figure(text)
    if special is not None:
        return special
    if text in _BARE_MULTIPLIERS:  # 近万, 逾百: the qualifier sits before the number
        return Number(MULTIPLIERS[text])
    return _parse_zh_amount(text)


def _parse_zh_no_figure(text: str) -> Number | None:
    """The Number of a redacted or vague amount (XX万, 数十, 成千上万), or None for any other
    text."""
    if _REDACTED.fullmatch(text.rstrip("余多万亿千百")):
        return Number(None, _tail_qualifier(text), redacted=True)
    if text in ("成千上万", "成百上千"):
        return Number(None, "about", vague=True)
    if text[0] in "数几上" or text.startswith("成百") or text.startswith("近百"):
        return Number(None, "about", vague=True)
    return None


def _parse_zh_amount(text: str) -> Number | None:
    """The Number of digits or a numeral with an optional 余/多 and multiplier (2900余万)."""
    head, sep, tail = _split_q(text.replace("于", "余"))  # 800于份: a typo for 余
    qualifier = "more_than" if sep else "exact"
    if (tail and tail not in MULTIPLIERS) or not head:
        return None
    mult = MULTIPLIERS[tail] if tail else 1
    if head[0].isdigit():
        if not _DIGITS_AND_SCALES.fullmatch(head):
            return None
        value = _parse_digits(head)
        if value is None:
            return Number(None, qualifier, garbled=True)
        return Number(to_value(value * mult), qualifier)
    # 一亿六千多万: the numeral continues after 多, so read it whole
    value = parse_cn_numeral(head + tail) if tail else None
    if value is not None:
        return Number(to_value(value), qualifier)
    value = parse_cn_numeral(head) if not tail else None
    if value is None:
        value = _parse_cn_digit_run(head)
    if value is None:
        return Number(None, "about", garbled=True)
    return Number(to_value(value * mult), qualifier)


def _parse_digits(text: str) -> Decimal | None:
    """Return the value of "1.2万", "3亿1,200万", "2万8千" (digits with multipliers) or None."""
    total = Decimal(0)
    pos = 0
    last_scale = None
    for m in _DIGIT_SEGMENT.finditer(text):
        if m.start() != pos:
            return None
        value = parse_arabic(m.group(1))
        if value is None:
            return None
        scale = MULTIPLIERS[m.group(2)] if m.group(2) else 1
        if last_scale is not None and scale >= last_scale:
            return None
        total += value * scale
        last_scale, pos = scale, m.end()
    return total if pos == len(text) and pos else None


def _parse_cn_digit_run(text: str) -> Decimal | None:
    """Return the value of a digit-by-digit numeral (二四六八 -> 2468) of three or more digits."""
    if len(text) < 3 or any(c not in _CN_DIGITS for c in text):
        return None
    return Decimal("".join(str(_CN_DIGITS[c]) for c in text))


def _split_q(text: str) -> tuple[str, str, str]:
    """Split "2900余万" into ("2900", "余", "万"); no 余/多 gives (text, "", "")."""
    for i, c in enumerate(text):
        if c in "余多":
            return text[:i], c, text[i + 1:]
    return text, "", ""


def _tail_qualifier(text: str) -> str:
    return "more_than" if "余" in text or "多" in text else "exact"


def parse_zh_range(low: str, high: str) -> Number | None:
    """Return a range Number from two Chinese amounts (3至5, 3-5万: the low end borrows 万)."""
    b = parse_zh(high)
    if b is None or b.value is None:
        return b
    a_text = low.strip()
    high_mult = re.search(r"(万亿|十万|百万|千万|万|亿|千)$", high.strip().rstrip("余多"))
    if high_mult and a_text[-1:].isdigit():
        a_text += high_mult.group(1)
    a = parse_zh(a_text)
    if a is None or a.value is None:
        return Number(None, "range", garbled=a is not None and a.garbled)
    if a.value > b.value:
        return Number(None, "range", garbled=True)
    return Number(a.value, "range", value_max=b.value)


# ---------------------------------------------------------------- English

_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a dozen": 12, "dozen": 12,
}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
            "eighty": 80, "ninety": 90}
_EN_GARBLED = re.compile(rf"{en.GARBLED_PLUS}|^(?:{en.GARBLED_COMMA})$|{en.GARBLED_KLOC}|"
                         rf"{en.GARBLED_SCALED}", re.I)
_EN_GROUPS = re.compile(r"(?<=\d)['’ ](?=\d{3}(?!\d))")
_EN_SCALED = re.compile(
    r"(?P<num>[\d.,]+|[a-z -]+?)\s*(?P<mult>thousand|million|billion|trillion|mn|bn|m|b|k)?",
    re.I)


def parse_en_words(text: str) -> int | float | None:
    """Return the value of number words: ten, twenty-five, a dozen, one hundred, two thousand."""
    words = re.split(r"[\s-]+", text.strip().lower().replace(" and ", " "))
    if " ".join(words) in _EN_UNITS:
        return _EN_UNITS[" ".join(words)]
    if words in (["a"], ["an"], ["half", "a"]):
        return 0.5 if words[0] == "half" else 1  # before a scale: a million, half a billion
    total = current = 0
    seen = False
    for w in words:
        if w in ("a", "an") and not seen:
            current = 1
            continue
        if w in _EN_UNITS:
            current += _EN_UNITS[w]
        elif w in _EN_TENS:
            current += _EN_TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in ("thousand", "million", "billion"):
            total += (current or 1) * MULTIPLIERS[w]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


@lru_cache(maxsize=4096)
def parse_en(text: str) -> Number | None:
    """Return the Number written in `text` (English: 30,000; 1.2 million; twenty-five; dozens).

    Machine-translation debris ("65,438+00", "kloc-0", "1.300 million") gives value None with
    garbled=True; vague amounts (dozens, hundreds of) give value None with vague=True.
    """
    text = _EN_GROUPS.sub("", text.strip())  # 12 345, 12'345 -> 12345
    if not text:
        return None
    if _EN_GARBLED.search(text):
        return Number(None, garbled=True)
    if en.VAGUE.fullmatch(text):
        return Number(None, "about", vague=True)
    if _REDACTED.fullmatch(re.sub(r"\s*(?:thousand|million|billion|trillion)$", "", text)):
        return Number(None, redacted=True)
    m = _EN_SCALED.fullmatch(text)
    if not m:
        return None
    core, mult = m.group("num").strip(), m.group("mult")
    if core[:1].isdigit():
        value = parse_arabic(core)
        if value is None:
            return Number(None, garbled=True)
    else:
        words = parse_en_words(core)
        if words is None:
            return None
        value = Decimal(words)
    if mult:
        value *= MULTIPLIERS[mult.lower()]
    return Number(to_value(value))
