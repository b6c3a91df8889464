"""Tokens and sentences: golden segmentations and offsets back to the original text."""

import pytest
from conftest import fresh_python
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.engine.stages import Pipeline

ZH_TOKENS = [
    ("打击整治养老诈骗专项行动", ["打击整治养老诈骗", "专项", "行动"]),
    ("共发放宣传资料1500余份", ["共", "发放", "宣传资料", "1500", "余份"]),
    ("谨防刷单返利和杀猪盘", ["谨防", "刷单返利", "和", "杀猪盘"]),
    ("不合理低价游和零团费", ["不合理低价游", "和", "零团费"]),
    ("请拨打96110咨询", ["请", "拨打", "96110", "咨询"]),
    ("國家反詐中心提醒", ["国家反诈中心", "提醒"]),
]
EN_TOKENS = [
    ("Police arrested 12 suspects.", ["Police", "arrested", "12", "suspects", "."]),
    ("distributed 30,000 copies", ["distributed", "30,000", "copies"]),
]


SHARED_PIPELINE = Pipeline(model=None, measures=False)


@pytest.fixture(scope="module")
def pipeline():
    return SHARED_PIPELINE


def prepared(pipeline, text):
    return pipeline.prepare(Document("t", "test", text))


@pytest.mark.parametrize("text,expected", ZH_TOKENS + EN_TOKENS)
def test_golden_tokens(pipeline, text, expected):
    assert prepared(pipeline, text).words() == expected


def test_jieba_is_selectable_and_agrees_on_domain_words():
    jieba_pipeline = Pipeline(model=None, segmenter="jieba", measures=False)
    for text, expected in ZH_TOKENS:
        assert prepared(jieba_pipeline, text).words() == expected


def test_sentences_zh_and_en(pipeline):
    doc = prepared(pipeline, "一是加强宣传。二是严厉打击！\n下一步，继续努力")
    assert [doc.text[s:e] for s, e in doc.tokens.sentences] == [
        "一是加强宣传。", "二是严厉打击！", "下一步，继续努力"]
    doc = prepared(pipeline, "Officers held 9 talks. They hung 36 banners! Next, more.")
    assert [doc.text[s:e] for s, e in doc.tokens.sentences] == [
        "Officers held 9 talks.", "They hung 36 banners!", "Next, more."]


CHARS = list("養老詐騙長者旅遊團集資電信網絡１２３ＡＢ　 \n，。！发放宣传资料余份万元") + [
    "Police ", "scam ", "ｆｒａｕｄ", "＄", "96110"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(CHARS), max_size=40).map("".join))
@example("養\n。養\n養")
def test_token_and_sentence_offsets_slice_the_original(text):
    from pipeline.text.normalize import normalize

    tokenizer = SHARED_PIPELINE.tokenizer
    normalized = normalize(text)
    for lang in ("zh", "en"):
        tokens = tokenizer.tokenize(normalized.view, lang)
        spans = list(zip(tokens.starts, tokens.ends)) + tokens.sentences
        for start, end in spans:
            s, e = normalized.offsets.span(start, end)
            original = text[s:e]
            assert original.strip()
            # whitespace aside: whether a line break is a wrap (and dropped) depends on the
            # text around it, which a slice normalized alone lacks ("養\n。" alone is "养。")
            assert _bare(normalize(original).view) == _bare(normalized.view[start:end])


def _bare(text: str) -> str:
    return "".join(text.split())


def test_offsets_of_short_and_long_word_lists_agree():
    from array import array

    from pipeline.text.tokens import _offsets

    words = ["共", "发放", " ", "资料", "\n", "1500", "份", "。", "  "] * 300  # 2,700: numpy path
    long_starts, long_ends = array("I"), array("I")
    _offsets(words, 7, long_starts, long_ends)
    short_starts, short_ends = array("I"), array("I")
    position = 7
    for k in range(0, len(words), 900):  # 900 at a time: the iterator path
        piece = words[k:k + 900]
        _offsets(piece, position, short_starts, short_ends)
        position += sum(map(len, piece))
    assert (long_starts, long_ends) == (short_starts, short_ends)
    text = "x" * 7 + "".join(words)
    assert [text[s:e] for s, e in zip(long_starts, long_ends)] == [
        w for w in words if not w.isspace()]
    assert len(long_starts) == 1800


def test_long_views_are_cut_in_chunks_into_the_same_tokens(monkeypatch):
    import pipeline.text.tokens as tokenize

    view = "".join(f"第{i}段：社区民警发放防范电信网络诈骗宣传资料{i * 7}份。\n" for i in range(40))
    whole = SHARED_PIPELINE.tokenizer.tokenize(view, "zh")  # one chunk: offsets from strings
    assert whole.strings is not None
    monkeypatch.setattr(tokenize, "_CHUNK", 100)
    cut = SHARED_PIPELINE.tokenizer.tokenize(view, "zh")  # many chunks: offsets only
    assert cut.strings is None
    assert (list(cut.starts), list(cut.ends)) == (list(whole.starts), list(whole.ends))
    assert cut.sentences == whole.sentences and len(whole.sentences) == 40


def test_rjieba_loaded_without_its_default_instance_is_rjieba_itself():
    """The segmenter loads rjieba's compiled module alone (skipping the default instance that
    `import rjieba` builds); a later `import rjieba` in the same process must still work and
    share the class, and both must cut alike."""
    printed = fresh_python(
        "import sys",
        "from pipeline.text.tokens import RJiebaSegmenter",
        "ours = RJiebaSegmenter()",
        "again = RJiebaSegmenter()  # reuses the loaded module: still no default instance",
        "assert 'rjieba' not in sys.modules and 'rjieba.rjieba' in sys.modules",
        "import rjieba",
        "assert type(ours._jieba) is rjieba.Jieba",
        "text = '社区民警上门劝阻，发放宣传资料1500余份'",
        "assert rjieba.cut(text) == rjieba.Jieba().cut(text)",
        "assert ''.join(ours.cut(text)) == text and again.cut(text) == ours.cut(text)",
        "print('ok')")
    assert printed == "ok"


EN_PHRASES = [
    "Police said:\nthey don't know.\nMr. Lee's firm sent 1,200 e-mails (about 30%) to U.S. users.",
    "Officers can't stop\tscams at 10am; $5.2m was lost... \"Call 110!\" she said.\n\nNext:",
    "Over 3,000 residents\u00a0attended 12 talks - see https://example.org/a?b=c&d=1 now.",
    # special cases and their pieces side by side, a NUL inside a run and alone
    "e . g . e.g. a. m. a.m. :) : ) :-) U.S. U . S . don't do n't x\x00y \x00 Mr. Mr . "
    "vs. 9a.m. 'em 'tis e.g.e.g. (a.m.) \"U.S.\"",
]


@pytest.mark.parametrize("text", EN_PHRASES)
def test_english_tokens_are_spacys_tokens_of_the_whole_text(text):
    """Tokens are learned one space-free piece at a time and remembered: they must be what
    spaCy's tokenizer gives for the whole text (its special cases and affixes included)."""
    import spacy

    nlp = spacy.blank("en")
    expected = [(t.idx, t.idx + len(t)) for t in nlp.tokenizer(text) if not t.is_space]
    for _ in range(2):  # learned, then remembered
        tokens = SHARED_PIPELINE.tokenizer.tokenize(text, "en")
        assert list(zip(tokens.starts, tokens.ends)) == expected
    sentences = [(s.start_char, s.end_char) for s in nlp.add_pipe("sentencizer")(
        nlp.tokenizer(text)).sents]
    assert [text[s:e] for s, e in tokens.sentences] == [
        text[s:e].strip() for s, e in sentences if text[s:e].strip()]


def test_a_long_run_reaches_spacy_in_pieces_of_max_run_characters():
    """spaCy's affix search is quadratic in a run's length: runs are cut at MAX_RUN."""
    from pipeline.text.tokens import MAX_RUN

    run = "ab" * MAX_RUN  # one word of 2 * MAX_RUN letters: no affix, so one token per piece
    tokens = SHARED_PIPELINE.tokenizer.tokenize(f"x {run} y", "en")
    assert list(zip(tokens.starts, tokens.ends)) == [
        (0, 1), (2, 2 + MAX_RUN), (2 + MAX_RUN, 2 + 2 * MAX_RUN), (3 + 2 * MAX_RUN, 4 + 2 * MAX_RUN)]
