"""The command line: parse options into settings, build the parts, run, exit with the code the run returns.

`main.py` is the console script, `app.py` the command group, and each command is a module of its own
(`validate.py`, `inventory.py`, `replay.py`, `rules.py`) over what they share: `options.py` (the options),
`settings.py` (options and the pyproject merged into a run's settings), `command.py` (errors, exit codes, output and
progress), `config.py` (the pyproject's table), `talk.py` (what is said on stderr) and `progress.py` (the progress
bar, or its plain lines off a terminal).
Importing any of them changes nothing outside it: the console script does its start-up tuning itself.
"""
