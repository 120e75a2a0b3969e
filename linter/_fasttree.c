/* portlint._fasttree: the YAML tree of one document, built in C straight from libyaml's events.
 *
 * Why: ruamel.yaml's C parser turns every libyaml event into a Python event object with two
 * Python mark objects (about 920,000 objects for an 8 MB Helm stream), and linter/tree.py then
 * folds those into the tree; that is most of portlint's time and memory on big inputs. This
 * module builds the same tree (linter/tree.py's Mapping, Sequence and Scalar, the same
 * positions) with one object per node and positions kept as C integers; a mark object is
 * made only when a finding asks for a position.
 *
 * It handles only the documents whose tree needs no judgement: no anchors or aliases, no merge
 * keys, no duplicate or complex keys, no directives, one document, and nothing where libyaml
 * 0.2.5 reads the text differently from the older copy ruamel.yaml.clib bundles. Those places
 * were found by comparing both parsers' events on the yaml-test-suite, real manifests and
 * three million fuzzed inputs; each is caught by a check over 0.2.5's events or the text:
 *   - a plain scalar holding ':' or '?' inside a flow collection (0.2.3 and 0.2.5 allow them);
 *   - a tag on a node inside a flow collection (`[!a, b]`: the older scanner takes `!a,` as
 *     the tag; the events do not say where a tag ends, so every tag there falls back);
 *   - a backslash before CR LF (the older reader can read a stale character at a 16 KiB
 *     buffer boundary in a double-quoted scalar).
 * For anything else, and on any libyaml error, build() raises Fallback and linter/tree.py
 * builds the document from ruamel's events, which stay the reference (tests/test_fasttree.py
 * compares both builders node by node). tree.py uses this module only with libyaml 0.2.5:
 * other versions read other texts differently.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>
#include <yaml.h>

#define MAX_FLOW_DEPTH 1000 /* eventtree.MAX_FLOW_DEPTH: deeper is a PL000 reported there */
#define SHARED_VALUE_LENGTH 64 /* bytes: values this short share one str per document */

static PyObject *Fallback;
static PyTypeObject *MappingClass; /* the Python subclasses with the lookup methods */
static PyTypeObject *SequenceClass;
static PyObject *styles[5]; /* '' for plain, then ' " | > as ruamel.yaml names them */

/* -- positions ---------------------------------------------------------------------------- */

/* 32 bits each: a document of 2 GiB is far beyond any input portlint reads whole
 * (sources.py splits streams into documents), and a node is 24 bytes smaller. */
typedef struct {
    int32_t index;
    int32_t line;
    int32_t column;
} Pos;

typedef struct {
    PyObject_HEAD
    Pos pos;
} MarkObject;

static PyMemberDef Mark_members[] = {
    {"index", T_INT, offsetof(MarkObject, pos.index), READONLY, "characters before this position"},
    {"line", T_INT, offsetof(MarkObject, pos.line), READONLY, "0-based line"},
    {"column", T_INT, offsetof(MarkObject, pos.column), READONLY, "0-based column"},
    {NULL},
};

static PyObject *Mark_repr(MarkObject *self) {
    return PyUnicode_FromFormat("Mark(index=%d, line=%d, column=%d)", self->pos.index, self->pos.line,
                                self->pos.column);
}

static PyTypeObject MarkType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "portlint._fasttree.Mark",
    .tp_doc = "A position in a document, as the parser counts it (0-based line and column).",
    .tp_basicsize = sizeof(MarkObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = NULL,
    .tp_members = Mark_members,
    .tp_repr = (reprfunc)Mark_repr,
};

static PyObject *new_mark(const Pos *pos) {
    MarkObject *mark = PyObject_New(MarkObject, &MarkType);
    if (mark != NULL)
        mark->pos = *pos;
    return (PyObject *)mark;
}

/* Read index/line/column from any mark object (ruamel's, tree.EditorMark or ours). */
static int read_mark(PyObject *mark, Pos *pos) {
    if (Py_IS_TYPE(mark, &MarkType)) {
        *pos = ((MarkObject *)mark)->pos;
        return 0;
    }
    const char *names[3] = {"index", "line", "column"};
    int32_t *fields[3] = {&pos->index, &pos->line, &pos->column};
    for (int i = 0; i < 3; i++) {
        PyObject *value = PyObject_GetAttrString(mark, names[i]);
        if (value == NULL)
            return -1;
        long number = PyLong_AsLong(value);
        Py_DECREF(value);
        if (number == -1 && PyErr_Occurred())
            return -1;
        if (number < INT32_MIN || number > INT32_MAX) {
            PyErr_SetString(PyExc_OverflowError, "a position beyond 2**31");
            return -1;
        }
        *fields[i] = (int32_t)number;
    }
    return 0;
}

static Pos from_libyaml(yaml_mark_t mark) {
    Pos pos = {(int32_t)mark.index, (int32_t)mark.line, (int32_t)mark.column};
    return pos;
}

#define MARK_GETSET(Type, field, doc)                                                                    \
    static PyObject *Type##_get_##field(Type *self, void *closure) { return new_mark(&self->field); }    \
    static int Type##_set_##field(Type *self, PyObject *value, void *closure) {                         \
        if (value == NULL) {                                                                              \
            PyErr_SetString(PyExc_AttributeError, "a mark cannot be deleted");                            \
            return -1;                                                                                    \
        }                                                                                                 \
        return read_mark(value, &self->field);                                                            \
    }

/* -- scalars ------------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    PyObject *value;  /* str */
    PyObject *style;  /* '' for plain, or one of ' " | > */
    PyObject *tag;    /* None unless written */
    PyObject *anchor; /* None unless written */
    Pos start_mark;
    Pos end_mark;
} ScalarObject;

static int Scalar_init(ScalarObject *self, PyObject *args, PyObject *kwds) {
    static char *names[] = {"value", "style", "tag", "anchor", "start_mark", "end_mark", NULL};
    PyObject *value, *style, *tag, *anchor, *start, *end;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOO", names, &value, &style, &tag, &anchor, &start, &end))
        return -1;
    if (read_mark(start, &self->start_mark) < 0 || read_mark(end, &self->end_mark) < 0)
        return -1;
    Py_INCREF(value);
    Py_INCREF(style);
    Py_INCREF(tag);
    Py_INCREF(anchor);
    Py_XSETREF(self->value, value);
    Py_XSETREF(self->style, style);
    Py_XSETREF(self->tag, tag);
    Py_XSETREF(self->anchor, anchor);
    return 0;
}

static void Scalar_dealloc(ScalarObject *self) {
    Py_XDECREF(self->value);
    Py_XDECREF(self->style);
    Py_XDECREF(self->tag);
    Py_XDECREF(self->anchor);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Scalar_repr(ScalarObject *self) {
    return PyUnicode_FromFormat("Scalar(%R, style=%R, line=%d)", self->value, self->style, self->start_mark.line);
}

MARK_GETSET(ScalarObject, start_mark, "")
MARK_GETSET(ScalarObject, end_mark, "")

static PyGetSetDef Scalar_getset[] = {
    {"start_mark", (getter)ScalarObject_get_start_mark, (setter)ScalarObject_set_start_mark, "where it starts", NULL},
    {"end_mark", (getter)ScalarObject_get_end_mark, (setter)ScalarObject_set_end_mark, "where it ends", NULL},
    {NULL},
};

static PyMemberDef Scalar_members[] = {
    {"value", T_OBJECT, offsetof(ScalarObject, value), READONLY, "the text"},
    {"style", T_OBJECT, offsetof(ScalarObject, style), READONLY, "'' for plain, or one of ' \" | >"},
    {"tag", T_OBJECT, offsetof(ScalarObject, tag), READONLY, "the tag when written, else None"},
    {"anchor", T_OBJECT, offsetof(ScalarObject, anchor), READONLY, "the anchor when written, else None"},
    {NULL},
};

static PyTypeObject ScalarType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "portlint._fasttree.Scalar",
    .tp_doc = "A scalar node: its text, style, tag, anchor and marks.",
    .tp_basicsize = sizeof(ScalarObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scalar_init,
    .tp_dealloc = (destructor)Scalar_dealloc,
    .tp_members = Scalar_members,
    .tp_getset = Scalar_getset,
    .tp_repr = (reprfunc)Scalar_repr,
};

static ScalarObject *new_scalar(PyObject *value, PyObject *style, PyObject *tag, yaml_mark_t start, yaml_mark_t end) {
    ScalarObject *node = PyObject_New(ScalarObject, &ScalarType);
    if (node == NULL)
        return NULL;
    node->value = value; /* stolen */
    Py_INCREF(style);
    node->style = style;
    node->tag = tag; /* stolen */
    Py_INCREF(Py_None);
    node->anchor = Py_None;
    node->start_mark = from_libyaml(start);
    node->end_mark = from_libyaml(end);
    return node;
}

/* -- collections: C bases of tree.Mapping and tree.Sequence ------------------------------ */

typedef struct {
    PyObject_HEAD
    PyObject *content; /* Mapping: entries (dict); Sequence: items (list) */
    PyObject *merges;  /* Mapping only: None or the merged mappings */
    Pos sm;
    Pos em;
} CollectionObject;

static int Collection_traverse(CollectionObject *self, visitproc visit, void *arg) {
    Py_VISIT(self->content);
    Py_VISIT(self->merges);
    return 0;
}

static int Collection_clear(CollectionObject *self) {
    Py_CLEAR(self->content);
    Py_CLEAR(self->merges);
    return 0;
}

static void Collection_dealloc(CollectionObject *self) {
    PyObject_GC_UnTrack(self);
    Collection_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int collection_init(CollectionObject *self, PyObject *args, PyObject *empty) {
    PyObject *sm;
    if (!PyArg_ParseTuple(args, "O", &sm) || read_mark(sm, &self->sm) < 0)
        return -1;
    self->em = self->sm;
    Py_XSETREF(self->content, empty);
    Py_INCREF(Py_None);
    Py_XSETREF(self->merges, Py_None);
    return 0;
}

static int Mapping_init(CollectionObject *self, PyObject *args, PyObject *kwds) {
    PyObject *entries = PyDict_New();
    return entries == NULL ? -1 : collection_init(self, args, entries);
}

static int Sequence_init(CollectionObject *self, PyObject *args, PyObject *kwds) {
    PyObject *items = PyList_New(0);
    return items == NULL ? -1 : collection_init(self, args, items);
}

MARK_GETSET(CollectionObject, sm, "")
MARK_GETSET(CollectionObject, em, "")

static PyGetSetDef Collection_getset[] = {
    {"sm", (getter)CollectionObject_get_sm, (setter)CollectionObject_set_sm, "where it starts", NULL},
    {"em", (getter)CollectionObject_get_em, (setter)CollectionObject_set_em, "where it ends", NULL},
    {NULL},
};

static PyMemberDef Mapping_members[] = {
    {"entries", T_OBJECT, offsetof(CollectionObject, content), 0, "key text -> (key node, value node)"},
    {"merges", T_OBJECT, offsetof(CollectionObject, merges), 0, "None, or the mappings merged with <<"},
    {NULL},
};

static PyMemberDef Sequence_members[] = {
    {"items", T_OBJECT, offsetof(CollectionObject, content), 0, "the item nodes"},
    {NULL},
};

/* Mapping.get and dig: the tree's lookups, called hundreds of thousands of times on a big
 * stream; in C they cost a third of tree.py's Python versions (used without this module). */
static PyObject *mapping_get(CollectionObject *self, PyObject *key) {
    if (!PyDict_Check(self->content)) {
        PyErr_SetString(PyExc_TypeError, "a mapping's entries are not a dict");
        return NULL;
    }
    PyObject *entry = PyDict_GetItemWithError(self->content, key); /* borrowed */
    if (entry != NULL)
        Py_INCREF(entry);
    else if (PyErr_Occurred())
        return NULL;
    else if (self->merges == Py_None)
        Py_RETURN_NONE;
    else { /* merged keys: tree.Mapping.entry; "(O)": a tuple key is one argument */
        entry = PyObject_CallMethod((PyObject *)self, "entry", "(O)", key);
        if (entry == NULL || entry == Py_None)
            return entry;
    }
    PyObject *value = PyTuple_Check(entry) && PyTuple_GET_SIZE(entry) == 2 ? Py_NewRef(PyTuple_GET_ITEM(entry, 1)) : NULL;
    Py_DECREF(entry);
    if (value == NULL)
        PyErr_SetString(PyExc_TypeError, "a mapping entry is not a (key node, value node) tuple");
    return value;
}

/* dig(node, *keys): tree.dig (follow mapping keys; None once a step is missing or not a
 * tree.Mapping, the class configure() was given). */
static PyObject *dig(PyObject *module, PyObject *args) {
    Py_ssize_t count = PyTuple_GET_SIZE(args);
    if (count == 0) {
        PyErr_SetString(PyExc_TypeError, "dig() needs a node");
        return NULL;
    }
    PyObject *node = Py_NewRef(PyTuple_GET_ITEM(args, 0));
    for (Py_ssize_t i = 1; i < count; i++) {
        if (MappingClass == NULL || !Py_IS_TYPE(node, MappingClass)) {
            Py_DECREF(node);
            Py_RETURN_NONE;
        }
        PyObject *next = mapping_get((CollectionObject *)node, PyTuple_GET_ITEM(args, i));
        Py_DECREF(node);
        if (next == NULL)
            return NULL;
        node = next;
    }
    return node;
}

static PyMethodDef Mapping_methods[] = {
    {"get", (PyCFunction)mapping_get, METH_O, "get(key) -> the value node of key (own keys, then merged ones), or None."},
    {NULL},
};

static PyTypeObject MappingBaseType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "portlint._fasttree.MappingBase",
    .tp_doc = "The storage of tree.Mapping.",
    .tp_basicsize = sizeof(CollectionObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Mapping_init,
    .tp_dealloc = (destructor)Collection_dealloc,
    .tp_traverse = (traverseproc)Collection_traverse,
    .tp_clear = (inquiry)Collection_clear,
    .tp_members = Mapping_members,
    .tp_methods = Mapping_methods,
    .tp_getset = Collection_getset,
};

static PyTypeObject SequenceBaseType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "portlint._fasttree.SequenceBase",
    .tp_doc = "The storage of tree.Sequence.",
    .tp_basicsize = sizeof(CollectionObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Sequence_init,
    .tp_dealloc = (destructor)Collection_dealloc,
    .tp_traverse = (traverseproc)Collection_traverse,
    .tp_clear = (inquiry)Collection_clear,
    .tp_members = Sequence_members,
    .tp_getset = Collection_getset,
};

static CollectionObject *new_collection(PyTypeObject *cls, yaml_mark_t start) {
    CollectionObject *node = (CollectionObject *)cls->tp_alloc(cls, 0);
    if (node == NULL)
        return NULL;
    node->content = cls == MappingClass ? PyDict_New() : PyList_New(0);
    Py_INCREF(Py_None);
    node->merges = Py_None;
    node->sm = node->em = from_libyaml(start);
    if (node->content == NULL) {
        Py_DECREF(node);
        return NULL;
    }
    return node;
}

/* -- the builder -------------------------------------------------------------------------- */

typedef struct {
    CollectionObject *node; /* borrowed: its parent (or the root) holds it */
    int flow;
    int streams; /* the root's "items" sequence, handed to on_item item by item */
} Frame;

typedef struct {
    yaml_parser_t parser;
    yaml_event_t event;
    int has_event;
    Frame *frames;
    Py_ssize_t depth, capacity;
    PyObject *keys; /* one str object per distinct key text or short value */
    PyObject *on_item; /* NULL, or called with each item of the root's "items" sequence */
} Builder;

static int fallback(const char *why) {
    PyErr_SetString(Fallback, why);
    return -1;
}

static int push(Builder *b, CollectionObject *node, int flow) {
    if (b->depth == b->capacity) {
        Py_ssize_t capacity = b->capacity ? b->capacity * 2 : 64;
        Frame *frames = PyMem_Realloc(b->frames, capacity * sizeof(Frame));
        if (frames == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->frames = frames;
        b->capacity = capacity;
    }
    b->frames[b->depth].node = node;
    b->frames[b->depth].flow = flow;
    b->frames[b->depth].streams = 0;
    b->depth++;
    return 0;
}

static PyObject *scalar_style(yaml_scalar_style_t style) {
    switch (style) {
    case YAML_PLAIN_SCALAR_STYLE:
        return styles[0];
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
        return styles[1];
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        return styles[2];
    case YAML_LITERAL_SCALAR_STYLE:
        return styles[3];
    case YAML_FOLDED_SCALAR_STYLE:
        return styles[4];
    default:
        return Py_None; /* ruamel.yaml's CParser: None for any other style */
    }
}

/* A scalar in a flow collection that the older libyaml reads differently: tagged, or plain
 * and holding ':' or '?' (see the top of this file). */
static int version_sensitive(const yaml_event_t *event, Py_ssize_t flow_depth) {
    if (flow_depth == 0)
        return 0;
    if (event->data.scalar.tag != NULL)
        return 1;
    if (event->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *text = (const char *)event->data.scalar.value;
    size_t length = event->data.scalar.length;
    return memchr(text, ':', length) != NULL || memchr(text, '?', length) != NULL;
}

static ScalarObject *make_scalar(Builder *b, const yaml_event_t *event, int is_key) {
    PyObject *value = PyUnicode_DecodeUTF8((const char *)event->data.scalar.value,
                                           (Py_ssize_t)event->data.scalar.length, "strict");
    if (value == NULL)
        return NULL;
    if (is_key || event->data.scalar.length <= SHARED_VALUE_LENGTH) {
        /* one str per distinct key or short value: a document repeats its keys and short
         * values ("v1", "TCP", "true", image names) thousands of times */
        PyObject *shared = PyDict_SetDefault(b->keys, value, value);
        if (shared == NULL) {
            Py_DECREF(value);
            return NULL;
        }
        Py_INCREF(shared);
        Py_DECREF(value);
        value = shared;
    }
    PyObject *tag = Py_None;
    if (event->data.scalar.tag != NULL) {
        tag = PyUnicode_FromString((const char *)event->data.scalar.tag);
        if (tag == NULL) {
            Py_DECREF(value);
            return NULL;
        }
    } else {
        Py_INCREF(Py_None);
    }
    ScalarObject *node = new_scalar(value, scalar_style(event->data.scalar.style), tag, event->start_mark,
                                    event->end_mark);
    if (node == NULL) {
        Py_DECREF(value);
        Py_DECREF(tag);
    }
    return node;
}

/* Attach a new node (a reference we own, given away here) to the open collection. */
static int attach(Builder *b, PyObject *node, ScalarObject **pending_key, PyObject **root) {
    if (b->depth == 0) {
        if (*root != NULL) {
            Py_DECREF(node);
            return fallback("a second top-level node");
        }
        *root = node;
        return 0;
    }
    CollectionObject *parent = b->frames[b->depth - 1].node;
    if (Py_IS_TYPE(parent, SequenceClass)) {
        int failed = PyList_Append(parent->content, node);
        Py_DECREF(node);
        return failed;
    }
    if (*pending_key == NULL) {
        if (!Py_IS_TYPE(node, &ScalarType)) {
            Py_DECREF(node);
            return fallback("a complex key");
        }
        *pending_key = (ScalarObject *)node;
        return 0;
    }
    ScalarObject *key = *pending_key;
    *pending_key = NULL;
    PyObject *text = key->value;
    if (PyUnicode_GET_LENGTH(text) == 2 && PyUnicode_READ_CHAR(text, 0) == '<' && PyUnicode_READ_CHAR(text, 1) == '<') {
        Py_DECREF(key);
        Py_DECREF(node);
        return fallback("a merge key");
    }
    PyObject *entry = PyTuple_Pack(2, (PyObject *)key, node);
    Py_DECREF(key);
    Py_DECREF(node);
    if (entry == NULL)
        return -1;
    PyObject *previous = PyDict_SetDefault(parent->content, text, entry);
    Py_DECREF(entry);
    if (previous == NULL)
        return -1;
    if (previous != entry)
        return fallback("a duplicate key");
    return 0;
}

/* A node of the open collection is complete: when that collection is the streamed "items"
 * sequence, hand the node to on_item and drop it (the sequence holds one item at a time). */
static int deliver(Builder *b) {
    if (b->depth == 0 || !b->frames[b->depth - 1].streams)
        return 0;
    PyObject *items = b->frames[b->depth - 1].node->content;
    PyObject *item = PyList_GET_ITEM(items, 0);
    Py_INCREF(item);
    PyObject *done = PyObject_CallOneArg(b->on_item, item);
    Py_DECREF(item);
    if (done == NULL)
        return -1;
    Py_DECREF(done);
    return PyList_SetSlice(items, 0, PY_SSIZE_T_MAX, NULL);
}

/* Is the value about to open the root mapping's "items" (the objects of a List)? */
static int opens_items(Builder *b, ScalarObject *pending_key) {
    if (b->on_item == NULL || b->depth != 1 || pending_key == NULL || !Py_IS_TYPE(b->frames[0].node, MappingClass))
        return 0;
    return PyUnicode_CompareWithASCIIString(pending_key->value, "items") == 0;
}

static int next_event(Builder *b) {
    if (b->has_event) {
        yaml_event_delete(&b->event);
        b->has_event = 0;
    }
    if (!yaml_parser_parse(&b->parser, &b->event))
        return fallback("a syntax error");
    b->has_event = 1;
    return 0;
}

static int run(Builder *b, PyObject **root) {
    ScalarObject *pending_key = NULL;
    Py_ssize_t flow_depth = 0;
    int documents = 0;
    int failed = 0;
    while (!failed) {
        if (next_event(b) < 0) {
            failed = 1;
            break;
        }
        yaml_event_t *event = &b->event;
        switch (event->type) {
        case YAML_STREAM_END_EVENT:
            Py_XDECREF(pending_key);
            return 0;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1)
                failed = fallback("a second document");
            else if (event->data.document_start.version_directive != NULL ||
                     event->data.document_start.tag_directives.start != NULL)
                failed = fallback("a directive");
            break;
        case YAML_ALIAS_EVENT:
            failed = fallback("an alias");
            break;
        case YAML_SCALAR_EVENT: {
            if (event->data.scalar.anchor != NULL) {
                failed = fallback("an anchor");
                break;
            }
            if (version_sensitive(event, flow_depth)) {
                failed = fallback("a tag, ':' or '?' in a flow collection");
                break;
            }
            int is_key = b->depth > 0 && pending_key == NULL && Py_IS_TYPE(b->frames[b->depth - 1].node, MappingClass);
            ScalarObject *node = make_scalar(b, event, is_key);
            failed = node == NULL || attach(b, (PyObject *)node, &pending_key, root) < 0 || deliver(b) < 0;
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            int mapping = event->type == YAML_MAPPING_START_EVENT;
            if ((mapping ? event->data.mapping_start.anchor : event->data.sequence_start.anchor) != NULL) {
                failed = fallback("an anchor");
                break;
            }
            if (flow_depth > 0 && (mapping ? event->data.mapping_start.tag : event->data.sequence_start.tag) != NULL) {
                failed = fallback("a tag in a flow collection");
                break;
            }
            int flow = mapping ? event->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                               : event->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
            if (flow && ++flow_depth > MAX_FLOW_DEPTH) {
                failed = fallback("flow collections nested too deep");
                break;
            }
            CollectionObject *node = new_collection(mapping ? MappingClass : SequenceClass, event->start_mark);
            if (node == NULL) {
                failed = 1;
                break;
            }
            int streams = !mapping && opens_items(b, pending_key);
            /* attached as a value (a collection as a key falls back), so no key is pending */
            if (attach(b, (PyObject *)node, &pending_key, root) < 0 || push(b, node, flow) < 0) {
                failed = 1;
                break;
            }
            b->frames[b->depth - 1].streams = streams;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            Frame *frame = &b->frames[--b->depth];
            frame->node->em = from_libyaml(event->end_mark);
            if (frame->flow)
                flow_depth--;
            Py_CLEAR(pending_key); /* none: a mapping ends after a value, and the outer
                                    * collection's key was taken by this one */
            failed = deliver(b) < 0;
            break;
        }
        default:
            break;
        }
    }
    Py_XDECREF(pending_key);
    return -1;
}

static int has_backslash_crlf(const char *text, Py_ssize_t size) {
    for (Py_ssize_t i = 2; i < size; i++) {
        if (text[i] == '\n' && text[i - 1] == '\r' && text[i - 2] == '\\')
            return 1;
    }
    return 0;
}

static PyObject *build(PyObject *module, PyObject *args) {
    PyObject *text, *on_item = Py_None;
    if (!PyArg_ParseTuple(args, "U|O:build", &text, &on_item))
        return NULL;
    if (MappingClass == NULL || SequenceClass == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() was not called");
        return NULL;
    }
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 == NULL) { /* lone surrogates: leave them to the reference path */
        PyErr_Clear();
        PyErr_SetString(Fallback, "text that is not UTF-8");
        return NULL;
    }
    if (size > INT32_MAX) {
        PyErr_SetString(Fallback, "a document beyond 2 GiB");
        return NULL;
    }
    if (memchr(utf8, '\r', (size_t)size) != NULL && has_backslash_crlf(utf8, size)) {
        PyErr_SetString(Fallback, "a backslash before CR LF");
        return NULL;
    }
    Builder b;
    memset(&b, 0, sizeof b);
    b.on_item = on_item == Py_None ? NULL : on_item;
    b.keys = PyDict_New();
    if (b.keys == NULL)
        return NULL;
    if (!yaml_parser_initialize(&b.parser)) {
        Py_DECREF(b.keys);
        return PyErr_NoMemory();
    }
    /* no yaml_parser_set_encoding(): libyaml's own detection skips a leading U+FEFF without
     * counting it in the marks, as it does for ruamel.yaml's parser */
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)utf8, (size_t)size);
    PyObject *root = NULL;
    int failed = run(&b, &root);
    PyMem_Free(b.frames);
    if (b.has_event)
        yaml_event_delete(&b.event);
    yaml_parser_delete(&b.parser);
    Py_DECREF(b.keys);
    if (failed) {
        Py_XDECREF(root);
        return NULL;
    }
    if (root == NULL)
        Py_RETURN_NONE;
    return root;
}

static PyObject *configure(PyObject *module, PyObject *args) {
    PyTypeObject *mapping, *sequence;
    if (!PyArg_ParseTuple(args, "O!O!", &PyType_Type, &mapping, &PyType_Type, &sequence))
        return NULL;
    if (!PyType_IsSubtype(mapping, &MappingBaseType) || !PyType_IsSubtype(sequence, &SequenceBaseType)) {
        PyErr_SetString(PyExc_TypeError, "configure() needs subclasses of MappingBase and SequenceBase");
        return NULL;
    }
    Py_INCREF(mapping);
    Py_INCREF(sequence);
    Py_XSETREF(MappingClass, mapping);
    Py_XSETREF(SequenceClass, sequence);
    Py_RETURN_NONE;
}

static PyObject *libyaml_version(PyObject *module, PyObject *unused) {
    return PyUnicode_FromString(yaml_get_version_string());
}

static PyMethodDef methods[] = {
    {"build", build, METH_VARARGS,
     "build(text, on_item=None) -> the root node of one YAML document, or None; raises Fallback.\n\n"
     "With on_item, each item of the root mapping's 'items' sequence is passed to on_item as soon\n"
     "as it is complete, and dropped from the tree (the sequence is left empty)."},
    {"dig", dig, METH_VARARGS, "dig(node, *keys) -> follow mapping keys; None once a step is missing or not a Mapping."},
    {"configure", configure, METH_VARARGS, "configure(Mapping, Sequence): the classes build() makes."},
    {"libyaml_version", libyaml_version, METH_NOARGS, "The version of the libyaml this module uses."},
    {NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "portlint._fasttree", "YAML trees built in C from libyaml's events.", -1, methods,
};

PyMODINIT_FUNC PyInit__fasttree(void) {
    const char *style_texts[5] = {"", "'", "\"", "|", ">"};
    for (int i = 0; i < 5; i++) {
        if (styles[i] == NULL && (styles[i] = PyUnicode_InternFromString(style_texts[i])) == NULL)
            return NULL;
    }
    if (PyType_Ready(&MarkType) < 0 || PyType_Ready(&ScalarType) < 0 || PyType_Ready(&MappingBaseType) < 0 ||
        PyType_Ready(&SequenceBaseType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    Fallback = PyErr_NewException("portlint._fasttree.Fallback", NULL, NULL);
    if (Fallback == NULL || PyModule_AddObjectRef(module, "Fallback", Fallback) < 0 ||
        PyModule_AddObjectRef(module, "Mark", (PyObject *)&MarkType) < 0 ||
        PyModule_AddObjectRef(module, "Scalar", (PyObject *)&ScalarType) < 0 ||
        PyModule_AddObjectRef(module, "MappingBase", (PyObject *)&MappingBaseType) < 0 ||
        PyModule_AddObjectRef(module, "SequenceBase", (PyObject *)&SequenceBaseType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
