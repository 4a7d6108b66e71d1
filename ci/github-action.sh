#!/usr/bin/env bash
# The step of the hotjar-cli GitHub Action (action.yml): annotations on the offending lines of the logs, the
# report in the job's step summary, and the gate's exit code as the step's result.
#
# It needs only what GitHub sets, so it runs the same on a laptop:
#   HOTJAR_CLI_PATHS='segment-logs/' GITHUB_STEP_SUMMARY=summary.md GITHUB_OUTPUT=outputs.txt ci/github-action.sh
#
#   HOTJAR_CLI_PATHS     the logs: files, directories, globs or s3:// paths, separated by spaces, quoted as in a
#                        shell when one holds a space (required)
#   HOTJAR_CLI_ARGS      more options for `hotjar-cli validate` (say `--fail-on warning --redact`), quoted as in a
#                        shell, no --format/-o
#   HOTJAR_CLI_PYTHON    the Python that splits those into words (default: python3)
#   HOTJAR_CLI           the command to run (default: hotjar-cli on the PATH)
#   GITHUB_STEP_SUMMARY  where the Markdown report is appended (skipped when unset)
#   GITHUB_OUTPUT        where `exit-code=N` is appended (skipped when unset)
set -uo pipefail

hotjar_cli="${HOTJAR_CLI:-hotjar-cli}"

# Words as a shell splits them, quotes kept together ('--user "Ada Lovelace"', a path with a space), but nothing
# expanded or run: Python's shlex, one word per NUL.
words() {
    "${HOTJAR_CLI_PYTHON:-python3}" -c 'import shlex, sys; sys.stdout.write("".join(w + "\0" for w in shlex.split(sys.argv[1])))' "$1"
}
mapfile -d '' -t paths < <(words "${HOTJAR_CLI_PATHS:?set HOTJAR_CLI_PATHS (the action input paths): the logs to validate}")
mapfile -d '' -t args < <(words "${HOTJAR_CLI_ARGS:-}")
if [[ ${#paths[@]} -eq 0 ]]; then
    echo "hotjar-cli: error: HOTJAR_CLI_PATHS names no path (or its quotes do not close)" >&2
    exit 2
fi

# Workflow commands on stdout become annotations; the gate's verdict is this run's exit code.
"$hotjar_cli" validate "${paths[@]}" "${args[@]}" --format github --no-progress
code=$?

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    # The same settings, so the summary tells the same verdict; the step's result is the first run's. A run that
    # could not validate (exit 2) says why in the summary too, as an indented block: a file name from the logs is
    # shown as text there, never as Markdown.
    errors="$(mktemp)"
    "$hotjar_cli" validate "${paths[@]}" "${args[@]}" --format markdown --no-progress -q \
        >> "$GITHUB_STEP_SUMMARY" 2> "$errors"
    if [[ $code -eq 2 ]]; then
        {
            printf '\n**hotjar-cli could not validate the logs** (exit 2):\n\n'
            sed 's/^/    /' "$errors"
        } >> "$GITHUB_STEP_SUMMARY"
    fi
    rm -f "$errors"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    echo "exit-code=$code" >> "$GITHUB_OUTPUT"
fi
exit "$code"
