"""hotjar-cli: what Hotjar keeps of your Segment logs, and replaying it into Hotjar."""

from hotjar_cli import compiled

__version__ = "0.1.0"

# Before any module of the core is imported: compiled modules older than their sources are passed over.
compiled.use_sources_when_stale()
