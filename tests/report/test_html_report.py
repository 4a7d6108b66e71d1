"""The HTML report, opened in real headless Chromium: offline, no request, no error, no script from the logs.

Screenshots are saved in `tests/artifacts/` (git-ignored) and compared, loosely enough to survive font
differences, with `tests/reference/report-1280.png`. After a deliberate change to the page, replace the
reference with the new screenshot: `UPDATE_REFERENCE=1 .venv/bin/pytest tests/report/test_html_report.py`.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import hotjar_cli.run.parallel as parallel
from hotjar_cli.cli.app import app

pytest.importorskip("vl_convert")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "report-1280.png"
ENV = {"NO_COLOR": "1", "COLUMNS": "120"}
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "</textarea><svg onload=alert(3)>",
    "javascript:alert(4)",
    '"><iframe src="https://example.com/"></iframe>',
    "</script><script>alert(5)</script>",
]


def cli(*args: str | Path) -> tuple[int, str]:
    result = CliRunner(env=ENV).invoke(app, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def browser(chromium_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = chromium_executable
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


class Opened:
    """A report open in a page, with everything the page tried to do."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on(
            "console", lambda message: message.type in ("error", "warning") and self.errors.append(message.text)
        )
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: request.url != path.as_uri() and self.requests.append(request.url))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_report(browser: Any) -> Iterator[Any]:
    opened: list[Opened] = []

    def open_path(path: Path) -> Opened:
        opened.append(Opened(browser, path))
        return opened[-1]

    yield open_path
    for page in opened:
        page.close()


def test_the_samples_report_opens_offline_with_charts_cards_and_a_sortable_table(
    tmp_path: Path, open_report: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    report = tmp_path / "report.html"
    cli("validate", "sample_events/", "--format", "html", "-o", report)
    _, out = cli("validate", "sample_events/", "--format", "json", "--by", "day", "--fail-on", "never")
    timeline = json.loads(out)["timeline"]
    buckets = len(timeline["buckets"])
    opened = open_report(report)
    page = opened.page
    assert opened.errors == [] and opened.requests == [] and opened.dialogs == []
    chart = page.locator('figure[data-chart="outcomes"]')
    assert chart.get_attribute("data-buckets") == str(buckets)
    # A bar for each outcome that a bucket has, labelled with its own count.
    labels = sorted(bar["label"] for bar in bars(page, "outcomes"))
    expected = [
        f"{bucket['start']}: {count:,} event{'' if count == 1 else 's'} {outcome}"
        for bucket in timeline["buckets"]
        for outcome, count in bucket["outcomes"].items()
        if count
    ]
    assert labels == sorted(expected)
    assert page.locator("section.card").count() == len(json.loads(out)["rules"])
    # A chart for each rule found in events with a time; the others say they have none.
    timed = {code for bucket in timeline["buckets"] for code in bucket["events_by_rule"]}
    assert page.locator('figure[data-chart^="rule-"]').count() == len(timed)
    assert page.locator("section.card .untimed", has_text="No event time").count() == len(
        set(json.loads(out)["rules"]) - timed
    )
    assert page.locator(".slots .slot").count() == 100
    assert page.locator("#HJ201 pre").count() >= 1
    rows = page.locator("#inventory tbody tr")
    assert rows.count() > 100

    def column(index: int) -> list[str]:
        return page.eval_on_selector_all(
            "#inventory tbody tr",
            f"rows => rows.map(row => row.cells[{index}].getAttribute('data-value') || row.cells[{index}].textContent)",
        )

    header = page.locator("#inventory th", has_text="messages")
    header.click()
    messages = column_index(page, "messages")
    ascending = [int(value) for value in column(messages)]
    assert ascending == sorted(ascending) and ascending[0] < ascending[-1]
    header.click()
    assert [int(value) for value in column(messages)] == sorted(ascending, reverse=True)
    page.locator("#inventory th", has_text="name").click()
    names = column(1)
    assert names == sorted(names, key=natural)
    page.fill("input.filter", "flag_billing")
    assert page.locator("#inventory tbody tr:not([hidden])").count() == 10
    page.fill("input.filter", "")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-1280.png"
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot))
    if os.environ.get("UPDATE_REFERENCE") == "1":
        REFERENCE.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, REFERENCE)
    assert REFERENCE.is_file(), "no reference screenshot: run with UPDATE_REFERENCE=1"
    assert looks_alike(page, shot, REFERENCE)
    assert opened.errors == [] and opened.requests == [] and opened.dialogs == []


def natural(name: str) -> tuple[list[tuple[int, int, str]], str]:
    """Runs of digits by their value, the rest as lower-case text: `Article 9999` before `Article 10000`."""
    parts = []
    for part in re.findall(r"[0-9]+|[^0-9]+", name.lower()):
        digits = part.lstrip("0")
        parts.append((0, len(digits), digits) if part[0].isdigit() else (1, 0, part))
    return parts, name


def looks_alike(page: Any, shot: Path, reference: Path) -> bool:
    """Loosely: the same width, a height within 15 %, and thumbnails (32 px wide, grey) that differ by less than
    8 % on average, compared in the browser's own canvas."""
    measure = """async ([one, other]) => {
      async function load(source) { const image = new Image(); image.src = source; await image.decode(); return image; }
      const [a, b] = [await load(one), await load(other)];
      const width = 32, height = Math.round(32 * a.height / a.width);
      function grey(image) {
        const canvas = document.createElement('canvas'); canvas.width = width; canvas.height = height;
        const context = canvas.getContext('2d'); context.drawImage(image, 0, 0, width, height);
        const data = context.getImageData(0, 0, width, height).data; const values = [];
        for (let i = 0; i < data.length; i += 4) values.push((data[i] + data[i + 1] + data[i + 2]) / 765);
        return values;
      }
      const [x, y] = [grey(a), grey(b)];
      let total = 0; for (let i = 0; i < x.length; i++) total += Math.abs(x[i] - y[i]);
      return {widths: [a.width, b.width], heights: [a.height, b.height], difference: total / x.length};
    }"""
    sources = [f"data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()}" for path in (shot, reference)]
    scratch = page.context.new_page()
    found = scratch.evaluate(measure, sources)
    scratch.close()
    widths, heights = found["widths"], found["heights"]
    return widths[0] == widths[1] and abs(heights[0] - heights[1]) <= 0.15 * heights[1] and found["difference"] < 0.08


def hostile_log(path: Path) -> None:
    lines = []
    for number, text in enumerate(HOSTILE):
        moment = f"2024-03-0{number % 3 + 1}T10:00:00Z"
        lines.append(
            json.dumps(
                {
                    "type": "identify",
                    "userId": text,
                    "timestamp": moment,
                    "traits": {text: text, "nested " + text: {text: text}, "plan": text},
                }
            )
        )
        lines.append(
            json.dumps({"type": "track", "userId": "u", "event": text, "timestamp": moment, "properties": {text: text}})
        )
        lines.append(json.dumps({"type": text, "userId": "u", "timestamp": moment}))
        lines.append(text)  # a broken line made of markup
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("command", [["validate", "--fail-on", "never"], ["validate", "--redact"], ["inventory"]])
def test_html_and_script_from_the_logs_run_nothing(tmp_path: Path, open_report: Any, command: list[str]) -> None:
    log = tmp_path / "hostile.jsonl"
    hostile_log(log)
    report = tmp_path / "report.html"
    cli(command[0], log, *command[1:], "--format", "html", "-o", report)
    opened = open_report(report)
    page = opened.page
    page.wait_for_timeout(300)
    assert opened.dialogs == [] and opened.requests == [] and opened.errors == []
    assert page.locator("img, iframe, textarea, svg[onload]").count() == 0
    assert page.locator("script").count() == 2  # the data and the table's own script, nothing from the logs
    if "--redact" not in command:
        assert page.locator("td.name", has_text=HOSTILE[0]).count() >= 1  # shown as text


def test_the_page_stays_small_for_a_long_and_wide_log(tmp_path: Path) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    log = tmp_path / "wide.jsonl"
    with log.open("w") as file:
        for number in range(40_000):
            moment = (start + timedelta(minutes=11 * number)).isoformat().replace("+00:00", "Z")
            if number % 2:
                file.write(
                    json.dumps(
                        {
                            "type": "track",
                            "userId": f"u{number}",
                            "event": f"Event {number}",
                            "timestamp": moment,
                            "properties": {"a": 1},
                        }
                    )
                    + "\n"
                )
            else:
                file.write(
                    json.dumps(
                        {
                            "type": "identify",
                            "userId": f"u{number}",
                            "timestamp": moment,
                            "traits": {f"trait_{number}": "x" * 300, "nested": {"a": number}},
                        }
                    )
                    + "\n"
                )
    for command in (["validate", "--by", "hour", "--fail-on", "never"], ["inventory"]):
        report = tmp_path / f"{command[0]}.html"
        cli(command[0], log, *command[1:], "--format", "html", "-o", report)
        assert 0 < report.stat().st_size < 5_000_000


def test_the_page_stays_small_whatever_limits_the_site_is_given(tmp_path: Path) -> None:
    log = tmp_path / "two.jsonl"
    log.write_text(
        json.dumps({"type": "identify", "userId": "u1", "traits": {"plan": "pro"}, "timestamp": "2024-03-01T10:00:00Z"})
        + "\n"
        + json.dumps({"type": "track", "userId": "u1", "event": "Signed Up", "timestamp": "2024-03-01T10:01:00Z"})
        + "\n"
    )
    limits = ["--max-attributes", "10000000", "--max-events", "10000000"]
    for command in (["validate", "--fail-on", "never"], ["inventory"]):
        report = tmp_path / f"{command[0]}.html"
        assert cli(command[0], log, *command[1:], *limits, "--format", "html", "-o", report)[0] == 0
        assert 0 < report.stat().st_size < 1_000_000
        page = report.read_text()
        assert "1 of 10,000,000 slots used" in page and 'class="bar"' in page and 'class="slots"' not in page


def test_turned_away_names_of_any_length_keep_the_page_small(tmp_path: Path) -> None:
    # With the limits on names raised, each of the 20 turned-away names the budget lists held its whole self in its
    # title: 25 attribute and 25 event names of 300,000 characters made a page of 12 MB.
    log = tmp_path / "long.jsonl"
    lines = [json.dumps({"type": "identify", "userId": "u0", "traits": {"plan": 1}, "timestamp": "2024-03-01T10:00Z"})]
    for number in range(25):
        moment = "2024-03-01T10:01:00Z"
        lines.append(json.dumps({"type": "identify", "userId": "u1", "traits": {chr(65 + number) * 300_000: 1}}))
        lines.append(
            json.dumps({"type": "track", "userId": "u1", "event": chr(97 + number) * 300_000, "timestamp": moment})
        )
    log.write_text("\n".join(lines) + "\n")
    limits = ["--max-attributes", "1", "--max-events", "1"]
    lengths = ["--max-attribute-name-length", "1000000", "--max-event-name-length", "1000000"]
    for command in (["validate", "--fail-on", "never"], ["inventory"]):
        report = tmp_path / f"{command[0]}.html"
        assert cli(command[0], log, *command[1:], *limits, *lengths, "--format", "html", "-o", report)[0] == 0
        assert 0 < report.stat().st_size < 1_000_000
        page = report.read_text()
        assert page.count("… (300,000 characters)") >= 2 * 20  # each listed name, attributes and events
        assert f'title="{"B" * 199}… (300,000 characters)">{"B" * 199}…' in page


@pytest.mark.parametrize("command", [["validate", "--fail-on", "never"], ["inventory"]])
def test_any_number_of_jobs_writes_the_same_page(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.site_view_logs import timed_log

    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")  # local processes, however small the input
    (tmp_path / "a.jsonl").write_text(timed_log(2000, 60, 1))
    (tmp_path / "b.jsonl").write_text(timed_log(1500, 90, 2, step=3000))
    pages = []
    for jobs in ("1", "3"):
        report = tmp_path / f"report-{jobs}.html"
        cli(
            command[0],
            tmp_path / "a.jsonl",
            tmp_path / "b.jsonl",
            *command[1:],
            "--max-attributes",
            "30",
            "--format",
            "html",
            "-o",
            report,
            "--jobs",
            jobs,
        )
        pages.append(report.read_bytes())
    assert pages[0] == pages[1]


def track(moment: str | None, event: str | None = "Signed Up", user: str | None = "u1") -> str:
    message: dict[str, Any] = {"type": "track", "properties": {}}
    if moment is not None:
        message["timestamp"] = moment
    if event is not None:
        message["event"] = event
    if user is not None:
        message["userId"] = user
    return json.dumps(message)


def bars(page: Any, chart: str) -> list[dict[str, Any]]:
    """The bars of a chart, each with its label (the date, the count and what it counts) and its box."""
    return page.eval_on_selector_all(
        f'figure[data-chart="{chart}"] g.mark-rect.role-mark path',
        "paths => paths.map(path => { const box = path.getBBox();"
        " return {label: path.getAttribute('aria-label'), x: box.x, width: box.width, height: box.height}; })",
    )


def test_a_log_of_one_day_shows_each_outcome_as_its_own_count_in_bars_that_have_a_width(
    tmp_path: Path, open_report: Any
) -> None:
    log = tmp_path / "one-day.jsonl"
    log.write_text(
        "\n".join(
            [
                track("2024-04-02T10:00:00Z", user="u1"),
                track("2024-04-02T11:00:00Z", user="u2"),
                track("2024-04-02T12:00:00Z", event=None),
            ]
        )
        + "\n"
    )
    _, out = cli("validate", log, "--format", "json", "--fail-on", "never")
    outcomes = json.loads(out)["summary"]["outcomes"]
    assert outcomes["accepted"] == 2 and outcomes["rejected"] == 1
    report = tmp_path / "report.html"
    cli("validate", log, "--format", "html", "-o", report, "--fail-on", "never")
    page = open_report(report).page
    drawn = {bar["label"].rsplit(" ", 1)[1]: bar for bar in bars(page, "outcomes")}
    counted = {outcome: count for outcome, count in outcomes.items() if count}
    assert {outcome: int(bar["label"].split(": ")[1].split(" ")[0]) for outcome, bar in drawn.items()} == counted
    assert all(bar["width"] > 100 for bar in drawn.values())
    # Each bar is as tall as its own count: two accepted events stand twice as high as the one rejected.
    assert abs(drawn["accepted"]["height"] - 2 * drawn["rejected"]["height"]) < 1
    losses = {bar["label"].rsplit(" ", 1)[1]: bar for bar in bars(page, "losses")}
    assert set(losses) == {"rejected"} and losses["rejected"]["width"] > 100
    rule = bars(page, "rule-HJ104")
    assert len(rule) == 1 and rule[0]["width"] > 100 and rule[0]["height"] > 10


def test_a_rule_whose_findings_have_no_event_time_says_so_instead_of_a_flat_chart(
    tmp_path: Path, open_report: Any
) -> None:
    log = tmp_path / "broken.jsonl"
    log.write_text(track("2024-04-02T10:00:00Z") + "\n{not json\n" + track("2024-04-03T10:00:00Z") + "\n")
    report = tmp_path / "report.html"
    cli("validate", log, "--format", "html", "-o", report, "--fail-on", "never")
    page = open_report(report).page
    card = page.locator("section.card#HJ001")
    assert card.locator("figure").count() == 0
    assert "no event time" in card.inner_text().lower()


@pytest.fixture(scope="module")
def samples_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The samples' page and inventory, made once for the tests that read them: each opens the page afresh."""
    report = tmp_path_factory.mktemp("samples") / "report.html"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(ROOT)
        cli("validate", "sample_events/", "--format", "html", "-o", report)
        _, out = cli("inventory", "sample_events/", "--format", "json")
    return report, json.loads(out)


@pytest.fixture
def samples_page(samples_report: tuple[Path, dict[str, Any]], open_report: Any) -> tuple[Any, dict[str, Any]]:
    report, inventory = samples_report
    return open_report(report).page, inventory


def cells(page: Any, index: int) -> list[str | None]:
    """A column of the inventory table, in the order shown: each cell's sort value, or None when blank."""
    return page.eval_on_selector_all(
        "#inventory tbody tr",
        f"rows => rows.map(row => {{ const cell = row.cells[{index}];"
        " const value = cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent;"
        " return value === '' ? null : value; })",
    )


def column_index(page: Any, title: str) -> int:
    return page.eval_on_selector_all("#inventory th", "headers => headers.map(h => h.textContent)").index(title)


def test_every_turned_away_and_never_sent_name_is_in_the_table_and_found_by_its_name(
    samples_page: tuple[Any, dict[str, Any]],
) -> None:
    page, inventory = samples_page
    shown = page.eval_on_selector_all("#inventory td.name", "cells => cells.map(c => c.title || c.textContent)")
    for kind in ("attributes", "events"):
        for row in inventory[kind]["names"]:
            if row["fate"] != "kept":
                assert row["name"] in shown, row["name"]
    page.fill("input.filter", "Viewed Help Article 999")
    visible = page.locator("#inventory tbody tr:not([hidden]) td.name").all_inner_texts()
    assert visible and all("Viewed Help Article 999" in name for name in visible)
    assert {"Viewed Help Article 9991", "Viewed Help Article 9999"} <= set(visible)
    page.fill("input.filter", "clean")  # a file's name, not a name in the logs
    assert page.locator("#inventory tbody tr:not([hidden])").count() == 0


def test_each_event_name_built_from_values_names_its_family_and_sorts_with_it(
    samples_page: tuple[Any, dict[str, Any]],
) -> None:
    # The table had no family column: the 10,000 "Viewed Help Article {n}" names could not be told or gathered there,
    # as the JSON and CSV inventories tell them.
    page, inventory = samples_page
    rows = page.eval_on_selector_all(
        "#inventory tbody tr",
        "rows => rows.map(row => [row.cells[0].textContent, row.cells[1].getAttribute('data-name'),"
        " row.cells[2].getAttribute('data-value')])",
    )
    families = {row["name"]: row["family"] for row in inventory["events"]["names"]}
    assert all(kind == "attribute" or family == (families[name] or "") for kind, name, family in rows)
    assert all(family == "" for kind, _, family in rows if kind == "attribute")
    assert sum(family == "Viewed Help Article {n}" for _, _, family in rows) > 100
    index = column_index(page, "family")
    page.locator("#inventory th").nth(index).click()
    shown = [value for value in cells(page, index) if value is not None]
    assert shown == sorted(shown, key=lambda template: template.lower()) and "Viewed Help Article {n}" in shown
    assert cells(page, index)[-1] is None  # names of no family last


def test_sorting_by_slot_puts_names_without_a_slot_last_both_ways(samples_page: tuple[Any, dict[str, Any]]) -> None:
    page, _ = samples_page
    index = column_index(page, "slot")
    header = page.locator("#inventory th").nth(index)
    for reverse in (False, True):
        header.click()
        values = cells(page, index)
        slots = [int(value) for value in values if value is not None]
        assert None in values and slots
        assert values == [str(slot) for slot in sorted(slots, reverse=reverse)] + [None] * values.count(None)


@pytest.mark.parametrize("title", ["types", "findings", "first seen", "last seen"])
def test_counts_and_sightings_sort_by_their_values_with_blanks_last_both_ways(
    samples_page: tuple[Any, dict[str, Any]], title: str
) -> None:
    # A name with no finding showed a blank that sorted first (its value was 0), and `…00.500Z` came before `…00Z`,
    # as text has them.
    page, _ = samples_page
    index = column_index(page, title)
    for reverse in (False, True):
        page.locator("#inventory th").nth(index).click()
        values = cells(page, index)
        counts = [float(value) for value in values if value is not None]
        assert counts == sorted(counts, reverse=reverse) and counts[0] != counts[-1], title
        assert values[len(counts) :] == [None] * (len(values) - len(counts))
    if title == "findings":
        assert None in values  # the names no rule found fault with


def test_the_turned_away_names_read_in_natural_order(samples_page: tuple[Any, dict[str, Any]]) -> None:
    page, _ = samples_page
    text = page.locator(".fate-turned-away", has_text="Viewed Help Article").first.inner_text()
    assert text.index("Viewed Help Article 9999") < text.index("Viewed Help Article 10000")
    page.locator("#inventory th", has_text="name").click()
    names = page.locator("#inventory tbody tr td.name").all_inner_texts()
    assert names.index("Viewed Help Article 9999") < names.index("Viewed Help Article 10000")


def test_the_table_fits_its_box_and_a_long_name_is_cut_with_the_whole_name_in_its_title(
    tmp_path: Path, open_report: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    log = tmp_path / "long.jsonl"
    long_name = "Clicked " + "x" * 10_000
    log.write_text(track("2024-04-02T10:00:00Z", event=long_name) + "\n")
    report = tmp_path / "report.html"
    cli("validate", "sample_events/", log, "--format", "html", "-o", report, "--fail-on", "never")
    page = open_report(report).page
    sizes = page.eval_on_selector(".table-wrap", "box => [box.scrollWidth, box.clientWidth]")
    assert sizes[0] <= sizes[1]
    cell = page.locator("#inventory td.name", has_text="Clicked xxx")
    assert cell.get_attribute("title") == long_name
    assert cell.bounding_box()["height"] < 300


def test_slots_held_before_these_logs_look_different_from_slots_they_took_and_a_legend_says_which(
    tmp_path: Path, open_report: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    known = tmp_path / "known.txt"
    known.write_text("plan\nemail\nlegacy_segment\n")  # the logs reuse plan and email
    report = tmp_path / "report.html"
    cli("validate", "sample_events/", "--known-attributes", known, "--format", "html", "-o", report)
    page = open_report(report).page
    classes = page.eval_on_selector_all(".slots .slot", "slots => slots.map(slot => slot.className)")
    assert classes[:3] == ["slot known"] * 3
    assert classes[3:] == ["slot taken"] * 97
    legend = page.locator(".slots + .slots-legend")
    assert legend.locator(".slot.known").count() == 1 and legend.locator(".slot.taken").count() == 1
    assert "before these logs" in legend.inner_text()
    unseeded = tmp_path / "unseeded.html"
    cli("validate", "sample_events/", "--format", "html", "-o", unseeded)
    legend = open_report(unseeded).page.locator(".slots + .slots-legend")
    assert legend.locator(".slot.known").count() == 0 and "before these logs" not in legend.inner_text()


def identify(user: str, moment: str) -> str:
    return json.dumps({"type": "identify", "userId": user, "traits": {"plan": "pro"}, "timestamp": moment})


def y_ticks(page: Any, chart: str) -> list[str]:
    """The labels of a chart's count axis, bottom to top."""
    return page.eval_on_selector_all(
        f'figure[data-chart="{chart}"] g.role-axis[aria-label^="Y-axis"] g.role-axis-label text',
        "labels => labels.map(label => label.textContent)",
    )


def test_a_log_of_two_events_counts_them_on_whole_distinct_ticks(tmp_path: Path, open_report: Any) -> None:
    log = tmp_path / "two.jsonl"
    log.write_text(
        identify("a@example.com", "2024-03-01T10:00:00Z") + "\n" + identify("b@example.com", "2024-03-01T10:00:00Z")
    )
    report = tmp_path / "report.html"
    cli("validate", log, "--format", "html", "-o", report, "--fail-on", "never")
    page = open_report(report).page
    for chart in ("outcomes", "rule-HJ108"):
        assert y_ticks(page, chart) == ["0", "1", "2"], chart


def test_the_rule_marker_of_a_long_example_line_stays_inside_its_card_at_1280_px(
    tmp_path: Path, open_report: Any
) -> None:
    log = tmp_path / "long.jsonl"
    traits = {"bio": "lorem ipsum " * 40, "plan": "pro"}
    log.write_text(json.dumps({"type": "identify", "userId": "u1", "traits": traits}) + "\n")
    report = tmp_path / "report.html"
    cli("validate", log, "--format", "html", "-o", report, "--fail-on", "never")
    page = open_report(report).page
    # Where the marker's own characters are laid out, whatever element holds them, against the card and the
    # example block the reader sees (a block that scrolls hides what lies past its edge).
    boxes = page.eval_on_selector(
        "section.card#HJ204",
        """card => {
          const example = card.querySelector('pre');
          const walker = document.createTreeWalker(example, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode()) && node.textContent.indexOf('← HJ204') < 0) {}
          const range = document.createRange();
          const start = node.textContent.indexOf('← HJ204');
          range.setStart(node, start);
          range.setEnd(node, node.textContent.length);
          const box = rect => ({left: rect.left, right: rect.right});
          return {marker: box(range.getBoundingClientRect()), card: box(card.getBoundingClientRect()),
                  example: box(example.getBoundingClientRect()),
                  scrolled: [example.scrollWidth, example.clientWidth]};
        }""",
    )
    marker, card, example = boxes["marker"], boxes["card"], boxes["example"]
    assert "attribute-value-too-long" in page.locator("section.card#HJ204 pre").inner_text()
    assert card["left"] <= example["left"] <= marker["left"] < marker["right"] <= example["right"] <= card["right"]
    assert boxes["scrolled"][0] <= boxes["scrolled"][1], "the example block scrolls"


def test_a_report_whose_filters_let_nothing_through_says_so_in_its_header_and_charts(
    tmp_path: Path, open_report: Any
) -> None:
    log = tmp_path / "one.jsonl"
    log.write_text(track("2024-03-01T10:00:00Z") + "\n")
    report = tmp_path / "report.html"
    cli("validate", log, "--user", "nobody", "--allow-empty", "--fail-on", "never", "--format", "html", "-o", report)
    page = open_report(report).page
    assert "1 event in 1 line of 1 file, 1 filtered out" in page.locator("p.muted").first.inner_text()
    text = page.locator("body").inner_text()
    assert text.count("The filters let no event through") == 2
    assert "readable time" not in text


def test_the_header_of_a_filtered_report_counts_the_events_left_out(
    tmp_path: Path, open_report: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    report = tmp_path / "report.html"
    cli("validate", "sample_events/", "--user", "nobody", "--format", "html", "-o", report)
    _, out = cli("validate", "sample_events/", "--user", "nobody", "--format", "json", "--fail-on", "never")
    summary = json.loads(out)["summary"]
    assert summary["filtered"] and summary["events"] - summary["filtered"] == sum(summary["outcomes"].values())
    header = open_report(report).page.locator("p.muted").first.inner_text()
    assert f"{summary['events']:,} events" in header and f"{summary['filtered']:,} filtered out" in header


def test_the_inventory_header_counts_in_words_and_reads_without_a_time_span(tmp_path: Path, open_report: Any) -> None:
    log = tmp_path / "one.jsonl"
    log.write_text(track("2024-03-01T10:00:00Z") + "\n")
    report = tmp_path / "report.html"
    cli("inventory", log, "--user", "nobody", "--format", "html", "-o", report)
    page = open_report(report).page
    header = page.locator("p.muted").first.inner_text()
    assert header.endswith(": 1 event, 1 filtered out")
    assert "The filters let no event through" in page.locator("body").inner_text()
    report = tmp_path / "timed.html"
    cli("inventory", log, "--format", "html", "-o", report)
    header = open_report(report).page.locator("p.muted").first.inner_text()
    assert header.endswith(": 1 event from 2024-03-01T10:00:00.000Z to 2024-03-01T10:00:00.000Z")
    # Some let through: the span is theirs, worded as the text inventory words it.
    log.write_text(track("2024-03-01T10:00:00Z") + "\n" + track("2024-03-02T10:00:00Z") + "\n")
    report = tmp_path / "some.html"
    cli("inventory", log, "--since", "2024-03-02", "--format", "html", "-o", report)
    header = open_report(report).page.locator("p.muted").first.inner_text()
    assert header.endswith(
        ": 2 events, 1 filtered out, 1 left from 2024-03-02T10:00:00.000Z to 2024-03-02T10:00:00.000Z"
    )
    text = cli("inventory", log, "--since", "2024-03-02")[1]
    assert " ".join(text.split("\nattribute budget")[0].split()).endswith(header.split(": ", 1)[1])


def kept_row(name: str, slot: int, messages: int | None) -> dict[str, Any]:
    counts = messages if messages is None else 1
    return {
        "name": name,
        "fate": "kept",
        "slot": slot,
        "messages": messages,
        "users": counts,
        "users_estimated": False,
        "first_seen": None,
        "last_seen": None,
        "findings": {},
    }


def test_kept_names_the_logs_sent_rank_ahead_of_known_names_they_never_sent() -> None:
    from hotjar_cli.report.html_format import TABLE_ROWS, inventory_table

    known = [kept_row(f"Archived Flow {slot}", slot, None) for slot in range(1, TABLE_ROWS + 501)]
    # Past the sample of names held, a name these logs took a slot for has no counts, as a known one has none.
    sent = [kept_row(f"Viewed Page {slot}", slot, None) for slot in range(len(known) + 1, len(known) + 11)]
    counted_sent = [kept_row("Signed Up", len(known) + 11, 7)]
    budget = {"known_before": len(known)}
    record = {
        "attributes": {"names": [], "budget": {"known_before": 0}, "remainder": {"names": 0}},
        "events": {"names": known + sent + counted_sent, "budget": budget, "remainder": {"names": 0}},
        "users_note": "Users counted per name",
    }
    table = inventory_table(record)
    shown = re.findall(r'<td class="name" data-name="[^"]*">([^<]*)</td>', table)
    assert len(shown) == TABLE_ROWS
    assert shown[:11] == ["Signed Up", *(f"Viewed Page {slot}" for slot in sorted(row["slot"] for row in sent))]
    assert shown[11:] == [row["name"] for row in known[: TABLE_ROWS - 11]]


def test_names_turned_away_by_thousands_leave_half_the_table_to_kept_names_and_a_share_to_names_never_sent() -> None:
    from hotjar_cli.report.html_format import TABLE_ROWS, inventory_table

    def lost_row(name: str, fate: str, messages: int) -> dict[str, Any]:
        return {**kept_row(name, 0, messages), "fate": fate, "slot": None}

    # Every turned-away name more frequent than every name never sent, and than every kept one.
    turned_away = [lost_row(f"Flag {n}", "turned-away", 1_000 + n) for n in range(TABLE_ROWS * 2)]
    never_sent = [lost_row(f"Nested {n}", "never-sent", 100 + n) for n in range(TABLE_ROWS // 3)]
    kept = [kept_row(f"Kept {n}", n, 10) for n in range(1, TABLE_ROWS * 3)]
    record = {
        "attributes": {"names": [], "budget": {"known_before": 0}, "remainder": {"names": 0}},
        "events": {"names": kept + turned_away + never_sent, "budget": {"known_before": 0}, "remainder": {"names": 0}},
        "users_note": "Users counted per name",
    }
    table = inventory_table(record)
    fates = re.findall(r'<td class="nowrap fate-([a-z-]+)">', table)
    assert len(fates) == TABLE_ROWS
    assert fates.count("kept") == TABLE_ROWS // 2
    assert fates.count("turned-away") == fates.count("never-sent") == TABLE_ROWS // 4
    shown = re.findall(r'<td class="name" data-name="[^"]*">([^<]*)</td>', table)
    assert (
        shown[: TABLE_ROWS // 4]
        == [row["name"] for row in sorted(turned_away, key=lambda row: -row["messages"])][: TABLE_ROWS // 4]
    )
    assert f"{len(kept) - TABLE_ROWS // 2:,} less frequent kept names" in table


def test_a_kept_name_whose_counts_are_not_known_shows_a_question_mark_the_page_explains() -> None:
    from hotjar_cli.report.html_format import inventory_table

    rows = [kept_row("Signed Up", 1, 7), kept_row("Viewed Page 2", 2, None)]
    record = {
        "attributes": {"names": [], "budget": {"known_before": 0}, "remainder": {"names": 0}},
        "events": {"names": rows, "budget": {"known_before": 0}, "remainder": {"names": 0}},
        "users_note": "Users counted per name",
    }
    table = inventory_table(record)
    unknown = re.search(r'data-name="Viewed Page 2">.*?</tr>', table)
    assert unknown is not None
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", unknown.group(0))
    assert cells[-6:] == ["?"] * 6  # messages, users, types, findings, first and last seen
    counted = re.search(r'data-name="Signed Up">.*?</tr>', table)
    assert counted is not None and "?" not in counted.group(0)
    assert "?: not known for 1 of these names, which the site holds: it is outside the sample" in table


def page_of_known_events(tmp_path: Path, open_report: Any, known: int, sent: int) -> Any:
    """The inventory page of `sent` new event names over a site that held `known` before them."""
    names = tmp_path / "known.txt"
    names.write_text("".join(f"Archived Flow {number}\n" for number in range(known)))
    log = tmp_path / "log.jsonl"
    log.write_text(
        "".join(track("2024-03-01T10:00:00Z", event=f"Viewed Page {number}") + "\n" for number in range(sent))
    )
    report = tmp_path / "report.html"
    cli("inventory", log, "--known-events", names, "--format", "html", "-o", report)
    return open_report(report).page


def test_the_event_budget_bar_tells_names_held_before_these_logs_from_names_they_took(
    tmp_path: Path, open_report: Any
) -> None:
    page = page_of_known_events(tmp_path, open_report, known=9_990, sent=10)
    bar = page.locator(".bar")
    widths = bar.evaluate("bar => Array.from(bar.children, part => [part.className, part.offsetWidth])")
    assert [name for name, _ in widths] == ["known", "taken"]
    full = bar.evaluate("bar => bar.clientWidth")
    assert widths[0][1] == pytest.approx(full * 0.999, abs=1) and widths[1][1] == pytest.approx(full * 0.001, abs=1)
    colour = "element => getComputedStyle(element).backgroundColor"
    grid_legend, bar_legend = page.locator(".slots-legend").all()
    assert bar.locator(".known").evaluate(colour) == bar_legend.locator(".slot.known").evaluate(colour)
    assert bar.locator(".taken").evaluate(colour) == bar_legend.locator(".slot.taken").evaluate(colour)
    assert bar.locator(".known").evaluate(colour) != bar.locator(".taken").evaluate(colour)
    assert "--known-events" in bar_legend.inner_text()
    # No attribute name was held before: the grid's legend has no colour for them, as its words have no count.
    assert "before these logs" not in grid_legend.inner_text() and grid_legend.locator(".slot.known").count() == 0
    assert bar.get_attribute("title") == "10,000 of 10,000: 9,990 held before these logs, 10 taken by these logs"


def test_the_turned_away_list_says_how_many_of_them_the_table_holds(tmp_path: Path, open_report: Any) -> None:
    page = page_of_known_events(tmp_path, open_report, known=10_000, sent=1_200)
    listed = page.locator(".fate-turned-away", has_text="Turned away").inner_text()
    rows = page.locator("#inventory tbody tr td.fate-turned-away").count()
    assert rows == 1_000
    assert "and 1,180 more; the table below shows 1,000 of them" in listed
    assert "inventory --format json or csv lists them all" in listed
    assert "(in the table below)" not in listed


def test_the_charts_fit_a_narrow_window(samples_page: tuple[Any, dict[str, Any]]) -> None:
    page, _ = samples_page
    page.set_viewport_size({"width": 800, "height": 900})
    charts = page.eval_on_selector_all(
        "figure.chart", "figures => figures.map(f => [f.clientWidth, f.scrollWidth, f.querySelector('svg') !== null])"
    )
    assert charts and all(has_svg for _, _, has_svg in charts)
    # Drawn to the window's width: nothing to scroll sideways to, the last day and the legend in view.
    assert all(scrolled <= shown for shown, scrolled, _ in charts), charts


def page_width(page: Any) -> tuple[int, int]:
    """How wide the page is drawn, and how wide its window is: the first above the second scrolls sideways."""
    return page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def test_the_pages_fit_a_phone_s_window(
    samples_page: tuple[Any, dict[str, Any]], tmp_path: Path, open_report: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 390 px, the width of a phone the page's viewport tag speaks to, the page was 554 px wide: each rule's card at
    # least 540 px, and the slots' grid of 20 columns about 519 px.
    page, _ = samples_page
    monkeypatch.chdir(ROOT)
    inventory = tmp_path / "inventory.html"
    cli("inventory", "sample_events/", "--format", "html", "-o", inventory)
    for shown in (page, open_report(inventory).page):
        shown.set_viewport_size({"width": 390, "height": 800})
        drawn, window = page_width(shown)
        assert drawn <= window, (drawn, window)
        assert shown.locator(".slots").count() > 0


def test_a_long_name_without_a_space_keeps_the_page_in_its_window(tmp_path: Path, open_report: Any) -> None:
    # Turned away, a name of 230 characters without a space made the page 1,650 px wide at 1,280, in the line that
    # lists the names turned away; a family's template and example did the same (1,673 px).
    log = tmp_path / "long.jsonl"
    names = ["Signed Up", "Viewed /docs/" + "a" * 230, *(f"Viewed_/docs/{n}/" + "a" * 200 for n in range(25))]
    log.write_text(
        "".join(
            json.dumps({"type": "track", "userId": "u1", "event": name, "timestamp": "2024-03-01T10:00:00Z"}) + "\n"
            for name in names
        )
    )
    for command in ("inventory", "validate"):
        report = tmp_path / f"{command}.html"
        gate = ["--fail-on", "never"] if command == "validate" else []
        cli(command, log, "--max-events", "1", "--format", "html", "-o", report, *gate)
        page = open_report(report).page
        drawn, window = page_width(page)
        assert drawn <= window, (command, drawn, window)
        assert page.get_by_text("Turned away", exact=False).count() > 0


EDGES_OF_TIME = {
    "the-year-1": ["0001-01-01T00:00:00Z"],
    "the-year-9999": ["9999-12-31T10:00:00Z"],
    "the-last-second-of-the-year-9999": ["9999-12-31T23:59:59Z"],
    "2024-and-the-year-9999": [*(f"2024-03-0{day}T10:00:00Z" for day in (1, 2, 3)), "9999-12-31T10:00:00Z"],
    "the-year-1-and-2024": ["0001-01-01T00:00:00Z", "2024-03-01T10:00:00Z"],
}
"""Logs at the first and last times a date holds (the README's years 1 to 9999), alone and beside today's."""


def x_ticks(page: Any, chart: str) -> list[str]:
    """The labels of a chart's time axis, left to right."""
    return page.eval_on_selector_all(
        f'figure[data-chart="{chart}"] g.role-axis[aria-label^="X-axis"] g.role-axis-label text',
        "labels => labels.map(label => label.textContent)",
    )


@pytest.mark.parametrize("times", EDGES_OF_TIME.values(), ids=EDGES_OF_TIME)
@pytest.mark.parametrize(
    "command",
    [["validate", "--by", "day"], ["validate", "--by", "hour"], ["inventory"], ["inventory", "--by", "hour"]],
    ids=" ".join,
)
def test_an_html_report_of_events_in_the_year_1_or_the_year_9999_is_written_and_charts_every_bucket(
    tmp_path: Path, open_report: Any, times: list[str], command: list[str]
) -> None:
    log = tmp_path / "edge.jsonl"
    log.write_text("".join(track(moment) + "\n" for moment in times))
    report = tmp_path / "report.html"
    code, _ = cli(command[0], log, *command[1:], "--format", "html", "-o", report)
    assert code == 0 and report.is_file()
    opened = open_report(report)
    page = opened.page
    assert opened.errors == [] and opened.requests == [] and opened.dialogs == []
    timeline = json.loads(page.locator("#report-data").text_content())["timeline"]
    buckets = timeline["buckets"]
    assert buckets[0]["start"].startswith(times[0][:4]) and buckets[-1]["start"].startswith(times[-1][:4])
    chart = page.locator('figure[data-chart="outcomes"]')
    assert chart.get_attribute("data-buckets") == str(len(buckets))
    if chart.get_attribute("data-marks") == "bars":
        drawn = bars(page, "outcomes")
        expected = [
            f"{bucket['start']}: {bucket['events']} event{'s' if bucket['events'] > 1 else ''} accepted"
            for bucket in buckets
            if bucket["events"]
        ]
        assert sorted(bar["label"] for bar in drawn) == sorted(expected)
        # Each bar on the chart, as wide as its bucket: the first bucket of the year 1 and the last of the year
        # 9999 included.
        assert all(bar["width"] >= 1 and bar["x"] >= 0 for bar in drawn)
        assert all(bar["x"] + bar["width"] <= 1000 for bar in drawn), drawn
    else:
        # Steps across the whole axis, which runs from the first bucket's year to the end of the last one's.
        area = chart.evaluate(
            "figure => { const box = figure.querySelector('g.mark-area path').getBBox(); return [box.x, box.width]; }"
        )
        assert area[0] == pytest.approx(0, abs=1) and area[1] == pytest.approx(1000, abs=1), area
        assert timeline["by"] == "year"
        axis = chart.locator('g.role-axis[aria-label^="X-axis"]').get_attribute("aria-label")
        first, last = int(buckets[0]["start"]), int(buckets[-1]["start"])
        assert axis.endswith(f"values from {first:04d} to {min(last + 1, 9999):04d}"), axis
    # Every year the time axis names is one a date holds, written in its four digits.
    labels = x_ticks(page, "outcomes")
    assert labels
    years = [year for label in labels for year in re.findall(r"\d{4,}", label)]
    assert all(len(year) == 4 and 1 <= int(year) <= 9999 for year in years), labels


def test_names_that_differ_in_tabs_and_spaces_read_apart_in_the_table(tmp_path: Path, open_report: Any) -> None:
    lookalikes = ["\tTab", "plan ", " plan", "plan\t", "plan", "Signed  Up"]
    log = tmp_path / "lookalikes.jsonl"
    log.write_text(
        "".join(
            json.dumps(message) + "\n"
            for message in (
                {"type": "identify", "userId": "u1", "traits": dict.fromkeys(lookalikes, 1)},
                *({"type": "track", "userId": "u1", "event": name} for name in lookalikes),
            )
        )
    )
    report = tmp_path / "report.html"
    cli("inventory", log, "--format", "html", "-o", report)
    page = open_report(report).page
    # As the page shows them: a browser folds a tab and runs of spaces into one space, and drops them at the ends.
    shown = page.eval_on_selector_all("#inventory td.name", "cells => cells.map(cell => cell.innerText)")
    expected = ["\\u0009Tab", "plan\\u0020", "\\u0020plan", "plan\\u0009", "plan", "Signed  Up"]
    assert sorted(shown) == sorted(expected * 2)


def test_the_filter_finds_a_name_typed_as_it_is_or_as_the_page_shows_it(tmp_path: Path, open_report: Any) -> None:
    names = ["plan ", "plan", "pl\u200ban", "tab\there", "esc\x1b[31m", "nel\x85x"]
    log = tmp_path / "names.jsonl"
    log.write_text(json.dumps({"type": "identify", "userId": "u1", "traits": dict.fromkeys(names, 1)}) + "\n")
    report = tmp_path / "report.html"
    cli("inventory", log, "--format", "html", "-o", report)
    assert "\x1b" not in report.read_text() and "\u200b" not in report.read_text()  # no terminal acts on the file
    page = open_report(report).page
    box = page.locator("input.filter")

    def found(typed: str) -> list[str]:
        box.fill(typed)
        return page.eval_on_selector_all(
            "#inventory tbody tr:not([hidden]) td.name", "cells => cells.map(cell => cell.getAttribute('data-name'))"
        )

    assert found("plan ") == ["plan "]  # typed with its space, as Hotjar holds it
    assert sorted(found("plan\\u0020")) == ["plan "]  # as the page shows it
    assert found("pl\u200ban") == ["pl\u200ban"]
    assert found("tab\there") == ["tab\there"]
    assert found("esc\x1b") == ["esc\x1b[31m"]
    # No reference gives a C1 control back (`&#x85;` reads as `…`): the name is matched as the page shows it.
    assert found("\u2026") == []
    assert found("nel\\u0085") == ["nel\\u0085x"]
    assert len(found("")) == len(names)


def test_under_a_ulimit_too_low_for_the_chart_renderer_the_page_is_written_without_charts(tmp_path: Path) -> None:
    import resource
    import subprocess
    import sys

    log = tmp_path / "two.jsonl"
    log.write_text(
        json.dumps({"type": "identify", "userId": "u1", "traits": {"plan": "pro"}, "timestamp": "2024-03-01T10:00:00Z"})
        + "\n"
    )
    report = tmp_path / "report.html"

    def low_limit() -> None:  # about what a constrained CI runner allows; the renderer would stop the process
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, resource.RLIM_INFINITY))

    done = subprocess.run(
        [sys.executable, "-m", "hotjar_cli", "inventory", str(log), "--format", "html", "-o", str(report)],
        capture_output=True,
        text=True,
        preexec_fn=low_limit,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = report.read_text()
    assert "The charts could not be drawn: their renderer reserves about 70 GiB of address space" in page
    assert "ulimit -v allows 3.0 GiB" in page and "<svg" not in page


def test_one_event_without_a_readable_time_is_one_event_on_the_page(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(track("2024-03-01T10:00:00Z") + "\n" + track(None) + "\n")
    _, page = cli("validate", log, "--format", "html")
    assert "1 event has no readable time and is not in the charts." in page
    assert "1 events" not in page


def test_an_example_on_the_page_names_its_messageid_as_the_text_report_does(tmp_path: Path) -> None:
    # The id to look a message up by in Segment's debugger; escaped, as every text from the logs is.
    log = tmp_path / "log.jsonl"
    messages = [
        {"type": "track", "userId": "u", "event": "A!!", "messageId": "ajs-<b>1</b>", "timestamp": "2024-03-01"},
        {"type": "track", "userId": "u", "event": "A!!", "messageId": 42, "timestamp": "2024-03-01"},
        {"type": "track", "userId": "u", "event": "A!!", "timestamp": "2024-03-01"},
    ]
    log.write_text("".join(json.dumps(message) + "\n" for message in messages))
    _, page = cli("validate", log, "--format", "html", "--fail-on", "never")
    assert f"{log}:1  messageId ajs-&lt;b&gt;1&lt;/b&gt;</p>" in page
    assert f"{log}:2  messageId 42</p>" in page
    assert f"{log}:3</p>" in page
    _, text = cli("validate", log, "--fail-on", "never")
    assert "messageId ajs-<b>1</b>" in text and "messageId 42" in text


def test_a_page_asked_for_hours_says_why_it_charts_days_as_the_text_report_does(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text("".join(track(f"2024-{month:02}-01T10:00:00Z") + "\n" for month in range(1, 13)))
    _, page = cli("validate", log, "--format", "html", "--by", "hour")
    assert "<h2>Outcomes over time (by day: hours would be too many buckets over this span)</h2>" in page
    _, page = cli("validate", log, "--format", "html")
    assert "<h2>Outcomes over time (by day)</h2>" in page


def test_each_budget_on_the_page_says_what_the_text_and_markdown_inventories_say(
    tmp_path: Path, open_report: Any
) -> None:
    # Two attribute names held before, one of them sent again and one new; an event name held before, sent again:
    # the site held slots before these logs, and the events took no new name.
    seeds = tmp_path / "attributes.txt"
    seeds.write_text("plan\nemail\n")
    events = tmp_path / "events.txt"
    events.write_text("Signed Up\n")
    log = tmp_path / "log.jsonl"
    log.write_text(
        json.dumps({"type": "identify", "userId": "u1", "traits": {"plan": "pro", "seats": 3}})
        + "\n"
        + track("2024-03-01T10:00:00Z", event="Signed Up")
        + "\n"
    )
    seeded = ("--known-attributes", seeds, "--known-events", events)
    text = " ".join(cli("inventory", log, *seeded)[1].split())
    markdown = cli("inventory", log, *seeded, "--format", "markdown")[1]
    report = tmp_path / "report.html"
    cli("inventory", log, *seeded, "--format", "html", "-o", report)
    page = " ".join(open_report(report).page.locator("body").inner_text().split())
    for said in ("3 of 100 slots used, 2 held before these logs", "1 of 10,000 slots used, 1 held before these logs"):
        assert said in text and said in markdown
        assert said in page, said
    assert "event budget: 1 of 10,000 slots used, 1 held before these logs; no new names in these logs" in text
    assert "no new names in these logs" in page.lower()


def test_more_examples_than_the_page_shows_are_said_to_be_cut_to_its_bound(tmp_path: Path, open_report: Any) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text("".join(track(f"2024-03-01T10:0{number}:00Z", event="Bad Event!") + "\n" for number in range(8)))
    report = tmp_path / "report.html"
    result = CliRunner(env=ENV).invoke(
        app, ["validate", str(log), "--examples", "6", "--fail-on", "never", "--format", "html", "-o", str(report)]
    )
    assert result.exit_code == 0
    page = open_report(report).page
    assert page.locator("#HJ303 pre.example").count() == 3
    assert " ".join(result.stderr.split()) == (
        "hotjar-cli: --format html shows at most 3 examples a rule, so --examples 6 shows 3 there (--format text or "
        "json shows 6)"
    )
    within = CliRunner(env=ENV).invoke(
        app, ["validate", str(log), "--examples", "2", "--fail-on", "never", "--format", "html", "-o", str(report)]
    )
    assert within.stderr == "" and open_report(report).page.locator("#HJ303 pre.example").count() == 2


@pytest.mark.parametrize("selection", [["--select", "HJ303"], ["--ignore", "HJ203,HJ302"]])
def test_the_page_of_a_selection_of_rules_lists_the_names_as_the_inventory_does(
    tmp_path: Path, open_report: Any, selection: list[str]
) -> None:
    # --select and --ignore choose the rules reported, not what Hotjar does: an attribute name too long for Hotjar
    # took no slot of the site, and an event name too long for it was never sent, whichever rules are reported.
    log = tmp_path / "log.jsonl"
    log.write_text(
        json.dumps({"type": "identify", "userId": "u1", "traits": {"L" * 60: 1, "plan": "pro"}})
        + "\n"
        + track("2024-03-01T10:00:00Z", event="E" * 300)
        + "\n"
        + track("2024-03-01T11:00:00Z", event="Bad Event!")
        + "\n"
        + track("2024-03-01T12:00:00Z", event="Signed Up")
        + "\n"
    )
    selected, whole = tmp_path / "selected.html", tmp_path / "inventory.html"
    cli("validate", log, *selection, "--fail-on", "never", "--format", "html", "-o", selected)
    cli("inventory", log, "--format", "html", "-o", whole)

    def names(page: Any) -> list[tuple[str, ...]]:
        rows = page.locator("#inventory tbody tr").all()
        # Kind, name, fate and slot: the family's column is blank for these.
        return sorted(
            tuple(row.locator("td").all_inner_texts()[:2] + row.locator("td").all_inner_texts()[3:5]) for row in rows
        )

    def budgets(page: Any) -> list[str]:
        return [heading for heading in page.locator("h3").all_inner_texts() if "slots used" in heading]

    page, expected = open_report(selected).page, open_report(whole).page
    assert (
        budgets(page)
        == budgets(expected)
        == [
            "Attribute names: 1 of 100 slots used",
            "Event names: 1 of 10,000 slots used",
        ]
    )
    assert names(page) == names(expected)
    assert ("attribute", "L" * 60, "never-sent", "") in names(page)
    assert any(row[0] == "event" and row[1].startswith("EEE") and row[2] == "never-sent" for row in names(page))


@pytest.mark.parametrize("command", [["inventory"], ["validate", "--allow-empty"]])
def test_the_charts_of_logs_with_no_event_say_there_is_none(
    tmp_path: Path, open_report: Any, command: list[str]
) -> None:
    # "No event in these logs has a readable time" read as if events were there without times.
    log = tmp_path / "empty.jsonl"
    log.write_text("")
    report = tmp_path / "report.html"
    cli(command[0], log, *command[1:], "--format", "html", "-o", report)
    text = " ".join(open_report(report).page.locator("body").inner_text().split())
    assert "readable time" not in text
    assert text.count("These logs hold no event, so there is nothing to chart.") == 2
    # No table of names with its headers and filter and nothing in it, where the text and markdown inventories list
    # no name: a sentence says there is none.
    page = open_report(report).page
    assert page.locator("table#inventory").count() == 0 and page.locator("input.filter").count() == 0
    assert "These logs name no attribute and no event." in text


def test_a_name_too_long_for_the_table_is_said_to_be_left_out_not_absent(tmp_path: Path) -> None:
    # An event name of 300,000 characters is past the table's bound of text by itself: the page said "These logs
    # name no attribute and no event." over budgets that counted it.
    log = tmp_path / "long.jsonl"
    log.write_text(track("2024-03-01T10:00:00Z", event="E" * 300_000) + "\n")
    report = tmp_path / "report.html"
    code, _ = cli("inventory", log, "--format", "html", "-o", report)
    page = report.read_text()
    assert code == 0
    assert "These logs name no attribute and no event." not in page
    assert "Not in the table: 1 turned-away or never-sent name past the table's bound" in page


def test_a_name_too_long_for_the_table_leaves_out_itself_not_the_names_after_it(tmp_path: Path) -> None:
    # The most frequent never-sent name, of 300,000 characters, came first and ended the table: the short names
    # after it, turned away, never sent or kept, were left out with it.
    log = tmp_path / "long.jsonl"
    lines = [track("2024-03-01T10:00:00Z", event="E" * 300_000, user=f"u{number}") for number in range(3)]
    lines += [track("2024-03-01T10:00:00Z", event=name) for name in ("bad!", "worse?", "Signed Up")]
    log.write_text("".join(line + "\n" for line in lines))
    report = tmp_path / "report.html"
    cli("inventory", log, "--format", "html", "-o", report)
    page = report.read_text()
    shown = re.findall(r'<td class="name" data-name="[^"]*"[^>]*>([^<]*)</td>', page)
    assert sorted(shown) == ["Signed Up", "bad!", "worse?"]
    assert "Not in the table: 1 turned-away or never-sent name past the table's bound" in page


def test_a_slot_of_a_name_of_a_million_characters_says_its_length_rather_than_holding_it(tmp_path: Path) -> None:
    # A seed file takes a name of any length in its slot: the slot's title held it whole, and the page was as large.
    names = tmp_path / "names.txt"
    names.write_text("plan\n" + "P" * 1_000_000 + "\n")
    log = tmp_path / "log.jsonl"
    log.write_text(track("2024-03-01T10:00:00Z") + "\n")
    for command in (["inventory"], ["validate", "--fail-on", "never"]):
        report = tmp_path / f"{command[0]}.html"
        code, _ = cli(*command, log, "--known-attributes", names, "--format", "html", "-o", report)
        assert code == 0
        page = report.read_text()
        assert report.stat().st_size < 1_000_000
        assert f'title="slot 2: {"P" * 199}… (1,000,000 characters)"' in page
        assert 'title="slot 1: plan"' in page


def test_the_table_sorts_from_the_keyboard_too(samples_page: tuple[Any, dict[str, Any]]) -> None:
    # The headers sorted on a click alone: no key reached them, and nothing on the page said they sort.
    page, _ = samples_page
    assert "Click a column's header" in page.inner_text("body")
    index = column_index(page, "messages")
    header = page.locator("#inventory th").nth(index)
    header.focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    page.keyboard.press(" ")
    assert header.get_attribute("aria-sort") == "descending"
    counts = [float(value) for value in cells(page, index) if value is not None]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_a_name_breaks_after_its_underscores_and_reads_whole(samples_page: tuple[Any, dict[str, Any]]) -> None:
    # A narrow cell broke a name anywhere: `flag_automations_dark_mo` and `de`.
    page, _ = samples_page
    cell = page.locator("#inventory td.name", has_text="flag_automations_dark_mode").first
    assert cell.inner_html() == "flag_<wbr>automations_<wbr>dark_<wbr>mode"
    assert cell.text_content() == "flag_automations_dark_mode"  # what is copied, sorted and filtered by
    page.fill("input.filter", "automations_dark")
    assert page.locator("#inventory tbody tr:not([hidden]) td.name").all_inner_texts() == ["flag_automations_dark_mode"]


def test_event_name_families_built_from_markup_show_as_text_and_run_nothing(tmp_path: Path, open_report: Any) -> None:
    log = tmp_path / "families.jsonl"
    log.write_text(
        "".join(track("2024-03-01T10:00:00Z", f"{text} {number}") + "\n" for text in HOSTILE for number in range(20))
    )
    report = tmp_path / "report.html"
    cli("inventory", log, "--format", "html", "-o", report)
    opened = open_report(report)
    page = opened.page
    page.wait_for_timeout(300)
    assert opened.dialogs == [] and opened.requests == [] and opened.errors == []
    assert page.locator("img, iframe, textarea, svg[onload]").count() == 0
    assert page.locator("script").count() == 2
    families = page.locator("ul.families li")
    assert families.count() == 5  # six families, the rest counted under the list
    assert families.filter(has_text="<img src=x onerror=alert({n})> {n}: 20 names").count() == 1
