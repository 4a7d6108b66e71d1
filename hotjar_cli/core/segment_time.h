/* The seconds of a time in Segment's own form (`2024-03-01T10:00:00.123Z`), read in place: shared by the two modules
 * of the core in C that read such times, hotjar_cli/core/time_native.c and hotjar_cli/core/tally_native.c, as
 * `hotjar_cli.core.eventtime.segment_seconds` reads them in Python. */

#ifndef HOTJAR_CLI_SEGMENT_TIME_H
#define HOTJAR_CLI_SEGMENT_TIME_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Whether an ASCII text of 20 or 22 to 24 characters, whose first 16 are a minute in Segment's form, goes on as
 * such a time does: `:SS`, then none or one to three decimals after a dot, then `Z`. */
static inline int segment_seconds(const char *text, Py_ssize_t size) {
    if (text[size - 1] != 'Z' || text[16] != ':' || text[17] < '0' || text[17] > '5' || text[18] < '0' ||
        text[18] > '9')
        return 0;
    if (size == 20)
        return 1;
    if (text[19] != '.')
        return 0;
    for (Py_ssize_t at = 20; at < size - 1; at++)
        if (text[at] < '0' || text[at] > '9')
            return 0;
    return 1;
}

#endif
