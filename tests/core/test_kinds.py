"""What an event counts for, found once for many events by the summary and the time series alike: an identify's
own decision by its outcome, its call's kind and its findings' codes."""

from __future__ import annotations

from hotjar_cli.core.decode import parse_line
from hotjar_cli.core.kinds import Kinds, signature
from hotjar_cli.core.model import Decision, Finding, HotjarCall, Outcome
from hotjar_cli.core.summary import Summary


def identify(outcome: Outcome, *codes: str) -> Decision:
    """An identify's own decision, made for its event alone (it carries the attributes)."""
    findings = tuple(Finding(code, f"$.traits.t{place}") for place, code in enumerate(codes))
    return Decision(outcome, HotjarCall("identify", "u1", {"plan": "pro"}), findings)


def test_identifies_of_one_outcome_and_the_same_codes_count_for_the_same() -> None:
    assert signature(identify(Outcome.MODIFIED, "HJ201", "HJ202")) == (1, "identify", ("HJ201", "HJ202"))
    kinds = Kinds()
    first = kinds.number(identify(Outcome.MODIFIED, "HJ201", "HJ202"))
    assert kinds.number(identify(Outcome.MODIFIED, "HJ201", "HJ202")) == first
    assert kinds.signatures[first] == signature(identify(Outcome.MODIFIED, "HJ201", "HJ202"))
    assert kinds.of == {}  # made for one event each: none is remembered by identity


def test_a_summary_counts_identifies_with_the_same_codes_under_their_own_outcomes() -> None:
    # With a rule ignored, a modified identify and an accepted one have the same codes (none): still two outcomes,
    # whichever comes first.
    assert signature(identify(Outcome.MODIFIED)) != signature(identify(Outcome.ACCEPTED))
    message = parse_line(b'{"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}')[0][0]
    for order in ([Outcome.MODIFIED, Outcome.ACCEPTED], [Outcome.ACCEPTED, Outcome.MODIFIED]):
        summary = Summary()
        for line, outcome in enumerate(order, 1):
            summary.add_at("a.jsonl", line, None, message, identify(outcome), b"")
        summary.settle()
        assert (summary.outcomes[Outcome.ACCEPTED], summary.outcomes[Outcome.MODIFIED]) == (1, 1)


def test_a_shared_decision_is_remembered_by_identity() -> None:
    kinds = Kinds()
    track = Decision(Outcome.ACCEPTED, HotjarCall("event", event="Signed Up"))
    kind = kinds.number(track)
    assert kinds.of[id(track)] == kind
    assert kinds.signatures[kind] == (0, "event", ())
