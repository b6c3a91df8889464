"""Chinese language data for measure extraction: numerals, units, qualifiers, verbs, objects.

All patterns run over the analysis view (NFKC, half-width, Simplified), so they are written in
Simplified characters with ASCII digits and punctuation (the full-width comma is already ",").
Patterns are compiled once, here, at import.
"""

from __future__ import annotations

import re

from . import Ending, guarded

# ------------------------------------------------------------------ numbers

# Repetitions are bounded (as in en.DIGITS): linear time on any run, and no number longer
# than Python turns into an int
ARABIC = r"\d{1,3}(?:,\d{3}){1,8}(?:\.\d{1,12})?|\d{1,24}(?:\.\d{1,12})?"
# 3亿1,200万, 2万8千: digits with inner multipliers
ARABIC_COMPOUND = r"\d{1,24}(?:\.\d{1,12})?(?:亿\d[\d,]{0,30}(?:\.\d{1,12})?万?|万\d{1,24}千)"
# a Chinese numeral starts with a digit or 十/廿/卅 (万/千/百 alone start idioms: 万家, 千方百计)
CN_NUMERAL = (r"[零〇○一二两三四五六七八九十廿卅][零〇○一二两三四五六七八九十廿卅百千万亿]{0,24}"
              r"(?:点[零〇一二三四五六七八九]{1,12})?")
REDACTED = r"[Xx×*]{1,12}(?:\.[Xx×*]{1,12})?|[?？]{1,12}"
VAGUE = r"十几|(?:数|几|上)(?:十|百|千|万|亿)[十百千万亿]{0,6}|成千上万|成百上千"
# 近万名, 逾百名, 近亿元: a bare multiplier after a qualifier is one of it
BARE = r"(?<=[近逾超约])(?:十万|百万|千万|百|千|万|亿)"
MULTIPLIER = r"万亿|十万|百万|千万|万|亿|千"
AMOUNT = (rf"(?:{VAGUE}|{ARABIC_COMPOUND}|{ARABIC}|{CN_NUMERAL}|{REDACTED}|{BARE})"
          rf"(?:\s?(?:余|多|于(?=[\u4e00-\u9fff])))?(?:\s?(?:{MULTIPLIER}))?(?:余|多)?")
RANGE_SEP = r"至|到|~|～|-|—|–|－"
# every character an AMOUNT can start with (MEASURE's guard: see pipeline/lang guarded())
AMOUNT_FIRST = r"[\d零〇○一二两三四五六七八九十廿卅数几上成百千万亿Xx×*?？]"

# ------------------------------------------------------------------ units
# (unit, what may not follow it: characters, or a regex when it starts with "(")
UNITS: list[tuple[str, str]] = [
    ("个百分点", ""), ("百分点", ""),
    ("万亿元", ""), ("亿元", ""), ("万元", ""), ("千元", ""), ("港元", ""), ("港币", ""),
    ("美元", ""), ("欧元", ""), ("英镑", ""), ("日元", ""), ("澳门元", ""), ("澳元", ""),
    ("新台币元", ""), ("新台币", ""), ("新元", ""), ("澳门币", ""), ("台币", ""),
    ("元", "旦宵素老首帅气件器游团"),
    ("人次", ""), ("家次", ""), ("户次", ""), ("场次", ""), ("台次", ""), ("组次", ""),
    ("批次", ""), ("车次", ""), ("架次", ""), ("班次", ""), ("频次", ""), ("轮次", ""),
    ("梯次", ""), ("课时", ""), ("警力", ""),
    ("余人", ""), ("人", "民口均员士群大类工身脸社寿生格心手家情性事权选"),
    ("个", "(?:多|余)?[月小星工季年头人信体别案性子]"), ("名", "义称誉额片牌字下单录"),
    ("家", "庭属长人乡园具用里中"), ("份", "额子"), ("张", "贴挂"), ("条", "例件款约幅"),
    ("场", "所地景合面馆域"), ("次", "日序要数生级会"), ("起", "诉草步来源点止身因见"),
    ("件", "事套"), ("宗", "旨教族"), ("户", "籍口外型主"), ("处", "罚理置以长分于室在级境事"),
    ("项", "目"), ("例", "如外行会子"), ("批", "准评复示发"), ("篇", ""), ("册", ""),
    ("所", "有属在得谓需说述以长能"), ("轮", "流换胎"), ("间", "隔断接"),
    ("支", "付持队出援部撑行"), ("种", "植类子"), ("招", "聘商标生数牌"),
    ("路", "线段径口上边过人"), ("笔", "录试者"), ("辆", ""), ("艘", ""), ("座", "谈位"),
    ("台", "账湾风上阶"), ("部", "门署分长队位委"), ("本", "地人市县区次级届年月土金息"),
    ("套", "路餐取"), ("块", "钱"), ("幅", "度"), ("期", "间限满货待望盼末中"),
    ("组", "织长成建合"), ("类", "型似别"), ("位", "于置"), ("枚", ""), ("只", "有要是能"),
    ("趟", ""), ("单", "位价独据一个纯元"), ("封", "锁存闭控堵"), ("首", "先次要都位届"),
    ("集", "中资团体"), ("段", "落"), ("则", ""), ("节", "日约省目点能奏假庆"),
    ("案", "件例发情值由子卷底源头"), ("班", "子组车级长主"), ("盒", ""), ("瓶", ""),
    ("袋", ""), ("箱", ""), ("款", "项式额物待"), ("架", ""), ("倍", ""),
    ("分", "钟之别子局行公析类享配布工期批散成为管支队部所店会红流摊解清化级数外"),
    ("公里", ""), ("公斤", ""), ("千克", ""), ("吨", ""), ("立方米", ""), ("平方米", ""),
    ("亩", ""), ("栋", ""), ("具", "体有备"), ("卷", "入烟宗"), ("门", "诊店口户槛类前外面窗票禁"),
    ("万人", ""), ("成", ""),
    ("%", ""), ("‰", ""),
]
MONEY_UNITS = frozenset({"万亿元", "亿元", "万元", "千元", "港元", "港币", "美元", "欧元", "英镑",
                         "日元", "澳门元", "澳元", "新台币", "新台币元", "台币", "元",
                         "新元", "澳门币"})
# "万元" -> 元 with x10000
UNIT_SCALE = {"万亿元": ("元", 1_000_000_000_000), "亿元": ("元", 100_000_000),
              "万元": ("元", 10_000), "千元": ("元", 1000), "万人": ("人", 10_000),
              "余人": ("人", 1), "港币": ("港元", 1), "台币": ("新台币", 1),
              "新台币元": ("新台币", 1)}


def _unit_alternation() -> str:
    parts = []
    for unit, stop in sorted(UNITS, key=lambda u: -len(u[0])):
        esc = re.escape(unit)
        if stop.startswith("("):
            parts.append(f"{esc}(?!{stop})")
        else:
            parts.append(f"{esc}(?![{re.escape(stop)}])" if stop else esc)
    return "|".join(parts)


UNIT = _unit_alternation()

# one pass over the text: a number (or a range) followed by a unit, and a trailing qualifier
MEASURE = guarded(
    AMOUNT_FIRST,
    rf"(?P<num>{AMOUNT})(?:\s?(?:{RANGE_SEP})\s?(?P<num2>{AMOUNT}))?"
    rf"(?:\s?(?P<unit>{UNIT})(?P<post>以上|左右|上下|之多|以下|多|余)?)?"
)
PERCENT_WORDS = re.compile(rf"百分之(?P<num>{ARABIC}|{CN_NUMERAL})")

# ------------------------------------------------------------------ qualifiers
PRE_QUALIFIERS = {
    "约": "about", "大约": "about", "近": "about", "将近": "about", "接近": "about",
    "大概": "about", "约为": "about", "约有": "about",
    "逾": "more_than", "超过": "more_than", "超": "more_than", "多于": "more_than",
    "不少于": "at_least", "不低于": "at_least", "至少": "at_least",
    "不足": "less_than", "不到": "less_than", "少于": "less_than", "低于": "less_than",
    "未满": "less_than", "不超过": "less_than",
}
POST_QUALIFIERS = {"以上": "more_than", "之多": "more_than", "多": "more_than", "余": "more_than",
                   "左右": "about", "上下": "about", "以下": "less_than"}
PRE_QUALIFIER = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, PRE_QUALIFIERS), key=len, reverse=True))
    + r")(?:达到|达|了|有|为|占)?(?:新台币|人民币|港币|美元|澳门币)?\s?$")
# a currency written before the amount: 新台币3亿元, 港币500万元
CURRENCY_LEFT = re.compile(r"(新台币|人民币|港币|美元|澳门币)\s?$")
CURRENCY_NAMES = {"新台币": "新台币", "人民币": "元", "港币": "港元", "美元": "美元",
                  "澳门币": "澳门元"}

# ------------------------------------------------------------------ exclusions
# left context (the few characters before the number) that makes it no count
_LEFT_EXCLUDE = (r"(?:[A-Za-z\d.#/_·×*?？-]|(?:第|第[一二三四五六七八九十\d]+[至到-]|前|国发|"
                 r"邮编|工号|型号|代码|版本|No\.)\s?)$")
# a duration or a sentence before the number: 为期3个月 (个 already refuses 月), 判处有期徒刑5年
_DURATION_LEFT = r"(?:为期|历时|持续|长达|期限|时长|用时|耗时|服刑|判处|有期徒刑)\s?$"
LEFT_EXCLUDE = guarded(r"[A-Za-z\d.#/_·×*?？\-第前国邮工型代版N为历持长期时用耗服判有]",
                        f"{_LEFT_EXCLUDE}|{_DURATION_LEFT}")
# LEFT_EXCLUDE, tried only after a character it can end with (a fifth of the numbers' left
# contexts): the guard alone still tries it at each of their positions
LEFT_EXCLUDE_END = Ending(LEFT_EXCLUDE, ".#/_·×*?？-第至到前发编号码本期时续达限长刑处", True)
PHONE_LEFT = re.compile(r"(?:电话|热线|拨打|致电|号码|编号|尾号|手机|短号)\s?$")
# characters that make a word with a following Chinese numeral (统一, 唯一, 之一, 周一, 万一)
LEFT_EXCLUDE_CN = guarded("[周星礼初之统唯同单逐划专万不其合归如第始年月日号届“\"「『《]",
                           r"(?:周|星期|礼拜|初|之|统|唯|同|单|逐|划|专|万|不|其|合|归|如|"
                           r"第|始|年|月|日|号|届|[“\"「『《])$")
# left context that makes a money amount or a percentage a price, promised return or statute
MONEY_LEFT_EXCLUDE = guarded(
    "[每价售单标定原团报仅只低起月日时年工薪佣返收回利红分赚提最可违“\"「游天晚]",
    r"(?:(?:每[^\s,。;；]{0,6}|价(?!值)格?|售价|单价|标价|定价|原价|团费|报价|仅需|只需|只要|低至|起步价|"
    r"月薪|日薪|时薪|年薪|工资|薪资|佣金|返佣|收益|回报|利息|返利|返现|红包|分红|月息|日息|年息|"
    r"年化|利率|收益率|回报率|日赚|月入|日入|赚|提成|只收|仅收|只花|仅花)[^\s,。;；、]{0,2}|"
    r"最高可处?|可处|可以处|违者(?:将)?(?:被)?处?|[“\"「]|[日游团天晚]|"
    r"(?:最高|最多)(?:可|可以|将)?(?:被)?(?:判处?|处以?)?(?:罚款|罚金)?)"
    r"(?:为|是|达|高达|仅|只有|约|达到|了|可达|高至|最高)?\s?$"
)
# an interest rate written in 分 (月息3分: 3% a month), promised in a pitch
INTEREST_LEFT = re.compile(
    r"(?:月息|年息|日息|利息|月利|年利|息)(?:为|是|达|高达|约|达到|高至)?\s?$")
# a range's first half before a money amount or a percentage: 9%至12% -> look left of 9%
RANGE_HEAD = re.compile(r"[\d.,]+(?:%|万元|元|万|亿)?\s?(?:至|到|-|~|～|—)\s?$")
# right context: prices per item (元/人, 元的价格), statutes (以下罚款), per-day rates
RIGHT_EXCLUDE_MONEY = re.compile(
    r"^(?:/|每|不等|(?:[-~～至到—][\d.]+%)?(?:的)?(?:年化|年|月|日)?(?:利息|利率|收益|回报|返利)|"
    r"一[盒瓶套件晚天人次位]|的(?:价格|高价|低价|售价|团费|费用|会费|年化|利息|收益|回报)|"
    r"[^,。;；\n]{0,12}?以下(?:的)?(?:罚款|罚金|罚锾)|(?:的)?(?:获取|获得|作为)?提成)")
RIGHT_EXCLUDE = re.compile(r"^(?:/[人天日月年次]|的(?:价格|高价|低价|速度|年龄))")
# background figures: population and totals of an area, not something done
BACKGROUND = guarded(r"[现共下辖拥总常户老占面\d]",
                      r"现有|共有|下辖|辖有|辖区内有|拥有|总人口|常住人口|户籍人口|老年人口|"
                      r"占总人口|占常住人口|面积|\d+周?岁(?:及)?以上")
# quotas, targets and rules, not results: 每户发放1本, 力争达到90%, 不得超过12倍
NOT_RESULT = re.compile(r"每[个户家人村名位班所]|力争|争取|力求|不得|确保|目标")
# no new case: 未新增1起, 未发生一起 -> 0
NONE_LEFT = re.compile(r"未(?:新增|发生|出现|新发|发现)?$")
# slogans and idioms whose numerals are no counts
IDIOMS = re.compile(
    r"三番五次|千家万户|一次性|一条龙|一站式|一揽子|一[人户案事企村家]一[档策议卡码账]|"
    r"一对一|一家人|一家一户|一把手|三令五申|五花八门|四面八方|一步一|一点一滴|一举|"
    r"[一二三四五六七八九十两]个(?:一|二|三|到位|必须|不|确保|坚持|聚焦|结合|全覆盖|覆盖|"
    r"维护|意识|自信|统筹|提升|强化|加强|严禁|禁止|进|清|零|关键|重点|方面|层面|环节|"
    r"维度|抓手|机制|体系)|"
    r"[一二三四五六七八九十]进|[一二三四五六七八九十]管齐下|多管齐下|两手抓|一张网|一盘棋|"
    r"一次次|一件件|一场场|一张张|一份份|一个个|一名名|一起起|一条条|一批批|一家家|一户户|"
    r"一体化|一线|一系列|一切|一律|一旦|一致|一并|一同|一起|一道|一些|一定|"
    r"一成不变|十成|十分|四处|处处|一人多|二次(?=[^\s,。;；、])|一部分|一方面|一是|二是|三是|一份子|一员|一批批|百分百|"
    r"一审|二审|终审|一级|二级|三级|一类|二类|三类|一期|二期|三期|一号|二号|"
    r"[一二三四五六七八九十两]年(?:以上|以下)?有期徒刑"
)

# ------------------------------------------------------------------ actions, objects, types
ACTIONS: dict[str, str] = {}
for _type, _words in {
    "publicity": "发放 散发 分发 派发 发出 赠送 张贴 悬挂 播放 滚动播放 推送 发布 发送 转发 刊播 "
                 "投放 展出 摆放 设置 制作 印制 宣讲 讲解 讲授 举办 开设 开展 组织 走访 "
                 "入户 覆盖 受众 惠及 参与 参加 接受咨询 接受 接待 解答 注册 安装 下载 "
                 "签名 阅读量 点击量 浏览量 播放量 提醒 外呼 劝导 进社区",
    "inspection": "检查 排查 巡查 抽查 核查 暗访 督查 督导 摸排 出动 检测 抽检 查验 清查 摸底 "
                  "监测 随团 核验 巡检 走访检查 检验 巡察 督办 核实 发现",
    "enforcement": "抓获 刑拘 刑事拘留 逮捕 批捕 起诉 审查起诉 移送 立案 查处 破获 侦破 打掉 "
                   "捣毁 冻结 止付 追缴 追回 追赃 挽回 挽损 返还 退赔 退还 退款 罚款 罚没 没收 "
                   "吊销 责令 约谈 取缔 关停 拦截 劝阻 处罚 处理 判处 审结 办结 受理 调解 查封 "
                   "扣押 收缴 缴获 下架 清理 整改 处置 封堵 阻断 涉及 损失 被骗 破案 查获 "
                   "查扣 惩戒 警告 停业 暂停 注销 清退 拘留 判决 移交 结案 打击 处罚款 罚金 "
                   "劝离 查办 办理 侦办 发案 报案 举报 投诉 曝光 通报 预警 治安处罚 行政处罚 "
                   "挽回损失 避免损失 诈骗 骗取 吸收 集资 骗走",
    "organization": "召开 成立 组建 抽调 培训 签订 制定 出台 建立 部署 派驻 召集 举行 下设 设立 "
                    "组成 配备 招募 聘请 成立了 印发 制发 建成",
}.items():
    for _w in _words.split():
        ACTIONS.setdefault(_w, _type)

ACTION = re.compile("|".join(sorted(map(re.escape, ACTIONS), key=len, reverse=True)))
# words that are actions only when nothing stronger is in the clause: in 举办防范养老诈骗讲座
# the action is 举办, and 诈骗 is part of the object
WEAK_ACTIONS = frozenset(["诈骗", "骗取", "吸收", "集资", "骗走", "涉及", "损失", "被骗",
                          "受众", "覆盖", "参与", "参加", "接受"])
# an action right before the number: 拘捕一名 counts one, where 一名男子 is an article
ACTION_BEFORE = re.compile("(?:" + ACTION.pattern + r")\s?$")

# object keywords -> type, used when the action says nothing
OBJECT_TYPES: list[tuple[str, str]] = [
    ("宣传|资料|折页|海报|横幅|标语|手册|短信|讲座|活动|视频|文章|展板|明白纸|告知书|一封信|"
     "挂历|读本|漫画|短片|推文|公众号|阅读|播放|受众|群众|居民|老人|老年人|学生|观众|"
     "咨询|讲堂|课堂|宣讲|场次|咨询点|展架|喇叭|广播|报道|案例", "publicity"),
    ("检查|排查|巡查|抽查|执法人员|执法车辆|旅行社|经营户|门店|场所|机构|购物店|景区|"
     "经营单位|商户|网点|隐患|点位|批次", "inspection"),
    ("案件|嫌疑人|团伙|线索|资金|账户|罚款|罚没|损失|涉案|犯罪|被告人|警情|投诉|"
     "违法所得|赃款|窝点|诈骗|电话卡|银行卡|号码|预警|举报|受害人|被害人", "enforcement"),
    ("会议|工作组|专班|小组|培训|责任书|承诺书|联席|机制|制度|方案|督导组|工作队|小分队|"
     "志愿者|宣讲员|网格员|民警", "organization"),
]
OBJECT_TYPE = [(re.compile(p), t) for p, t in OBJECT_TYPES]

UNIT_TYPES = {"元": "enforcement", "港元": "enforcement", "美元": "enforcement",
              "起": "enforcement", "宗": "enforcement", "名": "enforcement",
              "家次": "inspection", "户次": "inspection",
              "份": "publicity", "张": "publicity", "条": "publicity", "场": "publicity",
              "场次": "publicity", "篇": "publicity", "期": "publicity", "册": "publicity",
              "%": "other", "个百分点": "other", "百分点": "other"}

# words that sit between the object and the number and belong to neither: at the start of the
# clause's tail (LINKERS_HEAD, matched) and at its end (LINKERS_TAIL, searched only when the text
# ends with one of LINKER_TAIL_WORDS: a pattern anchored at the end is tried at every position)
_LINKER_HEAD = ("共|共计|累计|合计|总计|计|达|达到|为|有|约|近|超过|超|逾|各类|各|等|了|的|"
                "其中|分别|全年|全市|全县|全区|全省|共有|累计达|共达|累计超|总数|总额|金额|数量")
_LINKER_TAIL = ("共|共计|累计|合计|总计|计|达|达到|为|有|约|近|将近|接近|大约|超过|超|逾|"
                "不少于|至少|不足|不到|了|的|等|分别|总数|数量|累计达|共达|累计超")
LINKERS_HEAD = re.compile(f"(?:{_LINKER_HEAD})+")
LINKERS_TAIL = re.compile(f"(?:{_LINKER_TAIL})+$")
LINKER_TAIL_WORDS = tuple(_LINKER_TAIL.split("|"))
# right of a unit: the object when written after the number (1500余份宣传资料)
RIGHT_OBJECT = re.compile(r"[\u4e00-\u9fff\"“”《》]{1,12}")
RIGHT_OBJECT_STOP = re.compile(r"[的和与及,。;；、]|进行|开展|被|在|对|向|于|中|并|以")
