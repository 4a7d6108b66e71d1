/* `hotjar_cli.core.facade.could_differ_here` in C (and `hotjar_cli.core.decode.nested_deeper_here`, at the end): whether a line holds `__proto__`, `hasOwnProperty`, `valueOf`,
 * `toString`, or a `\u` escape of a character from `@` to DEL (`\u0040` to `\u007f`, which could spell a letter of
 * them).
 * Built at install with the compiled core (hatch_build.py), and held equal to the Python by tests/core/test_facade.py.
 *
 * Every line the engine reads is asked, so the question costs one pass over the line rather than a search per word:
 * each word holds a byte rare in a log's lines (`\`, the capital `O` of `hasOwnProperty` and `valueOf`) or a pair of
 * bytes rarer still (two underscores in a row; the `oS` of `toString`, where a capital S alone is common: `Safari` in
 * every browser's user agent), and only where one is found are the bytes around it compared. Where the processor
 * has AVX2 (nearly every x86-64 machine since 2013), the pass looks at 32 bytes at a time for all four at once;
 * elsewhere, memchr (vectorised by the C library) looks for each byte in turn (the `S` of `toString` alone). On the
 * benchmark's short lines (345 bytes on average) that is about 240 and 460 instructions a line (callgrind, the pass
 * alone over 20,000 lines), where a line costs about 16,000 in all; looking for `toString` too added about 57 and
 * 107 (from 183 and 355).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define WITH_AVX2 1
#endif

/* Whether the word that a byte found by the pass (`\`, `O`, the `o` before an `S`, or the first of two underscores)
 * belongs to is one of those asked about. */
static int word_at(const char *at, const char *start, const char *end) {
    if (*at == '\\')
        return end - at >= 5 && at[1] == 'u' && at[2] == '0' && at[3] == '0' && at[4] >= '4' && at[4] <= '7';
    if (*at == 'O') /* hasOwnProperty: `O` is its 4th character; valueOf: its 6th */
        return (at - start >= 3 && end - at >= 11 && memcmp(at - 3, "hasOwnProperty", 14) == 0) ||
               (at - start >= 5 && end - at >= 2 && memcmp(at - 5, "valueOf", 7) == 0);
    if (*at == 'o') /* toString: `o` is its 2nd character */
        return at - start >= 1 && end - at >= 7 && memcmp(at - 1, "toString", 8) == 0;
    return end - at >= 9 && memcmp(at, "__proto__", 9) == 0;
}

/* The pass with memchr: each rare byte in turn. */
static int differs_bytewise(const char *start, const char *end) {
    const char *at;
    for (at = memchr(start, '\\', (size_t)(end - start)); at != NULL; at = memchr(at + 1, '\\', (size_t)(end - at - 1)))
        if (word_at(at, start, end))
            return 1;
    for (at = memchr(start, 'O', (size_t)(end - start)); at != NULL; at = memchr(at + 1, 'O', (size_t)(end - at - 1)))
        if (word_at(at, start, end))
            return 1;
    for (at = memchr(start, '_', (size_t)(end - start)); at != NULL && end - at >= 9;
         at = memchr(at + 1, '_', (size_t)(end - at - 1)))
        if (at[1] == '_' && word_at(at, start, end))
            return 1;
    for (at = memchr(start, 'S', (size_t)(end - start)); at != NULL; at = memchr(at + 1, 'S', (size_t)(end - at - 1)))
        if (at - start >= 1 && at[-1] == 'o' && word_at(at - 1, start, end))
            return 1;
    return 0;
}

#ifdef WITH_AVX2
/* The bytes marked in the 32 from `at`: each `\` or `O`, each `_` followed by `_`, and each `o` followed by `S` (the
 * byte after the block is read too). */
__attribute__((target("avx2"))) static inline __m256i marked_at(const char *at) {
    const __m256i backslash = _mm256_set1_epi8('\\'), capital_o = _mm256_set1_epi8('O'),
                  underscore = _mm256_set1_epi8('_'), small_o = _mm256_set1_epi8('o'), capital_s = _mm256_set1_epi8('S');
    __m256i here = _mm256_loadu_si256((const __m256i *)at);
    __m256i next = _mm256_loadu_si256((const __m256i *)(at + 1));
    __m256i alone = _mm256_or_si256(_mm256_cmpeq_epi8(here, backslash), _mm256_cmpeq_epi8(here, capital_o));
    __m256i pairs = _mm256_or_si256(
        _mm256_and_si256(_mm256_cmpeq_epi8(here, underscore), _mm256_cmpeq_epi8(next, underscore)),
        _mm256_and_si256(_mm256_cmpeq_epi8(here, small_o), _mm256_cmpeq_epi8(next, capital_s)));
    return _mm256_or_si256(alone, pairs);
}

__attribute__((target("avx2"))) static int word_in(__m256i marked, const char *at, const char *start,
                                                   const char *end) {
    for (unsigned mask = (unsigned)_mm256_movemask_epi8(marked); mask != 0; mask &= mask - 1)
        if (word_at(at + __builtin_ctz(mask), start, end))
            return 1;
    return 0;
}

/* The pass 32 bytes at a time, two blocks a turn (one test for both), then one at a time; the last block ends at the
 * line's end, overlapping the one before it (a byte met twice is looked at twice, which changes no answer). The
 * line's last byte starts no word, each being longer than a byte. */
__attribute__((target("avx2"))) static int differs_avx2(const char *start, const char *end) {
    if (end - start < 33)
        return differs_bytewise(start, end);
    const char *last = end - 33; /* the last block, and the byte after it, are in the line */
    const char *at = start;
    for (; at + 32 <= last; at += 64) {
        __m256i first = marked_at(at), second = marked_at(at + 32), either = _mm256_or_si256(first, second);
        if (!_mm256_testz_si256(either, either) &&
            (word_in(first, at, start, end) || word_in(second, at + 32, start, end)))
            return 1;
    }
    for (;; at += 32) {
        if (at > last)
            at = last;
        if (word_in(marked_at(at), at, start, end))
            return 1;
        if (at == last)
            return 0;
    }
}
#endif

static int (*differs)(const char *, const char *) = differs_bytewise;

/* A line as bytes (or anything with the buffer protocol), to `answer` with the pass given. */
static PyObject *screened(PyObject *raw, int (*pass)(const char *, const char *)) {
    if (PyBytes_CheckExact(raw)) {
        const char *start = PyBytes_AS_STRING(raw);
        return PyBool_FromLong(pass(start, start + PyBytes_GET_SIZE(raw)));
    }
    Py_buffer view;
    if (PyObject_GetBuffer(raw, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    const char *start = view.buf;
    int found = pass(start, start + view.len);
    PyBuffer_Release(&view);
    return PyBool_FromLong(found);
}

static PyObject *could_differ(PyObject *module, PyObject *raw) {
    (void)module;
    return screened(raw, differs);
}

static PyObject *could_differ_bytewise(PyObject *module, PyObject *raw) {
    (void)module;
    return screened(raw, differs_bytewise);
}

/* `could_differ` of each line of a list (of bytes), as the places of those it is true of: nearly always none. One
 * call a block of lines, rather than one a line, which would cost a line a fifth as much again as the pass. */
static PyObject *lines_that_could_differ(PyObject *module, PyObject *lines) {
    (void)module;
    if (!PyList_Check(lines)) {
        PyErr_SetString(PyExc_TypeError, "lines_that_could_differ takes a list of bytes");
        return NULL;
    }
    PyObject *found = PyList_New(0);
    if (found == NULL)
        return NULL;
    for (Py_ssize_t index = 0; index < PyList_GET_SIZE(lines); index++) {
        PyObject *line = PyList_GET_ITEM(lines, index);
        int differs_here;
        if (PyBytes_CheckExact(line)) {
            const char *start = PyBytes_AS_STRING(line);
            differs_here = differs(start, start + PyBytes_GET_SIZE(line));
        } else {
            PyObject *answer = screened(line, differs);
            if (answer == NULL) {
                Py_DECREF(found);
                return NULL;
            }
            differs_here = answer == Py_True;
            Py_DECREF(answer);
        }
        if (differs_here) {
            PyObject *place = PyLong_FromSsize_t(index);
            if (place == NULL || PyList_Append(found, place) < 0) {
                Py_XDECREF(place);
                Py_DECREF(found);
                return NULL;
            }
            Py_DECREF(place);
        }
    }
    return found;
}

/* `hotjar_cli.core.decode.nested_deeper_here`: whether a line opens more than `levels` objects or lists within each
 * other, its strings skipped (a `\` escapes the byte after it; a string left open runs to the line's end). Asked of
 * lines long enough to be (more than twice `levels` bytes): a byte at a time, and nearly never. */
static int deeper(const char *line, Py_ssize_t size, Py_ssize_t levels) {
    Py_ssize_t depth = 0;
    for (Py_ssize_t at = 0; at < size; at++) {
        char byte = line[at];
        if (byte == '"') {
            for (at++; at < size && line[at] != '"'; at++)
                if (line[at] == '\\')
                    at++;
        } else if (byte == '{' || byte == '[') {
            if (++depth > levels)
                return 1;
        } else if (byte == '}' || byte == ']') {
            depth--;
        }
    }
    return 0;
}

static PyObject *nested_deeper(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "nested_deeper takes a line and a number of levels");
        return NULL;
    }
    Py_ssize_t levels = PyLong_AsSsize_t(args[1]);
    if (levels == -1 && PyErr_Occurred())
        return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0)
        return NULL;
    int found = deeper(view.buf, view.len, levels);
    PyBuffer_Release(&view);
    return PyBool_FromLong(found);
}

static PyMethodDef module_functions[] = {
    {"nested_deeper", (PyCFunction)(void (*)(void))nested_deeper, METH_FASTCALL, NULL},
    {"could_differ", (PyCFunction)could_differ, METH_O, NULL},
    {"could_differ_bytewise", (PyCFunction)could_differ_bytewise, METH_O, NULL},
    {"lines_that_could_differ", (PyCFunction)lines_that_could_differ, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef screen_module = {
    PyModuleDef_HEAD_INIT, "screen_native",
    "hotjar_cli.core.facade.could_differ_here in C: see hotjar_cli.core.facade.", -1, module_functions,
};

PyMODINIT_FUNC PyInit_screen_native(void) {
#ifdef WITH_AVX2
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        differs = differs_avx2;
#endif
    return PyModule_Create(&screen_module);
}
