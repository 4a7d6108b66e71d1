"""The one kind of error that stops a run with a line to the user."""


class UserError(Exception):
    """A problem the user can fix (a path, an option, a setting, a missing extra): said in one line, exit 2.

    Each layer names its own kind (a path that cannot be read, a setting, an engine, a replay's setup); the command
    line catches only this base. A file that stops being readable part-way is not one: it is recorded in the
    summary and the run goes on.
    """
