"""Report formats: one module per format, one enum member each; adding a format is one module and one member."""

from __future__ import annotations

from enum import Enum
from typing import TextIO

from hotjar_cli.report.github_format import GithubReporter
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.json_format import JsonReporter
from hotjar_cli.report.jsonl_format import JsonLinesReporter
from hotjar_cli.report.junit_format import JunitReporter
from hotjar_cli.report.markdown_format import MarkdownReporter
from hotjar_cli.report.text_format import TextReporter


class Format(str, Enum):
    """The report formats `--format` offers."""

    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    JUNIT = "junit"
    GITHUB = "github"
    MARKDOWN = "markdown"


REPORTERS: dict[Format, type[Reporter]] = {
    Format.TEXT: TextReporter,
    Format.JSON: JsonReporter,
    Format.JSONL: JsonLinesReporter,
    Format.JUNIT: JunitReporter,
    Format.GITHUB: GithubReporter,
    Format.MARKDOWN: MarkdownReporter,
}


def make_reporter(format: Format, out: TextIO, redact: bool = False) -> Reporter:
    """The reporter for a format, writing to `out`."""
    return REPORTERS[format](out, redact)


__all__ = ["Format", "Report", "Reporter", "REPORTERS", "make_reporter"]
