"""Impersonation openers name no scam, link or money, yet must earn telecom evidence; tour offers
named only by days, route and price must earn low_price_tourism evidence (issue 13). Our own
sentences, not corpus texts."""

import pytest

from pipeline.lang.cues import CUES_DIR, CueMatcher, read_cues

CUES = read_cues(CUES_DIR, ["telecom", "low_price_tourism"])

OPENERS = [
    "喂您好，我是区市场监管局的工作人员，跟您核实一下名下营业执照的情况",
    "您好，这里是市税务局稽查局，您公司去年少报了收入，请配合调查",
    "老李，我是王局，这是我私人号，存一下，明天上午来一趟",
    "猜猜我是谁？我是你初中的老同学，想找你帮个忙",
    "您好，我是律师事务所的，您的一位亲属在我们这边出了点事",
    "师傅，我们是部队后勤的，要订一个月盒饭，指定供应商那边你先联系一下",
    "Hi Grandma, it's me, I'm in a bit of trouble and need you to keep this quiet",
    "Good afternoon, this is Officer Reyes calling about a warrant in your name",
    "This is the security team at your bank: we have flagged unusual activity",
]

TOURS = [
    "昆明大理丽江六天五晚，含机票酒店，每人只要399元",
    "一元游长城，包车包午饭，名额有限",
    "Bangkok and Pattaya 5D4N package, only $199 all-in, flights and hotel included",
]


@pytest.mark.parametrize("text", OPENERS)
def test_impersonation_openers_earn_telecom_evidence(text):
    assert CueMatcher(CUES["telecom"]).search(text)


@pytest.mark.parametrize("text", TOURS)
def test_tour_offers_earn_low_price_tourism_evidence(text):
    assert CueMatcher(CUES["low_price_tourism"]).search(text)


def test_pension_evidence_needs_an_elderly_age_not_any_age_or_medicare():
    pension = CueMatcher(read_cues(CUES_DIR, ["pension"])["pension"])
    assert not pension.search("A man aged 45 was charged with selling the products to friends")
    assert not pension.search("The lab billed Medicare for tests that doctors never ordered")
    assert pension.search("Victims were aged 70 to 92")
    assert pension.search("residents of aged care homes")


def test_a_cue_ending_in_a_digit_spans_the_whole_number():
    pension = CueMatcher(read_cues(CUES_DIR, ["pension"])["pension"])
    text = "residents aged 80 and over"
    assert [text[s:e] for s, e in pension.spans(text)] == ["aged 80"]


@pytest.mark.parametrize("text", [
    "新款手机游戏上线首周下载量破千万，账号注册需实名",  # games
    "市游泳馆暑期开放时间调整",  # swimming
    "集团公司召开年度工作会议",  # a group of companies
    "社区团购平台整改，生鲜价格回落",  # group buying
])
def test_a_bare_you_or_tuan_is_no_tour(text):
    assert not CueMatcher(CUES["low_price_tourism"]).search(text)


@pytest.mark.parametrize("text", [
    "本周六小区菜市场开业，猪肉每斤十二元，鸡蛋三元一斤",
    "物业费自下月起按每平方米一点五元收取",
    "今年粮食产量再创新高，总产达到八千万吨",
])
def test_a_price_alone_is_no_telecom_evidence(text):
    """元, 金, 费, 万 stand in every price list, report and shop notice: not evidence of a scam."""
    assert not CueMatcher(CUES["telecom"]).search(text)
