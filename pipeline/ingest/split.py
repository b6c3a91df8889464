"""Split a compilation (several whole reports in one file) into its reports.

A compilation numbers whole reports with headings of one family — "1." / "1、", "一、",
"第一篇" — each on its own short line that reads like a report title. Section headings inside a
single report use the same numbering, so a heading counts only when its line names a report
(报告, 总结, 汇报, 通报, report, summary, ...) or uses 第N篇, and numbering must run 1, 2, 3...
"""

from __future__ import annotations

import re

_TITLE_WORDS = re.compile(r"报告|報告|總結|总结|汇报|匯報|通报|通報|report|summary|briefing",
                          re.IGNORECASE)
_HEADINGS = (
    re.compile(r"^[ \t]*第([一二三四五六七八九十百零〇两\d]+)篇[ \t:：、.．]*(.*)$", re.MULTILINE),
    re.compile(r"^[ \t]*(\d{1,3})[.．、][ \t]*(\S.*)$", re.MULTILINE),
    re.compile(r"^[ \t]*([一二三四五六七八九十]+)[、.．][ \t]*(\S.*)$", re.MULTILINE),
)
_MAX_TITLE = 80


def _number(token: str) -> int | None:
    try:
        if token.isdigit():
            return int(token)
        import cn2an  # here: building its converters takes 0.1 s, and only --split-reports

        return int(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError):
        return None


def split_reports(text: str) -> list[tuple[int, int]]:
    """Spans of the reports in `text`; fewer than two spans means it is one report."""
    for family, pattern in enumerate(_HEADINGS):
        starts = []
        expected = 1
        for m in pattern.finditer(text):
            title = m.group(2).strip()
            if len(title) > _MAX_TITLE or _number(m.group(1)) != expected:
                continue
            if family > 0 and not _TITLE_WORDS.search(title):
                continue
            starts.append(m.start())
            expected += 1
        if len(starts) >= 2:
            starts[0] = 0  # a preamble before the first heading stays with the first report
            ends = starts[1:] + [len(text)]
            return list(zip(starts, ends))
    return []
