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
#   HOTJAR_CLI_PYTHON    the Python that splits those into words and ends a summary past GitHub's 1 MiB
#                        (default: python3)
#   HOTJAR_CLI           the command to run (default: hotjar-cli on the PATH)
#   GITHUB_STEP_SUMMARY  where the Markdown report is appended (skipped when unset)
#   GITHUB_OUTPUT        where `exit-code=N` is appended (skipped when unset)
set -uo pipefail

hotjar_cli="${HOTJAR_CLI:-hotjar-cli}"
python="${HOTJAR_CLI_PYTHON:-python3}"

# A step that cannot run says why in one line, in the step summary too, and ends as a run that could not validate
# (exit 2, `exit-code=2`): never as a gate that passed on less than was asked.
fail() {
    echo "hotjar-cli: error: $1" >&2
    if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
        printf '\n**hotjar-cli could not validate the logs** (exit 2):\n\n    hotjar-cli: error: %s\n' "$1" \
            >> "$GITHUB_STEP_SUMMARY"
    fi
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
        echo "exit-code=2" >> "$GITHUB_OUTPUT"
    fi
    exit 2
}

# Words as a shell splits them, quotes kept together ('--user "Ada Lovelace"', a path with a space), but nothing
# expanded or run: Python's shlex, one word per NUL, into the array named first. Quotes that do not close fail the
# step, rather than drop every word.
split_words() {
    local -n into=$1
    local found
    found="$(mktemp)"
    if ! "$python" -c 'import shlex, sys
try:
    words = shlex.split(sys.argv[1])
except ValueError:
    sys.exit(3)
sys.stdout.write("".join(word + "\0" for word in words))' "$3" > "$found" 2> /dev/null; then
        rm -f "$found"
        command -v "$python" > /dev/null 2>&1 ||
            fail "HOTJAR_CLI_PYTHON=$python: no such Python, which splits the action's inputs into words"
        fail "$2: its quotes do not close; quote as in a shell (\"my logs/a.jsonl\", --user 'Ada Lovelace')"
    fi
    mapfile -d '' -t into < "$found"
    rm -f "$found"
}

[[ -n "${HOTJAR_CLI_PATHS:-}" ]] || fail "HOTJAR_CLI_PATHS is empty: set the action's input paths to the logs to validate"
split_words paths HOTJAR_CLI_PATHS "$HOTJAR_CLI_PATHS"
split_words args HOTJAR_CLI_ARGS "${HOTJAR_CLI_ARGS:-}"
if [[ ${#paths[@]} -eq 0 ]]; then
    fail "HOTJAR_CLI_PATHS names no path: set the action's input paths to the logs to validate"
fi
# The action writes its own reports (the annotations, then the summary): a --format or an output given in the inputs
# would take both. The words are read as hotjar-cli reads them (click): short options cluster (`-qo FILE`,
# `-vfjson`: flags first, then one option whose value is the rest of the word or the next word), a long option's
# value may follow `=`, the word after an option that takes a value is that value (`--user -o` names a user), and
# the words after `--` are paths. validate's options, as `hotjar-cli validate --help` lists them:
short_flags="qv"
short_with_value="fjo"
long_with_value=" --format --output --examples --fail-on --select --ignore --extend-select --extend-ignore --max-rate
    --since --until --type --user --max-attribute-name-length --max-attribute-value-length --max-event-name-length
    --event-name-characters --max-attributes --max-events --config --stdin-filename --color --jobs --engine --scheduler
    --endpoint-url --known-attributes --known-events --by --also "
long_with_value="${long_with_value//$'\n'/ }"
value_next=false
paths_only=false

refuse_reports() {
    fail "$1 gives $2: the action chooses the reports (annotations and the step summary); leave out --format and -o"
}

# Fails the step when the words of input $1 (the rest) give -f/--format or -o/--output, read on from the words of the
# inputs before it (the command line is paths, then args).
no_reports_in() {
    local input=$1 word letter at given
    shift
    for word in "$@"; do
        if $value_next; then
            value_next=false
        elif $paths_only; then
            :
        elif [[ $word == -- ]]; then
            paths_only=true
        elif [[ $word == --* ]]; then
            case "${word%%=*}" in
                --format | --output) refuse_reports "$input" "$word" ;;
                # It prints validate's help and exits 0: the step would pass having validated nothing.
                --help) fail "$input gives --help, which prints validate's help and checks no log: leave it out" ;;
            esac
            [[ $word != *=* && $long_with_value == *" $word "* ]] && value_next=true
        elif [[ $word == -?* ]]; then
            for ((at = 1; at < ${#word}; at++)); do
                letter="${word:at:1}"
                if [[ $letter == h ]]; then
                    [[ $word == -h ]] && given=-h || given="-h (in $word)"
                    fail "$input gives $given, which prints validate's help and checks no log: leave it out"
                elif [[ $letter == [fo] && $word == "-$letter" ]]; then
                    refuse_reports "$input" "$word"
                elif [[ $letter == [fo] ]]; then
                    refuse_reports "$input" "-$letter (in $word)"
                elif [[ $short_with_value == *"$letter"* ]]; then
                    ((at == ${#word} - 1)) && value_next=true
                    break
                elif [[ $short_flags != *"$letter"* ]]; then
                    break # no such option: hotjar-cli refuses the word itself
                fi
            done
        fi
    done
}
no_reports_in HOTJAR_CLI_PATHS "${paths[@]}"
no_reports_in HOTJAR_CLI_ARGS "${args[@]}"
command -v "$hotjar_cli" > /dev/null 2>&1 || fail "$hotjar_cli: no such command; install hotjar-cli first (pip install hotjar-cli)"

# Workflow commands on stdout become annotations; the gate's verdict is this run's exit code. The markdown report for
# the step summary comes from the same reading of the logs (`--also`): logs read once, however large, and a summary
# that tells the same verdict. What the run says on stderr is kept, then shown in the step's log: a run that could
# not validate (exit 2) says why in the summary too. The action's own options come first, so that a `--` in args
# makes only the words after it paths.
report="$(mktemp)"
errors="$(mktemp)"
summary=()
[[ -n "${GITHUB_STEP_SUMMARY:-}" ]] && summary=(--also "markdown=$report")
"$hotjar_cli" validate --format github --no-progress "${summary[@]}" "${paths[@]}" "${args[@]}" 2> "$errors"
code=$?
cat "$errors" >&2

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    # GitHub takes at most 1 MiB of summary a step, and drops the whole of a larger one. A run that could not validate
    # says why as an indented block (a file name from the logs is shown as text there, never as Markdown), its first
    # 100 KB: the step's log has the rest. The report ends before the rule or the example that would take the two past
    # the limit, and says so: the block once took a summary cut to the limit past it, and GitHub showed nothing.
    "$python" -c 'import re, sys
limit, said_at_most = 1_000_000, 100_000
report = open(sys.argv[1], "rb").read()
said = b""
if sys.argv[3] == "2":
    lines = open(sys.argv[2], "rb").read().splitlines()
    shown, size = [], 0
    for line in lines:
        if size + len(line) + 5 > said_at_most:
            break
        shown.append(b"    " + line + b"\n")
        size += len(line) + 5
    if len(shown) < len(lines):
        shown.append(b"    ... and %d more lines: the step\x27s log holds them all\n" % (len(lines) - len(shown)))
    said = b"\n**hotjar-cli could not validate the logs** (exit 2):\n\n" + b"".join(shown)
room = limit - len(said)
if len(report) > room:
    starts = [found.start() for found in re.finditer(rb"\n(?=### |`[^`])", report[: room - 400])]
    report = report[: starts[-1] if starts else 0] + (
        b"\n\n**The report ends here**: the rest of its examples would take it past 1 MiB, the most GitHub shows of "
        b"a step summary. `hotjar-cli validate --format markdown` on the same logs writes it whole.\n"
    )
sys.stdout.buffer.write(report + said)' "$report" "$errors" "$code" >> "$GITHUB_STEP_SUMMARY"
fi
rm -f "$errors" "$report"
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    echo "exit-code=$code" >> "$GITHUB_OUTPUT"
fi
exit "$code"
