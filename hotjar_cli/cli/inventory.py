"""`hotjar-cli inventory`: the site's attribute and event names and its budgets, over any engine.

The command reads the logs exactly as `validate` does (the same units, site-limit passes and ordered merge), with
the inventory collected beside the summary; this module turns that into the chosen format.
"""

from __future__ import annotations

import io
from typing import Any, TextIO

import msgspec

from hotjar_cli import __version__
from hotjar_cli.core.views import View
from hotjar_cli.report.inventory_formats import WRITERS, InventoryFormat
from hotjar_cli.report.records import summary_record
from hotjar_cli.report.site_view import inventory_record, timeline_record
from hotjar_cli.run.one_pass import Observer, PassSettings
from hotjar_cli.run.parallel import Engine, run_jobs


def inventory_document(summary: Any, redact: bool) -> dict[str, Any]:
    """The whole `inventory --format json` document."""
    record: dict[str, Any] = {"tool": "hotjar-cli", "version": __version__, "summary": summary_record(summary)}
    record.update(inventory_record(summary.views.inventory, redact))
    record["errors"] = [{"file": error.file, "line": error.line, "message": error.message} for error in summary.errors]
    if summary.views.timeline is not None:
        record["timeline"] = timeline_record(summary.views.timeline)
    return record


def run_inventory(
    sources: list[Any],
    settings: PassSettings,
    jobs: int,
    engine: Engine,
    format: InventoryFormat,
    out: TextIO,
    redact: bool = False,
    observer: Observer | None = None,
) -> Any:
    """Read the logs, write the inventory in `format` to `out`, and return the run's summary."""
    views = frozenset({View.INVENTORY, View.TIMELINE}) if format.value == "html" else frozenset({View.INVENTORY})
    summary = run_jobs(
        sources,
        msgspec.structs.replace(settings, views=settings.views | views),
        jobs,
        None,
        io.StringIO(),
        observer,
        engine,
    )
    WRITERS[format](inventory_document(summary, redact), out)
    return summary
