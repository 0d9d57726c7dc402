"""Baselines: findings a department has already accepted, kept out of the way of the new ones.

A baseline file lists fingerprints (rule + the evidence's label=value pairs, never line numbers:
engine/context.py make_finding), so a finding keeps its fingerprint when text is added above it. The
fingerprints are counted: a baseline holding one fingerprint twice hides two such findings, not every
finding with that fingerprint.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from auditor.atomic import write_atomic
from auditor.config import ConfigError
from auditor.model import Report

SCHEMA = "auditor.baseline/v1"


def baseline_dict(report: Report) -> dict[str, object]:
    """Every finding of the report as an entry: its fingerprint, with rule, document and message for a reader."""
    entries = [{"fingerprint": f.fingerprint, "rule": f.rule, "path": doc.path, "message": f.message}
               for doc in report.documents for f in doc.findings]
    return {"schema": SCHEMA, "findings": entries}


def write_baseline(report: Report, path: Path) -> None:
    text = json.dumps(baseline_dict(report), ensure_ascii=False, indent=2) + "\n"
    write_atomic(path, text.encode("utf-8"))


def read_baseline(path: Path) -> Counter[str]:
    """The fingerprints of a baseline file, counted; a missing or malformed file is a ConfigError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"无法读取基线文件 {path} (cannot read the baseline): {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"基线文件 {path} 不是有效的 JSON (the baseline is not valid JSON): {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("findings"), list):
        raise ConfigError(f"基线文件 {path} 不是 {SCHEMA} 格式 (not an auditor baseline; write one with --write-baseline)")
    return Counter(e["fingerprint"] for e in data["findings"] if isinstance(e, dict) and isinstance(e.get("fingerprint"), str))


def apply_baseline(report: Report, known: Counter[str]) -> tuple[Report, int]:
    """The report without the findings the baseline accepts, and how many were hidden."""
    left = Counter(known)
    hidden = 0
    docs = []
    for doc in report.documents:
        kept = []
        for f in doc.findings:
            if left[f.fingerprint] > 0:
                left[f.fingerprint] -= 1
                hidden += 1
            else:
                kept.append(f)
        docs.append(replace(doc, findings=tuple(kept)))
    return replace(report, documents=tuple(docs)), hidden
