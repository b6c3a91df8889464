"""The analysis view and its offset map back to the original text."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.text.normalize import detect_language, normalize


def test_view_is_simplified_half_width_and_collapsed():
    text = "臺灣長者詐騙　共發放宣傳資料１５００餘份，\n\n  請注意"
    assert normalize(text).view == "台湾长者诈骗 共发放宣传资料1500余份,\n请注意"


@given(st.text(alphabet=st.sampled_from(list("養老詐騙１２ＡＢ　 \n\t，。㎡①ﬁ集資abc12")), max_size=60))
def test_every_view_char_maps_back_to_the_original_char_it_came_from(text):
    normalized = normalize(text)
    for i, char in enumerate(normalized.view):
        start, end = normalized.offsets.span(i, i + 1)
        source = text[start:end]
        assert source, (text, i)
        assert normalize(source).view.strip() == char.strip() or char in normalize(source).view


@given(st.text(max_size=80))
def test_spans_stay_inside_the_original(text):
    normalized = normalize(text)
    n = len(normalized.view)
    for start in range(0, n, 3):
        for end in range(start + 1, min(n, start + 6) + 1):
            s, e = normalized.offsets.span(start, end)
            assert 0 <= s < e <= len(text)


def test_pinyin_glosses_are_dropped_and_offsets_skip_them():
    text = "蕉城區(qū)召開養(yǎng)老詐騙會議"
    normalized = normalize(text)
    assert normalized.view == "蕉城区召开养老诈骗会议"
    start = normalized.view.index("召开")
    s, e = normalized.offsets.span(start, start + 2)
    assert text[s:e] == "召開"
    s, e = normalized.offsets.span(0, 3)
    assert text[s:e] == "蕉城區"


def test_identity_when_nothing_changes():
    normalized = normalize("共发放宣传资料1500余份。")
    assert normalized.offsets.is_identity


def test_language():
    assert detect_language("打击整治养老诈骗专项行动") == "zh"
    assert detect_language("Police warned seniors about grandparent scams.") == "en"
    assert detect_language("反诈宣传 anti-fraud campaign held in the community center today") == "mixed"


# (text, view): a line break inside a sentence is joined, a real break is kept
LINE_JOINS = [
    ("共发放宣传资料1500\n余份", "共发放宣传资料1500余份"),
    ("distributed more than 1,500\nbrochures", "distributed more than 1,500 brochures"),
    ("宣传\n资料1500余份", "宣传资料1500余份"),
    ("the infor-\nmation desk", "the information desk"),
    ("the infor-  \n  mation desk", "the information desk"),
    ("开展宣传。\n共发放资料", "开展宣传。\n共发放资料"),  # a sentence ends: kept
    ("他说“注意。”\n共发放资料", "他说“注意。”\n共发放资料"),  # closing quote looked through
    ("【反诈中心】\n您好", "【反诈中心】您好"),
    ("工作如下\n一、加强宣传\n二、开展检查", "工作如下\n一、加强宣传\n二、开展检查"),  # list items
    ("重点如下\n(1)宣传\n(2)检查", "重点如下\n(1)宣传\n(2)检查"),
    ("we did\n- talks\n- visits", "we did\n- talks\n- visits"),
    ("Page one\n\nPage two", "Page one\nPage two"),  # a paragraph break stays a break
    ("anti-\nFraud", "anti- Fraud"),  # a capital after the hyphen: not a split word
    ("共发放宣传资料15\n00余份", "共发放宣传资料1500余份"),  # a number split in a Chinese line
    ("rooms 12\n34 people", "rooms 12 34 people"),  # two numbers in an English one
    ("开立账户8.\n7万户", "开立账户8.7万户"),  # a decimal point is no sentence end
]


@pytest.mark.parametrize("text,view", LINE_JOINS)
def test_line_breaks_inside_a_sentence_are_joined(text, view):
    normalized = normalize(text)
    assert normalized.view == view
    s, e = normalized.offsets.span(0, len(normalized.view))
    assert text[s:e] == text.strip()


def test_a_title_line_keeps_its_break_but_a_wrapped_line_joins():
    body = "今年以来共开展反诈宣传活动十二场次，发放宣传资料一千五百余份，覆盖居民三千余人次" * 2
    title = "反诈宣传 发放资料1500份"
    assert normalize(f"{title}\n{body}").view.startswith(title + "\n")
    lines = [body[i:i + 19] for i in range(0, len(body), 19)]  # hard-wrapped at 38 columns
    wrapped = title + "\n" + "\n".join(lines)
    assert normalize(wrapped).view == f"{title}\n{body}".replace("，", ",")


def test_measures_across_a_line_break_quote_the_original_with_its_newline():
    from pipeline.extract.measures import extract_measures

    for text, lang, value, obj in [("共发放宣传资料1500\n余份", "zh", 1500, "宣传资料"),
                                   ("宣传\n资料1500余份", "zh", 1500, "宣传资料"),
                                   ("Police distributed more than 1,500\nbrochures.", "en", 1500,
                                    "brochures")]:
        normalized = normalize(text)
        found, _ = extract_measures(normalized.view, lang)
        assert [(m.count, m.object, m.qualifier) for m in found] == [(value, obj, "more_than")]
        s, e = normalized.offsets.span(found[0].start, found[0].end)
        assert "\n" in text[s:e] and text[s:e].replace("\n", " ").replace("  ", " ") in (
            text.replace("\n", " "), text.replace("\n", ""), text.replace("\n", " ")[s:e])


_LINE_PIECES = st.sampled_from(["宣传", "资料", "1500", "余份", "。", "，", "infor-", "mation",
                                "more than", "brochures", ".", "一、", "- ", "(2)", "”", "】", "ﬁ",
                                "資料", "１５", "　"])


@given(st.lists(st.tuples(st.lists(_LINE_PIECES, min_size=1, max_size=5),
                          st.sampled_from(["\n", "\n", " \n ", "\n\n", "\r\n", "-\n"])),
                max_size=8))
def test_joined_lines_keep_offsets_exact(lines):
    """Every run of the view between blanks maps back to a span of the original that holds the
    same characters, less the blanks and the hyphens the join dropped."""
    text = "".join("".join(pieces) + brk for pieces, brk in lines)
    normalized = normalize(text)
    view = normalized.view
    for m in re.finditer(r"\S+", view):
        s, e = normalized.offsets.span(m.start(), m.end())
        source = text[s:e]
        assert not source[:1].isspace() and not source[-1:].isspace(), (text, m.group())
        assert _squash(normalize(source).view) == _squash(m.group()), (text, m.group(), source)


def _squash(text):
    return re.sub(r"[\s-]", "", text)


@given(st.lists(st.tuples(st.lists(_LINE_PIECES, min_size=0, max_size=9),
                          st.sampled_from(["\n", " \n ", "\n\n", "\r\n", "-\n"])),
                min_size=1, max_size=30))
def test_few_and_many_lines_find_the_same_full_lines(lines):
    """The breaks of full lines are found in plain Python for the few lines of most texts and
    with numpy for many: both ways give the same breaks."""
    from pipeline.text import normalize as module

    text = "".join("".join(pieces) + brk for pieces, brk in lines)
    plain = module._full_line_breaks(text)
    module._MANY_LINES, kept = 0, module._MANY_LINES
    try:
        assert module._full_line_breaks(text) == plain
    finally:
        module._MANY_LINES = kept
    assert all(text[i] == "\n" for i in plain)
