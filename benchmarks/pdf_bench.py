"""PDF speed: our whole check of each corpus PDF against pdfplumber's bare ``page.extract_tables()``. Only prints.

    .venv/bin/python benchmarks/pdf_bench.py [--corpus ../shared/corpus] [--runs 3]

For every PDF of the corpus, in one run and alternating so that both see the same machine load:
  pdfplumber   open the file, ``page.extract_tables()`` on every page (tables only: no text, no checks);
  ours         ``pipeline.audit_path``: read (pypdfium2 pages, pdfplumber for the pages it hands back),
               recognise, extract and every rule: what ``auditor check x.pdf`` does after start-up;
  plumber-only the same whole check with the pdfplumber reader on every page (the fallback path).
Each figure is the minimum over ``--runs`` runs (the least disturbed one); ms/page divides by the page count.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    pdfs = sorted(args.corpus.glob("*.pdf"))
    if not pdfs:
        print(f"no PDF in {args.corpus}")
        return

    import pdfplumber

    from auditor import api
    from auditor.ingest import pdf as pdf_reader
    from auditor.pipeline import audit_document, audit_path

    vocab, rules, _ = api.load_ruleset()

    def plumber(path: Path) -> None:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()

    def plumber_only(path: Path) -> None:
        data = path.read_bytes()
        audit_document(pdf_reader.read_pdf(str(path), data, "", fast=False), vocab, rules)

    print(f"{'document':<44} {'pages':>5} {'pdfplumber':>10} {'ours':>8} {'ratio':>6} {'plumber-only':>12} "
          f"{'ratio':>6} {'ours s/doc':>10}")
    print(f"{'':<44} {'':>5} {'ms/page':>10} {'ms/page':>8} {'':>6} {'ms/page':>12} {'':>6} {'':>10}")
    totals = [0.0, 0.0, 0.0]
    all_pages = 0
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        base = _best(lambda p=path: plumber(p), args.runs)
        ours = _best(lambda p=path: audit_path(p, vocab, rules), args.runs)
        slow = _best(lambda p=path: plumber_only(p), args.runs)
        totals = [totals[0] + base, totals[1] + ours, totals[2] + slow]
        all_pages += pages
        print(f"{path.name[:44]:<44} {pages:>5} {base / pages * 1000:>10.1f} {ours / pages * 1000:>8.1f} "
              f"{ours / base:>6.2f} {slow / pages * 1000:>12.1f} {slow / base:>6.2f} {ours:>10.2f}")
    base, ours, slow = totals
    print(f"{'all ' + str(len(pdfs)) + ' PDFs':<44} {all_pages:>5} {base / all_pages * 1000:>10.1f} "
          f"{ours / all_pages * 1000:>8.1f} {ours / base:>6.2f} {slow / all_pages * 1000:>12.1f} {slow / base:>6.2f} "
          f"{ours / len(pdfs):>10.2f}")
    print("targets: ours ≤ 1.0 × pdfplumber (first), ≤ 0.3 × (with the pypdfium2 path)")


if __name__ == "__main__":
    main()
