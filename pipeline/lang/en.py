"""English language data for measure extraction: number words, nouns counted, verbs, money.

Patterns are compiled once, here, at import, and run case-insensitively over the analysis view.
"""

from __future__ import annotations

import re

from . import guarded, trie


def _words(text: str) -> list[str]:
    return text.split()


_SMALL = _words("one two three four five six seven eight nine ten eleven twelve thirteen "
                "fourteen fifteen sixteen seventeen eighteen nineteen")
_TENS = _words("twenty thirty forty fifty sixty seventy eighty ninety")
_WORD = "|".join(sorted(_SMALL + _TENS, key=len, reverse=True))
_ONE_WORD = rf"(?:{_WORD})(?:-(?:{'|'.join(_SMALL[:9])}))?"  # ten, twenty-five
_SCALE_WORD = r"\s(?:hundred|thousand|million|billion)"
# compounds go on only after a scale word: "two hundred and fifty", "three thousand five
# hundred" (never "three and four"); "a million", "half a billion"
NUMBER_WORDS = (rf"\b(?:{_ONE_WORD}(?:{_SCALE_WORD}(?:\s(?:and\s)?{_ONE_WORD}"
                rf"(?:{_SCALE_WORD}(?:\s(?:and\s)?{_ONE_WORD})?)?)?)?|"
                rf"(?:half\s)?a(?:{_SCALE_WORD})|a\sdozen|dozens|scores|"
                rf"tens\sof\sthousands|hundreds\sof\sthousands|hundreds|thousands|millions)\b")
# Every repetition is bounded: a match then costs at most a few dozen steps wherever it is
# tried, so a run of 16,000 digits or "1,1,1,..." is read in linear time (an unbounded one was
# tried from each of the run's digits to its end: quadratic), and no count holds more digits
# than Python may turn into an int (4,300). A longer run is cut into pieces that the "part of
# a longer token" rule drops.
# thousands also by space (a thin space is one after normalizing) or apostrophe: 12 345, 12'345
DIGITS = (r"\d{1,3}(?:,\d{3}){1,8}(?:\.\d{1,12})?|\d{1,3}(?:['’ ]\d{3}){1,6}(?![\d'’])|"
          r"\d{1,24}(?:\.\d{1,12})?")
# Machine-translation debris, each kind once (MEASURE, numerals.parse_en and the extractor
# build their patterns from these): "65,438+00" (a digit group read as a formula), "1,7" (a
# cut thousands group), "/kloc-0" (a markup remnant), "1.300 million" (a decimal comma read
# as a point, then scaled)
GARBLED_PLUS = r"\d[\d,]{0,30}\+[\d,]{1,30}"
GARBLED_COMMA = r"\d{1,3},\d{1,2}(?![\d,])"
GARBLED_KLOC = r"kloc-\d"
GARBLED_SCALED = r"\d\.\d*0\s*(?:million|billion)\b"
GARBLED = rf"{GARBLED_PLUS}|{GARBLED_COMMA}"  # what MEASURE reads as a (garbled) number
# after a number: debris that goes on, not a glued word ("1,20+00", "12/kloc-0")
GARBLED_AFTER = re.compile(rf"[\d,+]*{GARBLED_KLOC}|[\d,]*\+")
# vague amounts: many, but no figure ("dozens of victims", "tens of thousands")
VAGUE = re.compile(r"(?:dozens|scores|hundreds|thousands|millions|billions|tens)"
                   r"(?:\s+of\s+(?:thousands|millions|billions))?", re.I)
SCALE = r"(?:\s(?:million|billion|trillion|thousand)\b|(?:mn|bn|m|b|k)\b)"
CURRENCY_PREFIX = (r"(?:(?:US|HK|NT|A|C|S|NZ|RM)?\$|£|€|¥)\s?|\b(?:RMB|USD|HKD|EUR|GBP|CNY|NTD|"
                   r"Rs\.?|INR|SGD|AUD|CAD)\s?")
CURRENCY_SUFFIX = (r"(?:Hong\sKong\sdollars|HK\sdollars|US\sdollars|Singapore\sdollars|"
                   r"New\sTaiwan\sdollars|NT\sdollars|yuan|RMB|renminbi|dollars?|USD|HKD|euros?|"
                   r"pounds?(?:\ssterling)?|dong|won|yen|rupees|ringgit|baht|pesos|rubles|patacas)\b")

REDACTED = r"(?-i:\b(?:X{1,6}|x{2,6})(?:[.,](?:X+|\d{3}))*\b)"
_NUMBER = (rf"(?P<cur>{CURRENCY_PREFIX})?(?P<num>{GARBLED}|{DIGITS}|{NUMBER_WORDS}|{REDACTED})"
           rf"(?P<scale>{SCALE})?")
_RANGE = (rf"(?:\s?(?:-|to|–)\s?(?P<cur_b>{CURRENCY_PREFIX})?(?P<num2>{DIGITS}|{NUMBER_WORDS})"
          rf"(?P<scale2>{SCALE})?)?")
_NO_RANGE = r"(?:(?!)(?P<cur_b>)(?P<num2>)(?P<scale2>))?"
_TAIL = (rf"(?P<tail>\s?-?\s?{CURRENCY_SUFFIX}|\s?%|\s(?:percent|per\scent)\b|"
         rf"\spercentage\spoints?\b)?")
# where a match can start: a digit, a currency sign, a word's first letter, or US$-style
# prefixes (the guard lets the engine skip every other position)
_FIRST = r"[\d$£€¥]|\b[a-z]|(?:US|HK|NT|A|C|S|NZ|RM)\$"
MEASURE = guarded(_FIRST, _NUMBER + _RANGE + _TAIL, re.I)


# Where a MEASURE match can start, found in two cheap passes instead of one search that tries
# the whole pattern at every word: a digit or currency sign (in the view; before a "$" the
# scan also tries the two letters of US$-style prefixes), or a word that can begin a match
# (in the lower-cased view): a number word, a redaction, a currency code, "a", "half". A
# superset: MEASURE.match decides at each candidate, and tests/test_extract.py checks that the
# scan finds what MEASURE.search finds.
START_SIGN = re.compile(r"[\d$£€¥]")
_START_WORDS = (_SMALL + _TENS + _words("dozens scores tens hundreds thousands millions rmb usd "
                                        "hkd eur gbp cny ntd rs inr sgd aud cad")
                + ["x" * n for n in range(1, 7)] + ["a", "half"])
START_WORD = re.compile(r"\b" + trie(_START_WORDS) + r"(?![a-z])")
# the same without a range, for "$126,000 to 83 consumers" (two figures, not a range)
MEASURE_SINGLE = re.compile(_NUMBER + _NO_RANGE + _TAIL, re.I)
CURRENCY_UNITS = {"$": "USD", "us$": "USD", "hk$": "HKD", "nt$": "TWD", "a$": "AUD", "c$": "CAD",
                  "s$": "SGD", "nz$": "NZD", "rm$": "MYR", "£": "GBP", "€": "EUR", "¥": "yuan",
                  "rmb": "yuan", "cny": "yuan", "renminbi": "yuan", "usd": "USD", "hkd": "HKD",
                  "eur": "EUR", "gbp": "GBP", "ntd": "TWD", "dollar": "USD", "dollars": "USD",
                  "us dollars": "USD", "hong kong dollars": "HKD", "hk dollars": "HKD",
                  "singapore dollars": "SGD", "new taiwan dollars": "TWD", "nt dollars": "TWD",
                  "yuan": "yuan", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
                  "pounds sterling": "GBP", "dong": "VND", "won": "KRW", "yen": "JPY",
                  "rupees": "INR", "rs": "INR", "rs.": "INR", "inr": "INR", "ringgit": "MYR",
                  "baht": "THB", "pesos": "PHP", "patacas": "MOP", "rubles": "RUB",
                  "sgd": "SGD", "aud": "AUD", "cad": "CAD"}

# nouns that a count counts; the unit is the noun as written
NOUNS = sorted(set(_words("""
people persons person individuals individual victims victim suspects suspect cases case
groups group gangs gang rings ring networks network syndicates syndicate clues clue leads
companies company firms firm agencies agency operators operator guides guide men man women
woman investors investor calls call messages message texts text emails email
phone\\scards sim\\scards bank\\scards cards card accounts account bank\\saccounts vehicles
vehicle cars car computers computer phones phone mobile\\sphones devices complaints complaint
reports report executives executive participants participant residents resident seniors
senior retirees retiree families family households household couples couple clients client
customers customer members member employees employee staff officers officer tellers teller
defendants defendant convictions conviction arrests arrest investigations investigation
inspections inspection spot\\schecks checks check raids raid operations operation matters
matter referrals referral warnings warning notices notice fines penalties presentations
presentation lectures lecture seminars seminar talks talk events event sessions session
workshops workshop campaigns campaign activities meetings meeting trainings copies leaflets
flyers brochures pamphlets posters banners booklets materials videos video articles posts
tours tour\\sgroups shops shop stores store outlets outlet premises businesses entities
schemes scheme websites website apps app platforms platform domains items pieces mailboxes
boxes check\\sbooks checkbooks couriers courier tourists tourist visitors passengers students
children minors villages communities schools fraudsters scammers criminals perpetrators
offenders citizens nationals foreigners transactions transfers payments refunds packages
parcels frauds scams incidents crimes offences offenses prosecutions indictments charges
elderly\\svictims older\\sadults adults elders pensioners patients users subscribers
volunteers agents brokers salespeople promoters accomplices members dens hideouts
""")), key=len, reverse=True)
# words that end a noun phrase's modifiers: "5 of the", "3 in May"
STOP_WORDS = _words(
    "of in on at for to from by with was were is are has have had been be the this that which who "
    "per than year years month months day days week weeks hour hours minute minutes old age aged "
    "percent yuan dollar dollars each time times and or but as a an its their his her more less "
    "after before during over under since until into about")
# NOUN_AFTER tries the nouns (and each modifier the stop words) at up to five positions: as
# prefix-factored alternations (trie) a few characters are compared at each instead of every
# word; tests/test_extract.py checks they find what the flat alternations find
_MODIFIER = rf"[ \t-]+[\"“(]?(?!{trie(STOP_WORDS)}\b)[A-Za-z0-9][\w'’-]*[\"”)]?"
_NOUN_TRIE = trie([n.replace("\\s", " ") for n in NOUNS]).replace("\\ ", "\\s")
NOUN_AFTER = re.compile(
    rf"^(?:{_MODIFIER}|[ \t]+and(?=[ \t]+[a-z]+[ \t]+[a-z]+)){{0,4}}?[ \t-]+[\"“]?(?P<noun>"
    + _NOUN_TRIE + r")\b",
    re.I,
)
# any plural noun when the list above has none: "46 elderly-care institutions", "3 drills"
NOT_NOUN_WORDS = _words(
    "was has is its this thus us plus less unless across as yes his hers ours yours theirs perhaps "
    "always sometimes afterwards towards besides ones years months days weeks hours minutes "
    "seconds decades percents dollars pounds euros patacas pesos rupees others whereas does goes "
    "includes involves remains means becomes comes gets makes takes gives says seems shows")
NOT_NOUNS = trie(NOT_NOUN_WORDS)
# people by where they are from: "a million Americans", "180 million Chinese"
PEOPLE_OF = (r"(?-i:[A-Z][a-z]+(?:ans|ese))(?=[,;.]|\s(?:were|are|was|have|had|who|living|"
             r"from|in|on|and)\b)")  # a noun, not an adjective: "12 Chinese cities"
PLURAL_AFTER = re.compile(
    rf"^(?:{_MODIFIER}|[ \t]+and(?=[ \t]+[a-z]+[ \t]+[a-z]+)){{0,5}}?[ \t-]+[\"“]?"
    rf"(?!(?:{NOT_NOUNS})\b)(?P<noun>[a-z][a-z-]*[a-rt-z]s|{PEOPLE_OF})\b")
# a plural noun right after a singular one: the head of a compound ("6 call centres")
COMPOUND_HEAD = re.compile(rf"[ \t-]+(?!(?:{NOT_NOUNS})\b)(?P<noun>[a-z][a-z-]*[a-rt-z]s)\b")
# a noun glued to its number in translated text: "arrested 10Men"
GLUED_NOUN = re.compile(r"(?-i:[A-Z][a-z]+)\b")
TIME_AFTER = re.compile(r"[\s-]+(?:years?|yrs?|quarters?|nights?|weekends?|months?|days?|weeks?|"
                        r"hours?|minutes?|decades?)\b", re.I)

PRE_QUALIFIERS = {
    "more than": "more_than", "over": "more_than", "upwards of": "more_than",
    "in excess of": "more_than", "above": "more_than", "exceeding": "more_than",
    "nearly": "about", "about": "about", "around": "about", "approximately": "about",
    "roughly": "about", "almost": "about", "some": "about", "an estimated": "about",
    "close to": "about", "approx.": "about", "estimated": "about",
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least",
    "not less than": "at_least", "a minimum of": "at_least",
    "less than": "less_than", "fewer than": "less_than", "under": "less_than",
    "up to": "less_than", "below": "less_than",
}
PRE_QUALIFIER_LAST = frozenset(k.split()[-1].rstrip(".") for k in PRE_QUALIFIERS)
PRE_QUALIFIER = re.compile(
    r"\b(?P<q>" + "|".join(sorted(map(re.escape, PRE_QUALIFIERS), key=len, reverse=True))
    + r")\s+$", re.I)
# before the number: not a count (codes, ages, addresses, hotlines, years)
LEFT_EXCLUDE = re.compile(
    r"(?:[\w.,/#+\"“×*?-]|\b(?:per|older\sthan|younger\sthan|over\sthe\sage\sof|no\.|"
    r"number|section|article|page|room|tel\.?|phone|call|dial|hotline|"
    r"aged?|ages|route|flight|chapter|rule|part|paragraph|item|level|grade|version|since|in\s+the"
    r"\s+year|year|years|until|till|circa|c\.|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|"
    r"apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|"
    r"dec(?:ember)?)\.?\s)\Z", re.I)  # \Z: "$" also matches before a final newline
# "only one tour group": "one" counted, not an article
ONLY_LEFT = re.compile(r"\b(?:only|just|merely)\s+$", re.I)
# the last word of each alternative of LEFT_EXCLUDE's word half, AGE_RANGE_LEFT, THE_LEFT,
# RESTATED_LEFT and PRE_QUALIFIER, less its periods and lower-cased: the extractor tries a
# left-anchored pattern only when the word before the number is one of these (a set lookup
# instead of a search at each of 20-30 positions; tests/test_extract.py checks each set
# against its pattern)
LEFT_EXCLUDE_LAST = frozenset(_words(
    "per than of no number section article page room tel phone call dial hotline age aged ages "
    "route flight chapter rule part paragraph item level grade version since year years until "
    "till circa c jan january feb february mar march apr april may jun june jul july aug "
    "august sep sept sepember september oct october nov november dec december"))
AGE_RANGE_LAST = frozenset({"and", "to"})
THE_LAST = frozenset({"the", "these", "those"})
RESTATED_LAST = frozenset({"the", "its", "their"})
# "the 23 cases": a figure given before, restated
THE_LEFT = re.compile(r"\b(?:(?:of|for|to)\s+the|these|those)\s+$", re.I)
# "The five firms", "among the 966", "its four companies": a subject restated when the text
# gave the figure before (after a verb, "ordered the 12 institutions", it is acted on anew)
RESTATED_LEFT = re.compile(r"(?:\bThe|\b(?:among|that)\s+the|\b(?:its|their))\s+$")
# ... unless a new action follows: "The 6 entities were transferred", "had their licences revoked"
NEW_ACTION_RIGHT = re.compile(
    r"\s+(?:(?:were|was|have\sbeen|had\sbeen|has\sbeen)\s+(?:also\s+|later\s+)?"
    r"[a-z]+(?:ed|en)\b|had\s+(?:their|its)\b)", re.I)
# "Investigations opened: 118", "Complaints and tips received: 392"
LABEL_LEFT = re.compile(r"\b(?!(?:follows|as|is|was|has)\b)(?P<noun>[A-Za-z-]+s)\b"
                        r"[^:\n•;()]{0,40}:\s*$")
# a list marker: "1. Main practices", "(2) ..."
LIST_MARKER = re.compile(r"[.)]\s+[A-Z\"“]|\.$|\.\n")
LINE_START = re.compile(r"(?:^|[\n:])\s*$")
# where something happened, not how many: "in 12 provinces", "across 28 countries"
PLACE_LEFT = re.compile(r"\b(?:in|across|from|throughout)\s+$", re.I)
PLACES = frozenset({"provinces", "countries", "states", "counties", "cities", "regions",
                    "nations", "territories", "municipalities"})
# a figure reached after a change or a total, its noun said before: "fell 2% to 7,091",
# "totalled 765 million", "reached 44,300", "a total of 96,862"
# every form of the verb: "decreasing 12% to 990", "will increase 15 percent to 86,000"
_CHANGE_VERBS = (r"ris(?:e|es|en|ing)|rose|f(?:all|alls|allen|alling|ell)|drop(?:s|ped|ping)?|"
                 r"declin(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|"
                 r"gr(?:ow|ows|ew|own|owing)|jump(?:s|ed|ing)?|climb(?:s|ed|ing)?|"
                 r"surg(?:e|es|ed|ing)|slid(?:e|es|ing)?|plung(?:e|es|ed|ing)|soar(?:s|ed|ing)?|"
                 r"up|down")
CHANGE_LEFT = re.compile(
    rf"(?:\b(?:{_CHANGE_VERBS})\b(?:[^.;:\n]|\.\d){{0,30}}\bto|"
    r"\b(?:reach(?:es|ed|ing)?|total(?:l?ed|l?ing|s)|averag(?:e|es|ed|ing)|"
    r"(?:stood|stands?|standing)\sat|a\stotal\sof|number(?:s|ed)))\s+\Z", re.I)
# a count in brackets after what it counts: "investment fraud (5,210)"
BRACKET_LEFT = re.compile(r"(?P<noun>[A-Za-z][A-Za-z-]+)\s?\(\Z")
BRACKET_NOT = frozenset(_words("number numbers no hotline line tel phone telephone code year years "
                               "dynasty page article section room or and"))
# "Ten of the tours", "two of the defendants"
OF_THE_NOUN = re.compile(r"\s+of\s+(?:the|these|those|them|its|their)\s+(?:[a-z-]+\s+){0,2}?"
                         r"(?P<noun>[a-z][a-z-]*[a-rt-z]s)\b")
# a headline's bare count of people: "Police nab 79 in ...", "arrest 16 over ..."
PEOPLE_LEFT = re.compile(
    r"\b(?:arrests?|arrested|nabs?|nabbed|detains?|detained|indicts?|indicted|sentences?|"
    r"sentenced|convicts?|convicted|apprehends?|apprehended|jails?|jailed|charges|charged)\s+$",
    re.I)
PEOPLE_RIGHT = re.compile(r"\s+(?:in|over|for|after|as|on)\b", re.I)
# promised returns, prices and wages in a scam pitch
MONEY_LEFT_EXCLUDE = re.compile(
    r"(?:\b(?:returns|interest|yields?|profits?|commissions?|rebates?|income|subsidy|subsidies|"
    r"dividends?|fees?|charges?|minimum\s(?:investments?|deposits?|payments?))[\"”]?\s+"
    r"(?:of|at)\s+|"
    r"\b(?:salary|salaries|earn(?:ing)?s?|wages?|guaranteed|promised|promising|priced\s(?:at|from)|"
    r"prices?\s(?:of|from|between)|costs?|costing|for\sonly|sold\sfor|selling\sfor|"
    r"as\slittle\sas|as\slow\sas|as\smuch\sas|between|ranged\sfrom|ranging\sfrom|offering|"
    r"offered|won|tax|demand(?:s|ed|ing)?|asks?\sfor|asked\sfor|(?<!accounting\s)(?<!accounted\s)(?<!account\s)(?<!accounts\s)for|"
    r"(?<!estimated\s)(?<!valued\s)(?<!put\s)(?<!totalled\s)(?<!totaled\s)(?<!stood\s)"
    r"(?<!stands\s)(?<!stand\s)at|or)"
    r"[\"”]?\s+)(?:up\sto\s+|as\shigh\sas\s+|at\sleast\s+|more\sthan\s+|about\s+|over\s+|"
    r"around\s+|a\smere\s+|just\s+|only\s+)?$"
    r"|\bbetween\s+\S+\s+and\s+$|\bfrom\s+\S+\s+to\s+$",
    re.I)
# MONEY_LEFT_EXCLUDE's last words (as LEFT_EXCLUDE_LAST is LEFT_EXCLUDE's)
MONEY_LEFT_LAST = frozenset(_words(
    "salary salaries earn earns earning earnings wage wages guaranteed promised promising at "
    "from of between cost costs costing only for as offering offered won tax demand demands "
    "demanded demanding or to least than about over around mere just and"))
# the first half of a range: "9% to" before 15%, "1,500 to" before 3,000 yuan
RANGE_HEAD = re.compile(r"(?:[$£€]|[A-Z]{2}\$)?\d[\d,.]*\s?%?\s*(?:to|-|–)\s*$")
# an amount in brackets after another: a conversion, "40 yuan ($5.50)", "(Cdn$19.4 million)"
CONVERSION_LEFT = re.compile(r"(?:\d|\b(?:yuan|dollars?|euros?|pounds?|million|billion)|\))\s?\("
                             r"(?:(?:about|approximately|around|roughly|or|some)\s)?[A-Za-z]{0,3}\s?\Z",
                             re.I)
# an age bound: "victims aged over 55", "people over 60 account for 45%"
AGE_BOUND_LEFT = re.compile(
    r"\b(?:aged?|people|persons|residents|seniors|adults|victims|those|men|women)\s"
    r"(?:over|above|under|below)\s\Z", re.I)
AGE_BOUND_LAST = frozenset({"over", "above", "under", "below"})
# a telephone area code: "(207) 555-0142"
AREA_CODE_RIGHT = re.compile(r"\)\s?\d{3}[-.\s]\d{4}\b")
# the upper end of an age range: "aged between 60 and 80"
AGE_RANGE_LEFT = re.compile(r"\bage[sd]?\s(?:between|from)\s\d{1,3}\s(?:and|to)\s\Z", re.I)
PERCENT_LEFT_EXCLUDE = re.compile(
    r"\bbetween\s\S+(?:\s(?:percent|per\scent))?\sand\s\Z|"  # between 6 percent and 42 percent

    r"\b(?:paid|paying|pays|promising|promised|promises|offering|offered|offers|demanded\sa|"
    r"fixed|annual|monthly|guaranteed|interest|returns?|yields?|rebates?|dividends?|"
    r"subsid(?:y|ies)|income)[\"”]?\s+(?:\w+\s+){0,2}$", re.I)
MONEY_RIGHT_EXCLUDE = re.compile(
    r"\s*(?:or\s(?:more|less|above|over|under)\b|(?:a|per|each|every)\s"
    r"(?:day|week|month|year|hour|person|head|night|box|bottle|"
    r"piece|annum)\b|/\s?\w|each\b|apiece\b|for\s(?:a|an|each|every|one|two|three|four|five|"
    r"six|seven|eight|\d+)[\s-]+(?:\w+[\s-]+)?(?:days?|nights?|trips?|tours?|person|tourist)\b|"
    r"(?:annual|monthly|weekly|daily)?\s*(?:interest|returns?|yields?|profits?|rebates?|"
    r"dividends?)\b|(?:to|-|–)\s*\d+(?:\.\d+)?\s*%?\s*(?:a\s(?:year|month)|annual|monthly|"
    r"interest|returns?)|(?:\s*(?:to|-|–)\s*\d+(?:\.\d+)?\s*%)?\s*(?:a|per)\s(?:year|month|week|"
    r"annum))",
    re.I)
INHERIT_LEFT = re.compile(
    r"\b(?:(?:up|down|rising|falling|rose|fell|increased|decreased)\s+(?:from|to)|"
    r"compared\s+(?:with|to)|versus|vs\.?|(?:higher|lower)\s+than(?:\s+the)?|(?:more|fewer|less)\s+than\s+the|of\s+which|of\s+those|of\s+these|including|and|"
    r"numbered|closed|against|in)\s+$", re.I)
INHERIT_RIGHT = re.compile(
    r"\s+(?:of\s+(?:them|which|those|these|the)\b|were\b|was\b|had\b|have\b|will\b|"
    r"involved\b|related\b|alleging\b|disclosed\b|\(|the\syear\sbefore\b|last\syear\b)",
    re.I)
ACTIONS: dict[str, str] = {}
for _type, _words in {
    "publicity": "distributed handed delivered hung posted displayed sent broadcast published "
                 "reached held organised organized hosted staged gave printed mailed aired "
                 "conducted launched educated",
    "inspection": "inspected checked examined audited visited screened searched surveyed "
                  "monitored reviewed",
    "enforcement": "arrested detained charged convicted sentenced seized froze frozen recovered "
                   "fined busted cracked dismantled intercepted blocked filed opened closed "
                   "resolved disposed identified apprehended caught raided prosecuted indicted "
                   "confiscated returned repatriated extradited penalized penalised punished "
                   "warned suspended revoked banned shut lost defrauded swindled cheated "
                   "scammed stole stolen raised collected took taken wired paid obtained "
                   "handled solved investigated recovered cracked-down",
    "organization": "trained set established formed recruited deployed convened signed "
                    "appointed created",
    "other": "received logged reported recorded",
}.items():
    for _w in _words.split():
        ACTIONS.setdefault(_w, _type)
# one prefix-factored alternation (the verbs share their first letters): tried at each of the
# 50 characters before a number, a flat one of 150 verbs cost a tenth of English extraction
ACTION = re.compile(r"\b" + trie(sorted(ACTIONS)) + r"\b", re.I)
ACTION_BEFORE = re.compile(r"\b" + trie(sorted(ACTIONS)) + r"\s+$", re.I)
ACTION_AFTER = re.compile(
    r"\s+(?:were|was|have\sbeen|had\sbeen|has\sbeen|are|is|been)\s+(?:also\s+|later\s+)?"
    r"(?P<verb>[a-z]+ed|shut|caught|held|taken|stolen|sent|hung|frozen)\b", re.I)
NOUN_TYPES = [
    (re.compile(r"cases?|suspects?|gangs?|groups?|rings?|syndicates?|arrests?|convictions?|"
                r"defendants?|fines?|penalties|accounts?|cards?|calls?|messages?|clues?|"
                r"victims?|investigations?|prosecutions?|charges?|dens|vehicles?|computers?",
                re.I), "enforcement"),
    (re.compile(r"inspections?|checks?|raids?|audits?", re.I), "inspection"),
    (re.compile(r"copies|leaflets|flyers|brochures|pamphlets|posters|banners|booklets|"
                r"materials|videos?|articles|presentations?|lectures?|seminars?|talks?|"
                r"events?|sessions?|workshops?|campaigns?|activities", re.I), "publicity"),
    (re.compile(r"meetings?|trainings?|volunteers|officers?|staff|employees|tellers?", re.I),
     "organization"),
]
SENTENCE_BREAK = re.compile(r"[.;:!?\n]\s")
