"""A disclosure published as two files (the narrative, and the tables) audited as one when both are given.

Pairing is conservative: two documents of one run pair only when they complement each other (one has the
narrative and no core table, the other the core tables and hardly any narrative), are of the same kind
(预算/决算) and year, the department the tables' header fields name (部门：…, 编制单位：…) appears in the
narrative, and neither has another candidate. ``--together`` pairs the two files given without these checks;
``--no-pair`` (or ``pair = false``) turns pairing off. Each file keeps its own entry in the report (tools match
documents by path): joined.py says how the findings of the joint audit are put back under them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.model import DocumentResult

if TYPE_CHECKING:
    from auditor.model import Document

NARRATIVE_MIN = 20  # paragraphs of some length that make a narrative file (DISC.RQ.0004 uses the same floor)
TABLES_PROSE_MAX = 10  # a tables file has at most this many
TABLES_CORE_MIN = 2  # core tables (收支总表, 支出表, 三公) a tables file has
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _core(result: DocumentResult, vocab: Any) -> int:
    """How many kinds of core table (收支总表, 支出表, 三公) the document has."""
    core = {k.id for k in vocab.kinds if k.core}
    return len(vocab.present_kinds({t.kind for t in result.tables}) & core)


def _prose(result: DocumentResult) -> int:
    """How many paragraphs of some length its narrative has (the pipeline counts them: meta["_prose"])."""
    prose = result.meta.get("_prose", 0)
    return prose if isinstance(prose, int) else 0


def role(result: DocumentResult, vocab: Any) -> str | None:
    """narrative, tables, or None (a whole disclosure, an unreadable file, or neither)."""
    if result.status == "error":
        return None
    core, prose = _core(result, vocab), _prose(result)
    if core == 0 and prose >= NARRATIVE_MIN:
        return "narrative"
    if core >= TABLES_CORE_MIN and prose <= TABLES_PROSE_MAX:
        return "tables"
    return None


def years(result: DocumentResult) -> set[int]:
    """The document's year, and the years its table titles print (a tables file's cover may carry none)."""
    out = {int(m.group(1)) for t in result.tables for m in _YEAR.finditer(t.title)}
    year = result.meta.get("year")
    return out | ({year} if isinstance(year, int) else set())


def candidates(results: Sequence[DocumentResult], vocab: Any) -> list[tuple[int, int]]:
    """(narrative index, tables index) pairs of one kind and one year, each file with exactly one candidate."""
    roles = [role(r, vocab) for r in results]
    pairs = []
    for i, a in enumerate(results):
        for j, b in enumerate(results):
            if roles[i] != "narrative" or roles[j] != "tables" or a.meta.get("kind") != b.meta.get("kind"):
                continue
            ya, yb = years(a), years(b)
            if len(ya) == 1 and ya == yb:
                pairs.append((i, j))
    count = Counter([i for i, _ in pairs] + [j for _, j in pairs])
    return [(i, j) for i, j in pairs if count[i] == 1 and count[j] == 1]


def department(tables: Document) -> str | None:
    """The department or unit most header fields of a tables file name (None when none does)."""
    from auditor.profiles import header_units
    from auditor.vocabulary import normalise

    names = Counter(normalise(name) for name, _ in header_units(tables))
    return names.most_common(1)[0][0] if names else None


def same_department(narrative: Document, tables: Document) -> str | None:
    """The tables' department when the narrative names it too (spaces and full/half width ignored), else None."""
    from auditor.vocabulary import normalise

    name = department(tables)
    if not name:
        return None
    return name if name in normalise("".join(line.text for line in narrative.lines)) else None


def explicit(results: Sequence[DocumentResult], vocab: Any) -> tuple[int, int] | None:
    """--together: the two readable files given, the narrative being the one with fewer core tables (then the
    one with more narrative). None unless exactly two were read."""
    if len(results) != 2 or any(r.status == "error" for r in results):
        return None
    first, second = sorted((0, 1), key=lambda i: (_core(results[i], vocab), -_prose(results[i])))
    return first, second


def pair_up(results: Sequence[DocumentResult], vocab: Any, rules: Sequence[Any], mode: str = "auto",
            profiles: Any = None) -> list[DocumentResult]:
    """The run's results with each pair of halves replaced by the two entries of their joint audit."""
    from auditor.joined import audit_together

    out = list(results)
    if mode == "off":
        return out
    pairs = [p for p in [explicit(results, vocab)] if p] if mode == "together" else candidates(results, vocab)
    for i, j in pairs:
        joint = audit_together(Path(results[i].path), Path(results[j].path), results[i], results[j], vocab, rules,
                               checked=mode == "auto", profiles=profiles)
        if joint is not None:
            out[i], out[j] = joint
    return out
