"""Every rule in the catalogue, run from its own documentation: the example fires it, the alternative does not."""

from __future__ import annotations

import re

import pytest

from hotjar_cli.core.limits import Limits
from hotjar_cli.core.model import Decision, Outcome
from hotjar_cli.core.rules import CATALOGUE, RULES, RULES_BY_NAME, Effect, Rule, Severity, find_rule

# What each effect does to the outcome of an event, weakest first; the strongest effect present wins.
OUTCOME_OF_EFFECT = {
    Effect.NOTED: Outcome.ACCEPTED,
    Effect.COERCED: Outcome.MODIFIED,
    Effect.DROPPED: Outcome.MODIFIED,
    Effect.REJECTED: Outcome.REJECTED,
    Effect.IGNORED: Outcome.IGNORED,
    Effect.INVALID: Outcome.INVALID,
}
STRENGTH = [Outcome.ACCEPTED, Outcome.MODIFIED, Outcome.REJECTED, Outcome.IGNORED, Outcome.INVALID]

# The public contract of issue #2: code -> (name, effect).
ISSUE_TABLE = {
    "HJ001": ("invalid-json", Effect.INVALID),
    "HJ002": ("not-an-object", Effect.INVALID),
    "HJ003": ("unknown-type", Effect.INVALID),
    "HJ101": ("unsupported-type", Effect.IGNORED),
    "HJ102": ("disabled-for-hotjar", Effect.IGNORED),
    "HJ103": ("missing-user-id", Effect.REJECTED),
    "HJ104": ("missing-event-name", Effect.REJECTED),
    "HJ105": ("reserved-trait-id", Effect.DROPPED),
    "HJ106": ("non-string-user-id", Effect.COERCED),
    "HJ107": ("invalid-traits", Effect.REJECTED),
    "HJ201": ("nested-trait", Effect.DROPPED),
    "HJ202": ("list-trait", Effect.DROPPED),
    "HJ203": ("attribute-name-too-long", Effect.DROPPED),
    "HJ204": ("attribute-value-too-long", Effect.DROPPED),
    "HJ205": ("unsafe-number", Effect.DROPPED),
    "HJ206": ("attribute-limit-exceeded", Effect.DROPPED),
    "HJ301": ("event-properties-dropped", Effect.DROPPED),
    "HJ302": ("event-name-too-long", Effect.REJECTED),
    "HJ303": ("event-name-invalid-characters", Effect.REJECTED),
    "HJ304": ("event-limit-exceeded", Effect.REJECTED),
}

DOCUMENTATION_SECTIONS = (
    "## What it does",
    "## Why it matters",
    "## Example",
    "## Use instead",
    "## Source and confidence",
)


def expected_outcome(decision: Decision) -> Outcome:
    """The outcome the findings of a decision call for: the strongest of their effects."""
    outcomes = [OUTCOME_OF_EFFECT[RULES[finding.code].effect] for finding in decision.findings]
    return max(outcomes, key=STRENGTH.index, default=Outcome.ACCEPTED)


def codes(decisions: list[Decision]) -> list[str]:
    return [finding.code for decision in decisions for finding in decision.findings]


def rule_id(rule: Rule) -> str:
    return rule.title


@pytest.mark.parametrize("rule", CATALOGUE, ids=rule_id)
def test_example_fires_the_rule_on_its_last_line(rule: Rule, decide_lines) -> None:
    lines = decide_lines(rule.example, Limits(**rule.example_limits))
    last = lines[-1]
    firing = [decision for decision in last if rule.code in codes([decision])]
    assert firing, f"{rule.code} did not fire on its example; findings: {codes(last)}"
    for decision in firing:
        assert decision.outcome is expected_outcome(decision)
        if rule.effect is Effect.NOTED:
            # A noted rule changes nothing: the call is made, and the outcome is what the other findings make it.
            assert decision.call is not None
            others = [finding for finding in decision.findings if finding.code != rule.code]
            assert decision.outcome is expected_outcome(Decision(decision.outcome, decision.call, tuple(others)))
        else:
            # The example shows this rule and nothing stronger.
            assert decision.outcome is OUTCOME_OF_EFFECT[rule.effect]
        if decision.outcome in (Outcome.ACCEPTED, Outcome.MODIFIED):
            assert decision.call is not None
        else:
            assert decision.call is None


@pytest.mark.parametrize("rule", CATALOGUE, ids=rule_id)
def test_example_fires_only_where_the_documentation_says(rule: Rule, decide_lines) -> None:
    lines = decide_lines(rule.example, Limits(**rule.example_limits))
    for earlier in lines[:-1]:
        assert rule.code not in codes(earlier)


@pytest.mark.parametrize("rule", CATALOGUE, ids=rule_id)
def test_instead_does_not_fire_the_rule(rule: Rule, decide_lines) -> None:
    lines = decide_lines(rule.instead, Limits(**rule.example_limits))
    assert lines
    for decisions in lines:
        assert rule.code not in codes(decisions)


@pytest.mark.parametrize("rule", CATALOGUE, ids=rule_id)
def test_instead_is_accepted_as_it_is(rule: Rule, decide_lines) -> None:
    # What to do instead should be a clean message, not one that trades this finding for another.
    for decisions in decide_lines(rule.instead, Limits(**rule.example_limits)):
        for decision in decisions:
            assert decision.outcome is Outcome.ACCEPTED
            assert decision.findings == ()
            assert decision.call is not None


@pytest.mark.parametrize("rule", CATALOGUE, ids=rule_id)
def test_example_limits_are_settings(rule: Rule) -> None:
    Limits(**rule.example_limits)
    assert set(rule.example_limits) <= set(Limits.__dataclass_fields__) - {"_disallowed"}


def test_codes_are_unique_and_well_formed() -> None:
    all_codes = [rule.code for rule in CATALOGUE]
    assert len(all_codes) == len(set(all_codes))
    assert all(re.fullmatch(r"HJ\d{3}", code) for code in all_codes)
    assert all_codes == sorted(all_codes)
    assert list(RULES) == all_codes


def test_names_are_kebab_case_and_unique() -> None:
    names = [rule.name for rule in CATALOGUE]
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name
    assert list(RULES_BY_NAME) == names


def test_issue_table_is_all_present_with_its_names_and_effects() -> None:
    for code, (name, effect) in ISSUE_TABLE.items():
        assert code in RULES, code
        assert RULES[code].name == name
        assert RULES[code].effect is effect


@pytest.mark.parametrize("rule", CATALOGUE, ids=rule_id)
def test_documentation_has_every_section(rule: Rule) -> None:
    text = rule.documentation()
    assert text.startswith(f"# {rule.code} {rule.name}\n")
    positions = [text.index(section) for section in DOCUMENTATION_SECTIONS]
    assert positions == sorted(positions)
    assert rule.example in text
    assert rule.instead in text
    assert f"Severity: {rule.severity.value}" in text
    assert f"Effect: {rule.effect.value}" in text
    assert f"Confidence: {rule.confidence}" in text
    for key in rule.example_limits:
        assert key.replace("_", "-") in text


@pytest.mark.parametrize("rule", CATALOGUE, ids=rule_id)
def test_rule_fields_are_filled_in(rule: Rule) -> None:
    assert isinstance(rule.severity, Severity)
    assert rule.confidence in {"high", "medium", "low"}
    assert rule.message and "\n" not in rule.message
    for text in (rule.what_it_does, rule.why_it_matters, rule.source):
        assert text.strip()


def test_find_rule_by_code_or_name() -> None:
    assert find_rule("HJ103") is RULES["HJ103"]
    assert find_rule("hj103") is RULES["HJ103"]
    assert find_rule("missing-user-id") is RULES["HJ103"]
    assert find_rule("Missing-User-Id") is RULES["HJ103"]
    assert find_rule("HJ999") is None
    assert find_rule("no-such-rule") is None


@pytest.mark.parametrize("rule", CATALOGUE, ids=lambda rule: rule.code)
def test_every_rule_cites_public_sources_by_url(rule: Rule) -> None:
    assert rule.references, f"{rule.code} cites no public page"
    assert all(re.fullmatch(r"https://[\w.-]+/\S+", url) for url in rule.references)
    documentation = rule.documentation()
    assert all(f"- {url}\n" in documentation for url in rule.references)


@pytest.mark.parametrize("rule", CATALOGUE, ids=lambda rule: rule.code)
def test_no_rule_refers_to_files_the_user_does_not_have(rule: Rule) -> None:
    text = rule.documentation().lower()
    assert not re.search(r"\bseeds?\b|hotjar-rules\.md|shared/", text)
