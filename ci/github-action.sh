#!/usr/bin/env bash
# The step of the hotjar-cli GitHub Action (action.yml): annotations on the offending lines of the logs, the
# report in the job's step summary, and the gate's exit code as the step's result.
#
# It needs only what GitHub sets, so it runs the same on a laptop:
#   HOTJAR_CLI_PATHS='segment-logs/' GITHUB_STEP_SUMMARY=summary.md GITHUB_OUTPUT=outputs.txt ci/github-action.sh
#
#   HOTJAR_CLI_PATHS     the logs: files, directories, globs or s3:// paths, separated by spaces (required)
#   HOTJAR_CLI_ARGS      more options for `hotjar-cli validate` (say `--fail-on warning --redact`), no --format/-o
#   HOTJAR_CLI           the command to run (default: hotjar-cli on the PATH)
#   GITHUB_STEP_SUMMARY  where the Markdown report is appended (skipped when unset)
#   GITHUB_OUTPUT        where `exit-code=N` is appended (skipped when unset)
set -uo pipefail

hotjar_cli="${HOTJAR_CLI:-hotjar-cli}"
read -r -a paths <<< "${HOTJAR_CLI_PATHS:?set HOTJAR_CLI_PATHS (the action input paths): the logs to validate}"
read -r -a args <<< "${HOTJAR_CLI_ARGS:-}"

# Workflow commands on stdout become annotations; the gate's verdict is this run's exit code.
"$hotjar_cli" validate "${paths[@]}" "${args[@]}" --format github --no-progress
code=$?

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    # The same settings, so the summary tells the same verdict; the step's result is the first run's, which has
    # said any error already.
    "$hotjar_cli" validate "${paths[@]}" "${args[@]}" --format markdown --no-progress -q \
        >> "$GITHUB_STEP_SUMMARY" 2> /dev/null
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    echo "exit-code=$code" >> "$GITHUB_OUTPUT"
fi
exit "$code"
