/* The inventory's tally in C: `hotjar_cli.core.tally.Tally`, held equal to `PythonTally` in
 * hotjar_cli/core/tally.py, whose docstrings say what each method does. Built at install with the compiled core
 * (hatch_build.py).
 *
 * Where the Python tally keeps an object per name and a set of Python integers per name's users, this one keeps a
 * slot per name in an array, its users' 64-bit hashes in a small open-addressing table (then HyperLogLog registers),
 * and the decisions held in a table keyed by address: counting an event touches a slot and a table line, and makes
 * no object. What it does not read itself it asks the core's own Python functions, given at construction: `before`
 * (two times not both in Segment's form), `user_key` (a message whose userId and anonymousId are not plain texts),
 * `trait_name` (the path of a finding met for the first time), `is_segment_time` (a time in a minute not met just
 * before) and `seconds` (a time handed over that is not a text in Segment's form with a calendar date). Those are
 * pure: they do not call the tally back, so a slot found before one of them is called is still where it was.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "segment_time.h"

enum { ATTRIBUTES = 0, EVENTS = 1, KINDS = 2 };
enum { JS_TYPES = 8, PRECISION = 10, REGISTERS = 1 << PRECISION, HIGH_VALUE_BITS = 32 - PRECISION };
/* The places of a message's fields in `hotjar_cli.core.decode.message_fields`. */
enum { ANONYMOUS_ID = 0, TIMESTAMP = 6, TYPE = 7, USER_ID = 8, EVENT = 9, TRAITS = 10 };

enum { DROP_CODES = 4 };
enum { NO_SIGHTING = 0, TIME_OBJECT = 1, TIME_TEXT = 2, TEXT_HELD = 24 }; /* a time in Segment's form fits */
enum { MINUTE = 16 }; /* the characters of `2024-03-01T10:00` */

/* A sighting, in one line of memory. Its time, nearly always a text in Segment's form, is held as its characters:
 * holding the text object would keep one alive per name, and letting it go at the next sighting would touch memory
 * long cold. */
typedef struct {
    int32_t state; /* NO_SIGHTING, TIME_OBJECT (`when`, None included) or TIME_TEXT (`text`) */
    int32_t size;  /* TIME_TEXT: an ASCII text of `size` characters */
    PyObject *when; /* TIME_OBJECT only */
    PyObject *file;
    Py_ssize_t line;
    PyObject *index; /* None or an int */
    char text[TEXT_HELD];
} Where;

/* A name's findings by code (see `add_dropped`). */
typedef struct {
    PyObject *code[DROP_CODES]; /* the first codes met, then `more` */
    int64_t count[DROP_CODES];
    PyObject *more; /* a dict of counts by code, once past DROP_CODES codes */
} Drops;

/* A name's counts, in three lines of memory. Counting a message (or a value) writes the first two only: the users'
 * fields, which adding a user reads too, the messages and the last sighting; slots start on a line of their own.
 * What most names never count is held apart: the types of an attribute's values (event names have none) and the
 * findings (nine event names in ten have none). Held in the slot, they made it 320 bytes rather than 192: 330 page
 * faults more for the 8,200 names of 150 MB of the short benchmark, and twice that for each process of
 * `--jobs 2` on the whole of it. */
typedef struct __attribute__((aligned(64))) {
    uint64_t *exact; /* open addressing, 0 for an empty place; a hash of 0 is `has_zero` */
    uint8_t *registers; /* once past the exact bound */
    uint32_t exact_count, exact_capacity;
    uint8_t has_zero;
    uint8_t used; /* anything counted since the slot was last taken */
    uint8_t offered;
    int64_t messages;
    Where last;
    int64_t *types; /* an attribute's, JS_TYPES counts: made with its slot and kept while it is; NULL for an event's */
    Drops *drops; /* made at the first finding */
    Where first;
} Slot;
_Static_assert(sizeof(Slot) <= 192, "a slot is three lines of memory");

/* A decision held: one line of memory, so that a track under it is matched and counted without reading its name
 * or codes from their objects (long cold by then) when the name is short and the decision has no finding. */
enum { NAME_AT_HAND = 27 };
/* What `observe_event` answers besides a decision's kind: `hotjar_cli.core.tally.COUNTED`, `NOT_COUNTED`. */
enum { COUNTED = -1, NOT_COUNTED = -2 };
typedef struct {
    PyObject *decision; /* strong: its address stays its own while held; NULL for an empty place */
    PyObject *name;     /* NULL: it sends no name */
    PyObject *codes;    /* a tuple */
    int32_t slot;
    int32_t decision_kind; /* the kind the counting loop gave it (`hotjar_cli.core.kinds`), or COUNTED */
    int16_t code_count; /* the size of `codes` */
    int16_t name_size;  /* the name's characters, held below when ASCII and at most NAME_AT_HAND; else -1 */
    int8_t identify;    /* a shared decision of identifies sending attributes: `codes` holds its findings */
    char name_text[NAME_AT_HAND];
} Held;

typedef struct {
    PyObject_HEAD
    Py_ssize_t exact_users;
    Py_ssize_t held_limit;
    Py_ssize_t line_base; /* added to every line a sighting holds (`number_lines_from`) */
    PyObject *before, *user_key, *trait_name, *is_segment_time, *seconds, *still_offered;
    Slot *slots[KINDS];
    Py_ssize_t slot_count[KINDS], slot_capacity[KINDS];
    Py_ssize_t *free_slots[KINDS];
    Py_ssize_t free_count[KINDS], free_capacity[KINDS];
    Held *held; /* the decisions held, in the order they were first held (see `place_to_hold`) */
    uint32_t *held_places; /* open addressing by address: 1 + a decision's number in `held`, 0 for an empty place */
    Py_ssize_t held_count, held_capacity, places_capacity;
    Held *recent; /* copies of the decisions held met lately, by address: a small table the processor keeps; made at
                   * the first decision held (a tally that only adds up what others counted holds none) */
    struct Known *known;
    struct Deferred *deferred; /* events found and not yet counted (see `count_deferred`) */
    struct Planned *planned;
    PyObject **kind_numbers; /* `kind_number`'s, made as first answered */
    Py_ssize_t deferred_count;
    Py_ssize_t known_count, known_capacity;
    int64_t occurrences[KINDS];
    Where earliest, latest; /* the span of event times since it was last taken: times only */
    char minute[MINUTE];    /* the last minute met in a time in Segment's form, when `minute_known` */
    int minute_known;
    PyObject *attribute_slots; /* `watch_attributes` */
    struct NameSlot *name_slots; /* what `attribute_slots` says of the trait names met lately (see `attribute_slot`) */
    Py_ssize_t name_slots_held;  /* entries made since it was last let go: none, nothing to let go */
    int attributes_full;
    struct HeldUser *users_held, *users_sorted; /* users to add (see `add_users`) */
    Py_ssize_t users_count;
    uint32_t *key_counts;
    size_t key_counts_size;
    /* Timed events by day since 1970 (`days`): `days` holds them by bin of `1 << day_shift` days, as `(events,
     * earliest, latest)` in seconds; the run of times met lately in one day is counted in `day_count` first, its
     * earliest and latest in `day_first` and `day_last`, its date at hand in `day_text` when it is a text. */
    PyObject *days;
    Where day_first, day_last;
    int day_shift, day_text_known;
    int64_t day, day_count;
    char day_text[10];
} Tally;

/* Events found and not yet counted, counted first by every method but `observe_event` (see `deferred_place`). */
static int count_deferred(Tally *self);
#define COUNT_DEFERRED(self)                                                                                           \
    if ((self)->deferred_count && count_deferred(self) < 0)                                                          \
    return NULL

/* ---- users: `hotjar_cli.core.sketch.user_hash`, `register_of` ---- */

static uint32_t mixed(uint32_t value) {
    value ^= value >> 16;
    value *= 0x85EBCA6Bu;
    value ^= value >> 13;
    value *= 0xC2B2AE35u;
    return value ^ (value >> 16);
}

static uint32_t rotated(uint32_t value, int bits) { return (value << bits) | (value >> (32 - bits)); }

static uint64_t bytes_hash(const unsigned char *data, Py_ssize_t size) {
    uint32_t first = 0x811C9DC5u, second = 0x050C5D1Fu;
    Py_ssize_t at = 0;
    for (; at + 4 <= size; at += 4) {
        uint32_t word = (uint32_t)data[at] | (uint32_t)data[at + 1] << 8 | (uint32_t)data[at + 2] << 16 |
                        (uint32_t)data[at + 3] << 24;
        first = rotated((first ^ word) * 0x01000193u, 13);
        second = rotated((second ^ word) * 0x2F0F3B9Bu, 17);
    }
    for (; at < size; at++) {
        first = (first ^ data[at]) * 0x01000193u;
        second = (second ^ data[at]) * 0x2F0F3B9Bu;
    }
    first = mixed(first ^ (uint32_t)size);
    second = mixed(second ^ first);
    first = mixed(first ^ second);
    return ((uint64_t)first << 32) | second;
}

/* The hash of a user id, as `user_hash` takes it: its UTF-8 bytes, lone surrogates passed through. -1 on error. */
static int text_hash(PyObject *text, uint64_t *hash) {
    if (PyUnicode_IS_ASCII(text)) {
        *hash = bytes_hash(PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text));
        return 0;
    }
    Py_ssize_t size;
    const char *data = PyUnicode_AsUTF8AndSize(text, &size);
    if (data != NULL) {
        *hash = bytes_hash((const unsigned char *)data, size);
        return 0;
    }
    if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
        return -1;
    PyErr_Clear();
    PyObject *encoded = PyUnicode_AsEncodedString(text, "utf-8", "surrogatepass");
    if (encoded == NULL)
        return -1;
    *hash = bytes_hash((const unsigned char *)PyBytes_AS_STRING(encoded), PyBytes_GET_SIZE(encoded));
    Py_DECREF(encoded);
    return 0;
}

static int bit_length(uint32_t value) { return value ? 32 - __builtin_clz(value) : 0; }

static void add_to_registers(uint8_t *registers, uint64_t hash) {
    uint32_t high = (uint32_t)(hash >> 32), low = (uint32_t)hash;
    uint32_t high_value = high & ((1u << HIGH_VALUE_BITS) - 1);
    int rank = high_value ? HIGH_VALUE_BITS - bit_length(high_value) + 1 : (64 - PRECISION) - bit_length(low) + 1;
    uint32_t index = high >> HIGH_VALUE_BITS;
    if (rank > registers[index])
        registers[index] = (uint8_t)rank;
}

/* One user into a slot's distinct users, as `DistinctUsers.add` does. -1 on error. */
static int add_user(Tally *self, Slot *slot, uint64_t hash) {
    if (slot->registers != NULL) {
        add_to_registers(slot->registers, hash);
        return 0;
    }
    if (hash == 0) {
        if (slot->has_zero)
            return 0;
        slot->has_zero = 1;
    } else {
        if ((slot->exact_count + 1) * 2 > slot->exact_capacity) {
            uint32_t capacity = slot->exact_capacity ? slot->exact_capacity * 2 : 8;
            uint64_t *table = PyMem_Calloc(capacity, sizeof(uint64_t));
            if (table == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            for (uint32_t at = 0; at < slot->exact_capacity; at++) {
                uint64_t held = slot->exact[at];
                if (held) {
                    uint32_t place = (uint32_t)(held * 0x9E3779B97F4A7C15ull >> 32) & (capacity - 1);
                    while (table[place])
                        place = (place + 1) & (capacity - 1);
                    table[place] = held;
                }
            }
            PyMem_Free(slot->exact);
            slot->exact = table;
            slot->exact_capacity = capacity;
        }
        uint32_t mask = slot->exact_capacity - 1;
        uint32_t place = (uint32_t)(hash * 0x9E3779B97F4A7C15ull >> 32) & mask;
        while (slot->exact[place]) {
            if (slot->exact[place] == hash)
                return 0;
            place = (place + 1) & mask;
        }
        slot->exact[place] = hash;
        slot->exact_count++;
    }
    if ((Py_ssize_t)(slot->exact_count + slot->has_zero) > self->exact_users) {
        uint8_t *registers = PyMem_Calloc(REGISTERS, 1);
        if (registers == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        for (uint32_t at = 0; at < slot->exact_capacity; at++)
            if (slot->exact[at])
                add_to_registers(registers, slot->exact[at]);
        if (slot->has_zero)
            add_to_registers(registers, 0);
        PyMem_Free(slot->exact);
        slot->exact = NULL;
        slot->exact_count = slot->exact_capacity = 0;
        slot->has_zero = 0;
        slot->registers = registers;
    }
    return 0;
}

/* ---- slots ---- */

static void clear_where(Where *where) {
    Py_CLEAR(where->when);
    Py_CLEAR(where->file);
    Py_CLEAR(where->index);
    where->state = NO_SIGHTING;
}

/* A slot emptied; an attribute's keeps its types, at zero. */
static void clear_slot(Slot *slot) {
    clear_where(&slot->first);
    clear_where(&slot->last);
    PyMem_Free(slot->exact);
    PyMem_Free(slot->registers);
    if (slot->drops != NULL) {
        for (int at = 0; at < DROP_CODES; at++)
            Py_XDECREF(slot->drops->code[at]);
        Py_XDECREF(slot->drops->more);
        PyMem_Free(slot->drops);
    }
    int64_t *types = slot->types;
    memset(slot, 0, sizeof(Slot));
    if (types != NULL) {
        memset(types, 0, JS_TYPES * sizeof(int64_t));
        slot->types = types;
    }
}

static Slot *slot_at(Tally *self, int kind, Py_ssize_t slot) {
    if (kind < 0 || kind >= KINDS || slot < 0 || slot >= self->slot_count[kind]) {
        PyErr_Format(PyExc_IndexError, "no slot %zd of kind %d", slot, kind);
        return NULL;
    }
    return &self->slots[kind][slot];
}

/* Times in Segment's form with milliseconds, nearly every time met, have TEXT_HELD characters: copied and compared
 * with a size the compiler knows, in a few instructions rather than a call. */
static void copy_text(char *to, const char *from, Py_ssize_t size) {
    if (size == TEXT_HELD)
        memcpy(to, from, TEXT_HELD);
    else
        memcpy(to, from, (size_t)size);
}

/* Eight characters as a number that orders as they do. */
static uint64_t ordered_word(const char *text) {
    uint64_t word;
    memcpy(&word, text, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    word = __builtin_bswap64(word);
#endif
    return word;
}

/* `memcmp` of two texts of `size` characters: below, at or above 0. */
static int compare_text(const char *text, const char *other, Py_ssize_t size) {
    if (size != TEXT_HELD)
        return memcmp(text, other, (size_t)size);
    for (int at = 0; at < TEXT_HELD; at += 8) {
        uint64_t word = ordered_word(text + at), other_word = ordered_word(other + at);
        if (word != other_word)
            return word < other_word ? -1 : 1;
    }
    return 0;
}

/* A sighting's time: a span's ends have nothing else. */
static void set_time(Where *where, PyObject *when) {
    if (PyUnicode_CheckExact(when) && PyUnicode_IS_ASCII(when) && PyUnicode_GET_LENGTH(when) <= TEXT_HELD) {
        Py_CLEAR(where->when);
        where->state = TIME_TEXT;
        where->size = (int32_t)PyUnicode_GET_LENGTH(when);
        copy_text(where->text, PyUnicode_DATA(when), where->size);
        return;
    }
    Py_INCREF(when);
    Py_XSETREF(where->when, when);
    where->state = TIME_OBJECT;
}

static void set_where(Where *where, PyObject *when, PyObject *file, Py_ssize_t line, PyObject *index,
                      Py_ssize_t line_base) {
    if (where->file != file) {
        Py_INCREF(file);
        Py_XSETREF(where->file, file);
    }
    if (where->index != index) {
        Py_INCREF(index);
        Py_XSETREF(where->index, index);
    }
    where->line = line_base + line;
    set_time(where, when);
}

/* A sighting's time as an object (a new reference). */
static PyObject *where_when(Where *where) {
    if (where->state == TIME_TEXT)
        return PyUnicode_FromStringAndSize(where->text, where->size);
    return Py_NewRef(where->when);
}

static int timed(Where *where) { return where->state == TIME_TEXT || (where->state == TIME_OBJECT && where->when != Py_None); }

/* Whether `when` is before `other` (neither None): `hotjar_cli.core.tally.before`. -1 on error. */
static int is_before(Tally *self, PyObject *when, PyObject *other) {
    if (PyUnicode_Check(when) && PyUnicode_Check(other) &&
        PyUnicode_GET_LENGTH(when) == PyUnicode_GET_LENGTH(other)) {
        int compared = PyUnicode_Compare(when, other);
        if (compared == -1 && PyErr_Occurred())
            return -1;
        return compared < 0;
    }
    PyObject *answer = PyObject_CallFunctionObjArgs(self->before, when, other, NULL);
    if (answer == NULL)
        return -1;
    int truth = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    return truth;
}

/* Whether a time is at or after a sighting's, both texts of one length (times in Segment's form nearly always
 * are): 1 or 0, and 2 when they are not two such texts. -1 on error. */
static int text_not_before(PyObject *when, Where *where) {
    if (!PyUnicode_CheckExact(when) || where->state == NO_SIGHTING)
        return 2;
    if (where->state == TIME_TEXT) {
        if (PyUnicode_GET_LENGTH(when) != where->size)
            return 2;
        if (PyUnicode_IS_ASCII(when))
            return compare_text(PyUnicode_DATA(when), where->text, where->size) >= 0;
    } else if (!PyUnicode_CheckExact(where->when) || PyUnicode_GET_LENGTH(when) != PyUnicode_GET_LENGTH(where->when)) {
        return 2;
    }
    PyObject *other = where_when(where);
    if (other == NULL)
        return -1;
    int compared = PyUnicode_Compare(when, other);
    Py_DECREF(other);
    if (compared == -1 && PyErr_Occurred())
        return -1;
    return compared >= 0;
}

/* `is_before` a sighting's time. -1 on error. */
static int before_where(Tally *self, PyObject *when, Where *where) {
    if (where->state == TIME_TEXT && PyUnicode_CheckExact(when) && PyUnicode_IS_ASCII(when) &&
        PyUnicode_GET_LENGTH(when) == where->size) /* two texts of one length: compared as `is_before` does */
        return compare_text(PyUnicode_DATA(when), where->text, where->size) < 0;
    PyObject *other = where_when(where);
    if (other == NULL)
        return -1;
    int answer = is_before(self, when, other);
    Py_DECREF(other);
    return answer;
}

/* A sighting compared with a slot's first and last: `hotjar_cli.core.tally._sight`. -1 on error. */
static int sight(Tally *self, Slot *slot, PyObject *when, PyObject *file, Py_ssize_t line, PyObject *index) {
    if (slot->first.state == NO_SIGHTING) {
        set_where(&slot->first, when, file, line, index, self->line_base);
        set_where(&slot->last, when, file, line, index, self->line_base);
        return 0;
    }
    int in_order = text_not_before(when, &slot->last);
    if (in_order < 0)
        return -1;
    if (in_order == 1) {
        set_where(&slot->last, when, file, line, index, self->line_base);
        return 0;
    }
    if (when == Py_None) {
        if (!timed(&slot->last))
            set_where(&slot->last, when, file, line, index, self->line_base);
        return 0;
    }
    int take_first = !timed(&slot->first);
    if (!take_first) {
        take_first = before_where(self, when, &slot->first);
        if (take_first < 0)
            return -1;
    }
    int take_last = !timed(&slot->last);
    if (!take_last) {
        int earlier = before_where(self, when, &slot->last);
        if (earlier < 0)
            return -1;
        take_last = !earlier;
    }
    if (take_first)
        set_where(&slot->first, when, file, line, index, self->line_base);
    if (take_last)
        set_where(&slot->last, when, file, line, index, self->line_base);
    return 0;
}

/* The user a message counts for (`hotjar_cli.core.tally.user_of`): 1 with its hash, 0 for none, -1 on error. */
static int user_of(Tally *self, PyObject *fields, uint64_t *hash) {
    PyObject *user = PyTuple_GET_ITEM(fields, USER_ID);
    if (PyUnicode_CheckExact(user) && PyUnicode_GET_LENGTH(user))
        return text_hash(user, hash) < 0 ? -1 : 1;
    PyObject *anonymous = PyTuple_GET_ITEM(fields, ANONYMOUS_ID);
    int no_user = user == Py_None || (PyUnicode_CheckExact(user) && !PyUnicode_GET_LENGTH(user));
    if (no_user && PyUnicode_CheckExact(anonymous)) {
        if (!PyUnicode_GET_LENGTH(anonymous))
            return 0;
        return text_hash(anonymous, hash) < 0 ? -1 : 1;
    }
    if (no_user && anonymous == Py_None)
        return 0;
    PyObject *key = PyObject_CallFunctionObjArgs(self->user_key, user, anonymous, NULL);
    if (key == NULL)
        return -1;
    int found = 0;
    if (key != Py_None) {
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "a user key is a str or None");
            found = -1;
        } else {
            found = text_hash(key, hash) < 0 ? -1 : 1;
        }
    }
    Py_DECREF(key);
    return found;
}

/* One message (or value) under a slot's name, and its sighting. -1 on error. */
static int count_one(Tally *self, Slot *slot, PyObject *when, PyObject *file, Py_ssize_t line, PyObject *index,
                     int in_order) {
    slot->used = 1;
    slot->messages++;
    if (in_order && timed(&slot->last))
        set_where(&slot->last, when, file, line, index, self->line_base);
    else if (sight(self, slot, when, file, line, index) < 0)
        return -1;
    return 0;
}

/* ---- users, added in batches ----
 *
 * Adding a user to a name's distinct users reads a line of that name's table or sketch, and thousands of names'
 * tables spread over more than the processor's caches. So the users counted are held, a batch at a time, then
 * sorted by name and added, the memory of those a few places ahead being fetched meanwhile. A set of users does
 * not depend on the order it was added in; whatever reads or empties a slot first adds what is held
 * (`add_users`). */

enum { USERS_HELD = 1 << 14, FETCH_SLOT_AHEAD = 16, FETCH_USER_AHEAD = 8 };

typedef struct HeldUser {
    uint32_t key; /* the slot's number times KINDS, plus its kind */
    uint64_t user;
} HeldUser;

static Slot *held_user_slot(Tally *self, HeldUser *held) { return &self->slots[held->key % KINDS][held->key / KINDS]; }

/* The line a user's hash reads in a slot's table or sketch, or NULL when it has neither yet. */
static void *user_line(Slot *slot, uint64_t user) {
    if (slot->registers != NULL)
        return slot->registers + ((uint32_t)(user >> 32) >> HIGH_VALUE_BITS);
    if (slot->exact_capacity)
        return slot->exact + ((uint32_t)(user * 0x9E3779B97F4A7C15ull >> 32) & (slot->exact_capacity - 1));
    return NULL;
}

/* Every user held, added: sorted by slot (a counting sort), each added while the slot and the line of those
 * further on are fetched. -1 on error. */
static int add_users(Tally *self) {
    Py_ssize_t count = self->users_count;
    if (!count)
        return 0;
    self->users_count = 0;
    HeldUser *held = self->users_held, *sorted = self->users_sorted;
    uint32_t top = 0;
    for (Py_ssize_t at = 0; at < count; at++)
        if (held[at].key > top)
            top = held[at].key;
    if ((size_t)top + 2 > self->key_counts_size) {
        size_t size = ((size_t)top + 2) * 2;
        uint32_t *counts = PyMem_Realloc(self->key_counts, size * sizeof(uint32_t));
        if (counts == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        self->key_counts = counts;
        self->key_counts_size = size;
    }
    uint32_t *counts = self->key_counts;
    memset(counts, 0, ((size_t)top + 2) * sizeof(uint32_t));
    for (Py_ssize_t at = 0; at < count; at++)
        counts[held[at].key + 1]++;
    for (uint32_t key = 1; key <= top + 1; key++)
        counts[key] += counts[key - 1];
    for (Py_ssize_t at = 0; at < count; at++)
        sorted[counts[held[at].key]++] = held[at];
    for (Py_ssize_t at = 0; at < count; at++) {
        if (at + FETCH_SLOT_AHEAD < count)
            __builtin_prefetch(held_user_slot(self, &sorted[at + FETCH_SLOT_AHEAD]));
        if (at + FETCH_USER_AHEAD < count) {
            HeldUser *ahead = &sorted[at + FETCH_USER_AHEAD];
            void *line = user_line(held_user_slot(self, ahead), ahead->user);
            if (line != NULL)
                __builtin_prefetch(line, 1);
        }
        if (add_user(self, held_user_slot(self, &sorted[at]), sorted[at].user) < 0)
            return -1;
    }
    return 0;
}

/* A user counted under a slot's name, held to be added with others. -1 on error. */
static int add_user_later(Tally *self, int kind, Py_ssize_t number, uint64_t user) {
    if (self->users_held == NULL) {
        self->users_held = PyMem_Malloc(USERS_HELD * sizeof(HeldUser));
        self->users_sorted = PyMem_Malloc(USERS_HELD * sizeof(HeldUser));
        if (self->users_held == NULL || self->users_sorted == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    HeldUser *held = &self->users_held[self->users_count];
    held->key = (uint32_t)(number * KINDS + kind);
    held->user = user;
    return ++self->users_count == USERS_HELD ? add_users(self) : 0;
}

static int digits(const char *text, Py_ssize_t size, Py_ssize_t start, Py_ssize_t end) {
    if (end > size)
        return 0;
    for (Py_ssize_t at = start; at < end; at++)
        if (text[at] < '0' || text[at] > '9')
            return 0;
    return 1;
}

/* `hotjar_cli.core.eventtime.iso_date_text` (`@segment/isodate`'s `is(text, true)`) for an ASCII text, read as it
 * reads one: `YYYY-MM-DD`, then optionally `T` or a space, `hh[:]mm`, optionally `[:]ss` and a fraction after `.`
 * or `,`, then optionally `Z`, `+hh`, `+hhmm` or `+hh:mm` (or `-`). */
static int ascii_iso_date(const char *text, Py_ssize_t size) {
    if (size < 10 || text[4] != '-')
        return 0;
    if (!digits(text, size, 0, 4) || !digits(text, size, 5, 7) || text[7] != '-' || !digits(text, size, 8, 10))
        return 0;
    if (size == 10)
        return 1;
    char separator = text[10];
    if ((separator != 'T' && separator != ' ') || !digits(text, size, 11, 13))
        return 0;
    Py_ssize_t at = size > 13 && text[13] == ':' ? 14 : 13;
    if (!digits(text, size, at, at + 2))
        return 0;
    at += 2;
    if (at == size)
        return 1;
    char mark = text[at];
    if (mark == ':' || (mark >= '0' && mark <= '9')) {
        if (mark == ':')
            at++;
        if (!digits(text, size, at, at + 2))
            return 0;
        at += 2;
        if (at == size)
            return 1;
        mark = text[at];
        if (mark == '.' || mark == ',') {
            Py_ssize_t end = at + 1;
            while (end < size && text[end] >= '0' && text[end] <= '9')
                end++;
            if (end == at + 1)
                return 0;
            if (end == size)
                return 1;
            at = end;
            mark = text[at];
        }
    }
    if (mark == 'Z')
        return at + 1 == size;
    if ((mark != '+' && mark != '-') || !digits(text, size, at + 1, at + 3))
        return 0;
    at += 3;
    if (at == size)
        return 1;
    if (text[at] == ':')
        at++;
    return at + 2 == size && digits(text, size, at, size);
}

/* `hotjar_cli.core.tally.js_type_number`. */
static int js_type_number(PyObject *value) {
    if (PyUnicode_Check(value)) {
        if (PyUnicode_GET_LENGTH(value) < 10 || PyUnicode_READ_CHAR(value, 4) != '-')
            return 0;
        /* No text past ASCII is a date: the pattern is ASCII only, as JavaScript's `\d` takes ASCII digits only. */
        if (!PyUnicode_IS_ASCII(value))
            return 0;
        return ascii_iso_date(PyUnicode_DATA(value), PyUnicode_GET_LENGTH(value));
    }
    if (PyBool_Check(value))
        return 2;
    if (PyLong_CheckExact(value) || PyFloat_CheckExact(value))
        return 3;
    if (value == Py_None)
        return 4;
    if (PyDict_CheckExact(value))
        return 5;
    if (PyList_CheckExact(value))
        return 6;
    return 7;
}

static void count_type(Slot *slot, PyObject *value) {
    slot->used = 1;
    slot->types[js_type_number(value)]++;
}

/* A finding under a slot's name, by its code. -1 on error. */
static int add_dropped(Slot *slot, PyObject *code) {
    slot->used = 1;
    if (slot->drops == NULL && (slot->drops = PyMem_Calloc(1, sizeof(Drops))) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Drops *drops = slot->drops;
    for (int at = 0; at < DROP_CODES; at++) {
        PyObject *held = drops->code[at];
        if (held == NULL) {
            drops->code[at] = Py_NewRef(code);
            drops->count[at] = 1;
            return 0;
        }
        if (held == code) {
            drops->count[at]++;
            return 0;
        }
        int same = PyObject_RichCompareBool(held, code, Py_EQ);
        if (same < 0)
            return -1;
        if (same) {
            drops->count[at]++;
            return 0;
        }
    }
    if (drops->more == NULL && (drops->more = PyDict_New()) == NULL)
        return -1;
    PyObject *count = PyDict_GetItemWithError(drops->more, code);
    if (count == NULL && PyErr_Occurred())
        return -1;
    PyObject *more = PyLong_FromLongLong(count == NULL ? 1 : PyLong_AsLongLong(count) + 1);
    if (more == NULL)
        return -1;
    int done = PyDict_SetItem(drops->more, code, more);
    Py_DECREF(more);
    return done;
}

/* A slot's findings by code, as a dict (a new reference). */
static PyObject *dropped_of(Slot *slot) {
    PyObject *dropped = PyDict_New();
    Drops *drops = slot->drops;
    if (dropped == NULL || drops == NULL)
        return dropped;
    for (int at = 0; at < DROP_CODES && drops->code[at] != NULL; at++) {
        PyObject *count = PyLong_FromLongLong(drops->count[at]);
        if (count == NULL || PyDict_SetItem(dropped, drops->code[at], count) < 0) {
            Py_XDECREF(count);
            Py_DECREF(dropped);
            return NULL;
        }
        Py_DECREF(count);
    }
    if (drops->more != NULL && PyDict_Update(dropped, drops->more) < 0) {
        Py_DECREF(dropped);
        return NULL;
    }
    return dropped;
}

/* Memory for `count` entries of `size` bytes, zeroed by writing it. A table looked up before it is written to takes
 * it so: of memory fresh from the system, which calloc leaves as it is, a page first read is mapped as zeros and
 * faults again at its first write. NULL on error. */
static void *written_zeros(size_t count, size_t size) {
    if (size && count > (size_t)PY_SSIZE_T_MAX / size)
        return NULL;
    void *memory = PyMem_Malloc(count * size);
    if (memory != NULL)
        memset(memory, 0, count * size);
    return memory;
}

/* ---- tables keyed by an object's address ----
 * Open addressing; each entry starts with its key, a strong reference (NULL for an empty place), so that the
 * address stays the key's own while it is there. */

static size_t address_place(PyObject *key, Py_ssize_t capacity) {
    return (size_t)(((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15ull >> 32) & (size_t)(capacity - 1);
}

/* A table of `*capacity` entries of `size` bytes moved into one twice as large (64 entries for none). -1 on
 * error. */
static int grow_table(void **table, Py_ssize_t *capacity, size_t size) {
    Py_ssize_t larger = *capacity ? *capacity * 2 : 64;
    char *moved = written_zeros((size_t)larger, size), *old = *table;
    if (moved == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t at = 0; at < *capacity; at++) {
        PyObject *key = *(PyObject **)(old + (size_t)at * size);
        if (key == NULL)
            continue;
        size_t place = address_place(key, larger);
        while (*(PyObject **)(moved + place * size) != NULL)
            place = (place + 1) & (size_t)(larger - 1);
        memcpy(moved + place * size, old + (size_t)at * size, size);
    }
    PyMem_Free(old);
    *table = moved;
    *capacity = larger;
    return 0;
}

/* ---- decisions held, by address ----
 *
 * The decisions held are in an array, in the order they were first held, and found by address in a table of their
 * numbers (4 bytes a place, at most half full). Held in a table of whole entries at most half full, those of 150 MB
 * of the short benchmark took 4 MB, and each table outgrown was read and written whole when it grew: 3,200 of the
 * inventory's 18,100 page faults, against 2 MB and about 400 now. A decision is let go only with all the others
 * (`forget_all`), so the array has no gaps. */

enum { RECENT = 1 << 12 };

static Held *recent_place(Tally *self, PyObject *decision) {
    return &self->recent[(((uintptr_t)decision >> 4) * 0x9E3779B97F4A7C15ull >> 40) & (RECENT - 1)];
}

/* The entry of a decision held, or NULL. */
static Held *held_entry(Tally *self, PyObject *decision) {
    if (!self->held_count)
        return NULL;
    size_t mask = (size_t)(self->places_capacity - 1), place = address_place(decision, self->places_capacity);
    for (uint32_t number; (number = self->held_places[place]) != 0; place = (place + 1) & mask)
        if (self->held[number - 1].decision == decision)
            return &self->held[number - 1];
    return NULL;
}

/* A decision held, as the table of recent ones has it (copied there when found among all of them).
 *
 * A decision whose caller's reference is its only one is not held (the tally holds a reference to every decision it
 * holds): nearly every identify that sends attributes has a decision of its own, made for it, and looking it up read
 * a line of each table for nothing (a fifth of the lookups of the short benchmark). */
static Held *find_held(Tally *self, PyObject *decision) {
    if (self->recent == NULL || Py_REFCNT(decision) == 1) /* none was ever held, or not this one */
        return NULL;
    Held *recent = recent_place(self, decision);
    if (recent->decision == decision)
        return recent;
    Held *held = held_entry(self, decision);
    if (held == NULL)
        return NULL;
    *recent = *held; /* its references stay the entry's */
    return recent;
}

/* The decisions' numbers placed again in a table twice as large (`places_capacity`, then doubled). -1 on error. */
static int widen_places(Tally *self) {
    Py_ssize_t larger = self->places_capacity * 2;
    uint32_t *places = written_zeros((size_t)larger, sizeof(uint32_t));
    if (places == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t number = 0; number < self->held_count; number++) {
        size_t place = address_place(self->held[number].decision, larger);
        while (places[place])
            place = (place + 1) & (size_t)(larger - 1);
        places[place] = (uint32_t)number + 1;
    }
    PyMem_Free(self->held_places);
    self->held_places = places;
    self->places_capacity = larger;
    return 0;
}

static void forget_name_slots(Tally *self);

static void forget_all(Tally *self) {
    for (Py_ssize_t at = 0; at < self->held_count; at++) {
        Held *held = &self->held[at];
        Py_CLEAR(held->decision);
        Py_CLEAR(held->name);
        Py_CLEAR(held->codes);
    }
    if (self->held_count)
        memset(self->held_places, 0, (size_t)self->places_capacity * sizeof(uint32_t));
    self->held_count = 0;
    if (self->recent != NULL)
        memset(self->recent, 0, RECENT * sizeof(Held));
    forget_name_slots(self);
}

/* ---- findings, by address: the trait each names ---- */

/* A finding met before: the trait its path names (NULL: none) and its code. The core makes one finding for each
 * name the site turns away and each shape of nested trait, and shares it, so most are met again. */
typedef struct Known {
    PyObject *finding; /* strong: its address stays its own while known; NULL for an empty place */
    PyObject *name;
    PyObject *code;
} Known;

enum { KNOWN_HELD = 1 << 14 };
static PyObject *PATH, *CODE, *TRAITS_PATH, *IDENTIFY, *CALL, *FINDINGS;

static void forget_known(Tally *self) {
    for (Py_ssize_t at = 0; at < self->known_capacity; at++) {
        Known *known = &self->known[at];
        Py_CLEAR(known->finding);
        Py_CLEAR(known->name);
        Py_CLEAR(known->code);
    }
    self->known_count = 0;
}

/* What a finding says of the traits: its place among the findings known, learned when new. NULL on error. */
static Known *known_finding(Tally *self, PyObject *finding) {
    if (self->known_count) {
        size_t place = address_place(finding, self->known_capacity);
        while (self->known[place].finding != NULL) {
            if (self->known[place].finding == finding)
                return &self->known[place];
            place = (place + 1) & (size_t)(self->known_capacity - 1);
        }
    }
    PyObject *path = PyObject_GetAttr(finding, PATH);
    if (path == NULL)
        return NULL;
    PyObject *code = PyObject_GetAttr(finding, CODE), *name = NULL;
    if (code != NULL && PyUnicode_CheckExact(code))
        PyUnicode_InternInPlace(&code); /* one object for a code: compared and counted by address */
    if (code != NULL && PyUnicode_Check(path) && PyUnicode_Tailmatch(path, TRAITS_PATH, 0, PY_SSIZE_T_MAX, -1) == 1) {
        name = PyObject_CallOneArg(self->trait_name, path);
        if (name == Py_None)
            Py_CLEAR(name);
        else if (name == NULL)
            Py_CLEAR(code);
    }
    Py_DECREF(path);
    if (code == NULL)
        return NULL;
    if (self->known_count >= KNOWN_HELD)
        forget_known(self);
    if ((self->known_count + 1) * 2 > self->known_capacity &&
        grow_table((void **)&self->known, &self->known_capacity, sizeof(Known)) < 0) {
        Py_DECREF(code);
        Py_XDECREF(name);
        return NULL;
    }
    size_t place = address_place(finding, self->known_capacity);
    while (self->known[place].finding != NULL)
        place = (place + 1) & (size_t)(self->known_capacity - 1);
    Known *known = &self->known[place];
    known->finding = Py_NewRef(finding);
    known->name = name;
    known->code = code;
    self->known_count++;
    return known;
}

/* ---- arguments ---- */

static int check_args(const char *name, Py_ssize_t given, Py_ssize_t wanted) {
    if (given == wanted)
        return 0;
    PyErr_Format(PyExc_TypeError, "%s() takes %zd arguments (%zd given)", name, wanted, given);
    return -1;
}

static int read_kind(PyObject *value, int *kind) {
    long number = PyLong_AsLong(value);
    if (number == -1 && PyErr_Occurred())
        return -1;
    if (number < 0 || number >= KINDS) {
        PyErr_Format(PyExc_ValueError, "no kind of names %ld", number);
        return -1;
    }
    *kind = (int)number;
    return 0;
}

/* A kind of names and a slot number: the first two arguments of `free_slot`, `count` and `take`. -1 on error. */
static int read_slot(PyObject *const *args, int *kind, Py_ssize_t *number) {
    if (read_kind(args[0], kind) < 0)
        return -1;
    *number = PyLong_AsSsize_t(args[1]);
    return *number == -1 && PyErr_Occurred() ? -1 : 0;
}

static int read_fields(PyObject *fields) {
    if (PyTuple_Check(fields) && PyTuple_GET_SIZE(fields) > TRAITS)
        return 0;
    PyErr_SetString(PyExc_TypeError, "fields are a message's `message_fields`");
    return -1;
}

/* The arguments every count takes, from `fields`: fields, when, file, line, index, in_order. An event counted with
 * the next ones holds no fields (NULL): the user it counts for was read when it was found (`user_known`). */
typedef struct {
    PyObject *fields, *when, *file, *index;
    Py_ssize_t line;
    int in_order;
    int user_known, has_user;
    uint64_t user;
} Event;

static int user_of(Tally *self, PyObject *fields, uint64_t *hash);

/* The user an event counts for: 1 with its hash, 0 for none, -1 on error. */
static int event_user(Tally *self, Event *event, uint64_t *hash) {
    if (!event->user_known)
        return user_of(self, event->fields, hash);
    *hash = event->user;
    return event->has_user;
}

static int read_event(PyObject *const *args, Event *event) {
    event->fields = args[0];
    event->when = args[1];
    event->file = args[2];
    event->index = args[4];
    if (read_fields(event->fields) < 0)
        return -1;
    event->line = PyLong_AsSsize_t(args[3]);
    if (event->line == -1 && PyErr_Occurred())
        return -1;
    event->in_order = PyObject_IsTrue(args[5]);
    event->user_known = 0;
    return event->in_order < 0 ? -1 : 0;
}

/* ---- methods ---- */

/* A kind's slots given room for `capacity` slots, those there kept and the others empty, or NULL (with the slots as
 * they were) when there is no memory. On Linux the slots are in memory mapped for them, which grows by moving the
 * mapping (mremap) rather than the slots' bytes, and whose pages are read in as slots are first used: copied and
 * cleared at each doubling, 8,200 names' slots made 1,190 page faults, against 640 now. */
static Slot *slots_with_room(Slot *slots, Py_ssize_t held, Py_ssize_t capacity) {
#if defined(__linux__) && defined(MREMAP_MAYMOVE)
    void *room = slots == NULL ? mmap(NULL, (size_t)capacity * sizeof(Slot), PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                               : mremap(slots, (size_t)held * sizeof(Slot), (size_t)capacity * sizeof(Slot),
                                        MREMAP_MAYMOVE);
    return room == MAP_FAILED ? NULL : room; /* new pages read as zeros: empty slots */
#else
    Slot *room = aligned_alloc(_Alignof(Slot), (size_t)capacity * sizeof(Slot));
    if (room == NULL)
        return NULL;
    if (held)
        memcpy(room, slots, (size_t)held * sizeof(Slot));
    memset(room + held, 0, (size_t)(capacity - held) * sizeof(Slot));
    free(slots);
    return room;
#endif
}

/* The memory of a kind's slots, `capacity` of them, let go. */
static void release_slots(Slot *slots, Py_ssize_t capacity) {
    if (slots == NULL)
        return;
#if defined(__linux__) && defined(MREMAP_MAYMOVE)
    munmap(slots, (size_t)capacity * sizeof(Slot));
#else
    free(slots);
#endif
}

static PyObject *Tally_new_slot(Tally *self, PyObject *kind_object) {
    COUNT_DEFERRED(self);
    int kind;
    if (read_kind(kind_object, &kind) < 0)
        return NULL;
    if (self->free_count[kind])
        return PyLong_FromSsize_t(self->free_slots[kind][--self->free_count[kind]]);
    if (self->slot_count[kind] == self->slot_capacity[kind]) {
        Py_ssize_t capacity = self->slot_capacity[kind] ? self->slot_capacity[kind] * 2 : 64;
        Slot *slots = slots_with_room(self->slots[kind], self->slot_capacity[kind], capacity);
        if (slots == NULL)
            return PyErr_NoMemory();
        self->slots[kind] = slots;
        self->slot_capacity[kind] = capacity;
    }
    /* Empty already, and cleared all the same: a page of fresh memory first read faults twice (once to read as
     * zeros, again at its first write), and a slot's first count reads it before it writes. */
    Slot *slot = &self->slots[kind][self->slot_count[kind]];
    memset(slot, 0, sizeof(Slot));
    if (kind == ATTRIBUTES && (slot->types = PyMem_Calloc(JS_TYPES, sizeof(int64_t))) == NULL)
        return PyErr_NoMemory();
    return PyLong_FromSsize_t(self->slot_count[kind]++);
}

static PyObject *Tally_free_slot(Tally *self, PyObject *const *args, Py_ssize_t nargs) {
    COUNT_DEFERRED(self);
    int kind;
    Py_ssize_t number;
    if (check_args("free_slot", nargs, 2) < 0 || read_slot(args, &kind, &number) < 0 || add_users(self) < 0)
        return NULL;
    Slot *slot = slot_at(self, kind, number);
    if (slot == NULL)
        return NULL;
    if (self->free_count[kind] == self->free_capacity[kind]) {
        Py_ssize_t capacity = self->free_capacity[kind] ? self->free_capacity[kind] * 2 : 64;
        Py_ssize_t *free_slots = PyMem_Realloc(self->free_slots[kind], (size_t)capacity * sizeof(Py_ssize_t));
        if (free_slots == NULL)
            return PyErr_NoMemory();
        self->free_slots[kind] = free_slots;
        self->free_capacity[kind] = capacity;
    }
    clear_slot(slot);
    self->free_slots[kind][self->free_count[kind]++] = number;
    if (kind == ATTRIBUTES)
        forget_name_slots(self); /* the number may be a later name's */
    Py_RETURN_NONE;
}

/* The kind `hold` is given for a decision: one of `hotjar_cli.core.kinds`, or COUNTED. -1 on error. */
static int read_decision_kind(PyObject *value, int32_t *decision_kind) {
    Py_ssize_t read = PyLong_AsSsize_t(value);
    if (read == -1 && PyErr_Occurred())
        return -1;
    if (read < COUNTED || read > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "a decision's kind is -1 or more");
        return -1;
    }
    *decision_kind = (int32_t)read;
    return 0;
}

/* A decision's findings, a tuple (a new reference), or NULL on error. */
static PyObject *findings_of(PyObject *decision) {
    PyObject *findings = PyObject_GetAttr(decision, FINDINGS);
    if (findings != NULL && !PyTuple_Check(findings)) {
        Py_DECREF(findings);
        PyErr_SetString(PyExc_TypeError, "a decision's findings are a tuple");
        return NULL;
    }
    return findings;
}

/* The place to hold a decision at: its own, emptied, when it is held, else a new one; past the limit, every decision
 * is let go first. NULL when nothing is held (a limit of none), or on error. */
static Held *place_to_hold(Tally *self, PyObject *decision) {
    if (self->held_count >= self->held_limit) {
        forget_all(self);
        if (!self->held_limit)
            return NULL;
    }
    if (self->recent == NULL && (self->recent = written_zeros(RECENT, sizeof(Held))) == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    Held *held = held_entry(self, decision);
    if (held != NULL) {
        Py_CLEAR(held->name);
        Py_CLEAR(held->codes);
        return held;
    }
    if (self->held_count == self->held_capacity) {
        Py_ssize_t capacity = self->held_capacity * 2;
        Held *entries = PyMem_Realloc(self->held, (size_t)capacity * sizeof(Held));
        if (entries == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        self->held = entries;
        self->held_capacity = capacity;
    }
    if ((self->held_count + 1) * 2 > self->places_capacity && widen_places(self) < 0)
        return NULL;
    size_t place = address_place(decision, self->places_capacity);
    while (self->held_places[place])
        place = (place + 1) & (size_t)(self->places_capacity - 1);
    self->held_places[place] = (uint32_t)self->held_count + 1;
    held = &self->held[self->held_count++];
    memset(held, 0, sizeof(Held));
    held->decision = Py_NewRef(decision);
    return held;
}

/* A decision held again: the copy of it among the recent ones too. */
static void held_again(Tally *self, Held *held) {
    Held *recent = recent_place(self, held->decision);
    if (recent->decision == held->decision)
        *recent = *held;
}

static PyObject *Tally_hold(Tally *self, PyObject *const *args, Py_ssize_t nargs) {
    COUNT_DEFERRED(self);
    if (check_args("hold", nargs, 5) < 0)
        return NULL;
    PyObject *decision = args[0], *name = args[1], *codes = args[3];
    if (name != Py_None && !PyUnicode_CheckExact(name)) {
        PyErr_SetString(PyExc_TypeError, "an event name is a str or None");
        return NULL;
    }
    if (!PyTuple_Check(codes) || PyTuple_GET_SIZE(codes) > INT16_MAX) {
        PyErr_SetString(PyExc_TypeError, "codes are a tuple");
        return NULL;
    }
    Py_ssize_t slot = PyLong_AsSsize_t(args[2]);
    if (slot == -1 && PyErr_Occurred())
        return NULL;
    if (slot < -1 || slot > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "a slot is -1 or more");
        return NULL;
    }
    int32_t decision_kind;
    if (read_decision_kind(args[4], &decision_kind) < 0)
        return NULL;
    Held *held = place_to_hold(self, decision);
    if (held == NULL)
        return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    held->name = name == Py_None ? NULL : Py_NewRef(name);
    held->slot = (int32_t)slot;
    held->decision_kind = decision_kind;
    held->codes = Py_NewRef(codes);
    held->code_count = (int16_t)PyTuple_GET_SIZE(codes);
    held->name_size = -1;
    if (held->name != NULL && PyUnicode_IS_ASCII(name) && PyUnicode_GET_LENGTH(name) <= NAME_AT_HAND) {
        held->name_size = (int16_t)PyUnicode_GET_LENGTH(name);
        memcpy(held->name_text, PyUnicode_DATA(name), (size_t)held->name_size);
    }
    held->identify = 0;
    held_again(self, held);
    Py_RETURN_NONE;
}

static PyObject *Tally_hold_identify(Tally *self, PyObject *const *args, Py_ssize_t nargs) {
    COUNT_DEFERRED(self);
    if (check_args("hold_identify", nargs, 2) < 0)
        return NULL;
    PyObject *decision = args[0];
    int32_t decision_kind;
    if (read_decision_kind(args[1], &decision_kind) < 0)
        return NULL;
    PyObject *findings = findings_of(decision);
    if (findings == NULL)
        return NULL;
    Held *held = place_to_hold(self, decision);
    if (held == NULL) {
        Py_DECREF(findings);
        return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    }
    held->name = NULL;
    held->slot = -1;
    held->decision_kind = decision_kind;
    held->codes = findings;
    held->code_count = 0;
    held->name_size = -1;
    held->identify = 1;
    held_again(self, held);
    Py_RETURN_NONE;
}

static PyObject *Tally_forget(Tally *self, PyObject *unused) {
    COUNT_DEFERRED(self);
    forget_all(self);
    Py_RETURN_NONE;
}

static PyObject *Tally_number_lines_from(Tally *self, PyObject *base) {
    COUNT_DEFERRED(self);
    Py_ssize_t value = PyLong_AsSsize_t(base);
    if (value == -1 && PyErr_Occurred())
        return NULL;
    self->line_base = value;
    Py_RETURN_NONE;
}

static int count_event(Tally *self, int kind, Py_ssize_t number, Event *event) {
    uint64_t user = 0;
    int has_user = event_user(self, event, &user);
    if (has_user < 0)
        return -1;
    Slot *slot = slot_at(self, kind, number); /* after any call back into Python */
    if (slot == NULL)
        return -1;
    if (count_one(self, slot, event->when, event->file, event->line, event->index, event->in_order) < 0)
        return -1;
    return has_user ? add_user_later(self, kind, number, user) : 0;
}

/* Whether a track is under the name a decision held carries (one that carries none matches any event). 1, 0,
 * -1 on error. */
static int held_matches(Held *held, PyObject *fields) {
    if (held->name == NULL)
        return 1;
    PyObject *name = PyTuple_GET_ITEM(fields, EVENT);
    if (!PyUnicode_CheckExact(name))
        return 0;
    if (name == held->name)
        return 1;
    if (held->name_size >= 0) /* an ASCII name, at hand: a text of another form or length is another name */
        return PyUnicode_IS_ASCII(name) && PyUnicode_GET_LENGTH(name) == held->name_size &&
               memcmp(PyUnicode_DATA(name), held->name_text, (size_t)held->name_size) == 0;
    if (PyUnicode_GET_LENGTH(name) != PyUnicode_GET_LENGTH(held->name))
        return 0;
    int compared = PyUnicode_Compare(name, held->name);
    if (compared == -1 && PyErr_Occurred())
        return -1;
    return compared == 0;
}

/* An event whose decision is held and matches it, counted. -1 on error. */
static int count_held(Tally *self, Held *held, Event *event) {
    if (held->name == NULL)
        return 0;
    self->occurrences[EVENTS]++;
    if (held->slot < 0)
        return 0;
    Py_ssize_t number = held->slot;
    if (!held->code_count)
        return count_event(self, EVENTS, number, event);
    PyObject *codes = Py_NewRef(held->codes); /* reading the user may call back into Python */
    int failed = count_event(self, EVENTS, number, event) < 0;
    Slot *slot = &self->slots[EVENTS][number]; /* after any call back into Python */
    for (Py_ssize_t at = 0; !failed && at < PyTuple_GET_SIZE(codes); at++)
        failed = add_dropped(slot, PyTuple_GET_ITEM(codes, at)) < 0;
    Py_DECREF(codes);
    return failed ? -1 : 0;
}

static PyObject *Tally_observe_held(Tally *self, PyObject *const *args, Py_ssize_t nargs) {
    COUNT_DEFERRED(self);
    if (check_args("observe_held", nargs, 7) < 0)
        return NULL;
    Held *held = find_held(self, args[0]);
    if (held == NULL || held->identify)
        Py_RETURN_FALSE;
    Event event;
    if (read_event(args + 1, &event) < 0)
        return NULL;
    int matches = held_matches(held, event.fields);
    if (matches <= 0)
        return matches < 0 ? NULL : Py_NewRef(Py_False);
    if (count_held(self, held, &event) < 0)
        return NULL;
    Py_RETURN_TRUE;
}

/* ---- an identify's traits ---- */

/* The slot `attribute_slots` gives a trait name met lately, by the name's address: the decoder hands out one object
 * for each name it meets again, so an identify's traits are found here in a few instructions rather than by a
 * lookup in the dict for each. Each entry holds its name (so that the address stays its own) and is let go whenever
 * the slots may have changed: told again (`watch_attributes`), a slot freed, every decision let go (`forget`), which
 * the inventory does before it changes the slot of a name the dict holds. */
enum { NAMES_AT_HAND = 1 << 11 };

typedef struct NameSlot {
    PyObject *name; /* strong; NULL for an empty place */
    Py_ssize_t number;
} NameSlot;

static void forget_name_slots(Tally *self) {
    if (self->name_slots == NULL || !self->name_slots_held)
        return; /* a trimmed sample frees its slots one by one, each after every entry was let go */
    for (Py_ssize_t at = 0; at < NAMES_AT_HAND; at++)
        Py_CLEAR(self->name_slots[at].name);
    self->name_slots_held = 0;
}

/* The slot `slots` gives a name (-1: outside the sample held), -2 when it gives none, -3 on error. */
static Py_ssize_t attribute_slot(Tally *self, PyObject *slots, PyObject *name) {
    NameSlot *entry = NULL;
    if (slots == self->attribute_slots) {
        if (self->name_slots == NULL && (self->name_slots = PyMem_Calloc(NAMES_AT_HAND, sizeof(NameSlot))) == NULL) {
            PyErr_NoMemory();
            return -3;
        }
        entry = &self->name_slots[(((uintptr_t)name >> 4) * 0x9E3779B97F4A7C15ull >> 40) & (NAMES_AT_HAND - 1)];
        if (entry->name == name)
            return entry->number;
    }
    PyObject *found = PyDict_GetItemWithError(slots, name);
    if (found == NULL)
        return PyErr_Occurred() ? -3 : -2;
    Py_ssize_t number = PyLong_AsSsize_t(found);
    if (number == -1 && PyErr_Occurred())
        return -3;
    if (number < -1 || (number >= 0 && slot_at(self, ATTRIBUTES, number) == NULL)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "a slot is -1 or more");
        return -3;
    }
    if (entry != NULL) {
        Py_INCREF(name);
        Py_XSETREF(entry->name, name);
        entry->number = number;
        self->name_slots_held++;
    }
    return number;
}

enum { TRAITS_AT_HAND = 32 };

/* What counting an identify's traits needs, found before any is counted, in the order of the traits: each trait's
 * name (borrowed from the traits, which the core's functions the tally calls do not change), its slot (-1 outside
 * the sample held, -2 without a slot), its value's JavaScript type (`js_type_number`, read for a trait with a slot),
 * and the code of the finding that drops it (as `trait_codes` finds them: the last finding wins), a strong
 * reference or NULL. The traits are read once, here: counted later (`defer_traits`), the identify holds none of
 * its message. */
typedef struct {
    Py_ssize_t count;
    Py_ssize_t *numbers, numbers_at_hand[TRAITS_AT_HAND];
    int8_t *types, types_at_hand[TRAITS_AT_HAND];
    PyObject **names, **codes, *at_hand[TRAITS_AT_HAND * 2];
} Plan;

static void release_plan(Plan *plan) {
    for (Py_ssize_t at = 0; at < plan->count; at++)
        Py_XDECREF(plan->codes[at]);
    if (plan->numbers != plan->numbers_at_hand) {
        PyMem_Free(plan->numbers);
        PyMem_Free(plan->types);
        PyMem_Free(plan->names);
    }
}

/* A text's hash, read where it keeps it once worked out: an identify's plan compares each of its findings' names
 * with each of its traits' (44 times an identify in the long benchmark), and a call to `PyObject_Hash` for each of
 * the two texts cost most of each comparison. -1 on error. */
static inline Py_hash_t kept_hash(PyObject *text) {
    if (PyUnicode_CheckExact(text)) {
        Py_hash_t kept = ((PyASCIIObject *)text)->hash;
        if (kept != -1)
            return kept;
    }
    return PyObject_Hash(text);
}

/* Whether two texts are equal: their hashes first. 1, 0, -1 on error. */
static inline int same_text(PyObject *text, PyObject *other) {
    if (text == other)
        return 1;
    Py_hash_t hash = kept_hash(text), other_hash = kept_hash(other);
    if (hash == -1 || other_hash == -1)
        return -1;
    if (hash != other_hash)
        return 0;
    if (PyUnicode_CheckExact(text) && PyUnicode_CheckExact(other) && PyUnicode_IS_ASCII(text) &&
        PyUnicode_IS_ASCII(other))
        return PyUnicode_GET_LENGTH(text) == PyUnicode_GET_LENGTH(other) &&
               memcmp(PyUnicode_DATA(text), PyUnicode_DATA(other), (size_t)PyUnicode_GET_LENGTH(text)) == 0;
    int compared = PyUnicode_Compare(text, other);
    return compared == -1 && PyErr_Occurred() ? -1 : compared == 0;
}

/* 1 with the plan made; 0 when a trait has no slot and `unknown` is NULL (nothing is counted then); -1 on error.
 * With `unknown`, the names without a slot are added to it. Release the plan in every case. */
static int plan_traits(Tally *self, PyObject *traits, PyObject *slots, PyObject *findings, Plan *plan,
                       PyObject **unknown) {
    plan->count = 0;
    plan->numbers = plan->numbers_at_hand;
    plan->types = plan->types_at_hand;
    plan->names = plan->at_hand;
    Py_ssize_t size = PyDict_GET_SIZE(traits);
    if (size > TRAITS_AT_HAND) {
        plan->numbers = PyMem_Malloc((size_t)size * sizeof(Py_ssize_t));
        plan->types = PyMem_Malloc((size_t)size);
        plan->names = PyMem_Malloc((size_t)size * 2 * sizeof(PyObject *));
        if (plan->numbers == NULL || plan->types == NULL || plan->names == NULL) {
            PyMem_Free(plan->numbers);
            PyMem_Free(plan->types);
            PyMem_Free(plan->names);
            plan->numbers = plan->numbers_at_hand;
            plan->types = plan->types_at_hand;
            plan->names = plan->at_hand;
            PyErr_NoMemory();
            return -1;
        }
    }
    plan->codes = plan->names + size;
    Py_ssize_t position = 0;
    PyObject *name, *value;
    while (PyDict_Next(traits, &position, &name, &value)) {
        Py_ssize_t number = attribute_slot(self, slots, name);
        if (number == -3)
            return -1;
        if (number == -2) {
            if (unknown == NULL)
                return 0;
            if ((*unknown == NULL && (*unknown = PyList_New(0)) == NULL) || PyList_Append(*unknown, name) < 0)
                return -1;
        }
        Py_ssize_t at = plan->count++;
        plan->numbers[at] = number < 0 ? -1 : number;
        plan->types[at] = number < 0 ? 0 : (int8_t)js_type_number(value);
        plan->names[at] = name;
        plan->codes[at] = NULL;
    }
    for (Py_ssize_t at = 0; at < PyTuple_GET_SIZE(findings); at++) {
        Known *known = known_finding(self, PyTuple_GET_ITEM(findings, at));
        if (known == NULL)
            return -1;
        if (known->name == NULL)
            continue;
        for (Py_ssize_t trait = 0; trait < plan->count; trait++) {
            int same = same_text(known->name, plan->names[trait]);
            if (same < 0)
                return -1;
            if (same) {
                Py_XSETREF(plan->codes[trait], Py_NewRef(known->code));
                break; /* a name is one trait */
            }
        }
    }
    return 1;
}

/* Each trait with a slot counted, as planned: its message and user, its value's type, the finding that dropped it,
 * whether it was offered. -1 on error. */
static int count_traits(Tally *self, Py_ssize_t traits, Plan *plan, Event *event) {
    uint64_t user = 0;
    int has_user = event_user(self, event, &user);
    if (has_user < 0)
        return -1;
    self->occurrences[ATTRIBUTES] += traits;
    for (Py_ssize_t at = 0; at < plan->count; at++) {
        Py_ssize_t number = plan->numbers[at];
        if (number < 0)
            continue;
        PyObject *code = plan->codes[at];
        int done = count_one(self, &self->slots[ATTRIBUTES][number], event->when, event->file, event->line,
                             event->index, event->in_order);
        Slot *slot = &self->slots[ATTRIBUTES][number]; /* after any call back into Python */
        if (done == 0)
            slot->types[plan->types[at]]++;
        if (done == 0 && code != NULL)
            done = add_dropped(slot, code);
        /* Attribute names are few, and their users' tables at hand: each user is added at once, not held for a
         * batch sorted by name (see `add_users`), which pays for itself only over thousands of event names. */
        if (done == 0 && has_user)
            done = add_user(self, slot, user);
        int offered = code == NULL;
        if (done == 0 && !offered && (offered = same_text(code, self->still_offered)) < 0)
            done = -1;
        if (done < 0)
            return -1;
        if (offered)
            slot->offered = 1;
    }
    return 0;
}

static int stretch(Tally *self, PyObject *when);

/* ---- events counted a few at a time ----
 *
 * An event the tally counts by itself (a track whose decision is held, an identify whose traits all have a slot) is
 * found at once, its kind being the counting loop's answer, but counted with the next ones, DEFERRED at a time:
 * counted one by one, between the decoding and the deciding of the next messages, its code and data were gone from
 * the processor's caches each time. Every other method counts them first (`COUNT_DEFERRED`), so that whatever reads
 * or changes the tally finds them counted, in input order. An identify's plan is made at once, with the slots as
 * they are then, and kept (`planned`) until counted. What an event is counted from is read when it is found (its
 * user's hash, its traits' types) and held with its time and file: not its message, whose memory the decoder then
 * uses again for the next ones, as it does in a run without an inventory. */

enum { DEFERRED = 64 };

typedef struct Deferred {
    PyObject *when, *file; /* strong: the time and file alone, so that the message is let go as soon as it was read */
    PyObject *codes;       /* a track's: its held decision's, held until counted as nothing else runs before */
    uint64_t user;         /* the user it counts for, read when it was found */
    Py_ssize_t line;
    Py_ssize_t traits, first, count; /* an identify's: its traits, and its plan's place among `planned` */
    int32_t slot;
    int16_t code_count;
    int8_t named, identify, has_user;
} Deferred;

/* Plans kept until counted, one after another: slots, types, codes (strong or NULL). */
typedef struct Planned {
    Py_ssize_t *numbers;
    int8_t *types;
    PyObject **codes;
    Py_ssize_t count, capacity;
} Planned;

static int count_deferred(Tally *self) {
    Py_ssize_t count = self->deferred_count;
    self->deferred_count = 0;
    int failed = 0;
    Planned *planned = self->planned;
    for (Py_ssize_t at = 0; at < count; at++) {
        Deferred *deferred = &self->deferred[at];
        if (!failed) {
            Event event = {NULL, deferred->when, deferred->file, Py_None, deferred->line, 0, 1, deferred->has_user,
                           deferred->user};
            failed = (event.in_order = stretch(self, event.when)) < 0;
            if (!failed && deferred->identify) {
                Plan plan = {.count = deferred->count, .numbers = planned->numbers + deferred->first,
                             .types = planned->types + deferred->first, .codes = planned->codes + deferred->first};
                failed = count_traits(self, deferred->traits, &plan, &event) < 0;
            } else if (!failed) {
                Held held = {.name = deferred->named ? Py_None : NULL, .codes = deferred->codes,
                             .slot = deferred->slot, .code_count = deferred->code_count};
                failed = count_held(self, &held, &event) < 0;
            }
        }
        Py_DECREF(deferred->when);
        Py_DECREF(deferred->file);
    }
    if (planned != NULL) {
        for (Py_ssize_t at = 0; at < planned->count; at++)
            Py_XDECREF(planned->codes[at]);
        planned->count = 0;
    }
    return failed ? -1 : 0;
}

/* Room for one more event deferred, the others counted when there is none: the entry, its time and file held and
 * its user read (while the message is at hand), or NULL on error. */
static Deferred *deferred_place(Tally *self, Event *event) {
    if (self->deferred == NULL && (self->deferred = PyMem_Malloc(DEFERRED * sizeof(Deferred))) == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    uint64_t user = 0;
    int has_user = user_of(self, event->fields, &user);
    if (has_user < 0 || (self->deferred_count == DEFERRED && count_deferred(self) < 0))
        return NULL;
    Deferred *deferred = &self->deferred[self->deferred_count++];
    deferred->when = Py_NewRef(event->when);
    deferred->file = Py_NewRef(event->file);
    deferred->user = user;
    deferred->has_user = (int8_t)has_user;
    deferred->line = event->line;
    deferred->identify = 0;
    return deferred;
}

/* A track whose decision is held, to be counted with the next events. -1 on error. */
static int defer_track(Tally *self, Held *held, Event *event) {
    Deferred *deferred = deferred_place(self, event);
    if (deferred == NULL)
        return -1;
    deferred->codes = held->codes;
    deferred->slot = held->slot;
    deferred->code_count = held->code_count;
    deferred->named = held->name != NULL;
    return 0;
}

/* An identify's traits, as planned, to be counted with the next events: the plan's codes are kept, and the plan
 * holds none after. -1 on error. */
static int defer_traits(Tally *self, Py_ssize_t traits, Plan *plan, Event *event) {
    Planned *planned = self->planned;
    if (planned == NULL && (planned = self->planned = PyMem_Calloc(1, sizeof(Planned))) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Deferred *deferred = deferred_place(self, event); /* may count what is planned, and so empty it */
    if (deferred == NULL)
        return -1;
    deferred->identify = 1;
    deferred->traits = traits;
    deferred->first = planned->count;
    deferred->count = plan->count;
    if (planned->count + plan->count > planned->capacity) {
        Py_ssize_t capacity = planned->capacity ? planned->capacity : 256;
        while (capacity < planned->count + plan->count)
            capacity *= 2;
        Py_ssize_t *numbers = PyMem_Realloc(planned->numbers, (size_t)capacity * sizeof(Py_ssize_t));
        if (numbers != NULL)
            planned->numbers = numbers;
        int8_t *types = numbers == NULL ? NULL : PyMem_Realloc(planned->types, (size_t)capacity);
        if (types != NULL)
            planned->types = types;
        PyObject **codes = types == NULL ? NULL : PyMem_Realloc(planned->codes, (size_t)capacity * sizeof(PyObject *));
        if (codes == NULL) {
            deferred->count = 0; /* counted as an identify of no trait, its place let go with the others */
            PyErr_NoMemory();
            return -1;
        }
        planned->codes = codes;
        planned->capacity = capacity;
    }
    memcpy(planned->numbers + planned->count, plan->numbers, (size_t)plan->count * sizeof(Py_ssize_t));
    memcpy(planned->types + planned->count, plan->types, (size_t)plan->count);
    memcpy(planned->codes + planned->count, plan->codes, (size_t)plan->count * sizeof(PyObject *));
    memset(plan->codes, 0, (size_t)plan->count * sizeof(PyObject *)); /* the codes are the planned ones now */
    planned->count += plan->count;
    return 0;
}

static PyObject *Tally_observe_traits(Tally *self, PyObject *const *args, Py_ssize_t nargs) {
    COUNT_DEFERRED(self);
    if (check_args("observe_traits", nargs, 9) < 0)
        return NULL;
    PyObject *traits = args[0], *slots = args[1], *findings = args[2];
    if (!PyDict_Check(traits) || !PyDict_Check(slots) || !PyTuple_Check(findings)) {
        PyErr_SetString(PyExc_TypeError, "traits and slots are dicts, findings a tuple");
        return NULL;
    }
    Event event;
    if (read_event(args + 3, &event) < 0)
        return NULL;
    Py_INCREF(traits); /* counting may call back into Python */
    PyObject *unknown = NULL;
    Plan plan;
    int failed = plan_traits(self, traits, slots, findings, &plan, &unknown) < 0 ||
                 count_traits(self, PyDict_GET_SIZE(traits), &plan, &event) < 0;
    release_plan(&plan);
    Py_DECREF(traits);
    if (failed) {
        Py_XDECREF(unknown);
        return NULL;
    }
    if (unknown == NULL)
        Py_RETURN_NONE;
    return unknown;
}

/* ---- the span of event times, and events from the counting loop ---- */

/* Whether a time is a text in Segment's form (`hotjar_cli.core.eventtime.is_segment_time`): read here from its
 * seconds on when it is in the minute of the last such time, as nearly every time is; else asked of the core. 1, 0,
 * -1 on error. */
static int segment_time(Tally *self, PyObject *when) {
    if (!PyUnicode_CheckExact(when) || !PyUnicode_IS_ASCII(when))
        return 0; /* the form has ASCII characters only */
    Py_ssize_t size = PyUnicode_GET_LENGTH(when);
    if (size != 20 && (size < 22 || size > 24))
        return 0;
    const char *text = PyUnicode_DATA(when);
    if (self->minute_known && memcmp(text, self->minute, MINUTE) == 0)
        return segment_seconds(text, size);
    PyObject *answer = PyObject_CallOneArg(self->is_segment_time, when);
    if (answer == NULL)
        return -1;
    int truth = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    if (truth == 1) {
        memcpy(self->minute, text, MINUTE);
        self->minute_known = 1;
    }
    return truth;
}

/* A span of times (`earliest`, `latest`) stretched to a time, not None: 1 when it is the latest in order, 0, -1 on
 * error. */
static int widen(Tally *self, Where *earliest, Where *latest, PyObject *when) {
    int in_order = text_not_before(when, latest);
    if (in_order < 0)
        return -1;
    if (in_order == 1) {
        set_time(latest, when);
        return 1;
    }
    if (earliest->state == NO_SIGHTING || latest->state == NO_SIGHTING) {
        set_time(earliest, when);
        set_time(latest, when);
        return 0;
    }
    int first = before_where(self, when, earliest);
    if (first < 0)
        return -1;
    if (first) {
        set_time(earliest, when);
        return 0;
    }
    if (in_order == 0)
        return 0; /* a text of the latest's length found before it: not after it */
    PyObject *other = where_when(latest);
    if (other == NULL)
        return -1;
    int last = is_before(self, other, when);
    Py_DECREF(other);
    if (last < 0)
        return -1;
    if (last)
        set_time(latest, when);
    return 0;
}

/* ---- timed events by day: `hotjar_cli.core.tally.PythonTally.days` ---- */

enum { DATE = 10, DAY_BINS = 16384 }; /* `hotjar_cli.core.tally.DAY_BINS` */

static int calendar_seconds(const char *text, Py_ssize_t size, int64_t *whole, int *fraction, int *digits);

/* `value >> shift` rounded down, whatever the sign. */
static int64_t shifted_down(int64_t value, int shift) { return value >= 0 ? value >> shift : -((-value - 1) >> shift) - 1; }

/* A bin's `(events, earliest, latest)` added to the bin `number` of `days`: `hotjar_cli.core.tally._add_to_bin`.
 * -1 on error. */
static int add_to_bin(PyObject *days, long long number, long long events, double earliest, double latest) {
    PyObject *key = PyLong_FromLongLong(number);
    if (key == NULL)
        return -1;
    PyObject *held = PyDict_GetItemWithError(days, key);
    if (held != NULL) {
        events += PyLong_AsLongLong(PyTuple_GET_ITEM(held, 0));
        double first = PyFloat_AsDouble(PyTuple_GET_ITEM(held, 1)), last = PyFloat_AsDouble(PyTuple_GET_ITEM(held, 2));
        earliest = first < earliest ? first : earliest;
        latest = last > latest ? last : latest;
    }
    PyObject *value = PyErr_Occurred() ? NULL : Py_BuildValue("(Ldd)", events, earliest, latest);
    int failed = value == NULL || PyDict_SetItem(days, key, value) < 0;
    Py_DECREF(key);
    Py_XDECREF(value);
    return failed ? -1 : 0;
}

static PyObject *where_seconds(Tally *self, Where *where);

/* A run's earliest or latest time in seconds (`where_seconds`). -1 on error. */
static int run_seconds(Tally *self, Where *where, double *value) {
    PyObject *seconds = where_seconds(self, where);
    if (seconds == NULL)
        return -1;
    *value = PyFloat_AsDouble(seconds);
    Py_DECREF(seconds);
    return *value == -1.0 && PyErr_Occurred() ? -1 : 0;
}

/* The run of times in one day added to `days`, and the bins halved while more than DAY_BINS. -1 on error. */
static int add_day_run(Tally *self) {
    if (!self->day_count)
        return 0;
    if (self->days == NULL && (self->days = PyDict_New()) == NULL)
        return -1;
    double earliest, latest;
    if (run_seconds(self, &self->day_first, &earliest) < 0 || run_seconds(self, &self->day_last, &latest) < 0 ||
        add_to_bin(self->days, shifted_down(self->day, self->day_shift), self->day_count, earliest, latest) < 0)
        return -1;
    self->day_count = 0;
    clear_where(&self->day_first);
    clear_where(&self->day_last);
    while (PyDict_GET_SIZE(self->days) > DAY_BINS) {
        PyObject *halved = PyDict_New(), *bin, *binned;
        Py_ssize_t position = 0;
        while (halved != NULL && PyDict_Next(self->days, &position, &bin, &binned)) {
            long long number = PyLong_AsLongLong(bin), events = PyLong_AsLongLong(PyTuple_GET_ITEM(binned, 0));
            double first = PyFloat_AsDouble(PyTuple_GET_ITEM(binned, 1));
            double last = PyFloat_AsDouble(PyTuple_GET_ITEM(binned, 2));
            if (PyErr_Occurred() || add_to_bin(halved, shifted_down(number, 1), events, first, last) < 0)
                Py_CLEAR(halved);
        }
        if (halved == NULL)
            return -1;
        Py_SETREF(self->days, halved);
        self->day_shift++;
    }
    return 0;
}

/* A timed event counted in its day (UTC). A text in Segment's form in the day of the last one met is counted in a
 * few instructions; another is read here when it is in Segment's form, else asked of the core (`seconds`). A time
 * past the years a date holds is not counted. `in_order`: the time is the latest of the span (`stretch`), and so of
 * the run, which holds only times the span met since it was last taken (`Tally_span` ends the run). -1 on error. */
static int count_day(Tally *self, PyObject *when, int in_order) {
    const char *text = NULL;
    Py_ssize_t size = 0;
    if (PyUnicode_CheckExact(when) && PyUnicode_IS_ASCII(when)) {
        text = PyUnicode_DATA(when);
        size = PyUnicode_GET_LENGTH(when);
        if (self->day_text_known && size > DATE && memcmp(text, self->day_text, DATE) == 0) {
            self->day_count++;
            if (in_order && self->day_last.state != NO_SIGHTING) {
                set_time(&self->day_last, when); /* nearly every time: no need to compare it again */
                return 0;
            }
            return widen(self, &self->day_first, &self->day_last, when) < 0 ? -1 : 0;
        }
    }
    int64_t day, whole;
    int fraction, digits;
    int dated = text != NULL && calendar_seconds(text, size, &whole, &fraction, &digits);
    if (dated) {
        day = whole >= 0 ? whole / 86400 : -((-whole - 1) / 86400) - 1;
    } else {
        PyObject *seconds = PyObject_CallOneArg(self->seconds, when);
        if (seconds == NULL)
            return -1;
        double value = seconds == Py_None ? 0.0 : PyFloat_AsDouble(seconds);
        int known = seconds != Py_None;
        Py_DECREF(seconds);
        if (value == -1.0 && PyErr_Occurred())
            return -1;
        if (!known || !(value > -1e15 && value < 1e15))
            return 0;
        double days = value / 86400.0; /* rounded down as `math.floor` rounds it */
        day = (int64_t)days;
        if ((double)day > days)
            day--;
    }
    if (self->day_count && day != self->day && add_day_run(self) < 0)
        return -1;
    self->day = day;
    self->day_count++;
    self->day_text_known = dated;
    if (dated)
        memcpy(self->day_text, text, DATE);
    return widen(self, &self->day_first, &self->day_last, when) < 0 ? -1 : 0;
}

static PyObject *Tally_days(Tally *self, PyObject *unused) {
    COUNT_DEFERRED(self);
    if (add_day_run(self) < 0)
        return NULL;
    PyObject *days = self->days != NULL ? self->days : PyDict_New();
    if (days == NULL)
        return NULL;
    PyObject *taken = Py_BuildValue("(iN)", self->day_shift, days);
    if (taken == NULL)
        return NULL;
    self->days = NULL;
    self->day_shift = self->day_text_known = 0;
    return taken;
}

/* The span stretched to a time: `hotjar_cli.core.tally.PythonTally.stretch`. 1 when it is the latest in order, 0,
 * -1 on error. */
static int stretch(Tally *self, PyObject *when) {
    if (when == Py_None)
        return 0;
    int in_order = widen(self, &self->earliest, &self->latest, when);
    if (in_order < 0 || count_day(self, when, in_order) < 0)
        return -1;
    return in_order;
}

static PyObject *Tally_stretch(Tally *self, PyObject *when) {
    COUNT_DEFERRED(self);
    int in_order = stretch(self, when);
    if (in_order < 0)
        return NULL;
    return Py_NewRef(in_order ? Py_True : Py_False);
}

static PyObject *Tally_span(Tally *self, PyObject *unused) {
    COUNT_DEFERRED(self);
    if (self->earliest.state == NO_SIGHTING)
        Py_RETURN_NONE;
    if (add_day_run(self) < 0) /* the run ends with the span: its times are all within the next one's (`count_day`) */
        return NULL;
    PyObject *span = Py_BuildValue("(NN)", where_when(&self->earliest), where_when(&self->latest));
    if (span != NULL) {
        clear_where(&self->earliest);
        clear_where(&self->latest);
    }
    return span;
}

static PyObject *Tally_watch_attributes(Tally *self, PyObject *const *args, Py_ssize_t nargs) {
    COUNT_DEFERRED(self);
    if (check_args("watch_attributes", nargs, 2) < 0)
        return NULL;
    if (!PyDict_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "slots are a dict");
        return NULL;
    }
    int full = PyObject_IsTrue(args[1]);
    if (full < 0)
        return NULL;
    forget_name_slots(self);
    Py_INCREF(args[0]);
    Py_XSETREF(self->attribute_slots, args[0]);
    self->attributes_full = full;
    Py_RETURN_NONE;
}

/* Whether a message is an identify sending attributes (its decision makes a call): 1 with its traits (borrowed),
 * 0, -1 on error. */
static int sends_traits(PyObject *decision, PyObject *fields, PyObject **traits) {
    PyObject *type = PyTuple_GET_ITEM(fields, TYPE);
    *traits = PyTuple_GET_ITEM(fields, TRAITS);
    if (!PyDict_CheckExact(*traits) || !PyDict_GET_SIZE(*traits) || !PyUnicode_CheckExact(type) ||
        PyUnicode_Compare(type, IDENTIFY) != 0)
        return 0;
    if (decision == NULL)
        return 1; /* a shared decision held, known to make a call */
    PyObject *call = PyObject_GetAttr(decision, CALL);
    if (call == NULL)
        return -1;
    Py_DECREF(call);
    return call != Py_None;
}

/* A decision's kind as `observe_event` answers it: the first KIND_NUMBERS kinds made once, as nearly every event
 * answers one of them and most are past the integers Python keeps made (a new one was made and freed for each event
 * otherwise). */
enum { KIND_NUMBERS = 4096 };

static PyObject *kind_number(Tally *self, int32_t kind) {
    if (kind < 0 || kind >= KIND_NUMBERS)
        return PyLong_FromLong(kind);
    if (self->kind_numbers == NULL && (self->kind_numbers = PyMem_Calloc(KIND_NUMBERS, sizeof(PyObject *))) == NULL)
        return PyErr_NoMemory();
    PyObject **number = &self->kind_numbers[kind];
    if (*number == NULL && (*number = PyLong_FromLong(kind)) == NULL)
        return NULL;
    return Py_NewRef(*number);
}

static PyObject *Tally_observe_event(Tally *self, PyObject *const *args, Py_ssize_t nargs) {
    if (check_args("observe_event", nargs, 4) < 0 || read_fields(args[1]) < 0)
        return NULL;
    PyObject *decision = args[0];
    Event event = {args[1], PyTuple_GET_ITEM(args[1], TIMESTAMP), args[2], Py_None, 0, 0};
    if ((event.line = PyLong_AsSsize_t(args[3])) == -1 && PyErr_Occurred())
        return NULL;
    int timed = segment_time(self, event.when);
    if (timed <= 0)
        return timed < 0 ? NULL : PyLong_FromLong(NOT_COUNTED);
    Held *held = find_held(self, decision);
    if (held != NULL && !held->identify) {
        int matches = held_matches(held, event.fields);
        if (matches <= 0)
            return matches < 0 ? NULL : PyLong_FromLong(NOT_COUNTED);
        if (defer_track(self, held, &event) < 0)
            return NULL;
        return kind_number(self, held->decision_kind);
    }
    PyObject *traits;
    if (!self->attributes_full || self->attribute_slots == NULL)
        return PyLong_FromLong(NOT_COUNTED);
    /* an identify's shared decision, held with its findings and kind, or any other decision read */
    int sends = sends_traits(held != NULL ? NULL : decision, event.fields, &traits);
    if (sends <= 0)
        return sends < 0 ? NULL : PyLong_FromLong(NOT_COUNTED);
    int32_t decision_kind = held != NULL ? held->decision_kind : COUNTED;
    PyObject *findings = held != NULL ? Py_NewRef(held->codes) : findings_of(decision);
    if (findings == NULL)
        return NULL;
    Py_INCREF(traits); /* counting may call back into Python */
    PyObject *slots = Py_NewRef(self->attribute_slots);
    Plan plan;
    int planned = plan_traits(self, traits, slots, findings, &plan, NULL);
    if (planned == 1 && defer_traits(self, PyDict_GET_SIZE(traits), &plan, &event) < 0)
        planned = -1;
    release_plan(&plan);
    Py_DECREF(traits);
    Py_DECREF(slots);
    Py_DECREF(findings);
    if (planned < 0)
        return NULL;
    return planned ? kind_number(self, decision_kind) : PyLong_FromLong(NOT_COUNTED);
}

static PyObject *Tally_count(Tally *self, PyObject *const *args, Py_ssize_t nargs) {
    COUNT_DEFERRED(self);
    int kind;
    Py_ssize_t number;
    if (check_args("count", nargs, 8) < 0 || read_slot(args, &kind, &number) < 0)
        return NULL;
    Event event;
    if (read_event(args + 2, &event) < 0 || count_event(self, kind, number, &event) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *Tally_count_type(Tally *self, PyObject *const *args, Py_ssize_t nargs) {
    COUNT_DEFERRED(self);
    if (check_args("count_type", nargs, 2) < 0)
        return NULL;
    Py_ssize_t number = PyLong_AsSsize_t(args[0]);
    if (number == -1 && PyErr_Occurred())
        return NULL;
    Slot *slot = slot_at(self, ATTRIBUTES, number);
    if (slot == NULL)
        return NULL;
    count_type(slot, args[1]);
    Py_RETURN_NONE;
}

static PyObject *Tally_occurrences(Tally *self, PyObject *kind_object) {
    COUNT_DEFERRED(self);
    int kind;
    if (read_kind(kind_object, &kind) < 0)
        return NULL;
    int64_t counted = self->occurrences[kind];
    self->occurrences[kind] = 0;
    return PyLong_FromLongLong(counted);
}

/* The slots of a kind with anything counted since they were last taken, by number, in order. */
static PyObject *Tally_used(Tally *self, PyObject *kind_object) {
    COUNT_DEFERRED(self);
    int kind;
    if (read_kind(kind_object, &kind) < 0)
        return NULL;
    PyObject *used = PyList_New(0);
    for (Py_ssize_t number = 0; used != NULL && number < self->slot_count[kind]; number++) {
        if (!self->slots[kind][number].used)
            continue;
        PyObject *slot = PyLong_FromSsize_t(number);
        if (slot == NULL || PyList_Append(used, slot) < 0)
            Py_CLEAR(used);
        Py_XDECREF(slot);
    }
    return used;
}

/* The days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t year, int month, int day) {
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t of_era = year - era * 400;
    int64_t of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    return era * 146097 + of_era * 365 + of_era / 4 - of_era / 100 + of_year - 719468;
}

static int two_digits(const char *text, int *value) {
    if (text[0] < '0' || text[0] > '9' || text[1] < '0' || text[1] > '9')
        return 0;
    *value = (text[0] - '0') * 10 + (text[1] - '0');
    return 1;
}

/* A time in Segment's form with a calendar date (`2024-03-01T10:00:00.123Z`) in seconds, as
 * `hotjar_cli.core.eventtime.text_seconds` reads it: its whole seconds, and the fraction's value and digits. 0 for a
 * text of any other form, which the core reads. */
static int calendar_seconds(const char *text, Py_ssize_t size, int64_t *whole, int *fraction, int *digits) {
    int century, of_century, month, day, hour, minute, second;
    if ((size != 20 && (size < 22 || size > 24)) || text[size - 1] != 'Z' || text[4] != '-' || text[7] != '-' ||
        text[10] != 'T' || text[13] != ':' || text[16] != ':' || !two_digits(text, &century) ||
        !two_digits(text + 2, &of_century) || !two_digits(text + 5, &month) || !two_digits(text + 8, &day) ||
        !two_digits(text + 11, &hour) || !two_digits(text + 14, &minute) || !two_digits(text + 17, &second))
        return 0;
    int year = century * 100 + of_century;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > month_days[month - 1] + (month == 2 && leap) ||
        hour > 23 || minute > 59 || second > 59)
        return 0;
    *fraction = 0;
    *digits = size == 20 ? 0 : (int)size - 21;
    if (*digits && text[19] != '.')
        return 0;
    for (Py_ssize_t at = 20; at < size - 1; at++) {
        if (text[at] < '0' || text[at] > '9')
            return 0;
        *fraction = *fraction * 10 + (text[at] - '0');
    }
    *whole = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return 1;
}

/* A sighting's time in seconds (a new reference): `hotjar_cli.core.tally.seconds`, the same float. */
static PyObject *where_seconds(Tally *self, Where *where) {
    static const double tens[] = {1.0, 10.0, 100.0, 1000.0};
    int64_t whole;
    int fraction, digits;
    if (where->state == TIME_TEXT && calendar_seconds(where->text, where->size, &whole, &fraction, &digits)) {
        /* as the compiled core adds them, and gives a float even with no fraction */
        return PyFloat_FromDouble(digits ? (double)whole + (double)fraction / tens[digits] : (double)whole);
    }
    PyObject *when = where_when(where);
    if (when == NULL)
        return NULL;
    PyObject *seconds = PyObject_CallOneArg(self->seconds, when);
    Py_DECREF(when);
    return seconds;
}

/* A sighting as `take` hands it over, its time in seconds. */
static PyObject *where_tuple(Tally *self, Where *where) {
    if (where->state == NO_SIGHTING)
        Py_RETURN_NONE;
    PyObject *when = where_seconds(self, where);
    if (when == NULL)
        return NULL;
    PyObject *line = PyLong_FromSsize_t(where->line), *tuple = line == NULL ? NULL : PyTuple_New(4);
    if (tuple == NULL) {
        Py_DECREF(when);
        Py_XDECREF(line);
        return NULL;
    }
    PyTuple_SET_ITEM(tuple, 0, when);
    PyTuple_SET_ITEM(tuple, 1, Py_NewRef(where->file));
    PyTuple_SET_ITEM(tuple, 2, line);
    PyTuple_SET_ITEM(tuple, 3, Py_NewRef(where->index));
    return tuple;
}

enum { SORTED_BY_INSERTION = 64 };

static int hash_order(const void *one, const void *other) {
    uint64_t first = *(const uint64_t *)one, second = *(const uint64_t *)other;
    return (first > second) - (first < second);
}

/* Hashes packed as `hotjar_cli.core.sketch.packed_users` packs them: 8 bytes each, little-endian. */
static PyObject *packed_of(const uint64_t *hashes, Py_ssize_t count) {
    PyObject *packed = PyBytes_FromStringAndSize(NULL, count * 8);
    if (packed == NULL)
        return NULL;
    unsigned char *bytes = (unsigned char *)PyBytes_AS_STRING(packed);
    for (Py_ssize_t at = 0; at < count; at++) {
        uint64_t hash = hashes[at];
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
        hash = __builtin_bswap64(hash);
#endif
        memcpy(bytes + at * 8, &hash, 8);
    }
    return packed;
}

/* A slot's users as `take` hands them over: the sketch's registers, or the exact hashes packed as
 * `hotjar_cli.core.sketch.packed_users` packs them (sorted, 8 bytes each, little-endian); None for none. */
static PyObject *users_of(Slot *slot) {
    if (slot->registers != NULL)
        return PyByteArray_FromStringAndSize((const char *)slot->registers, REGISTERS);
    Py_ssize_t count = (Py_ssize_t)slot->exact_count + (slot->has_zero ? 1 : 0);
    if (!count)
        Py_RETURN_NONE;
    uint64_t *hashes = PyMem_Malloc((size_t)count * sizeof(uint64_t));
    if (hashes == NULL)
        return PyErr_NoMemory();
    Py_ssize_t at = 0;
    if (slot->has_zero)
        hashes[at++] = 0;
    for (uint32_t place = 0; place < slot->exact_capacity; place++)
        if (slot->exact[place])
            hashes[at++] = slot->exact[place];
    if (at > SORTED_BY_INSERTION) {
        qsort(hashes, (size_t)at, sizeof(uint64_t), hash_order);
    } else { /* a few dozen: inserted in order, without a call a comparison */
        for (Py_ssize_t next = 1; next < at; next++) {
            uint64_t hash = hashes[next];
            Py_ssize_t place = next;
            for (; place > 0 && hashes[place - 1] > hash; place--)
                hashes[place] = hashes[place - 1];
            hashes[place] = hash;
        }
    }
    PyObject *packed = packed_of(hashes, at);
    PyMem_Free(hashes);
    return packed;
}

static PyObject *Tally_take(Tally *self, PyObject *const *args, Py_ssize_t nargs) {
    COUNT_DEFERRED(self);
    int kind;
    Py_ssize_t number;
    if (check_args("take", nargs, 2) < 0 || read_slot(args, &kind, &number) < 0 || add_users(self) < 0)
        return NULL;
    Slot *slot = slot_at(self, kind, number);
    if (slot == NULL)
        return NULL;
    if (!slot->used)
        Py_RETURN_NONE;
    int typed = 0; /* an event name's values have no types: None rather than eight zeros */
    for (int at = 0; slot->types != NULL && at < JS_TYPES; at++)
        typed |= slot->types[at] != 0;
    PyObject *types = typed ? PyList_New(JS_TYPES) : Py_NewRef(Py_None);
    if (types == NULL)
        return NULL;
    for (int at = 0; typed && at < JS_TYPES; at++) {
        PyObject *count = PyLong_FromLongLong(slot->types[at]);
        if (count == NULL) {
            Py_DECREF(types);
            return NULL;
        }
        PyList_SET_ITEM(types, at, count);
    }
    PyObject *first = where_tuple(self, &slot->first), *last = where_tuple(self, &slot->last);
    PyObject *users = users_of(slot);
    PyObject *dropped = dropped_of(slot);
    PyObject *messages = PyLong_FromLongLong(slot->messages), *taken = NULL;
    if (messages != NULL && first != NULL && last != NULL && users != NULL && dropped != NULL)
        taken = PyTuple_New(7);
    if (taken == NULL) {
        Py_DECREF(types);
        Py_XDECREF(messages);
        Py_XDECREF(first);
        Py_XDECREF(last);
        Py_XDECREF(users);
        Py_XDECREF(dropped);
        return NULL;
    }
    PyObject *items[] = {messages, types, first, last, users, Py_NewRef(slot->offered ? Py_True : Py_False), dropped};
    for (int at = 0; at < 7; at++)
        PyTuple_SET_ITEM(taken, at, items[at]); /* each reference given to the tuple */
    clear_slot(slot);
    return taken;
}

/* ---- the type ---- */

static int Tally_init(Tally *self, PyObject *args, PyObject *kwargs) {
    Py_ssize_t exact_users, held_limit;
    PyObject *before, *user_key, *trait_name, *is_segment_time, *seconds, *still_offered;
    static char *names[] = {"exact_users", "held", "still_offered", "before", "user_key",
                            "trait_name", "is_segment_time", "seconds", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "nnUOOOOO", names, &exact_users, &held_limit, &still_offered,
                                     &before, &user_key, &trait_name, &is_segment_time, &seconds))
        return -1;
    if (self->held != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a tally is made once");
        return -1;
    }
    if (exact_users < 0 || held_limit < 0) {
        PyErr_SetString(PyExc_ValueError, "bounds are not negative");
        return -1;
    }
    self->exact_users = exact_users;
    /* A decision's number is held in 4 bytes (`held_places`); letting every decision go sooner counts the same. */
    self->held_limit = held_limit < INT32_MAX ? held_limit : INT32_MAX;
    self->held_capacity = 64;
    self->places_capacity = 128;
    self->held = PyMem_Calloc((size_t)self->held_capacity, sizeof(Held));
    self->held_places = written_zeros((size_t)self->places_capacity, sizeof(uint32_t));
    if (self->held == NULL || self->held_places == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->before = Py_NewRef(before);
    self->user_key = Py_NewRef(user_key);
    self->still_offered = Py_NewRef(still_offered);
    if (PyUnicode_CheckExact(self->still_offered))
        PyUnicode_InternInPlace(&self->still_offered);
    self->trait_name = Py_NewRef(trait_name);
    self->is_segment_time = Py_NewRef(is_segment_time);
    self->seconds = Py_NewRef(seconds);
    return 0;
}

static void Tally_dealloc(Tally *self) {
    for (Py_ssize_t at = 0; at < self->deferred_count; at++) {
        Py_DECREF(self->deferred[at].when);
        Py_DECREF(self->deferred[at].file);
    }
    PyMem_Free(self->deferred);
    for (int at = 0; self->kind_numbers != NULL && at < KIND_NUMBERS; at++)
        Py_XDECREF(self->kind_numbers[at]);
    PyMem_Free(self->kind_numbers);
    if (self->planned != NULL) {
        for (Py_ssize_t at = 0; at < self->planned->count; at++)
            Py_XDECREF(self->planned->codes[at]);
        PyMem_Free(self->planned->numbers);
        PyMem_Free(self->planned->types);
        PyMem_Free(self->planned->codes);
        PyMem_Free(self->planned);
    }
    PyMem_Free(self->recent);
    self->recent = NULL; /* let go, not cleared by `forget_all` */
    if (self->held != NULL)
        forget_all(self);
    PyMem_Free(self->held);
    PyMem_Free(self->held_places);
    for (int kind = 0; kind < KINDS; kind++) {
        for (Py_ssize_t at = 0; at < self->slot_count[kind]; at++) {
            clear_slot(&self->slots[kind][at]);
            PyMem_Free(self->slots[kind][at].types);
        }
        release_slots(self->slots[kind], self->slot_capacity[kind]);
        PyMem_Free(self->free_slots[kind]);
    }
    Py_XDECREF(self->before);
    Py_XDECREF(self->user_key);
    Py_XDECREF(self->still_offered);
    Py_XDECREF(self->trait_name);
    Py_XDECREF(self->is_segment_time);
    Py_XDECREF(self->seconds);
    Py_XDECREF(self->attribute_slots);
    forget_name_slots(self);
    PyMem_Free(self->name_slots);
    clear_where(&self->earliest);
    clear_where(&self->latest);
    clear_where(&self->day_first);
    clear_where(&self->day_last);
    PyMem_Free(self->users_held);
    PyMem_Free(self->users_sorted);
    PyMem_Free(self->key_counts);
    forget_known(self);
    PyMem_Free(self->known);
    Py_XDECREF(self->days);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* ---- distinct users handed over, added up: `hotjar_cli.core.sketch.union_users` ---- */

/* Hashes packed as `packed_users` packs them (8 bytes each, little-endian), read into `hashes` in order; whether
 * they were sorted, as every packing is. */
static int read_packed(const unsigned char *bytes, Py_ssize_t count, uint64_t *hashes) {
    int sorted = 1;
    for (Py_ssize_t at = 0; at < count; at++) {
        uint64_t hash;
        memcpy(&hash, bytes + at * 8, 8);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
        hash = __builtin_bswap64(hash);
#endif
        hashes[at] = hash;
        sorted &= at == 0 || hashes[at - 1] <= hash;
    }
    return sorted;
}

/* A sketch's registers (a bytearray of REGISTERS), or packed hashes (bytes of whole hashes): 1, 0, -1 on error. */
static int is_sketch(PyObject *users) {
    if (PyByteArray_CheckExact(users) && PyByteArray_GET_SIZE(users) == REGISTERS)
        return 1;
    if (PyBytes_CheckExact(users) && PyBytes_GET_SIZE(users) % 8 == 0)
        return 0;
    PyErr_SetString(PyExc_TypeError, "users are packed hashes (bytes) or a sketch's registers (a bytearray)");
    return -1;
}

/* `union_users(mine, theirs, exact_up_to)`: the distinct users of both, as `DistinctUsers.update` counts them:
 * the union of two exact sets, packed, while it holds at most `exact_up_to` users, else a sketch's registers (a
 * new bytearray), each register the highest of both. Neither argument is changed. */
static PyObject *union_users(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (check_args("union_users", nargs, 3) < 0)
        return NULL;
    PyObject *mine = args[0], *theirs = args[1];
    Py_ssize_t exact_up_to = PyLong_AsSsize_t(args[2]);
    if (exact_up_to == -1 && PyErr_Occurred())
        return NULL;
    int mine_sketch = is_sketch(mine), theirs_sketch = is_sketch(theirs);
    if (mine_sketch < 0 || theirs_sketch < 0)
        return NULL;
    if (mine_sketch && theirs_sketch) {
        PyObject *registers = PyByteArray_FromObject(mine);
        if (registers == NULL)
            return NULL;
        uint8_t *high = (uint8_t *)PyByteArray_AS_STRING(registers);
        const uint8_t *other = (const uint8_t *)PyByteArray_AS_STRING(theirs);
        for (int at = 0; at < REGISTERS; at++)
            if (other[at] > high[at])
                high[at] = other[at];
        return registers;
    }
    Py_ssize_t mine_count = mine_sketch ? 0 : PyBytes_GET_SIZE(mine) / 8;
    Py_ssize_t theirs_count = theirs_sketch ? 0 : PyBytes_GET_SIZE(theirs) / 8;
    uint64_t *hashes = PyMem_Malloc((size_t)(mine_count + theirs_count + 1) * 2 * sizeof(uint64_t));
    if (hashes == NULL)
        return PyErr_NoMemory();
    uint64_t *left = hashes, *right = hashes + mine_count, *both = hashes + mine_count + theirs_count;
    int sorted = read_packed(mine_sketch ? NULL : (const unsigned char *)PyBytes_AS_STRING(mine), mine_count, left);
    if (!read_packed(theirs_sketch ? NULL : (const unsigned char *)PyBytes_AS_STRING(theirs), theirs_count, right))
        sorted = 0;
    if (!sorted) {
        qsort(left, (size_t)mine_count, sizeof(uint64_t), hash_order);
        qsort(right, (size_t)theirs_count, sizeof(uint64_t), hash_order);
    }
    Py_ssize_t count = 0, at = 0, other_at = 0;
    while (at < mine_count || other_at < theirs_count) {
        uint64_t next;
        if (other_at >= theirs_count || (at < mine_count && left[at] <= right[other_at]))
            next = left[at++];
        else
            next = right[other_at++];
        if (count == 0 || both[count - 1] != next)
            both[count++] = next;
    }
    PyObject *answer;
    if (!mine_sketch && !theirs_sketch && count <= exact_up_to) {
        answer = packed_of(both, count);
    } else { /* a sketch: one of them, or the exact union past the bound, and the exact hashes added to it */
        PyObject *sketch = mine_sketch ? mine : theirs_sketch ? theirs : NULL;
        answer = PyByteArray_FromStringAndSize(NULL, REGISTERS);
        if (answer != NULL) {
            uint8_t *registers = (uint8_t *)PyByteArray_AS_STRING(answer);
            if (sketch != NULL)
                memcpy(registers, PyByteArray_AS_STRING(sketch), REGISTERS);
            else
                memset(registers, 0, REGISTERS);
            for (Py_ssize_t number = 0; number < count; number++)
                add_to_registers(registers, both[number]);
        }
    }
    PyMem_Free(hashes);
    return answer;
}

/* `user_hash(text)`: `hotjar_cli.core.sketch.user_hash`, as the tally hashes every user it counts. */
static PyObject *user_hash(PyObject *module, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "a user or a name is a str");
        return NULL;
    }
    uint64_t hash;
    if (text_hash(text, &hash) < 0)
        return NULL;
    return PyLong_FromUnsignedLongLong(hash);
}

/* `add_hash(registers, hash)`: a user, by its hash, into a sketch's registers (a bytearray of REGISTERS), as
 * `hotjar_cli.core.sketch.register_of` places it. */
static PyObject *add_hash(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (check_args("add_hash", nargs, 2) < 0 || is_sketch(args[0]) != 1) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "registers are a bytearray of a sketch's size");
        return NULL;
    }
    unsigned long long hash = PyLong_AsUnsignedLongLong(args[1]);
    if (hash == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
    add_to_registers((uint8_t *)PyByteArray_AS_STRING(args[0]), hash);
    Py_RETURN_NONE;
}

static PyMethodDef module_functions[] = {
    {"union_users", (PyCFunction)(void (*)(void))union_users, METH_FASTCALL, NULL},
    {"user_hash", (PyCFunction)user_hash, METH_O, NULL},
    {"add_hash", (PyCFunction)(void (*)(void))add_hash, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef Tally_methods[] = {
    {"new_slot", (PyCFunction)Tally_new_slot, METH_O, NULL},
    {"free_slot", (PyCFunction)(void (*)(void))Tally_free_slot, METH_FASTCALL, NULL},
    {"hold", (PyCFunction)(void (*)(void))Tally_hold, METH_FASTCALL, NULL},
    {"hold_identify", (PyCFunction)(void (*)(void))Tally_hold_identify, METH_FASTCALL, NULL},
    {"forget", (PyCFunction)Tally_forget, METH_NOARGS, NULL},
    {"number_lines_from", (PyCFunction)Tally_number_lines_from, METH_O, NULL},
    {"observe_held", (PyCFunction)(void (*)(void))Tally_observe_held, METH_FASTCALL, NULL},
    {"observe_traits", (PyCFunction)(void (*)(void))Tally_observe_traits, METH_FASTCALL, NULL},
    {"count", (PyCFunction)(void (*)(void))Tally_count, METH_FASTCALL, NULL},
    {"count_type", (PyCFunction)(void (*)(void))Tally_count_type, METH_FASTCALL, NULL},
    {"occurrences", (PyCFunction)Tally_occurrences, METH_O, NULL},
    {"used", (PyCFunction)Tally_used, METH_O, NULL},
    {"take", (PyCFunction)(void (*)(void))Tally_take, METH_FASTCALL, NULL},
    {"stretch", (PyCFunction)Tally_stretch, METH_O, NULL},
    {"span", (PyCFunction)Tally_span, METH_NOARGS, NULL},
    {"days", (PyCFunction)Tally_days, METH_NOARGS, NULL},
    {"watch_attributes", (PyCFunction)(void (*)(void))Tally_watch_attributes, METH_FASTCALL, NULL},
    {"observe_event", (PyCFunction)(void (*)(void))Tally_observe_event, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TallyType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "hotjar_cli.core.tally_native.NativeTally",
    .tp_doc = "The inventory's tally in C: see hotjar_cli.core.tally.",
    .tp_basicsize = sizeof(Tally),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Tally_init,
    .tp_dealloc = (destructor)Tally_dealloc,
    .tp_methods = Tally_methods,
};

static struct PyModuleDef tally_module = {
    PyModuleDef_HEAD_INIT, "tally_native", "The inventory's tally in C: see hotjar_cli.core.tally.", -1,
    module_functions,
};

PyMODINIT_FUNC PyInit_tally_native(void) {
    if (PATH == NULL && ((PATH = PyUnicode_InternFromString("path")) == NULL ||
                         (CODE = PyUnicode_InternFromString("code")) == NULL ||
                         (TRAITS_PATH = PyUnicode_InternFromString("$.traits")) == NULL ||
                         (IDENTIFY = PyUnicode_InternFromString("identify")) == NULL ||
                         (CALL = PyUnicode_InternFromString("call")) == NULL ||
                         (FINDINGS = PyUnicode_InternFromString("findings")) == NULL))
        return NULL;
    if (PyType_Ready(&TallyType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&tally_module);
    if (module == NULL)
        return NULL;
    if (PyModule_AddObjectRef(module, "NativeTally", (PyObject *)&TallyType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
