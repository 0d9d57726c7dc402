"""An operating-system error in words of the chosen language (``strerror`` is English whatever the locale)."""

from __future__ import annotations

import errno

_WORDS = {
    errno.ENOENT: ("文件或目录不存在", "no such file or directory"),
    errno.EACCES: ("没有访问权限", "permission denied"),
    errno.EPERM: ("不允许的操作", "operation not permitted"),
    errno.EISDIR: ("这是一个目录", "is a directory"),
    errno.ENOTDIR: ("路径中有一部分不是目录", "not a directory"),
    errno.ENOSPC: ("磁盘空间不足", "no space left on device"),
    errno.EROFS: ("文件系统只读", "read-only file system"),
    errno.ENAMETOOLONG: ("文件名太长", "file name too long"),
    errno.ELOOP: ("符号链接循环", "too many levels of symbolic links"),
    errno.EIO: ("读写错误", "input/output error"),
}


def os_words(exc: OSError) -> tuple[str, str]:
    """(zh, en) for an OSError; an errno without words of its own keeps its number and English text."""
    zh_en = _WORDS.get(exc.errno or -1)
    if zh_en:
        return zh_en
    text = exc.strerror or str(exc)
    return f"系统错误（{exc.errno}：{text}）", text
