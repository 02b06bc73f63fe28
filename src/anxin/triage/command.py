"""`anxin triage [FILE]` and `anxin triage --eval FILE`. Pure: runs without Django."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from anxin.triage.evaluate import evaluate, format_report
from anxin.triage.jsonl import encode_line, triage_lines

EXIT_UNREADABLE = 2


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    """Raw lines, without a leading byte-order mark; each is decoded (and reported if not UTF-8) on its own."""
    for number, raw in enumerate(stream):
        yield raw[3:] if number == 0 and raw.startswith(b"\xef\xbb\xbf") else raw


def run(path: str | None, *, eval_mode: bool, as_json: bool, out: TextIO, err: TextIO) -> int:
    try:
        stream = open(path, "rb") if path and path != "-" else sys.stdin.buffer  # noqa: SIM115
    except OSError as error:
        print(f"anxin triage: cannot read {path}: {error.strerror}", file=err)
        return EXIT_UNREADABLE
    try:
        if eval_mode:
            result = evaluate(_lines(stream))
            out.write(
                json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n"
                if as_json
                else format_report(result)
            )
            return 0
        for decision in triage_lines(_lines(stream)):
            out.write(encode_line(decision))
        out.flush()
    except OSError as error:
        print(f"anxin triage: cannot read {path or 'standard input'}: {error}", file=err)
        return EXIT_UNREADABLE
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    return 0
