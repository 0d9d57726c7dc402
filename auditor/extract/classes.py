"""Names of the document's own budget subjects (类/款/项 rows of its tables) as narrative aliases.

Narratives list spending by subject (“社会保障和就业支出30.54万元”; “行政事业单位养老支出（款）
机关事业单位基本养老保险缴费支出（项）19.36万元”). The subjects are not in the vocabulary: every
document has its own, so the aliases come from the rows of its tables, each tied to its code's
concept (``code.208``). A name that stands for two codes in one document is ambiguous and left out.
"""

from __future__ import annotations

import re

from auditor.model import Table
from auditor.vocabulary import strip_label

_MARK = re.compile(r"[(（][类款项][)）]$")
MIN_LENGTH = 4


def subject_aliases(tables: list[Table]) -> dict[str, str]:
    """name -> code for every subject name that stands for one code in this document."""
    codes: dict[str, set[str]] = {}
    for table in tables:
        for row in table.rows:
            if not row.code or not row.label:
                continue
            name = _MARK.sub("", strip_label(row.label)[0])
            name = re.sub(r"^\d{3,7}", "", name)
            if len(name) >= MIN_LENGTH and not name.endswith(("合计", "小计", "总计")):
                codes.setdefault(name, set()).add(row.code)
    return {name: next(iter(c)) for name, c in codes.items() if len(c) == 1}


_LEVEL = {"类": 3, "款": 5, "项": 7}
# a level mark, with the code's own digits when the narrative prints them: “（项）”, “（204类）”, “（01项）”
CODED_MARK = re.compile(r"\((\d{0,7})([类款项])\)")
# What may stand between a subject's name and its amount: “（项）支出”, “预算数为”. Anything longer, and the
# amount belongs to a name nearer to it (“住房改革支出（款）住房公积金（项）支出X” is 住房公积金's X).
_GAP = re.compile(r"^(?:\(\d{0,7}[类款项]\))?(?:科目)?(?:支出|拨款)?(?:预算|决算)?(?:数)?(?:为|是|共计|合计)?$")


def subject_ok(text: str, start: int, end: int, code: str, subjects: dict[str, str], gap: str = "") -> bool:
    """Whether the name at text[start:end] really names subject `code` where it stands, for an amount
    that follows after `gap`.

    It must start at a word boundary (“其他人大事务” does not name 人大事务), a level marker after
    it must fit the code's length (“统计信息事务（项）” is not the 款 of that name) and the digits it
    prints (“行政运行（01项）”), and a 类/款 written before it must be the code's parent
    (“超长期特别国债安排的支出（款）其他住房保障支出（项）” is judged only when that 款 is the parent of
    the row found; “司法（06款）” by its digits).
    """
    if not _GAP.match(gap) or (start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff"):
        return False
    after = CODED_MARK.match(text[end:])
    if after and (len(code) != _LEVEL[after.group(2)] or not code.endswith(after.group(1))):
        return False
    before = re.search(r"\((\d{0,7})([类款])\)$", text[:start])
    if not before:
        return True
    if before.group(1):  # “司法（06款）行政运行（01项）”: the mark's own digits say whose child it is
        return code[: _LEVEL[before.group(2)]].endswith(before.group(1))
    head = text[: before.start()]
    for size in range(min(30, len(head)), 1, -1):
        parent = subjects.get(head[-size:])
        if parent is not None and (size == len(head) or not "\u4e00" <= head[-size - 1] <= "\u9fff"):
            return code.startswith(parent) and len(parent) == _LEVEL[before.group(2)]
    return False
