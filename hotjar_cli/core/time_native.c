/* `hotjar_cli.core.eventtime.plain_is_segment_time` in C: whether a text is a time in Segment's own form
 * (`2024-03-01T10:00:00.123Z`, with a date of that shape). Built at install with the compiled core (hatch_build.py),
 * and held equal to the Python by tests/core/test_eventtime.py.
 *
 * Every message's `timestamp` is asked (Segment's spec wants an ISO-8601 date and time there: see
 * `eventtime.is_date_time`), so the question costs what a few comparisons do: the minute of the last time met is
 * kept, as the Python keeps it, and nearly every time is in it, so that only its seconds and fraction are read. The
 * compiled Python took about 410 instructions an event (callgrind), a twentieth of what deciding a message costs.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "segment_time.h"

enum { MINUTE = 16 }; /* the characters of `2024-03-01T10:00` */

static char last_minute[MINUTE];
static int minute_known;

/* The number `text[start:end]` writes in ASCII digits; -1 when any other character is there. */
static int number_at(const char *text, int start, int end) {
    int value = 0;
    for (int at = start; at < end; at++) {
        if (text[at] < '0' || text[at] > '9')
            return -1;
        value = value * 10 + (text[at] - '0');
    }
    return value;
}

static int days_in(int year, int month) {
    if (month == 2)
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
    return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/* `_segment_minute`: a real date, `T`, an hour from 00 to 23 and a minute from 00 to 59. */
static int segment_minute(const char *text) {
    if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':')
        return 0;
    int year = number_at(text, 0, 4), month = number_at(text, 5, 7), day = number_at(text, 8, 10);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in(year, month))
        return 0;
    int hour = number_at(text, 11, 13), minute = number_at(text, 14, 16);
    return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59;
}

static PyObject *is_segment_time(PyObject *module, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "is_segment_time takes a str");
        return NULL;
    }
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    if ((size != 20 && (size < 22 || size > 24)) || !PyUnicode_IS_ASCII(text))
        Py_RETURN_FALSE; /* the form has ASCII characters only */
    const char *characters = PyUnicode_DATA(text);
    if (!minute_known || memcmp(characters, last_minute, MINUTE) != 0) {
        if (characters[size - 1] != 'Z' || !segment_minute(characters))
            Py_RETURN_FALSE;
        memcpy(last_minute, characters, MINUTE);
        minute_known = 1;
    }
    return PyBool_FromLong(segment_seconds(characters, size));
}

static PyMethodDef module_functions[] = {
    {"is_segment_time", (PyCFunction)is_segment_time, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef time_module = {
    PyModuleDef_HEAD_INIT, "time_native",
    "hotjar_cli.core.eventtime.plain_is_segment_time in C: see hotjar_cli.core.eventtime.", -1, module_functions,
};

PyMODINIT_FUNC PyInit_time_native(void) { return PyModule_Create(&time_module); }
