"""hotjar-cli: what Hotjar keeps of your Segment logs, and replaying it into Hotjar."""

import os
import sys

__version__ = "0.1.0"

try:
    from hotjar_cli import compiled

    # Before any module of the core is imported: compiled modules older than their sources are passed over.
    compiled.use_sources_when_stale()
except KeyboardInterrupt:
    # Ctrl-C as the command starts (the sources' check reads every one of the core's files): one line, as later, not
    # a traceback. Imported by other code, the interrupt is theirs.
    if os.path.basename(sys.argv[0]) not in ("hotjar-cli", "-m", "__main__.py"):
        raise
    if sys.stderr is not None:
        sys.stderr.write("hotjar-cli: interrupted as it started: nothing was read or written\n")
    sys.exit(130)  # 128 + SIGINT, as a shell reports a command Ctrl-C ended (`hotjar_cli.cli.main.EXIT_INTERRUPTED`)
