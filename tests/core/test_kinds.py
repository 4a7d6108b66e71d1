"""The kinds of decisions: what an event counts for, found once for many events, by the summary and the time series
alike."""

from __future__ import annotations

from hotjar_cli.core.kinds import Kinds, signature
from hotjar_cli.core.model import Decision, Finding, HotjarCall, Outcome


def identify(outcome: Outcome, *codes: str) -> Decision:
    """An identify's own decision, made for its event alone (it carries the attributes)."""
    findings = tuple(Finding(code, f"$.traits.t{place}") for place, code in enumerate(codes))
    return Decision(outcome, HotjarCall("identify", "u1", {"plan": "pro"}), findings)


def test_identifies_of_one_outcome_and_the_same_codes_are_one_kind() -> None:
    kinds = Kinds()
    first = kinds.number(identify(Outcome.MODIFIED, "HJ201", "HJ202"))
    assert kinds.number(identify(Outcome.MODIFIED, "HJ201", "HJ202")) == first
    assert kinds.signatures[first] == signature(identify(Outcome.MODIFIED, "HJ201", "HJ202"))
    assert kinds.number(identify(Outcome.MODIFIED, "HJ202", "HJ201")) != first  # codes count in order
    assert kinds.of == {}  # made for one event each: none is remembered by identity


def test_identifies_with_the_same_codes_and_other_outcomes_are_other_kinds() -> None:
    # With a rule ignored, a modified identify and an accepted one both have no findings left: still two kinds.
    kinds = Kinds()
    modified, accepted = kinds.number(identify(Outcome.MODIFIED)), kinds.number(identify(Outcome.ACCEPTED))
    assert modified != accepted
    assert [kinds.signatures[kind][0] for kind in (modified, accepted)] == [1, 0]


def test_a_shared_decision_is_remembered_by_identity() -> None:
    kinds = Kinds()
    track = Decision(Outcome.ACCEPTED, HotjarCall("event", event="Signed Up"))
    kind = kinds.number(track)
    assert kinds.of[id(track)] == kind
    assert kinds.signatures[kind] == (0, "event", ())
