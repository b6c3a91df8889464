"""English telecom evidence is a channel or a scam act, not the words every fraud story uses
(issue 13): elder-fraud and Ponzi news say "police", "fraud", "scam", "victims", "money" and "$"
without any call, text, link or site, and the telecom gate let them through. Our own sentences."""

import pytest

from pipeline.lang.cues import CUES_DIR, CueMatcher, read_cues

TELECOM = CueMatcher(read_cues(CUES_DIR, ["telecom"])["telecom"])

FRAUD_NEWS_WITHOUT_A_CHANNEL = [
    "Police said the victims, most of them widows over 80, handed cash to the fraudsters at "
    "their front doors.",
    "The scheme promised investors 12% a month; police froze $3 million and arrested the "
    "founder for fraud.",
    "An officer from the fraud squad told the seminar that scams against older people are "
    "rising and approached each case with care.",
    "The carer admitted taking £8,000 from her client and was ordered to pay it back.",
    "Insurance claims for burst pipes doubled in the winter, the window fitters said.",
]

SCAM_ACTS = [
    "Scammers phoned her pretending to be from her bank",
    "She clicked a link in a text message about a parcel",
    "The caller told him to move his savings to a safe account",
    "Victims were sent to a fake website that copied the tax office",
    "China cracks thousands of telecom fraud cases",
    "He met the woman on a dating site and she moved the chat to WhatsApp",
    "U r a winner! Selected 2 receive a £500 voucher, speak to an operator 2 claim",
]


@pytest.mark.parametrize("text", FRAUD_NEWS_WITHOUT_A_CHANNEL)
def test_words_of_every_fraud_story_are_not_telecom_evidence(text):
    assert not TELECOM.search(text), [text[s:e] for s, e in TELECOM.spans(text)]


@pytest.mark.parametrize("text", SCAM_ACTS)
def test_a_channel_or_scam_act_is_telecom_evidence(text):
    assert TELECOM.search(text)
