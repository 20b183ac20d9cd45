"""Capped capture of untrusted output: head and tail kept, the middle counted."""

from __future__ import annotations

from tsact._records.capture import HeadTail
from tsact._records.console import ConsoleCapture
from tsact._records.record import ConsoleEntry


def test_head_tail_keeps_both_ends_and_says_what_was_left_out() -> None:
    capture = HeadTail(10)
    for chunk in (b"abc", b"defgh", b"ijklmnop", b"qrstuvwxyz"):
        capture.add(chunk)
    assert capture.text() == "abcde\n[... 16 bytes omitted ...]\nvwxyz"
    assert capture.omitted == 16


def test_head_tail_under_the_limit_is_untouched() -> None:
    capture = HeadTail(100)
    capture.add("héllo ".encode())
    capture.add(b"world")
    assert capture.text() == "héllo world"
    assert capture.omitted == 0


def test_console_capture_marks_the_gap_in_order() -> None:
    capture = ConsoleCapture(40)
    for index in range(20):
        capture.add(ConsoleEntry(level="log", text=f"line {index:02d}", t_ms=float(index)))
    entries = capture.entries()
    texts = [entry.text for entry in entries]
    assert texts[:2] == ["line 00", "line 01"]
    assert texts[-2:] == ["line 18", "line 19"]
    (marker,) = [entry for entry in entries if entry.level == "omitted"]
    assert marker.text.startswith(f"[... {capture.omitted_entries} console entries")
    assert sum(len(text) for text in texts if entry_is_kept(text)) <= 40


def entry_is_kept(text: str) -> bool:
    return not text.startswith("[...")


def test_console_capture_cuts_a_line_the_worker_did_not() -> None:
    capture = ConsoleCapture(20)
    kept = capture.add(ConsoleEntry(level="log", text="a" * 30 + "b" * 30, t_ms=0.0))
    assert kept.text == "aaaaa\n[... 50 bytes omitted ...]\nbbbbb"
    assert capture.entries() == [kept]
