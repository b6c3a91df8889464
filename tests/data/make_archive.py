"""Build tests/data/archive: every input format and encoding fraudtag reads, plus broken files.

Run `python tests/data/make_archive.py` to rebuild it; the texts are our own writing.
The >= 20 MB file is made at test time (tests/test_cli.py), not stored.
"""

from __future__ import annotations

import codecs
import json
import os

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "archive")

PENSION_ZH = (
    "青禾县公安局关于打击整治养老诈骗工作的情况报告\n"
    "今年以来，我局把打击整治养老诈骗作为民生实事来抓。一是深入社区开展宣传，共发放宣传资料3200余份，"
    "悬挂横幅45条，举办防骗讲座12场，受众达6000余人次。二是严打以“养老公寓”“保健品”为幌子的诈骗犯罪，"
    "立案侦办养老诈骗案件7起，抓获犯罪嫌疑人19名，追赃挽损86万元。三是联合民政部门检查养老机构23家。\n"
    "下一步，我们将继续提醒老年人守好“养老钱”。"
)
TELECOM_ZH = (
    "【反诈提醒】近期冒充电商客服以“退款理赔”为由实施的电信网络诈骗高发。凡是要求您下载会议软件、"
    "共享屏幕、转账到“安全账户”的都是诈骗！请下载国家反诈中心App，遇到可疑情况拨打96110。"
)
FUNDRAISING_ZH = (
    "远山市处非办提醒：某投资公司以“保本保息、月息3分”为诱饵，向社会公众吸收资金，涉嫌非法集资。"
    "本月全市开展防范非法集资宣传活动28场，排查风险企业41家。高收益背后是高风险，请勿轻信。"
)
TOURISM_TW = (
    "旅遊局提醒：所謂「零團費」「負團費」的低價旅行團，往往以強迫購物彌補成本。"
    "本季度共查處違規旅行社6家，處理遊客投訴52宗，請市民選擇正規旅行社。"
)
TOURISM_ZH = (
    "市文化和旅游局开展不合理低价游专项整治，检查旅行社35家、购物店12家，"
    "立案查处强迫购物案件4起，罚款共计18万元，游客满意度达96%。"
)
ENGLISH = (
    "Police in Harbor County warned seniors about grandparent scams after 14 residents lost "
    "more than $210,000 this year. Officers held 9 community talks and distributed about "
    "5,000 leaflets. Never send gift cards or cash to someone who calls asking for bail money."
)
NEGATIVE_ZH = (
    "区应急管理局开展安全生产大检查，共检查企业86家，发现隐患132处，已整改121处，"
    "约谈企业负责人9人。下一步将加强节假日值班值守。"
)
COMPILATION = (
    "二〇二四年度反诈骗工作报告汇编\n"
    "1. 东湖街道防范养老诈骗工作总结\n"
    "一、主要做法\n街道组织网格员入户走访独居老人420户，发放宣传折页1500份。\n"
    "二、下一步打算\n继续开展“反诈进家庭”活动。\n"
    "2. 西岭镇打击非法集资工作报告\n"
    "全镇开展风险排查，排查涉嫌非法集资线索5条，移交公安机关2条，举办宣传会8场。\n"
    "3. 南港派出所电信网络诈骗防范情况汇报\n"
    "所里推广国家反诈中心App注册3100人，劝阻潜在受害人27名，止付资金46万元。\n"
)


def write(name: str, data: bytes) -> None:
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def make_docx(path: str) -> None:
    import docx

    document = docx.Document()
    document.add_heading("城东社区防范养老诈骗工作简报", level=1)
    document.add_paragraph(PENSION_ZH.split("\n")[1])
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "活动", "数量"
    table.cell(1, 0).text, table.cell(1, 1).text = "防骗讲座", "12场"
    document.save(path)


def make_pdfs() -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(os.path.join(HERE, "tourism_notice.pdf"), pagesize=A4, invariant=1)
    c.setFont("STSong-Light", 12)
    y = 800
    for line in [TOURISM_ZH[i:i + 30] for i in range(0, len(TOURISM_ZH), 30)]:
        c.drawString(50, y, line)
        y -= 20
    c.showPage()
    c.save()
    c = canvas.Canvas(os.path.join(HERE, "scanned.pdf"), pagesize=A4, invariant=1)
    c.rect(50, 500, 400, 250, fill=1)  # an image-only page: no text layer
    c.showPage()
    c.save()


def main() -> None:
    os.makedirs(HERE, exist_ok=True)
    write("pension_report_utf8.txt", PENSION_ZH.encode("utf-8"))
    write("telecom_warning_bom.md", codecs.BOM_UTF8 + TELECOM_ZH.encode("utf-8"))
    write("fundraising_gb18030.txt", FUNDRAISING_ZH.encode("gb18030"))
    write("tourism_big5.txt", TOURISM_TW.encode("big5"))
    write("english_utf16.txt", ENGLISH.encode("utf-16"))
    write("compilation.txt", COMPILATION.encode("utf-8"))
    write("empty.txt", b"")
    write("image.bin.txt", bytes(range(256)) * 8)
    truncated = NEGATIVE_ZH.encode("utf-8")
    write("truncated_utf8.txt", truncated[:-1])
    write("notes.xyz", "一个未知格式的文件".encode())
    html = (f"<html><head><title>低价游提醒</title><style>p{{color:red}}</style>"
            f"<script>var x = '不要读我';</script></head><body><h1>提醒</h1><p>{TOURISM_ZH}</p>"
            f"</body></html>")
    write("tourism_page.html", html.encode("utf-8"))
    lines = [json.dumps({"id": "post-1", "text": TELECOM_ZH, "channel": "weibo"},
                        ensure_ascii=False),
             '{"id": "post-2", "text": "这一行的JSON少了结尾',
             "",
             json.dumps({"id": "post-3", "text": NEGATIVE_ZH}, ensure_ascii=False)]
    write("posts.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    write("items.json", json.dumps([{"id": "item-1", "text": ENGLISH, "year": 2024},
                                    {"id": "item-2", "body": "no text field here"}],
                                   ensure_ascii=False).encode("utf-8"))
    write("reports.csv", ("id,text,region\n"
                          f"csv-1,{FUNDRAISING_ZH},远山\n"
                          f"csv-2,\"{TOURISM_ZH}\",临江\n").encode("gb18030"))
    write("no_text_column.tsv", "id\tbody\nrow-1\t内容\n".encode())
    make_docx(os.path.join(HERE, "community_brief.docx"))
    write("broken.docx", b"PK\x03\x04 this is not really a docx")
    make_pdfs()


if __name__ == "__main__":
    main()
