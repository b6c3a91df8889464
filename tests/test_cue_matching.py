"""CueMatcher against a plain reading of its rules, on random cues and texts: at each place the
longest cue wins, a cue that starts with an ASCII letter starts a word, a cue that ends with a
digit takes the rest of its number, case does not matter."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.lang.cues import CueMatcher

ALPHABET = "abAB1 .养老诈骗"  # letters, digits, a space, punctuation and Chinese, few of each
cue_sets = st.lists(st.text(ALPHABET, min_size=1, max_size=4).filter(str.strip),
                    min_size=1, max_size=8, unique=True)


def reference_spans(cues, text):
    spans, i, low = [], 0, text.lower()
    while i < len(text):
        best = None
        for cue in cues:
            if not low.startswith(cue.lower(), i):
                continue
            if cue[0].isascii() and cue[0].isalpha() and i and re.match("[a-z]", low[i - 1]):
                continue
            end = i + len(cue)
            if cue[-1].isdigit():
                while end < len(text) and text[end].isdigit() and text[end].isascii():
                    end += 1
            if best is None or end > best:
                best = end
        if best is None:
            i += 1
        else:
            spans.append((i, best))
            i = best
    return spans


@settings(max_examples=400, deadline=None)
@given(cue_sets, st.text(ALPHABET, max_size=40))
def test_spans_are_those_of_the_rules(cues, text):
    matcher = CueMatcher(cues)
    expected = reference_spans(cues, text)
    assert matcher.spans(text, limit=100) == expected
    assert matcher.search(text) == bool(expected)


def test_the_longest_cue_wins_and_words_start_cues():
    matcher = CueMatcher(["elder", "elderly care", "aged 6", "养老", "养老诈骗"])
    text = "Elderly care for the aged 68; managed 养老诈骗"
    assert [text[s:e] for s, e in matcher.spans(text)] == ["Elderly care", "aged 68", "养老诈骗"]


def test_a_cue_whose_lower_case_is_longer_still_matches():
    # "İ".lower() is two characters: lower-cased, the cue no longer matched its own text
    assert CueMatcher(["İstanbul", "bank"]).spans("İstanbul bank") == [(0, 8), (9, 13)]
