# Segment's own time form in C (hotjar_cli/core/time_native.c): `hotjar_cli.core.eventtime.plain_is_segment_time`,
# built at install with the compiled core.

def is_segment_time(text: str) -> bool: ...
