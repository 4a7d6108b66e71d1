"""hotjar-cli: what Hotjar keeps of your Segment logs, and replaying it into Hotjar."""

__version__ = "0.1.0"
