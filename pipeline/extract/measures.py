"""Measures and counts reported in a text: rules (regexes) over the analysis view, zh and en.

One compiled regex per language finds every number followed by a unit (份, 场, 元, %, cases,
yuan ...); the few characters around each hit decide whether it is a count (not a date, an age,
a hotline, an ordinal, a slogan, a price in a scam pitch) and give its qualifier; the clause
before it gives the action and the object, and these give the type.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from pipeline.extract.numerals import Number, parse_en, parse_zh, parse_zh_range, to_value
from pipeline.lang import en, zh

TYPES = ("publicity", "inspection", "enforcement", "organization", "other")
QUALIFIERS = ("exact", "more_than", "about", "at_least", "less_than", "range")
RATES = frozenset({"%", "百分点", "个百分点"})  # units that do not add up across measures
_CJK_AT = re.compile(r"[\u4e00-\u9fff]")
_CN_START = frozenset("零〇一二两三四五六七八九十廿卅")
_LEFT = 12  # characters of left context looked at for qualifiers and exclusions


@dataclass(slots=True)
class Measure:
    """One quantity the text reports: what was done, to what, how many, in which unit."""

    type: str  # publicity | inspection | enforcement | organization | other
    action: str | None  # e.g. 发放, 检查, arrested (as written in the view)
    object: str | None  # e.g. 宣传资料, 旅行社, posters
    count: int | float | None
    count_max: int | float | None
    qualifier: str  # exact | more_than | about | at_least | less_than | range
    unit: str | None  # 份 张 条 场 次 人次 名 家 起 元 % cases yuan ...
    start: int  # view offsets of the evidence span
    end: int

    def to_record(self, start: int, end: int, text: str | None = None) -> dict:
        """The output contract's measure, with `start`/`end` mapped to the original text and,
        when given, the evidence `text` quoted from it."""
        # dataclasses.asdict deep-copies field by field: a third of a batch's time
        record = {"type": self.type, "action": self.action, "object": self.object,
                  "count": self.count, "count_max": self.count_max, "qualifier": self.qualifier,
                  "unit": self.unit, "start": start, "end": end}
        if text is not None:
            record["text"] = text
        return record


def extract_measures(view: str, lang: str) -> tuple[list[Measure], list[str]]:
    """Measures found in the analysis view (lang "zh", "en" or "mixed"), and warnings."""
    measures: list[Measure] = []
    warnings: list[str] = []
    if lang in ("zh", "mixed"):
        measures += _extract_zh(view, warnings)
    if lang in ("en", "mixed"):
        found = _extract_en(view, warnings)
        if measures:
            found = [m for m in found if not _overlaps_any(m, measures)]
        measures += found
        measures.sort(key=lambda m: m.start)
    return measures, warnings


def _overlaps_any(m: Measure, others: list[Measure]) -> bool:
    return any(o.start < m.end and m.start < o.end for o in others)


# ---------------------------------------------------------------- Chinese


def _extract_zh(view: str, warnings: list[str]) -> list[Measure]:
    out: list[Measure] = []
    for m in zh.MEASURE.finditer(view):
        groups = m.group("num", "num2", "unit", "post")  # one call: read for every number
        if groups[2] is None and "万" not in groups[0] and "亿" not in groups[0]:
            continue  # most numbers without a unit: years, dates, codes
        measure = _zh_measure(view, m, groups, warnings, out[-1] if out else None)
        if measure is not None:
            out.append(measure)
    for m in zh.PERCENT_WORDS.finditer(view):
        number = parse_zh(m.group("num"))
        if zh.MONEY_LEFT_EXCLUDE.search(view[max(0, m.start() - _LEFT):m.start()]):
            continue  # 年化收益百分之十五: a promise, not a result
        if number is not None and number.value is not None:
            action, obj, start = _zh_clause(view, m.start())
            out.append(Measure(_zh_type(action, obj, "%"), action, obj, number.value, None,
                               "exact", "%", start, m.end()))
    out.sort(key=lambda x: x.start)
    return _drop_headline_repeats(view, out)


def _drop_headline_repeats(view: str, measures: list[Measure]) -> list[Measure]:
    """Drop measures of a title line whose figure the body states again (keep the body's)."""
    title_end = view.find("\n")
    if title_end < 0 or title_end > 80 or "。" in view[:title_end]:
        return measures
    body = {(m.count, m.unit) for m in measures if m.start > title_end}
    return [m for m in measures
            if m.start > title_end or m.count is None or (m.count, m.unit) not in body]


@dataclass(slots=True)
class _ZhHit:
    """A MEASURE match (number, second number of a range, unit, qualifier after it) and the
    context that decides whether it is a count."""

    view: str
    s: int
    e: int
    num_text: str
    num2: str | None
    unit: str | None
    post: str
    left: str  # the _LEFT characters before the number
    is_cn: bool  # written in Chinese numerals
    none_case: bool  # 未发现1起: a count of none


def _zh_hit(view: str, m: re.Match, groups: tuple[str | None, ...]) -> _ZhHit:
    num_text, num2, unit, post = groups
    s, e = m.span()
    left = view[max(0, s - _LEFT):s]
    none_case = bool(unit and num_text in ("1", "一") and zh.NONE_LEFT.search(left))
    return _ZhHit(view, s, e, num_text, num2, unit, post or "", left,
                  num_text[0] in _CN_START, none_case)


def _zh_measure(view: str, m: re.Match, groups: tuple[str | None, ...], warnings: list[str],
                prev: Measure | None) -> Measure | None:
    """The Measure of a MEASURE match (its `groups` num, num2, unit and post) that has a unit
    or an amount in 万/亿 (_extract_zh skips the rest), or None when its context says it is
    no count."""
    hit = _zh_hit(view, m, groups)
    if _zh_rejected(hit):
        return None
    number = _zh_number(hit, m, warnings)
    if number is None:
        return None
    counted = _zh_count(hit, m, number)
    if counted is None:
        return None
    return _zh_placed(hit, number, counted, prev)


def _zh_number(hit: _ZhHit, m: re.Match, warnings: list[str]) -> Number | None:
    """The Number of the hit, None when it is no numeral (一一, 三四十); a garbled one in
    digits warns."""
    number = parse_zh_range(hit.num_text, hit.num2) if hit.num2 else _parse_zh(hit.num_text)
    if number is None or (number.garbled and hit.is_cn):
        return None
    if number.garbled:
        warnings.append(f"unreadable number {m.group()!r} at {hit.s}: count left empty")
    return number


def _zh_count(hit: _ZhHit, m: re.Match, number: Number
              ) -> tuple[str, int | float | None, int | float | None] | None:
    """(unit, count, count_max) of the hit, or None when it is an article, a modifier, a
    price or a promise; sets hit.unit for a bare amount of money."""
    if hit.unit is None:
        hit.unit = _zh_bare_money(hit.view, m, hit.left)
    if hit.unit is None or _zh_article(hit):
        return None
    if hit.num_text in ("两", "二") and _zh_modifier(hit):
        return None  # 在两次整治行动中, 停牌的两名导游: a modifier, not a reported count
    unit, count, count_max = _zh_unit(hit.unit, number)
    if unit is None or _zh_not_a_result(hit, unit, count):
        return None
    if hit.none_case:
        count = 0
    if unit == "元" and (currency := zh.CURRENCY_LEFT.search(hit.left)):
        unit = zh.CURRENCY_NAMES[currency.group(1)]
    return unit, count, count_max


def _zh_placed(hit: _ZhHit, number: Number,
               counted: tuple[str, int | float | None, int | float | None],
               prev: Measure | None) -> Measure | None:
    """The Measure with its qualifier, action and object from the clause around the hit, or
    None when the clause reports no result (a plan, the situation)."""
    view, s, e = hit.view, hit.s, hit.e
    unit, count, count_max = counted
    start = s
    pre = zh.PRE_QUALIFIER.search(hit.left)
    if pre:
        start = s - (len(hit.left) - pre.start())
    action, obj, clause_start = _zh_clause(view, start)
    if zh.NOT_RESULT.search(view, clause_start, s):
        return None
    if action is None and zh.BACKGROUND.search(view, clause_start, s) \
            and not zh.ACTION.search(_CLAUSE_HEAD.match(view, e).group()):
        return None  # 全县现有养老机构64家: the situation, not something done
    if obj is None:
        obj, e = _zh_right_object(view, e)
    if action is None and prev is not None and prev.action and clause_start > prev.start \
            and unit not in RATES and _same_sentence(view, prev.end, s):
        # 检查旅行社218家次、购物店47家次: the list shares its verb (a rate after a count,
        # 查处案件5起，游客满意度达96%, is no item of its list)
        action = prev.action
    return Measure(_zh_type(action, obj, unit), action, obj, count, count_max,
                   _zh_qualifier(number, pre, hit.post), unit, min(clause_start, start), e)


def _zh_modifier(hit: _ZhHit) -> bool:
    """Return whether 两+unit modifies a noun in a clause that reports nothing done to it."""
    view, e, left = hit.view, hit.e, hit.left
    if hit.post or not _CJK_AT.match(view, e) or left.endswith("有"):
        return False
    if zh.PRE_QUALIFIER.search(left) or zh.ACTION_BEFORE.search(left):
        return False
    rest = _CLAUSE_HEAD.match(view, e).group()
    return "被" not in rest and not zh.ACTION.search(rest)


def _zh_rejected(hit: _ZhHit) -> bool:
    """Return whether the context makes the number no count (code, phone, ordinal, idiom)."""
    view, s, e, num_text, left = hit.view, hit.s, hit.e, hit.num_text, hit.left
    if zh.LEFT_EXCLUDE_END.search(left):
        return True
    if num_text.isdigit() and len(num_text) >= 3 and zh.PHONE_LEFT.search(left):
        return True  # 拨打96110, 热线12345
    if hit.is_cn and not hit.none_case and (zh.LEFT_EXCLUDE_CN.search(left)
                                            or _in_idiom(view, s, e)):
        return True
    # 一件件, 一场场: a reduplicated measure word
    return bool(hit.unit and e < len(view) and view[e - 1] == view[e] and not hit.post)


def _zh_article(hit: _ZhHit) -> bool:
    """Return whether 一 is an article (一名男子, 一家公司) rather than a count, or 分 a time."""
    unit, left = hit.unit, hit.left
    if unit == "分" and re.search(r"[时点:]$", left):
        return True  # 10时30分
    return (hit.is_cn and hit.num_text == "一" and not hit.post and not hit.none_case
            and not zh.PRE_QUALIFIER.search(left)
            and not (unit in ("名", "人") and zh.ACTION_BEFORE.search(left)))


def _zh_not_a_result(hit: _ZhHit, unit: str, count: float | None) -> bool:
    """Return whether a money amount or rate is a price, a promised return or a statute."""
    left, post, view, e = hit.left, hit.post, hit.view, hit.e
    # RIGHT_EXCLUDE starts with / or 的: the next character decides most hits without a slice
    if view[e:e + 1] in _RIGHT_EXCLUDE_FIRST and zh.RIGHT_EXCLUDE.match(view[e:e + 16]):
        return True
    if unit == "分" and zh.INTEREST_LEFT.search(left):
        return True  # 月息3分: a rate promised, not a count
    if unit not in zh.MONEY_UNITS and unit != "%" or count is None:
        return False
    right = view[e:e + 16]
    money_left = zh.RANGE_HEAD.sub("", left) if post != "以下" else left
    return bool(zh.MONEY_LEFT_EXCLUDE.search(money_left) or zh.RIGHT_EXCLUDE_MONEY.match(right)
                or (post == "以下" and unit in zh.MONEY_UNITS))


_RIGHT_EXCLUDE_FIRST = frozenset("/的")  # the characters zh.RIGHT_EXCLUDE can start with
_MONEY_CONTEXT = re.compile(r"现金|资金|金额|款|损失|赃|罚|收入|营业额|货值|价值|财产|存款|元")


def _zh_bare_money(view: str, m: re.Match, left: str) -> str | None:
    """Return "元" for an amount in 万/亿 without a unit in a money clause (缴获现金50万)."""
    num = m.group("num")
    if m.group("num2") or not re.search(r"[万亿]", num) or num[0] not in "0123456789":
        return None
    nxt = view[m.end():m.end() + 1]
    if nxt and (("\u4e00" <= nxt <= "\u9fff" and nxt not in "的和及与")
                or nxt.isalnum() or nxt in "×*?？"):
        return None  # 3万X元: the figure goes on, redacted
    clause = view[_clause_start(view, max(0, m.start() - 12), m.start()):m.start()]
    return "元" if _MONEY_CONTEXT.search(clause) else None


_parse_zh = lru_cache(maxsize=8192)(parse_zh)  # Numbers are frozen: a cached one is safe to share


def _zh_unit(unit: str, number: Number) -> tuple[str | None, int | float | None,
                                                   int | float | None]:
    """Return (unit, count, count_max) with 万元 -> 元 x 10000 and 六成 -> 60 %."""
    count, count_max = number.value, number.value_max
    if unit == "成":
        if count is None or count_max is not None or not 1 <= count <= 10 \
                or count != int(count):
            return None, None, None
        return "%", int(count) * 10, None
    unit, scale = zh.UNIT_SCALE.get(unit, (unit, 1))
    if scale != 1:
        if count is not None:
            count = to_value(Decimal(str(count)) * scale)
        if count_max is not None:
            count_max = to_value(Decimal(str(count_max)) * scale)
    return unit, count, count_max


def _zh_qualifier(number: Number, pre: re.Match | None, post: str) -> str:
    """The qualifier of a count, from its number, the qualifier word before it (`pre`, a
    PRE_QUALIFIER match) and the one after it (`post`)."""
    if number.qualifier == "range":
        return "range"
    if post in zh.POST_QUALIFIERS:
        return zh.POST_QUALIFIERS[post]
    if number.qualifier != "exact":
        return number.qualifier
    if pre:
        word = pre.group().rstrip()
        for key in _PRE_QUALIFIER_KEYS:
            if word.startswith(key):
                return zh.PRE_QUALIFIERS[key]
    return "exact"


_PRE_QUALIFIER_KEYS = sorted(zh.PRE_QUALIFIERS, key=len, reverse=True)  # longest first


# up to the last clause break: matched from the left, it finds where a clause starts in one
# pass (searching for the break-free tail instead retries at every position)
_UP_TO_BREAK = re.compile(r".*[,。;；:：!！?？\n()（）、]", re.S)
_CLAUSE_HEAD = re.compile(r"[^,。;；:：!！?？\n()（）、]{0,20}")


def _zh_clause(view: str, start: int) -> tuple[str | None, str | None, int]:
    """Return (action, object, clause start) from the clause before view[start]."""
    lo = max(0, start - 30)
    clause_start = _clause_start(view, lo, start)
    clause = view[clause_start:start]
    action = None
    obj_from = 0
    found = list(zh.ACTION.finditer(clause))
    if len(found) > 1:  # one verb, weak or not, is the action
        strong = [m for m in found if m.group() not in zh.WEAK_ACTIONS]
        if strong and len(strong) < len(found):
            found = strong
    if found:
        last = found[-1]
        if len(found) > 1 and not _strip_linkers(clause[last.end():].strip()):
            # 开展联合检查11次: the last verb is the object of the one before
            last = found[-2]
        action, obj_from = last.group(), last.end()
    obj = _strip_linkers(clause[obj_from:].strip()).strip()
    if action is not None:
        clause_start += clause.find(action) if obj_from == 0 else obj_from - len(action)
    else:
        clause_start += len(clause) - len(clause.lstrip())
    if len(obj) > 14:
        obj = obj[-14:]
    return action, obj or None, clause_start


def _strip_linkers(text: str) -> str:
    """`text` less the linking words (共, 累计, 达 ...) at its start and at its end."""
    head = zh.LINKERS_HEAD.match(text)
    start = head.end() if head else 0
    if text.endswith(zh.LINKER_TAIL_WORDS):
        tail = zh.LINKERS_TAIL.search(text, start)
        if tail:
            return text[start:tail.start()]
    return text[start:]


def _clause_start(view: str, lo: int, start: int) -> int:
    """Where the clause ending at `start` begins, looking back no further than `lo`.

    A newline just before `start` does not end the clause: PDFs break lines mid-sentence.
    """
    end = start - 1 if start > lo and view[start - 1] == "\n" else start
    head = _UP_TO_BREAK.match(view, lo, end)
    return head.end() if head else lo


def _zh_right_object(view: str, end: int) -> tuple[str | None, int]:
    m = zh.RIGHT_OBJECT.match(view, end)
    if not m:
        return None, end
    text = m.group()
    stop = zh.RIGHT_OBJECT_STOP.search(text)
    verb = zh.ACTION.search(text)
    if verb and (stop is None or verb.start() < stop.start()):
        stop = verb  # 1起涉嫌诈骗案件已移送: the object ends where the next verb starts
    if stop:
        text = text[:stop.start()]
    text = text.strip("\"“”")
    return (text or None), end + (len(m.group()) if not stop else stop.start())


_GENERIC_ACTIONS = frozenset({"开展", "组织", "举办", "参与", "参加", "发现", "涉及", "接待",
                              "覆盖", "设立", "设置", "处理", "办理", "出动"})


@lru_cache(maxsize=8192)  # reports repeat their objects (宣传资料, 横幅): each tried once
def _zh_type(action: str | None, obj: str | None, unit: str | None) -> str:
    by_action = zh.ACTIONS.get(action) if action else None
    by_object = None
    if obj:
        for pattern, kind in zh.OBJECT_TYPE:
            if pattern.search(obj):
                by_object = kind
                break
    if by_action and (action not in _GENERIC_ACTIONS or by_object is None):
        return by_action
    return by_object or by_action or zh.UNIT_TYPES.get(unit or "", "other")


def _in_idiom(view: str, s: int, e: int) -> bool:
    for m in zh.IDIOMS.finditer(view, max(0, s - 3), min(len(view), e + 4)):
        if m.start() < e and s < m.end():
            return True
    return False


_SENTENCE_END = re.compile(r"[。;；!！?？\n]")


def _same_sentence(view: str, a: int, b: int) -> bool:
    return a <= b and not _SENTENCE_END.search(view, a, b)


# ---------------------------------------------------------------- English


class _EnglishScan:
    """en.MEASURE.search(view, pos), found by trying MEASURE only where a match can start.

    The next candidate of each kind (en.START_SIGN in the view, en.START_WORD in the lower-cased
    view) is kept until the search passes it.
    """

    def __init__(self, view: str) -> None:
        self.view = view
        lower = view.lower()
        self.lower = lower if len(lower) == len(view) else None  # İ -> i̇: no lower-case scan
        self.sign = self.word = -1

    def search(self, pos: int) -> re.Match | None:
        view, lower = self.view, self.lower
        if lower is None:
            return en.MEASURE.search(view, pos)
        end = len(view) + 1
        while pos <= len(view):
            if self.sign < pos:
                found = en.START_SIGN.search(view, pos)
                self.sign = found.start() if found else end
            if self.word < pos:
                found = en.START_WORD.search(lower, pos)
                self.word = found.start() if found else end
            at = min(self.sign, self.word)
            if at == end:
                return None
            if at == self.sign and view[at] == "$":  # US$, HK$, A$: the prefix starts before
                for back in (at - 2, at - 1):
                    if back >= pos and (m := en.MEASURE.match(view, back)) is not None:
                        return m
            m = en.MEASURE.match(view, at)
            if m is not None:
                return m
            pos = at + 1
        return None


def _extract_en(view: str, warnings: list[str]) -> list[Measure]:
    out: list[Measure] = []
    seen: list[Measure] = []
    counts: set[int | float | None] = set()  # the values of `seen`
    pos = 0
    scan = _EnglishScan(view)
    while True:
        m = scan.search(pos)
        if m is None:
            return _drop_repeated_lines(view, out)
        if m.group("num2") and not _en_range_ok(m):
            m = en.MEASURE_SINGLE.match(view, m.start())
        measure = _en_measure(view, m, warnings, seen)
        if measure is not None:
            seen.append(measure)  # a restated figure still names the noun of what follows
            if not _en_restated(view, m, measure, counts):
                out.append(measure)
            counts.add(measure.count)
        pos = max(m.end(), m.start() + 1)


def _drop_repeated_lines(view: str, measures: list[Measure]) -> list[Measure]:
    """Drop the measures of a line that repeats an earlier line word for word (a scraped page
    repeats its headline under it, or in a list of links at its end)."""
    if not measures:
        return measures
    seen: set[str] = set()
    repeats: list[tuple[int, int]] = []
    pos = 0
    for line in view.split("\n"):
        key = line.strip()
        if len(key) >= _MIN_REPEATED_LINE:
            if key in seen:
                repeats.append((pos, pos + len(line)))
            seen.add(key)
        pos += len(line) + 1
    if not repeats:
        return measures
    starts = [a for a, _ in repeats]
    return [m for m in measures if not _within_one(repeats, starts, m)]


def _within_one(spans: list[tuple[int, int]], starts: list[int], m: Measure) -> bool:
    """Return whether `m` lies within one of `spans` (sorted, disjoint; `starts` their
    starts): a binary search, so a page of many repeated lines stays linear-ish."""
    i = bisect_right(starts, m.start) - 1
    return i >= 0 and m.end <= spans[i][1]


_MIN_REPEATED_LINE = 24  # shorter lines ("Total: 12") repeat by chance


def _en_range_ok(m: re.Match) -> bool:
    """Return whether "A to B" is a range: same currency on both ends and A <= B."""
    if m.group("cur") and not m.group("cur_b"):
        return False
    low = parse_en(m.group("num") + (m.group("scale") or m.group("scale2") or ""))
    high = parse_en(m.group("num2") + (m.group("scale2") or ""))
    return bool(low and high and low.value is not None and high.value is not None
                and low.value <= high.value)


@dataclass(slots=True)
class _EnHit:
    """A MEASURE match and the text around it."""

    view: str
    m: re.Match
    s: int
    e: int
    left: str  # the 40 characters before the number
    cur: str | None  # currency before the number ($, HK$, RMB)
    raw_tail: str  # currency or percent after it, as written
    tail: str  # the same, stripped and lower-cased
    num: str
    word: str  # _word_before(view, s)
    glued: bool  # _en_glued: a letter, digit or + right after the number


def _en_measure(view: str, m: re.Match, warnings: list[str], found: list[Measure]
                ) -> Measure | None:
    """The Measure of a MEASURE match, or None; `found` holds the document's measures so far."""
    s, e = m.span()
    if e == s:
        return None
    raw_tail = m.group("tail") or ""
    hit = _EnHit(view, m, s, e, view[max(0, s - 40):s], m.group("cur"), raw_tail,
                 raw_tail.strip(" -").lower(), m.group("num"), _word_before(view, s),
                 _en_glued(view, m, raw_tail))
    if _en_context_rejected(hit) or _en_shape_rejected(hit):
        return None
    number = _en_number(view, m, hit.cur, hit.tail, warnings)
    if number is None:
        return None
    glued = _en_glued_noun(hit)
    if glued is not None:  # arrested 10Men
        unit, obj, end = glued.group().lower(), glued.group(), glued.end()
    else:
        unit, obj, end = _en_unit(view, m, hit.cur, hit.tail)
    if unit is None:
        return _en_unitless(hit, number, found, end)
    if unit in en.PLACES and en.PLACE_LEFT.search(hit.left):
        return None
    return _en_finish(hit, number, unit, obj, end)


def _en_context_rejected(hit: _EnHit) -> bool:
    """Return whether the words before the number make it no count: a code, an age, a
    restated figure, the article "one"."""
    view, s = hit.view, hit.s
    # the left-anchored patterns are searched over the few characters they can span (the
    # view's whitespace runs are single characters): tried at 40 positions they cost a
    # third of English extraction
    word = hit.word
    if not hit.cur and (_en_left_excluded(view, s, word)
                        or (word in en.AGE_RANGE_LAST
                            and en.AGE_RANGE_LEFT.search(view, max(0, s - 30), s))):
        return True
    if not hit.cur and not hit.raw_tail and word in en.THE_LAST \
            and en.THE_LEFT.search(view, max(0, s - 16), s):
        return True  # the 23 cases: restated
    if _en_age_or_phone(hit):
        return True
    # "one" is mostly an article: one case, one-click, "one card, one file"
    return hit.num.lower() == "one" and not (en.ACTION_BEFORE.search(hit.left)
                                             or en.ONLY_LEFT.search(hit.left))


def _en_age_or_phone(hit: _EnHit) -> bool:
    """Return whether a bare number of up to three digits is an age bound ("people over 60")
    or a telephone area code ("(207) 555-0142")."""
    num, s = hit.num, hit.s
    if hit.cur or hit.raw_tail or not num.isdigit() or len(num) > 3:
        return False
    if hit.word in en.AGE_BOUND_LAST and en.AGE_BOUND_LEFT.search(hit.view, max(0, s - 24), s):
        return True
    return (s > 0 and hit.view[s - 1] == "("
            and en.AREA_CODE_RIGHT.match(hit.view, hit.e) is not None)


def _en_restated(view: str, m: re.Match, measure: Measure, counts: set) -> bool:
    """Return whether "the N nouns" repeats a figure that the text gave before (raided five
    companies ... The five firms are): a value in `counts` (those counted earlier in the
    document), and no new action done to them after it."""
    if m.group("cur") or m.group("tail") or measure.count is None \
            or measure.count not in counts:
        return False
    s = m.start()
    return (_word_before(view, s) in en.RESTATED_LAST
            and en.RESTATED_LEFT.search(view, max(0, s - 12), s) is not None
            and not en.NEW_ACTION_RIGHT.match(view, measure.end))


def _en_shape_rejected(hit: _EnHit) -> bool:
    """Return whether the number is part of a longer token (a compound adjective, 3G, 10am)
    or a year or hotline."""
    raw_tail, num = hit.raw_tail, hit.num
    if raw_tail.startswith("-") and not raw_tail.startswith("- "):
        return True  # a compound adjective: a "99-yuan" tour
    nxt = hit.view[hit.e:hit.e + 2]
    if not raw_tail and nxt[:1] == "-" and nxt[1:].isalpha():
        return True  # two-card sellers, 5-day trip
    if hit.glued and _en_glued_noun(hit) is None:
        return True  # part of a longer token (3G, 5th, 10am)
    return num.isdigit() and not hit.cur and not hit.tail and (
        len(num) >= 5 or (len(num) == 4 and 1900 <= int(num) <= 2099))  # 2021, 12301 hotline


def _en_glued(view: str, m: re.Match, raw_tail: str) -> bool:
    """Return whether a letter, digit or + follows the number without a space."""
    e = m.end()
    return (e < len(view) and (view[e].isalnum() or view[e] in "+") and not raw_tail
            and m.group("num")[-1].isdigit() and not m.group("scale")
            and not en.GARBLED_AFTER.match(view, e, e + 12))


def _en_glued_noun(hit: _EnHit) -> re.Match | None:
    """The counted noun glued to the number in translated text (arrested 10Men), or None."""
    if not hit.glued:
        return None
    glued = en.GLUED_NOUN.match(hit.view, hit.e)
    return glued if glued is not None and glued.group().lower() in _EN_NOUNS else None


def _en_unitless(hit: _EnHit, number: Number, found: list[Measure], end: int
                 ) -> Measure | None:
    """The Measure of a number with no unit after it: the unit from a label, a bracket or a
    headline verb, or from a count before it; None for a list marker or a lone figure."""
    view, e, left = hit.view, hit.e, hit.left
    if en.LIST_MARKER.match(view, e) and en.LINE_START.search(left):
        return None
    if number.garbled or (number.redacted and len(hit.num) > 1):
        return Measure("other", None, None, None, None, "exact", None, hit.s, e)
    named = _en_unit_around(hit, number)
    if named is not None:
        return _en_finish(hit, number, *named, end)
    if en.CHANGE_LEFT.search(left) and not en.TIME_AFTER.match(view, e):
        # cases fell 2% to 7,091: the noun of the last count before, in the same paragraph
        before = next((f for f in reversed(found[-3:]) if f.unit not in _NOT_INHERITED), None)
        if before is not None and hit.s - before.end < 200 and "\n" not in view[before.end:hit.s]:
            return _en_finish(hit, number, before.unit, before.object, end)
        return _en_finish(hit, number, None, None, end)
    return _en_inherited(hit, number, found[-1] if found else None, end)


def _en_unit_around(hit: _EnHit, number: Number) -> tuple[str, str | None] | None:
    """(unit, object) named around a bare number: people after a headline verb ("nab 79
    in"), a label ("Investigations opened: 118"), a bracket ("investment fraud (5,210)")."""
    view, e, left = hit.view, hit.e, hit.left
    if en.PEOPLE_LEFT.search(left) and en.PEOPLE_RIGHT.match(view, e):
        return "people", None
    label = en.LABEL_LEFT.search(left) or en.OF_THE_NOUN.match(view, e)
    if label:
        return label.group("noun").lower(), None
    if view[e:e + 1] == ")" and not hit.m.group("num2") \
            and (number.value or 0) >= 10 and (bracket := en.BRACKET_LEFT.search(left)) \
            and bracket.group("noun").lower() not in en.BRACKET_NOT:
        noun = bracket.group("noun").lower()
        return noun, noun  # investment fraud (5,210); not (1), (112)
    return None


def _en_inherited(hit: _EnHit, number: Number, prev: Measure | None, end: int
                  ) -> Measure | None:
    """The Measure of a bare number that takes the unit of the count just before it ("opened
    214 investigations, up from 167"), or None."""
    view, s, e = hit.view, hit.s, hit.e
    if en.TIME_AFTER.match(view, e):
        return None
    if prev is None or prev.unit in en.CURRENCY_UNITS.values() or prev.unit == "%" \
            or s - prev.end > 200 or "\n" in view[prev.end:s]:
        return None
    if not (en.INHERIT_LEFT.search(hit.left) or en.INHERIT_RIGHT.match(view, e)):
        return None
    return _en_finish(hit, number, prev.unit, prev.object, end)


def _en_left_excluded(view: str, s: int, word: str) -> bool:
    """en.LEFT_EXCLUDE before view[s]: its one-character half is read directly, and its word
    half, which ends in whitespace, is searched only after one of its last words (`word`,
    _word_before(view, s))."""
    before = view[s - 1] if s else ""
    if before.isalnum() or before in "_.,/#+\"“×*?-":
        return bool(before)
    return (before.isspace() and word in en.LEFT_EXCLUDE_LAST
            and en.LEFT_EXCLUDE.search(view, max(0, s - 24), s) is not None)


def _word_before(view: str, s: int) -> str:
    """The word before view[s] and the whitespace (and periods or closing quotes) between them,
    its letters only and lower-cased: "" when view[s - 1] is no whitespace.

    A left-anchored pattern that ends in whitespace can match only after one of its last
    words (en.LEFT_EXCLUDE_LAST ...): a set lookup on this word spares most of its searches.
    The scan goes back at most _WORD_SPAN characters: a longer word is no pattern's.
    """
    lo = max(0, s - _WORD_SPAN)
    i = s
    while i > lo and view[i - 1].isspace():
        i -= 1
    if i == s:
        return ""
    while i > lo and view[i - 1] in '."”':
        i -= 1
    j = i
    while j > lo and view[j - 1].isalpha():
        j -= 1
    return view[j:i].lower()


_WORD_SPAN = 40
_RANGE_HEAD_ENDS = ("to", "-", "–")  # en.RANGE_HEAD ends in one of these and whitespace


_EN_NOUNS = frozenset(n.replace("\\s", " ") for n in en.NOUNS)
# "up to" caps an amount, a rate or a multiple ("returns of up to 15%"); before a count of
# things it is a count ("released up to 40 regulations")
_CAPPED_UNITS = frozenset({*en.CURRENCY_UNITS.values(), "%", "percentage points", "times", None})
_NOT_INHERITED = frozenset({*en.CURRENCY_UNITS.values(), "%", None})


def _en_finish(hit: _EnHit, number: Number, unit: str | None, obj: str | None, end: int
               ) -> Measure | None:
    """The Measure of a number whose unit is known (or None for a bare figure), after the
    qualifier, the money and rate exclusions and the action."""
    view, s = hit.view, hit.s
    qualifier = number.qualifier
    start = s
    if qualifier == "exact":
        pre = (en.PRE_QUALIFIER.search(view, max(0, s - 20), s)
               if hit.word in en.PRE_QUALIFIER_LAST else None)
        if pre:
            word = pre.group("q").lower()
            if word == "up to" and unit in _CAPPED_UNITS:
                return None  # a cap, not a figure: "returns of up to 15%", "up to 50 times"
            qualifier = en.PRE_QUALIFIERS[word]
            start = pre.start()
    if _en_price(hit, number, unit, qualifier, start, end):
        return None
    if number.vague:
        qualifier = "about"
    action, action_start = _en_action(view, start, end)
    start = min(start, action_start)
    return Measure(_en_type(action, obj, unit), action, obj, number.value, number.value_max,
                   qualifier, unit, start, end)


def _en_price(hit: _EnHit, number: Number, unit: str | None, qualifier: str, start: int,
              end: int) -> bool:
    """Return whether an amount of money or a rate is a price, a promise, a threshold or a
    conversion rather than a result."""
    money = unit in en.CURRENCY_UNITS.values()
    if not (money or unit == "%") or number.value is None:
        return False
    view = hit.view
    before = view[max(0, start - 50):start]
    if before.rstrip().endswith(_RANGE_HEAD_ENDS):
        before = en.RANGE_HEAD.sub("", before)
    if (_word_before(before, len(before)) in en.MONEY_LEFT_LAST
            and en.MONEY_LEFT_EXCLUDE.search(before)) or en.MONEY_RIGHT_EXCLUDE.match(view, end):
        return True
    if unit == "%" and en.PERCENT_LEFT_EXCLUDE.search(before):
        return True
    if money and en.CONVERSION_LEFT.search(view, max(0, hit.s - 30), hit.s):
        return True  # the same amount in another currency
    return money and qualifier == "less_than"  # a threshold: tours sold for under 1,000 yuan


def _en_number(view: str, m: re.Match, cur: str | None, tail: str, warnings: list[str]
               ) -> Number | None:
    """Return the Number of an English match (a range when it has two ends), or None."""
    s, e = m.span()
    if _en_garbled(view, m):
        warnings.append(f"unreadable number {view[s:e + 12].strip()!r} at {s}: "
                        "count left empty")
        return Number(None, garbled=True)
    scale = (m.group("scale") or "").strip().lower()
    if scale in ("m", "b", "k", "mn", "bn") and not (cur or tail in en.CURRENCY_UNITS):
        return None  # 5m is five metres unless it is money
    number = parse_en(m.group("num") + (m.group("scale") or ""))
    if number is None or not m.group("num2"):
        return number
    high = parse_en(m.group("num2") + (m.group("scale2") or ""))
    if high is None or high.value is None or number.value is None:
        return None
    low_value = number.value
    if not m.group("scale") and m.group("scale2"):
        low = parse_en(m.group("num") + m.group("scale2"))
        low_value = low.value if low else None
    if low_value is None or low_value > high.value:
        return None
    return Number(low_value, "range", value_max=high.value)


# debris at a number's start, or a markup remnant within its next word ("12 times/kloc-0")
_EN_GARBLED_AT = re.compile(rf"\S*{en.GARBLED_PLUS}|{en.GARBLED_COMMA}|"
                            rf"\S*\d\S*(?:\s[A-Za-z-]+)?/{en.GARBLED_KLOC}")
_EN_GARBLED_SCALED = re.compile(rf"\d*{en.GARBLED_SCALED}")


def _en_garbled(view: str, m: re.Match) -> bool:
    region = view[m.start():min(len(view), m.end() + 30)]
    # each kind of debris has its mark: a +, a comma in the first group, "kloc-", a decimal
    # point before million or billion
    if ("+" in region or "," in region[:4] or "kloc-" in region) \
            and _EN_GARBLED_AT.match(region):
        return True
    num, scale = m.group("num"), m.group("scale")
    return bool(scale and "." in num and _EN_GARBLED_SCALED.fullmatch(num + scale))


def _en_unit(view: str, m: re.Match, cur: str | None, tail: str
             ) -> tuple[str | None, str | None, int]:
    """Return (unit, object, end) for the number matched by `m`."""
    e = m.end()
    if tail in ("%", "percent", "per cent") or tail.startswith("percentage"):
        return ("%" if not tail.startswith("percentage") else "percentage points"), None, e
    if cur:
        key = cur.strip().lower()
        return en.CURRENCY_UNITS.get(key, key.upper()), None, e
    if tail:
        return en.CURRENCY_UNITS.get(tail, tail), None, e
    if en.TIME_AFTER.match(view, e):
        return None, None, e
    window = view[e:e + 80]
    if m.group("num")[0].isalpha() and en.VAGUE.fullmatch(m.group("num")):
        window = re.sub(r"^\s+of(?=\s)", "", window)  # dozens of victims
    noun = en.NOUN_AFTER.match(window) or en.PLURAL_AFTER.match(window)
    if noun:
        if not noun.group("noun").endswith("s") and (
                head := en.COMPOUND_HEAD.match(window, noun.end())):
            noun = head  # 6 call centres, 966 account holders: the last noun is counted
        unit = noun.group("noun").lower()
        obj = window[:noun.end()].strip(" -\"“")
        return unit, obj, e + noun.end()
    return None, None, e


# up to the last sentence break, in one match (the last of en.SENTENCE_BREAK.finditer, or one
# whitespace character further where two breaks overlap: the verbs found are the same)
_UP_TO_SENTENCE_BREAK = re.compile(rf"(?s:.*)(?:{en.SENTENCE_BREAK.pattern})")


def _en_action(view: str, start: int, end: int) -> tuple[str | None, int]:
    lo = max(0, start - 50)
    chunk = view[lo:start]
    head = _UP_TO_SENTENCE_BREAK.match(chunk)
    if head:
        chunk, lo = chunk[head.end():], lo + head.end()
    action = None
    action_start = start
    for a in en.ACTION.finditer(chunk):
        action, action_start = a.group(), lo + a.start()
    if action is None:
        after = en.ACTION_AFTER.match(view, end)
        if after and after.group("verb").lower() in en.ACTIONS:
            return after.group("verb"), start
    return action, action_start


@lru_cache(maxsize=8192)  # reports repeat their objects (cases, suspects): each tried once
def _en_type(action: str | None, obj: str | None, unit: str | None) -> str:
    if obj:
        for pattern, kind in en.NOUN_TYPES:
            if pattern.search(obj):
                if action and en.ACTIONS.get(action.lower()) not in (None, "other"):
                    return en.ACTIONS[action.lower()]
                return kind
    if action and action.lower() in en.ACTIONS:
        return en.ACTIONS[action.lower()]
    if unit in en.CURRENCY_UNITS.values():
        return "enforcement"
    return "other"


# ---------------------------------------------------------------- totals

_QUALIFIER_RANK = {"exact": 0, "less_than": 1, "about": 2, "at_least": 3}
_AS_TOTAL_QUALIFIER = {"more_than": "at_least", "range": "at_least"}  # what a sum can claim


def add_counts(total: int | float, count: int | float) -> int | float:
    """`total` + `count` without float error (0.1 + 0.2 is 0.3): the one way counts add up,
    in a document's summary and across a batch."""
    if isinstance(count, int) and isinstance(total, int):
        return total + count  # exact already: Decimal is slow
    return to_value(Decimal(str(total)) + Decimal(str(count)))


def summarize(measures: list[dict]) -> list[dict]:
    """Totals per (type, object, unit): [{"type","object","unit","total","qualifier","measures"}].

    The qualifier is "at_least" when any part is more_than, at_least or a range (ranges add
    their low end), else "about" when any part is about, else "less_than" when any part is,
    else "exact". Null counts are skipped in the total but counted in "measures"; a group with
    only null counts has total null. Rates (%, 百分点) are not added up: their total is null and
    "mean" gives the average of their counts.
    """
    groups: dict[tuple, dict] = {}
    rates: dict[tuple, list] = {}
    for m in measures:
        key = (m.get("type"), m.get("object"), m.get("unit"))
        g = groups.get(key)
        if g is None:
            g = groups[key] = {"type": key[0], "object": key[1], "unit": key[2],
                               "total": None, "qualifier": "exact", "measures": 0}
        g["measures"] += 1
        q = m.get("qualifier", "exact")
        q = _AS_TOTAL_QUALIFIER.get(q, q)
        if m.get("count") is None:
            continue
        if key[2] in RATES:
            rates.setdefault(key, []).append(m["count"])
        else:
            g["total"] = add_counts(g["total"] or 0, m["count"])
        if _QUALIFIER_RANK.get(q, 0) > _QUALIFIER_RANK[g["qualifier"]]:
            g["qualifier"] = q
    for key, g in groups.items():
        if key[2] in RATES:
            counts = rates.get(key)
            g["mean"] = (to_value(sum(map(Decimal, map(str, counts))) / len(counts))
                         if counts else None)
    return list(groups.values())


__all__ = ["QUALIFIERS", "TYPES", "Measure", "add_counts", "extract_measures", "summarize"]
