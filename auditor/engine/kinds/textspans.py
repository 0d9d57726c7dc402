"""What the `pattern` rule kind reads: paragraphs (wrapped lines joined) and table rows as spans of normalised
text with the line of every character, a rule's regex with its word lists expanded, and evidence that cites
every line a match covers."""

from __future__ import annotations

import re
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


def expand(rule: PatternRule, regex: str) -> re.Pattern[str]:
    """``{name}`` in a rule's regex → the alternation of the rule's word list `name` (longest words first)."""

    def words(m: re.Match[str]) -> str:
        listed = rule.words.get(m.group(1))
        if listed is None:
            return m.group(0)
        return "(?:" + alternation(listed) + ")"

    return re.compile(_WORDS.sub(words, regex))


def spans(rule: PatternRule, ctx: Context) -> Iterator[Span]:
    """The paragraphs (scope text) and the table rows (scope tables) the rule reads, normalised."""
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
    for block in ctx.doc.blocks:
        if block.kind == "grid":
            for r in block.rows:
                text = "\t".join(normalise(c) for c in r.cells)
                built.append(Span(text, (r.loc.line,) * len(text), True))
    ctx.memo["pattern.grid_spans"] = built
    return built


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
