"""PDF input: the same findings as the text rendering, pages in the evidence, clear errors for bad files."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from auditor.export import document_rows
from auditor.ingest import IngestError, read_document
from auditor.model import Document, DocumentResult
from auditor.pipeline import audit_document, audit_path
from auditor.recognise.tables import recognise

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(FIXTURES))
from render_pdf import FIXTURES as RENDERED  # noqa: E402


def findings_key(result: DocumentResult) -> list[tuple[str, str, tuple[str, ...]]]:
    """What must agree between two renderings: rule, severity and the figures cited (not line numbers), as
    many times as they are found."""
    return sorted((f.rule, f.severity, tuple(sorted(e.value for e in f.evidence))) for f in result.findings)


def _audit(doc: Document, ruleset: tuple[Any, list[Any], list[str]]) -> DocumentResult:
    vocab, rules, _ = ruleset
    return audit_document(doc, vocab, rules)


def _all_paged(result: DocumentResult) -> bool:
    return all(e.loc.page is not None for f in result.findings for e in f.evidence)


# --- the committed fixtures: the project's synthetic disclosures rendered by tests/fixtures/render_pdf.py ----


@pytest.mark.parametrize(("source", "name", "options"), RENDERED, ids=[r[1] for r in RENDERED])
def test_rendered_pdf_gives_the_tables_and_findings_of_its_text(
    source: str, name: str, options: dict[str, int], ruleset: tuple[Any, list[Any], list[str]]
) -> None:
    pdf = read_document(FIXTURES / name)
    text = read_document(ROOT / source)
    assert pdf.format == "pdf" and all(line.loc.page for line in pdf.lines)
    from_pdf, from_text = _audit(pdf, ruleset), _audit(text, ruleset)
    assert findings_key(from_pdf) == findings_key(from_text)
    assert [t.kind for t in from_pdf.tables] == [t.kind for t in from_text.tables]
    assert _all_paged(from_pdf) and all(t.loc.page for t in from_pdf.tables)
    # split tables stitched across their pages: nothing lost, nothing repeated, nothing left as a fragment
    vocab = ruleset[0]
    pdf_tables, text_tables = recognise(pdf, vocab).tables, recognise(text, vocab).tables
    assert [len(t.rows) for t in pdf_tables] == [len(t.rows) for t in text_tables]
    assert any(len({r.loc.page for r in t.rows}) > 1 for t in pdf_tables)
    assert not recognise(pdf, vocab).fragments


def test_fixtures_have_a_landscape_page_and_repeated_and_bare_continuations() -> None:
    import pdfplumber

    with pdfplumber.open(FIXTURES / "01_consistent_budget.pdf") as pdf:
        assert any(p.width > p.height for p in pdf.pages) and any(p.width < p.height for p in pdf.pages)
    assert any(o.get("split_repeat") for _, _, o in RENDERED) and any(o.get("split_bare") for _, _, o in RENDERED)


def test_committed_fixtures_are_what_the_generator_renders(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from render_pdf import render

    for source, name, options in RENDERED:
        render(ROOT / source, tmp_path / name, **options)
        fresh, committed = read_document(tmp_path / name), read_document(FIXTURES / name)
        assert [(line.text, line.loc) for line in fresh.lines] == [(line.text, line.loc) for line in committed.lines]


def test_extract_rows_carry_the_page(ruleset: tuple[Any, list[Any], list[str]]) -> None:
    rows = document_rows(read_document(FIXTURES / "02_defective_budget.pdf"), ruleset[0])
    assert rows and all(isinstance(r["page"], int) and r["page"] >= 1 for r in rows)
    assert {r["source"] for r in rows} == {"table", "text"}


def test_json_evidence_carries_the_page(ruleset: tuple[Any, list[Any], list[str]]) -> None:
    from auditor import api
    from auditor.reporters.json import report_dict

    vocab, rules, packs = ruleset
    report = api.check_paths([FIXTURES / "02_defective_budget.pdf"], vocab, rules, packs)
    doc = report_dict(report)["documents"][0]
    assert doc["findings"]
    text = json.dumps(doc["findings"], ensure_ascii=False)
    assert '"page": null' not in text and '"page": ' in text


# --- hostile input: an error entry in both languages, never a crash; the file is left as it was ---------


def _reportlab_pdf(text: str | None, **canvas_args: Any) -> bytes:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out, **canvas_args)
    if text:
        c.setFont("STSong-Light", 12)
        c.drawString(72, 720, text)
    else:  # a scan: a picture of the page (here a grey box) and no text objects
        c.setFillGray(0.6)
        c.rect(72, 400, 400, 300, fill=1)
    c.showPage()
    c.save()
    return out.getvalue()


def _encrypted() -> bytes:
    pytest.importorskip("reportlab")
    from reportlab.lib.pdfencrypt import StandardEncryption

    return _reportlab_pdf("某单位2025年部门预算收支总表", encrypt=StandardEncryption("user-pw", "owner-pw"))


def _good() -> bytes:
    return (FIXTURES / "02_defective_budget.pdf").read_bytes()


HOSTILE = {
    "truncated": (lambda: _good()[: len(_good()) // 2], "pdf_damaged", "损坏"),
    "truncated_tail": (lambda: _good()[:-200], "pdf_damaged", "损坏"),
    "corrupt": (lambda: _good()[:16] + bytes(range(256)) * 40, "pdf_damaged", "损坏"),
    "header_only": (lambda: b"%PDF-1.7\n", "pdf_damaged", "损坏"),
    "encrypted": (_encrypted, "pdf_encrypted", "加密"),
    "image_only": (lambda: _reportlab_pdf(None), "pdf_no_text", "文字层"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_pdf_is_an_error_entry(case: str, tmp_path: Path, ruleset: tuple[Any, list[Any], list[str]]) -> None:
    make, code, word = HOSTILE[case]
    data = make()
    path = tmp_path / f"{case}.pdf"
    path.write_bytes(data)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(IngestError) as err:
        read_document(path)
    assert err.value.code == code and word in err.value.message and err.value.message_en
    vocab, rules, _ = ruleset
    result = audit_path(path, vocab, rules)
    assert result.status == "error" and result.error is not None and result.error.code == code
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_batch_goes_on_after_a_bad_pdf(tmp_path: Path, ruleset: tuple[Any, list[Any], list[str]]) -> None:
    from auditor import api

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_good()[:3000])
    vocab, rules, packs = ruleset
    report = api.check_paths([bad, FIXTURES / "01_consistent_budget.pdf"], vocab, rules, packs)
    assert [d.status for d in report.documents] == ["error", "ok"]


# --- the real corpus (../shared): every PDF reads as its .txt rendering and gives the same findings --------


def _corpus_pdfs() -> list[Path]:
    folder = ROOT.parent / "shared" / "corpus"
    return sorted(folder.glob("*.pdf")) if folder.is_dir() else []


@pytest.mark.parametrize("pdf", _corpus_pdfs(), ids=lambda p: p.name[:3])
def test_corpus_pdf_gives_the_findings_of_its_text(
    pdf: Path, corpus_dir: Path, ruleset: tuple[Any, list[Any], list[str]]
) -> None:
    doc = read_document(pdf)
    text = read_document(pdf.with_suffix(".txt"))
    # the same lines; a space between two words may differ where their gap is 3 pt to the last float digit
    assert [line.text.replace(" ", "") for line in doc.lines] == [line.text.replace(" ", "") for line in text.lines]
    assert doc.lines[-1].loc.page is not None and doc.lines[-1].loc.page > 1
    from_pdf, from_text = _audit(doc, ruleset), _audit(text, ruleset)
    assert findings_key(from_pdf) == findings_key(from_text)
    assert _all_paged(from_pdf)


# --- the fast path (pypdfium2 + our grids) against the pdfplumber path ---------------------------------------


@pytest.mark.parametrize("name", [r[1] for r in RENDERED])
def test_fast_path_reads_the_fixtures_as_pdfplumber_does(name: str) -> None:
    from auditor.ingest.pdf import read_pdf

    data = (FIXTURES / name).read_bytes()
    fast, slow = read_pdf(name, data, "", fast=True), read_pdf(name, data, "", fast=False)
    assert [(line.text, line.loc) for line in fast.lines] == [(line.text, line.loc) for line in slow.lines]


def test_a_rotated_page_is_read_by_pdfplumber() -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from auditor.ingest import pdfgrid
    from auditor.ingest.pdf import read_pdf

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out)
    for rotate in (0, 90):
        c.setPageRotation(rotate)
        c.setFont("STSong-Light", 12)
        c.drawString(72, 720, f"第{rotate}页 部门预算收支总表")
        c.showPage()
    c.save()
    data = out.getvalue()
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    assert pdfgrid.read_page(pdf, 0) is not None and pdfgrid.read_page(pdf, 1) is None
    pdf.close()
    fast, slow = read_pdf("rotated.pdf", data, ""), read_pdf("rotated.pdf", data, "", fast=False)
    assert [(line.text, line.loc) for line in fast.lines] == [(line.text, line.loc) for line in slow.lines]
    assert {line.loc.page for line in fast.lines} == {1, 2}


def test_fast_path_rebuilds_ruled_grids_as_pdfplumber_does(tmp_path: Path) -> None:
    """A font pdfium measures (Helvetica), so every page goes through our own grids, not the fallback."""
    pytest.importorskip("reportlab")
    import pypdfium2
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from auditor.ingest import pdfgrid
    from auditor.ingest.pdf import read_pdf

    header = [["Item", "Code", "Amount", "", "Note"], ["", "", "Budget", "Actual", ""]]
    body = [[f"Line {i} of the table", f"20{i:03d}", f"{i * 37.25:,.2f}", f"{i * 36.5:,.2f}", "x" * (i % 3)]
            for i in range(1, 90)]
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("SPAN", (2, 0), (3, 0)), ("SPAN", (0, 0), (0, 1)),
                        ("FONT", (0, 0), (-1, -1), "Helvetica", 8)])
    path = tmp_path / "grid.pdf"
    text = getSampleStyleSheet()["Normal"]
    story = [Paragraph("A ruled table that runs over several pages, its header repeated", text),
             Table(header + body, repeatRows=2, style=style), Paragraph("Text after the table.", text)]
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build(story)
    data = path.read_bytes()
    pdf = pypdfium2.PdfDocument(data)
    assert len(pdf) > 1 and all(pdfgrid.read_page(pdf, i) is not None for i in range(len(pdf)))
    pdf.close()
    fast, slow = read_pdf("grid.pdf", data, "", fast=True), read_pdf("grid.pdf", data, "", fast=False)
    assert [(line.text, line.loc) for line in fast.lines] == [(line.text, line.loc) for line in slow.lines]
    assert "Line 1 of the table\t20001\t37.25\t36.50\tx" in [line.text for line in fast.lines]


def test_sniffing_finds_a_pdf_by_its_header_not_its_name(tmp_path: Path) -> None:
    junk_first = tmp_path / "download.bin"
    junk_first.write_bytes(b"\x00\x01junk" + (FIXTURES / "01_consistent_budget.pdf").read_bytes())
    assert read_document(junk_first).format == "pdf"
    text = tmp_path / "notes.pdf"  # a text disclosure that only mentions the PDF header, under a .pdf name
    text.write_text("某单位2025年部门预算公开\n原文件以 %PDF-1.7 格式发布\n", encoding="utf-8")
    assert read_document(text).format == "text"


def test_ruling_lines_inside_a_form_xobject_are_placed_by_its_matrix() -> None:
    pytest.importorskip("reportlab")
    import pypdfium2
    from reportlab.pdfgen import canvas

    from auditor.ingest import pdfgrid
    from auditor.ingest.pdf import read_pdf

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.beginForm("grid")
    for y in (0, 20, 40):
        c.line(0, y, 300, y)
    for x in (0, 150, 300):
        c.line(x, 0, x, 40)
    c.endForm()
    c.saveState()
    c.translate(100, 500)
    c.scale(1.2, 1.5)
    c.doForm("grid")
    c.restoreState()
    c.setFont("Helvetica", 10)
    for (x, y), text in {(110, 540): "Total", (300, 540): "12.50", (110, 510): "Item", (300, 510): "7.25"}.items():
        c.drawString(x, y, text)
    c.drawString(100, 700, "Budget table")
    c.showPage()
    c.save()
    data = out.getvalue()
    pdf = pypdfium2.PdfDocument(data)
    assert pdfgrid.read_page(pdf, 0) is not None
    pdf.close()
    fast, slow = read_pdf("form.pdf", data, "", fast=True), read_pdf("form.pdf", data, "", fast=False)
    assert [line.text for line in fast.lines] == [line.text for line in slow.lines] == [
        "Budget table", "Total\t12.50", "Item\t7.25"]


# --- page breaks inside a table, as a PDF's text gives them: read as the unbroken table ---------------------

_EXPENDITURE = [
    "2025年部门支出预算总表",
    "单位：万元",
    "科目\t\t合计\t基本支出\t项目支出",
    "功能分类科目编码\t科目名称",
    "\t合计\t150.00\t110.00\t40.00",
    "201\t一般公共服务支出\t150.00\t110.00\t40.00",
    "20101\t人大事务\t150.00\t110.00\t40.00",
    "2010101\t行政运行\t110.00\t110.00\t0.00",
    "2010102\t一般行政管理事务\t40.00\t0.00\t40.00",
]
_SUMMARY = [
    "2025年部门收支预算总表",
    "单位：万元",
    "收入\t\t支出",
    "项目\t预算数\t项目\t预算数",
    "一、一般公共预算拨款收入\t150.00\t一、一般公共服务支出",
    "二、政府性基金预算拨款收入\t\t二、外交支出",
    "\t\t三、教育支出\t150.00",
    "\t\t四、科学技术支出",
    "本年收入合计\t150.00\t本年支出合计\t150.00",
]


@pytest.mark.parametrize(("lines", "cut"), [(_EXPENDITURE, 3), (_SUMMARY, 6)], ids=["in-header", "short-part-above"])
def test_a_page_break_inside_a_table_reads_as_the_unbroken_table(
    lines: list[str], cut: int, ruleset: tuple[Any, list[Any], list[str]]
) -> None:
    from auditor.ingest.text import read_text

    vocab = ruleset[0]
    whole = read_text("whole.txt", "\n".join(lines).encode(), "")
    broken = read_text("broken.txt", "\n".join([*lines[:cut], "- 3 -", *lines[cut:]]).encode(), "")
    a, b = recognise(whole, vocab), recognise(broken, vocab)
    assert not a.fragments and not b.fragments
    assert [(t.kind, t.part, [r.cells for r in t.rows]) for t in a.tables] == [
        (t.kind, t.part, [r.cells for r in t.rows]) for t in b.tables]
    assert sum(len(t.rows) for t in b.tables) >= 4
