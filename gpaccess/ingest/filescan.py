"""One read of a file for its SHA-256 and a UTF-8 check (run in a thread while DuckDB reads the file).

DuckDB checks the encoding only of the columns a query reads, so the encoding check is done here for every byte.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 22


@dataclass(frozen=True)
class FileScan:
    sha256: str
    bad_utf8_line: int | None = None  # first line holding bytes that are not UTF-8
    bad_utf8_text: str = ""


def scan(path: Path, *, check_utf8: bool) -> FileScan:
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    newlines, bad_line, bad_text = 0, None, ""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if check_utf8 and bad_line is None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    bad_line = newlines + chunk.count(b"\n", 0, error.start) + 1
                    bad_text = _line_around(chunk, error.start)
            newlines += chunk.count(b"\n")
    return FileScan(digest.hexdigest(), bad_line, bad_text)


def _line_around(chunk: bytes, offset: int) -> str:
    start = chunk.rfind(b"\n", 0, offset) + 1
    end = chunk.find(b"\n", offset)
    return chunk[start : end if end >= 0 else len(chunk)][:200].decode("utf-8", errors="replace")
