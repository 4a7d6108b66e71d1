"""Report formats: one module per format, one enum member each; adding a format is one module and one member.

Each format's module is imported only when it is chosen, so a run pays for one format only.
"""

from __future__ import annotations

from enum import Enum
from importlib import import_module
from typing import TextIO

from hotjar_cli.report.interface import Report, Reporter


class Format(str, Enum):
    """The report formats `--format` offers."""

    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    JUNIT = "junit"
    GITHUB = "github"
    MARKDOWN = "markdown"
    HTML = "html"


REPORTERS: dict[Format, str] = {
    Format.TEXT: "hotjar_cli.report.text_format:TextReporter",
    Format.JSON: "hotjar_cli.report.json_format:JsonReporter",
    Format.JSONL: "hotjar_cli.report.jsonl_format:JsonLinesReporter",
    Format.JUNIT: "hotjar_cli.report.junit_format:JunitReporter",
    Format.GITHUB: "hotjar_cli.report.github_format:GithubReporter",
    Format.MARKDOWN: "hotjar_cli.report.markdown_format:MarkdownReporter",
    Format.HTML: "hotjar_cli.report.html_format:HtmlReporter",
}
"""Where each format's reporter lives, as `module:class`."""


def reporter_class(format: Format) -> type[Reporter]:
    """The reporter class of a format."""
    module, _, name = REPORTERS[format].partition(":")
    reporter: type[Reporter] = getattr(import_module(module), name)
    return reporter


def make_reporter(format: Format, out: TextIO, redact: bool = False, color: bool | None = None) -> Reporter:
    """The reporter for a format, writing to `out`; `color` as `Reporter.color`."""
    return reporter_class(format)(out, redact, color)


__all__ = ["REPORTERS", "Format", "Report", "Reporter", "make_reporter", "reporter_class"]
