"""Domain names a farm writes into the article: its own (site-name substitution), a watermark, an ad's.

- **Site name** (``site_name``): the page's own host written into the copied article, with the name the farm
  gave itself before it: ``中國花生交易網(www.zpzvwot.cn)訊`` (the original read 中国台州网讯). The domain, its
  brackets and a name ending in 网/網/站/台 right before them go.
- **The host's name as a brand** (``keyword``): the page's host label (beat365 of beat365cn.com's
  ``beat365``, 365bet of 365bet.com; at least ``HOST_LABEL_CHARS`` letters and digits) standing as a Latin token
  in the text: a farm names the brand it promotes in its domain and writes it into the article (由beat365主要负责).
- **Ad line** (``keyword``): a line of at most ``AD_LINE_CHARS`` carrying another site's domain in decoration
  (``[—ggn178.com—]``, ``▓...▓``, 【】): an advertisement pasted over the article, cut whole, and the short lines
  elsewhere on the page that repeat a piece of it (its slogan again: ``WSOP金手链冠军``).
- **Watermark** (``watermark``): another site's domain standing at a line's end or alone after Chinese text
  (``更长。www.swkk.cn``), marking copies. A domain inside a sentence (登录www.12306.cn购票) is the article's
  and stays.
- **The watermark's name** (``watermark``): Chinese sites name their domain after the pinyin of their name,
  its initials (上网看看 → swkk.cn) or its syllables (kankan); the name written after a sentence, at a line's end
  or alone on a line (``的关系。上网看看``) or set before the domain by a space (``更长。上网看看 www.swkk.cn``),
  is the watermark too, when it spells the label of a watermark domain on the page under some reading of each
  character (``pypinyin``). (The page's own name is not read so: a heading naming the site, 新闻中心 on
  xwzx.com, is the template's to judge.)
"""

from __future__ import annotations

import re

from cunzhen.engine.pollution.base import Cut, Page, line_bounds

AD_LINE_CHARS = 300
HOST_LABEL_CHARS = 5
ECHO_MAX_CHARS = 30
_DOMAIN = re.compile(
    r"(?<![\w.@/-])(?:https?://)?(?:[a-z0-9-]+\.)*[a-z0-9-]{2,}\."
    r"(?:com|cn|net|org|cc|top|xyz|vip|tv|info|co|io|la|me|biz|app|tw|hk|shop|site|club|win)"
    r"(?:\.cn)?(?:/[\w./?=&%-]*)?(?![\w.-])",
    re.IGNORECASE,
)
# What every domain holds: a letter, digit or hyphen, a dot and the first letter of a top-level domain above.
# Pages without it (most) skip _DOMAIN, whose opening look-behind is tried at every position (0.15 ms a page).
_DOMAIN_HINT = re.compile(r"[a-z0-9-]\.[cnotxvilmbahsw]", re.IGNORECASE)
_OPEN, _CLOSE = "[(（【〔「<《▓—-", "])）】〕」>》▓—-"
_SITE_NAME = re.compile(r"[\u3400-\u9fff]{2,12}[网網站台臺]$")
_HAN_OR_END = re.compile(r"[\u3400-\u9fff。！？!?；;，,]")
# A site's name after a sentence's end at a line's end, or a line of its own: 2..NAME_MAX_CHARS Han characters
# (上网看看, 中华网; longer strings are sentences, not names).
NAME_MAX_CHARS = 8
_NAME_AT_LINE_END = re.compile(rf"(?m)(?:^|(?<=[。！？!?]))[ \t]*([\u3400-\u9fff]{{2,{NAME_MAX_CHARS}}})[ \t]*$")
# ... or right before the domain it spells (更长。上网看看 www.swkk.cn): searched in the text up to the domain.
_NAME_BEFORE_DOMAIN = re.compile(rf"(?:^|(?<=[\n。！？!?]))[ \t]*([\u3400-\u9fff]{{2,{NAME_MAX_CHARS}}})[ \t]*\Z")
# A label spelled by initials needs this many letters: two letters match the initials of too many words.
MIN_INITIALS = 3


def registered(host: str) -> str:
    """The registrable part of a host: zpzvwot.cn of www.zpzvwot.cn, example.com.cn of a.example.com.cn."""
    labels = host.lower().strip(".").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in ("com", "net", "org", "gov", "edu") else 2
    return ".".join(labels[-keep:])


def _bare(domain: str) -> str:
    host = re.sub(r"^https?://", "", domain.lower()).split("/", 1)[0]
    return registered(host)


def _decorated(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span with the decoration around the domain (``[—ggn178.com—]``), or None if it has none."""
    a, b = start, end
    while a > 0 and text[a - 1] in _OPEN:
        a -= 1
    while b < len(text) and text[b] in _CLOSE:
        b += 1
    return (a, b) if a < start and b > end else None


def domain_cuts(page: Page) -> list[Cut]:
    text = page.text
    own = registered(page.host) if page.host else None
    cuts: list[Cut] = []
    ad_lines: list[tuple[int, int]] = []
    watermarks: dict[int, str] = {}  # where a watermark domain starts -> its registered domain
    for m in _DOMAIN.finditer(text) if _DOMAIN_HINT.search(text) else ():
        start, end = m.span()
        line_start, line_end = line_bounds(text, start, end)
        decorated = _decorated(text, start, end)
        if own and _bare(m.group(0)) == own:
            a, b = decorated or (start, end)
            name = _SITE_NAME.search(text[line_start:a])
            if name and decorated:
                a = line_start + name.start()
            cuts.append(Cut(a, b, "site_name", "own_domain"))
        elif decorated and line_end - line_start <= AD_LINE_CHARS:
            ad_lines.append((line_start, line_end))
            cuts.append(Cut(line_start, min(len(text), line_end + 1), "keyword", "ad_line"))
        elif not text[end:line_end].strip() and (
            start == line_start
            or _HAN_OR_END.match(text[start - 1])
            or _names(text, line_start, start, _bare(m.group(0)))  # 更长。上网看看 www.swkk.cn
        ):
            cuts.append(Cut(start, end, "watermark", "domain_watermark"))
            watermarks[start] = _bare(m.group(0))
    for a, b in ad_lines:  # the ad's pieces repeated on lines of their own
        ad = text[a:b]
        at = 0
        for line in text.split("\n"):
            stripped = line.strip()
            if at != a and 2 <= len(stripped) <= ECHO_MAX_CHARS and stripped in ad:
                cuts.append(Cut(at, min(len(text), at + len(line) + 1), "keyword", "ad_echo"))
            at += len(line) + 1
    cuts += _name_cuts(text, watermarks)
    if page.host:
        label = own.split(".")[0] if own else ""
        # The brand inside the label: its first run of letters with the digits around them (beat365cn -> beat365,
        # 365bet of 365bet.com).
        brand = re.match(r"\d*[a-z]+\d*", label)
        if brand and len(brand.group(0)) >= HOST_LABEL_CHARS:
            pattern = re.compile(rf"(?<![A-Za-z0-9.]){re.escape(brand.group(0))}(?![A-Za-z0-9.])", re.IGNORECASE)
            taken = [(c.start, c.end) for c in cuts]
            for m in pattern.finditer(text):
                if not any(a <= m.start() < b for a, b in taken):
                    cuts.append(Cut(m.start(), m.end(), "keyword", "host_brand"))
    return sorted(set(cuts), key=lambda c: c.start)


def spells(name: str, label: str) -> bool:
    """Is the domain label ``label`` the pinyin of ``name``: one initial per character (上网看看 → swkk), or
    one whole reading per character (看看 → kankan), under some reading of each?"""
    from cunzhen.engine.pollution.pinyin import is_reading, readings

    label = label.lower()
    if not label.isalpha() or not label.isascii():
        return False
    if len(label) == len(name) >= MIN_INITIALS:
        initials = [{r[0] for r in readings(char) if r} for char in name]
        if all(letter in found for letter, found in zip(label, initials, strict=True)):
            return True
    return len(label) > len(name) and is_reading(label, name)


def _name_cuts(text: str, watermarks: dict[int, str]) -> list[Cut]:
    """The site's name written as a watermark, spelling the label of one of the page's ``watermarks`` (start ->
    registered domain): after a sentence at a line's end (or a line of its own), or right before the domain."""
    labels = {domain.split(".")[0] for domain in watermarks.values()}
    labels = {label for label in labels if label.isalpha() and len(label) >= MIN_INITIALS}
    if not labels:
        return []
    cuts = []
    for m in _NAME_AT_LINE_END.finditer(text):
        name = m.group(1)
        if any(spells(name, label) for label in labels):
            cuts.append(Cut(m.start(1), m.end(1), "watermark", "domain_name"))
    for start, domain in watermarks.items():
        before = _names(text, text.rfind("\n", 0, start) + 1, start, domain)
        if before:
            cuts.append(Cut(before[0], start, "watermark", "domain_name"))  # with the space before the domain
    return cuts


def _names(text: str, line_start: int, start: int, domain: str) -> tuple[int, int] | None:
    """(start, end) of the name right before ``start`` (after a sentence's end or the line's start) if it spells
    ``domain``'s label, else None."""
    label = domain.split(".")[0]
    if not (label.isalpha() and len(label) >= MIN_INITIALS):
        return None
    before = _NAME_BEFORE_DOMAIN.search(text, line_start, start)
    return before.span(1) if before and spells(before.group(1), label) else None
