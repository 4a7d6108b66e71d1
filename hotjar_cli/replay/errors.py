"""The one exception replay raises to its caller: a setup problem the user can fix before anything is sent."""

from __future__ import annotations

from hotjar_cli.core.errors import UserError


class ReplaySetupError(UserError):
    """Replay cannot start (no Chromium, an invalid site id or page address, a checkpoint in use).

    The message is one line that says what is wrong and what to do; the command line prints it and exits 2.
    """
