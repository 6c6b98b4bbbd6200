"""The small markup of legal texts: paragraphs, "## " headings, "- " lists, links.

Staff type plain text; everything is escaped, so no HTML a staff member types reaches a page.
"""

from itertools import groupby

from django.utils.html import format_html, format_html_join, urlize
from django.utils.safestring import SafeString, mark_safe


def _kind(line: str) -> str:
    if line.startswith("## "):
        return "h2"
    return "li" if line.startswith("- ") else "p"


def legal_html(body: str) -> SafeString:
    """Blocks are separated by an empty line; within a block, heading lines, list lines and
    the other lines (one paragraph, lines kept) follow each other."""
    parts: list[SafeString] = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        for kind, group in groupby(lines, key=_kind):
            group = list(group)
            if kind == "h2":
                parts.extend(format_html("<h2>{}</h2>", line[3:].strip()) for line in group)
            elif kind == "li":
                items = format_html_join("", "<li>{}</li>", ((_link(ln[2:]),) for ln in group))
                parts.append(format_html("<ul>{}</ul>", items))
            else:
                text = mark_safe("<br>".join(_link(line) for line in group))  # noqa: S308
                parts.append(format_html("<p>{}</p>", text))
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped


def _link(text: str) -> SafeString:
    """Escapes the text and links its web and e-mail addresses."""
    return mark_safe(urlize(text, nofollow=True, autoescape=True))  # noqa: S308 - escaped
