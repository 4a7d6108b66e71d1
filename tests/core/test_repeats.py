"""Calls whose message repeats an earlier call's messageId: the first is kept, in input order, every later one is
left out and counted."""

from __future__ import annotations

from hotjar_cli.core.repeats import Repeats, repeated_line


def test_the_first_call_with_a_message_id_is_kept_and_every_later_one_left_out() -> None:
    repeats = Repeats()
    kept = [
        repeats.keep("m-1", "identify", "a:1"),
        repeats.keep("m-2", "event", "a:2"),
        repeats.keep("m-1", "identify", "b:1"),
        repeats.keep("m-2", "event", "b:2"),
        repeats.keep("m-2", "event", "c:2"),
    ]
    assert kept == [True, True, False, False, False]
    assert repeats.left_out == {"identify": 1, "event": 2}
    assert repeats.calls == 3
    assert repeats.first == "b:1"


def test_a_message_without_a_message_id_is_never_a_repeat() -> None:
    repeats = Repeats()
    assert all(repeats.keep(message_id, "event", "a:1") for message_id in (None, "", None, ""))
    assert repeats.calls == 0 and repeats.first is None


def test_a_repeat_is_the_same_id_whatever_the_call_carries() -> None:
    # Segment keeps the first message it receives under an id, whatever a later one holds.
    repeats = Repeats()
    assert repeats.keep("m-1", "identify", "a:1")
    assert not repeats.keep("m-1", "event", "a:2")
    assert repeats.left_out == {"identify": 0, "event": 1}


def test_ids_that_differ_in_case_or_space_are_different_messages() -> None:
    repeats = Repeats()
    assert all(repeats.keep(message_id, "event", "a:1") for message_id in ("m-1", "M-1", " m-1", "m-1 "))


def test_the_summary_line_counts_in_words_and_names_the_first() -> None:
    assert repeated_line(1, "b.ndjson:3") == (
        "1 call left out: it repeats the messageId of an earlier call, which Segment de-duplicates on (at b.ndjson:3)"
    )
    assert repeated_line(12_345, "b.ndjson:3") == (
        "12,345 calls left out: each repeats the messageId of an earlier call, which Segment de-duplicates on (the "
        "first of them at b.ndjson:3)"
    )
