"""`--format junit`: one test case per rule, failing when the rule breaks the gate, with examples in the failure."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from hotjar_cli.core.rules import CATALOGUE
from hotjar_cli.core.summary import Example
from hotjar_cli.core.visible import visible
from hotjar_cli.report.diff import details, message_id_shown
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.redact import redact_example


def _example_text(example: Example, code: str) -> str:
    said = details(example, code, joint=": ")
    shown_id = message_id_shown(example)
    message_id = f" messageId={shown_id}" if shown_id else ""
    # One example, one line: its line breaks are escapes, as `visible` writes every character it escapes.
    return visible(f"{example.position}{message_id}: {said}")


def _valid_xml(suites: ElementTree.Element) -> None:
    """Every text and attribute value of the document, each of its lines through `visible`: what XML 1.0 forbids
    (C0 controls but tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF) is written as an escape
    (`\\uffff`), as the text report shows it, and one crafted name cannot make the whole file unreadable to a CI's
    test reporter. The noncharacters XML only discourages (U+FDD0–U+FDEF, U+1FFFE …) are escapes too, since
    `visible` escapes them for the terminal: the report shows a name as the other formats do. The examples went
    through `visible` already (which changes nothing twice); this holds for any text put in the document."""
    for element in suites.iter():
        if element.text:
            element.text = "\n".join(map(visible, element.text.split("\n")))
        for key, value in list(element.attrib.items()):
            element.set(key, "\n".join(map(visible, value.split("\n"))))


class JunitReporter(Reporter):
    """A JUnit XML document CI systems show as tests: every rule of the catalogue is a test case, skipped when the
    run's selection leaves it out."""

    def finish(self, report: Report) -> None:
        """Write the document."""
        summary, verdict = report.summary, report.verdict
        suites = ElementTree.Element("testsuites", name="hotjar-cli")
        suite = ElementTree.SubElement(suites, "testsuite", name="hotjar-cli validate")
        failures = skipped = 0
        for rule in CATALOGUE:
            case = ElementTree.SubElement(suite, "testcase", classname="hotjar-cli.rules", name=rule.title)
            if not report.selected(rule.code):
                # Shown as passed, a rule left out would say the logs hold none of what it finds: it never looked.
                skipped += 1
                ElementTree.SubElement(
                    case,
                    "skipped",
                    message="not checked in this run: --select or --ignore (or the pyproject) leave it out",
                )
                continue
            count = summary.rules.get(rule.code, 0)
            examples = [
                redact_example(example, report.limits) if report.redact else example
                for example in summary.examples.get(rule.code, [])
            ]
            body = "\n".join(_example_text(example, rule.code) for example in examples)
            if rule.code in verdict.failing_codes:
                failures += 1
                above = verdict.above_maximum.get(rule.code)  # a rule that fails by its rate says by how much
                failure = ElementTree.SubElement(
                    case,
                    "failure",
                    type=rule.severity.value,
                    message=f"{count:,} finding{'s' if count != 1 else ''} in "
                    f"{summary.affected.get(rule.code, 0):,} of {summary.events:,} events"
                    f"{f' ({above})' if above else ''}: {rule.message}",
                )
                failure.text = body
            elif count:
                ElementTree.SubElement(
                    case, "system-out"
                ).text = f"{count:,} finding{'s' if count != 1 else ''} ({rule.severity.value}, below the gate)\n{body}"
        # Both cases are always there, passing or not: a dashboard counts a suite's tests from run to run, and a case
        # there only when it failed made 27 tests one day and 28 the next.
        case = ElementTree.SubElement(suite, "testcase", classname="hotjar-cli.input", name="input has events")
        if verdict.empty is not None:
            failures += 1
            ElementTree.SubElement(case, "failure", type="empty", message=verdict.empty)
        case = ElementTree.SubElement(suite, "testcase", classname="hotjar-cli.input", name="input is readable")
        if summary.errors:
            error = ElementTree.SubElement(case, "error", message=f"{len(summary.errors)} file(s) could not be read")
            error.text = "\n".join(visible(f"{item.place}: {item.message}") for item in summary.errors)
        suite.set("tests", str(len(suite)))
        suite.set("failures", str(failures))
        suite.set("errors", str(1 if summary.errors else 0))
        suites.set("tests", suite.get("tests", "0"))
        suites.set("failures", str(failures))
        suites.set("errors", suite.get("errors", "0"))
        if skipped:
            suite.set("skipped", str(skipped))
            suites.set("skipped", str(skipped))
        _valid_xml(suites)
        ElementTree.indent(suites)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ElementTree.tostring(suites, encoding="unicode") + "\n")
