"""Bytes to text: BOM, then strict UTF-8, then charset detection among the encodings these documents use."""

from __future__ import annotations

CANDIDATES = ("utf_8", "gb18030", "big5")
_ASCII = bytes(range(128))
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Return (text, encoding, warnings). Never raises on undecodable input: replacement with a warning."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(enc.replace("-sig", ""), errors="replace"), enc, []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    damaged = _mostly_utf8(data)
    if damaged is not None:
        return damaged
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _plausible_chinese(text):
            return text, enc, []
    from charset_normalizer import from_bytes  # only for files that are neither UTF-8 nor clean GB/Big5

    best = from_bytes(data, cp_isolation=list(CANDIDATES)).best()
    if best is not None:
        return str(best), best.encoding, []
    return data.decode("gb18030", errors="replace"), "gb18030", ["解码时有无法识别的字节，已替换（gb18030）"]


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes almost anything; accept it only when the text is mostly common CJK and ASCII."""
    if not text:
        return False
    common = sum(1 for ch in text if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                 or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·")
    return common / len(text) > 0.97


def _mostly_utf8(data: bytes) -> tuple[str, str, list[str]] | None:
    """UTF-8 with a few bad bytes (a damaged copy): the text with each bad sequence replaced by U+FFFD and a
    warning naming the lines. GB18030 or Big5 text read as UTF-8 fails on nearly every non-ASCII byte,
    so fewer bad sequences than one in a hundred non-ASCII bytes means UTF-8 that was damaged."""
    non_ascii = len(data.translate(None, _ASCII))
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    if bad <= 0 or bad * 100 > non_ascii:
        return None
    lines: list[int] = []
    at = text.find("\ufffd")
    while at >= 0 and len(lines) <= 10:
        n = text.count("\n", 0, at) + 1
        if not lines or lines[-1] != n:
            lines.append(n)
        at = text.find("\ufffd", at + 1)
    where = "、".join(str(n) for n in lines[:10]) + ("……" if len(lines) > 10 else "")
    return text, "utf-8", [f"第 {where} 行有无法解码的字节（共 {bad} 处），已替换为 “\ufffd”；其余内容照常审核"]
