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


def test_summaries_sharing_kinds_count_by_kind_and_make_examples_until_they_have_enough() -> None:
    # A shared decision with a finding: examples are made until the rule has as many as a report shows, then its
    # kind is only counted. A later summary over the same kinds (a worker's next part) knows the decision at once,
    # and makes its own examples of it, unless told the parts before show enough.
    message = parse_line(b'{"type": "track", "userId": "u1", "event": "Signed Up", "properties": {"a": 1}}')[0][0]
    dropped = Decision(Outcome.MODIFIED, HotjarCall("event", event="Signed Up"), (Finding("HJ301", "$.properties"),))
    kinds = Kinds()
    first = Summary(example_limit=2, kinds=kinds)
    for line in range(1, 6):
        first.add_at("a.jsonl", line, None, message, dropped, b"{}")
    kind = kinds.of[id(dropped)]
    _, counts, countable = first.counting()
    assert countable[kind] and counts[kind] == 5
    first.settle()
    assert (first.rules, first.affected, first.events) == ({"HJ301": 5}, {"HJ301": 5}, 5)
    assert [example.position.line for example in first.examples["HJ301"]] == [1, 2]

    second = Summary(example_limit=2, kinds=kinds)
    assert not second.counting()[2][kind]  # its own examples first
    second.add_at("a.jsonl", 9, None, message, dropped, b"{}")
    assert len(second.examples["HJ301"]) == 1
    third = Summary(example_limit=2, kinds=kinds)
    third.shown_before({"HJ301"})
    assert third.counting()[2][kind]
    third.add_at("a.jsonl", 9, None, message, dropped, b"{}")
    third.let_go_of_kinds()
    assert (third.rules, third.examples, third.kinds) == ({"HJ301": 1}, {}, None)
