"""The `hotjar-cli` console script: start-up tuning, then the command group, and click's own errors in one line."""

import gc
import sys


def main() -> None:
    """The `hotjar-cli` console script."""
    # Importing Typer, click, msgspec and the core makes many lasting objects and no garbage, yet the collector would
    # run over them again and again while starting. It is paused for the imports, and what they made is set aside
    # for good (gc.freeze): out of the collector's sight for the rest of the process.
    gc.disable()
    import click
    from click.utils import PacifyFlushWrapper

    from hotjar_cli.cli.app import app
    from hotjar_cli.cli.command import drop_stdout, output_error
    from hotjar_cli.cli.talk import Talk
    from hotjar_cli.core.gate import EXIT_ERROR

    gc.freeze()
    gc.enable()
    try:
        code = app(prog_name="hotjar-cli", standalone_mode=False)
    except click.UsageError as error:
        # One line, like every other error of ours, instead of the usage box. (No arguments at all printed
        # the help already.)
        command = error.ctx.command_path if error.ctx is not None else "hotjar-cli"
        if error.format_message():
            Talk().error(f"{error.format_message()} (see `{command} --help`)")
        sys.exit(EXIT_ERROR)
    except click.ClickException as error:
        Talk().error(error.format_message())
        sys.exit(EXIT_ERROR)
    except (KeyboardInterrupt, click.exceptions.Abort):
        sys.exit(130)
    except BrokenPipeError:
        # The reader of our output went away (`| head`): not an error of ours.
        drop_stdout()
        sys.exit(0)
    except OSError as error:
        # Output that cannot be written outside a command's run (`--help > /dev/full`).
        drop_stdout()
        Talk().error(output_error(error))
        sys.exit(EXIT_ERROR)
    except SystemExit as done:
        # Rich and click end with 1 when the reader of the help (`--help | head -1`) goes away: the reader has what
        # it wanted, as for a command's report.
        if done.code == 1 and (
            isinstance(done.__context__, BrokenPipeError) or isinstance(sys.stdout, PacifyFlushWrapper)
        ):
            drop_stdout()
            sys.exit(0)
        raise
    sys.exit(code if isinstance(code, int) else 0)
