"""What the `pattern` rule kind reads: paragraphs (wrapped lines joined) and table rows as spans of normalised
text with the line of every character, a rule's regex with its word lists expanded, and evidence that cites
every line a match covers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from auditor.engine.context import Context
from auditor.model import Evidence, Location
from auditor.vocabulary import alternation, normalise

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import PatternRule

_WORDS = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text to search: its normalised text and the line of each character."""

    text: str
    lines: Sequence[int]  # a paragraph's LineMap, or a table row's line repeated
    in_grid: bool
    block: int = -1  # a table row's block (the table it belongs to) in the document


def expand(rule: PatternRule, regex: str) -> re.Pattern[str]:
    """``{name}`` in a rule's regex → the alternation of the rule's word list `name` (longest words first)."""

    def words(m: re.Match[str]) -> str:
        listed = rule.words.get(m.group(1))
        if listed is None:
            return m.group(0)
        return "(?:" + alternation(listed) + ")"

    return re.compile(_WORDS.sub(words, regex))


def spans(rule: PatternRule, ctx: Context) -> Iterator[Span]:
    """The paragraphs (scope text), the table rows (scope tables) or the lines of the table of contents (scope
    toc) the rule reads, normalised."""
    if rule.scope == "toc":
        yield from toc_spans(ctx)
        return
    if rule.scope in ("text", "all"):
        yield from text_spans(ctx)
    if rule.scope in ("tables", "all"):
        yield from grid_spans(ctx)


def text_spans(ctx: Context) -> list[Span]:
    """Every paragraph as one span, built once per document (every text rule reads them all)."""
    cached = ctx.memo.get("pattern.text_spans")
    if isinstance(cached, list):
        return cached
    built = [Span(p.text, p.lines, False) for p in ctx.paragraphs]
    ctx.memo["pattern.text_spans"] = built
    return built


def grid_spans(ctx: Context) -> list[Span]:
    """Every table row as one span (cells normalised, tab-separated), built once per document."""
    cached = ctx.memo.get("pattern.grid_spans")
    if isinstance(cached, list):
        return cached
    built: list[Span] = []
    for bi, block in enumerate(ctx.doc.blocks):
        if block.kind == "grid":
            for r in block.rows:
                text = "\t".join(normalise(c) for c in r.cells)
                built.append(Span(text, (r.loc.line,) * len(text), True, bi))
    ctx.memo["pattern.grid_spans"] = built
    return built


# A table of contents: its title (“目 录”, “2024年部门预算信息公开目录”), and what an entry's key loses (its
# number, dot leaders and page number) so that the body's first heading, printed again, ends it.
_TOC_TITLE = re.compile(r"^(?:.{0,20}(?:公开|预算|决算|说明))?目录$")  # not “集中采购目录”
_ENTRY_NUMBER = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[(][一二三四五六七八九十\d]+[)]|"
                           r"\d{1,2}(?:[.、]\s*|\s+)|表[一二三四五六七八九十\d]+|公开\s*\d+\s*表|附件[:]?)")
_LEADER = re.compile(r"(?:…+|\.{3,}|·{3,}|-{3,}|_{3,})")
TOC_SEARCH = 150  # the title stands among the document's first lines
TOC_MAX = 60  # entries at most; the body starts sooner
TOC_LINE = 40  # a longer line without dot leaders is the body's prose


def toc_spans(ctx: Context) -> list[Span]:
    """The lines of the document's table of contents: from its title to the body, which starts where a heading
    is printed again (with no number or the same number), where a table row or prose begins; none without a
    title."""
    cached = ctx.memo.get("pattern.toc_spans")
    if isinstance(cached, list):
        return cached
    lines = ctx.doc.lines
    built: list[Span] = []
    title = next((i for i, x in enumerate(lines[:TOC_SEARCH]) if _TOC_TITLE.match(_compact(x.text).lstrip("#*"))), None)
    if title is not None:
        numbers: dict[str, str] = {}  # an entry's name -> its number
        for line in lines[title + 1 : title + 1 + TOC_MAX]:
            compact = _compact(line.text)
            if not compact:
                continue
            head = unicodedata.normalize("NFKC", line.text).strip().lstrip("-*•·# ")
            m = _ENTRY_NUMBER.match(head)
            number = _compact(m.group(0)) if m else ""
            key = _LEADER.split(_compact(head[m.end() if m else 0 :]))[0].rstrip("0123456789")
            cells = [c for c in line.text.split("\t") if c.strip()]
            if (key in numbers and number in ("", numbers[key])) or len(cells) > 2 \
                    or (len(compact) > TOC_LINE and not _LEADER.search(compact)):
                break
            if len(key) >= 2:
                numbers.setdefault(key, number)
            text = normalise(line.text)
            built.append(Span(text, (line.loc.line,) * len(text), False))
    ctx.memo["pattern.toc_spans"] = built
    return built


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def line_text(ctx: Context, line: int) -> str:
    lines = ctx.doc.lines
    if 0 < line <= len(lines) and lines[line - 1].loc.line == line:
        return lines[line - 1].text
    return next((x.text for x in lines if x.loc.line == line), "")


def loc(ctx: Context, line: int) -> Location:
    lines = ctx.doc.lines
    if 0 < line <= len(lines) and lines[line - 1].loc.line == line:
        return lines[line - 1].loc
    return Location(line)


def span_evidence(ctx: Context, span: Span, start: int, end: int, found: str, label: str = "文本") -> list[Evidence]:
    """One evidence per line the match [start, end) covers: the found text on the first, the line's text on each."""
    covered = dict.fromkeys(span.lines[start:max(end, start + 1)])
    return [line_evidence(ctx, n, label, found if i == 0 else "", "table" if span.in_grid else "text")
            for i, n in enumerate(covered)]


def line_evidence(ctx: Context, line: int, label: str, value: str, source: Literal["table", "text"] = "text") -> Evidence:
    """Evidence at a line, with that line's text."""
    return Evidence(source, label, value, loc(ctx, line), None, None, line_text(ctx, line).strip()[:300])


def year_ok(rule: PatternRule, ctx: Context) -> bool:
    """The document's year is at least the rule's `min_year` (when it has one)."""
    year = ctx.meta.get("year")
    return not rule.min_year or (isinstance(year, int) and year >= rule.min_year)
