"""The main content of a saved web page (trafilatura), its title as the first line; navigation,
footers, counters, 备案号, share bars and scripts dropped.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from pipeline.errors import InputError

# A short line that is page furniture, wherever the extractor left it: visit counters, filing
# numbers, share bars, copyright lines, print/close links.
_FURNITURE = re.compile(
    r"(?:访问量|浏览量|浏览次数|阅读量|阅读数|点击量|点击数|访问次数|今日访问|总访问|views?|visits?)"
    r"\s*[:：]?\s*\d[\d,]*|"
    r"(?:备案号|ICP备|ICP证|公网安备|网站标识码|网站识别码)|"
    r"^(?:分享到|分享至|share\s+(?:on|this))|"
    r"(?:版权所有|copyright|©|\(c\)\s*\d{4})|"
    r"^(?:【?(?:打印|关闭|返回顶部|字号|收藏)】?\s*){1,6}$",
    re.IGNORECASE)
_FURNITURE_MAX = 60  # characters: a longer line is text, even if it names a counter
# containers the fallback drops when trafilatura finds no main content
_BOILERPLATE_TAGS = ["script", "style", "noscript", "template", "head", "nav", "header", "footer",
                     "aside", "form", "iframe", "button", "select"]
_BOILERPLATE_NAMES = re.compile(r"nav|menu|footer|header|share|copyright|breadcrumb|sidebar|"
                                r"related|banner|toolbar|counter", re.IGNORECASE)


@lru_cache(maxsize=1)
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # its timer uses signals: not in threads
    return config


_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"])
MAX_DEPTH = 500  # elements inside each other: real pages stay under 100; the parsers' time and
# stack grow with it (a page nested 50,000 deep kept trafilatura busy for minutes)


def nesting_depth(markup: str) -> int:
    """How deep the page's elements nest at the most, by one scan of its tags."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(markup):
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def html_text(markup: str) -> tuple[str, str]:
    """(text, title) of a web page: the headline first, then the main content, line breaks
    kept. The title returned is the page's <title>, or the headline if it has none."""
    import trafilatura

    depth = nesting_depth(markup)
    if depth > MAX_DEPTH:
        raise InputError(f"elements nested {depth} deep (at most {MAX_DEPTH} are read): not a "
                         "page a browser shows; save the page's text as .txt")
    found = trafilatura.bare_extraction(markup, include_comments=False, include_tables=True,
                                        include_images=False, include_links=False,
                                        with_metadata=True, deduplicate=False, config=_config())
    text = (found.text if found is not None else "") or ""
    title = (found.title if found is not None else "") or ""
    if not text.strip():
        text, title = _fallback(markup)
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line and not _furniture(line)]
    title = title.strip()
    if title and lines and not (title in lines[0] or lines[0] in title):
        lines.insert(0, title)
    elif title and not lines:
        lines = [title]
    page_title = _TITLE.search(markup[:100_000])
    if page_title:
        title = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page_title.group(1))).split())
    return "\n".join(lines), title


def _furniture(line: str) -> bool:
    return len(line) <= _FURNITURE_MAX and _FURNITURE.search(line) is not None


def _fallback(markup: str) -> tuple[str, str]:
    """Visible text without boilerplate containers, for pages trafilatura finds no content in
    (a bare fragment, a very short page)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for hidden in soup(_BOILERPLATE_TAGS):
        hidden.decompose()
    for element in soup.find_all(True):
        if element.decomposed or element.attrs is None:
            continue
        names = " ".join([element.get("id") or "", *(element.get("class") or [])])
        if names.strip() and _BOILERPLATE_NAMES.search(names):
            element.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return soup.get_text("\n"), title
