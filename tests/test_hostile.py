"""Hostile inputs (non-PDF): each is a clear error entry or a safe read, never a crash or a hang, the
batch goes on, and no input is modified. Every input is generated here, in tmp_path."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from auditor import api
from auditor.ingest import IngestError, read_document
from auditor.model import DocumentResult

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures" / "formats"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bomb(kind: str) -> bytes:
    """A valid-looking Office archive with one part that inflates 4 MB from a few kB of zeros."""
    part = "xl/worksheets/sheet1.xml" if kind == "xlsx" else "word/document.xml"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml" if kind == "xlsx" else "word/styles.xml", "<x/>")
        z.writestr(part, b"\0" * (4 * 1024 * 1024))
    return buf.getvalue()


def _hostile(tmp_path: Path) -> dict[str, Path]:
    files = {
        "truncated.xlsx": (FIXTURES / "02_defective_budget.xlsx").read_bytes()[:5000],
        "truncated.docx": (FIXTURES / "02_defective_budget.docx").read_bytes()[:9000],
        "bomb.xlsx": _bomb("xlsx"),
        "bomb.docx": _bomb("docx"),
        "notoffice.xlsx": _zip_of({"hello.txt": "预算"}),
        "junk.dat": os.urandom(1024 * 1024),
        "ole.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096),
        "script.html": ("<html><body><p>2025年部门预算 收入 支出</p><table><tr><td>项目<script>while(true){}</script></td>"
                        "<td>金额</td></tr><tr><td>合计<style>*{}</style></td><td>1.00</td></tr></table></body></html>").encode(),
    }
    out = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        out[name] = tmp_path / name
    return out


def _zip_of(parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, t in parts.items():
            z.writestr(n, t)
    return buf.getvalue()


def test_hostile_files_give_error_entries_and_the_batch_goes_on(tmp_path: Path,
                                                                ruleset: tuple[object, list[object], list[str]]) -> None:
    files = _hostile(tmp_path)
    good = tmp_path / "good.txt"
    shutil.copyfile(SAMPLES / "01_consistent_budget.txt", good)
    before = {p: _sha(p) for p in [*files.values(), good]}
    vocab, rules, packs = ruleset
    docs = api.check_paths([*files.values(), good], vocab, rules, packs).documents
    by_name: dict[str, DocumentResult] = {Path(d.path).name: d for d in docs}
    codes = {n: d.error.code if d.error else d.status for n, d in by_name.items()}
    assert codes == {
        "truncated.xlsx": "corrupt", "truncated.docx": "corrupt", "bomb.xlsx": "too_large", "bomb.docx": "too_large",
        "notoffice.xlsx": "unsupported", "junk.dat": "binary", "ole.xls": "corrupt", "script.html": "needs_review",
        "good.txt": "ok",
    }
    for d in docs:
        if d.error:
            assert d.error.message and d.error.message_en
    assert {p: _sha(p) for p in before} == before  # inputs unchanged


def test_script_in_cells_is_not_read(tmp_path: Path) -> None:
    doc = read_document(_hostile(tmp_path)["script.html"])
    assert [line.text for line in doc.lines if "\t" in line.text] == ["项目\t金额", "合计\t1.00"]


def test_hundred_megabytes_of_junk(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    with junk.open("wb") as f:
        block = os.urandom(1024 * 1024)
        for _ in range(100):
            f.write(block)
    digest = _sha(junk)
    with pytest.raises(IngestError) as err:
        read_document(junk)
    assert err.value.code == "binary"
    assert _sha(junk) == digest


def test_damaged_utf8_is_audited_with_a_warning(tmp_path: Path, ruleset: tuple[object, list[object], list[str]]) -> None:
    data = (SAMPLES / "02_defective_budget.txt").read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(data[:cut] + b"\xff" + data[cut:])
    line = data[:cut].count(b"\n") + 1
    vocab, rules, packs = ruleset
    doc, original = api.check_paths([damaged, SAMPLES / "02_defective_budget.txt"], vocab, rules, packs).documents
    assert doc.status == original.status != "error"
    assert doc.meta["warnings"] and f"第 {line} 行" in doc.meta["warnings"][0]  # type: ignore[index]
    assert sorted(f.rule for f in doc.findings) == sorted(f.rule for f in original.findings)


def test_gbk_is_not_mistaken_for_damaged_utf8() -> None:
    doc = read_document(SAMPLES / "03_gbk_budget.txt")
    assert doc.encoding == "gb18030" and not doc.warnings


def _slow_document(tmp_path: Path) -> Path:
    slow = tmp_path / "slow.txt"
    slow.write_bytes((SAMPLES / "01_consistent_budget.txt").read_bytes() * 300)
    return slow


@pytest.mark.parametrize("jobs", [1, 2])
def test_timeout_per_document(tmp_path: Path, jobs: int, ruleset: tuple[object, list[object], list[str]]) -> None:
    vocab, rules, packs = ruleset
    paths = [_slow_document(tmp_path), SAMPLES / "01_consistent_budget.txt"]
    docs = api.check_paths(paths, vocab, rules, packs, jobs=jobs, timeout=0.5).documents
    assert [d.error.code if d.error else d.status for d in docs] == ["timeout", "ok"]


def test_cli_timeout_option(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from auditor.cli import app

    slow = _slow_document(tmp_path)
    result = CliRunner().invoke(app, ["check", str(slow), "--timeout", "0.5", "--format", "json", "-j", "1"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["documents"][0]["error"]["code"] == "timeout"


def test_size_caps_refuse_oversized_workbooks_and_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.ingest import docx, excel

    monkeypatch.setattr(excel, "MAX_CELLS", 50)
    monkeypatch.setattr(docx, "MAX_BODY", 1000)
    for name in ("01_consistent_budget.xlsx", "01_consistent_budget.docx"):
        with pytest.raises(IngestError) as err:
            read_document(FIXTURES / name)
        assert err.value.code == "too_large"
