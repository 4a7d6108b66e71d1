"""The sample logs in `sample_events/`: together they exercise every rule, and `clean.jsonl` exercises none."""

from __future__ import annotations

import gzip
import importlib.util
import re
from pathlib import Path

import orjson
import pytest

from hotjar_cli.core.model import Event, Outcome
from hotjar_cli.core.rules import CATALOGUE
from hotjar_cli.core.summary import Summary
from hotjar_cli.report.explain import explain
from hotjar_cli.run.one_pass import PassSettings, run_pass
from hotjar_cli.sources.reader import resolve

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_events"
README_ENTRY = re.compile(r"^- `(?P<file>[^`]+)`: (?P<what>.*) Rules: (?P<rules>.*)\.$")


def readme_entries() -> dict[str, set[str]]:
    """The README's list of files, each with the rule codes its line names."""
    entries = {}
    for line in (SAMPLES / "README.md").read_text().splitlines():
        match = README_ENTRY.match(line)
        if match:
            entries[match["file"]] = set(re.findall(r"HJ\d{3}", match["rules"]))
    return entries


def validate(*paths: str) -> tuple[Summary, list[Event]]:
    events: list[Event] = []
    summary = run_pass(resolve(list(paths)), PassSettings(), on_event=events.append)
    return summary, events


@pytest.fixture(scope="module")
def whole_folder() -> Summary:
    summary, _ = validate(str(SAMPLES))
    return summary


def test_the_samples_exercise_every_rule_in_the_catalogue(whole_folder: Summary) -> None:
    missing = {rule.code for rule in CATALOGUE} - set(whole_folder.rules)
    assert not missing, f"no sample exercises {sorted(missing)}"
    assert whole_folder.errors == []


def test_every_line_of_the_samples_is_accounted_for(whole_folder: Summary) -> None:
    assert sum(whole_folder.outcomes.values()) == whole_folder.events
    assert whole_folder.blank_lines == 1
    assert set(Outcome) == {outcome for outcome, count in whole_folder.outcomes.items() if count}


def test_the_clean_file_has_no_findings_and_only_accepted_events() -> None:
    summary, events = validate(str(SAMPLES / "clean.jsonl"))
    assert summary.events == len(events) >= 5
    assert summary.rules == {}
    assert {outcome: count for outcome, count in summary.outcomes.items() if count} == {Outcome.ACCEPTED: len(events)}
    assert all(event.decision.findings == () and event.decision.call is not None for event in events)
    assert {event.decision.call.kind for event in events if event.decision.call} == {"identify", "event"}


def test_the_clean_file_follows_segments_schemas() -> None:
    for line in (SAMPLES / "clean.jsonl").read_bytes().splitlines():
        assert explain(orjson.loads(line)) == ()


def test_walking_the_folder_reads_the_logs_only() -> None:
    walked = {Path(source.name).relative_to(SAMPLES).as_posix() for source in resolve([str(SAMPLES)])}
    assert walked == set(readme_entries())
    dummies = list(SAMPLES.glob("segment-logs/*/*/dummy-object.txt"))
    assert dummies, "the S3 archive sample keeps Segment's dummy object beside its logs"
    assert not {path.name for path in dummies} & {Path(name).name for name in walked}
    assert {"README.md", "make_site_limits.py"}.isdisjoint(walked)


@pytest.mark.parametrize(("name", "codes"), sorted(readme_entries().items()))
def test_each_file_exercises_the_rules_its_readme_line_names(name: str, codes: set[str]) -> None:
    summary, _ = validate(str(SAMPLES / name))
    assert set(summary.rules) == codes
    assert summary.errors == []


def test_segment_archive_files_are_gzipped() -> None:
    archives = sorted(SAMPLES.glob("segment-logs/*/*/*.gz"))
    assert len(archives) == 2
    for archive in archives:
        assert archive.read_bytes()[:2] == b"\x1f\x8b"
        assert gzip.decompress(archive.read_bytes()).count(b"\n") >= 3


def test_the_broken_file_has_a_byte_order_mark_and_crlf_line_ends() -> None:
    raw = (SAMPLES / "broken.jsonl").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf{")
    assert raw.count(b"\r\n") == raw.count(b"\n") > 5
    assert b"\r\n\r\n" in raw


def test_the_site_limits_file_is_what_its_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_site_limits", SAMPLES / "make_site_limits.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    expected = [orjson.dumps(message) for message in generator.messages()]
    assert gzip.decompress(generator.OUTPUT.read_bytes()).splitlines() == expected


def test_the_samples_stay_small() -> None:
    sizes = {path: path.stat().st_size for path in SAMPLES.rglob("*") if path.is_file()}
    assert sum(sizes.values()) < 400_000
    assert sizes[SAMPLES / "volume-site-limits.jsonl.gz"] < 150_000


def test_web_samples_look_like_analytics_js_messages() -> None:
    for name in ("clean.jsonl", "identify.jsonl", "track.jsonl"):
        for line in (SAMPLES / name).read_bytes().splitlines():
            message = orjson.loads(line)
            context = message["context"]
            assert message["messageId"].startswith("ajs-next-")
            assert message["originalTimestamp"].endswith("Z") and message["sentAt"].endswith("Z")
            assert context["library"]["name"] == "analytics.js"
            assert {"ip", "page", "userAgent", "locale"} <= set(context)
            assert context["page"]["url"].startswith("https://")
