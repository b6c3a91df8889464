"""The analysis view and its offset map back to the original text."""

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
