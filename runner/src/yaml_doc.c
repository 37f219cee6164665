/*
 * yaml_doc.c — reading YAML with libyaml into pipe_value trees that keep
 * the line and column of every value and key, so that every later error
 * can point at the text the user wrote.
 */
#include "core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Values that aliases may add to a document in all, and the largest file. */
#define PIPE_YAML_MAX_EXPANDED 1000000
#define PIPE_YAML_MAX_BYTES (256 << 20)

typedef struct convert {
    yaml_document_t *ydoc;
    const char *file;
    int depth;
} convert;

static int convert_node(convert *c, yaml_node_t *node, pipe_value *out);

static int convert_map(convert *c, yaml_node_t *node, pipe_value *out)
{
    size_t n = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    out->kind = PIPE_VALUE_MAP;
    out->keys = pipe_xcalloc(n, sizeof *out->keys);
    out->items = pipe_xcalloc(n, sizeof *out->items);
    out->key_lines = pipe_xcalloc(n, sizeof(int));
    out->key_columns = pipe_xcalloc(n, sizeof(int));
    for (size_t i = 0; i < n; i++) {
        yaml_node_pair_t *pair = &node->data.mapping.pairs.start[i];
        yaml_node_t *key = yaml_document_get_node(c->ydoc, pair->key);
        int line = (int)key->start_mark.line + 1, col = (int)key->start_mark.column + 1;
        if (key->type != YAML_SCALAR_NODE) {
            pipe_diag(c->file, line, col, NULL, "a mapping key must be a plain name");
            return -1;
        }
        const char *name = (const char *)key->data.scalar.value;
        for (size_t j = 0; j < out->count; j++)
            if (strcmp(out->keys[j], name) == 0) {
                pipe_diag(c->file, line, col, NULL, "duplicate key '%s' (first at line %d)", name,
                          out->key_lines[j]);
                return -1;
            }
        out->keys[i] = pipe_xstrdup(name);
        out->key_lines[i] = line;
        out->key_columns[i] = col;
        out->count = i + 1;
        if (convert_node(c, yaml_document_get_node(c->ydoc, pair->value), &out->items[i]) != 0)
            return -1;
    }
    return 0;
}

static int convert_node(convert *c, yaml_node_t *node, pipe_value *out)
{
    memset(out, 0, sizeof *out);
    out->line = (int)node->start_mark.line + 1;
    out->column = (int)node->start_mark.column + 1;
    if (++c->depth > 64) {
        pipe_diag(c->file, out->line, out->column, NULL, "nesting deeper than 64 levels");
        return -1;
    }
    int rc = 0;
    if (node->type == YAML_SCALAR_NODE) {
        out->kind = PIPE_VALUE_SCALAR;
        out->scalar = pipe_xstrdup((const char *)node->data.scalar.value);
    } else if (node->type == YAML_SEQUENCE_NODE) {
        size_t n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
        out->kind = PIPE_VALUE_LIST;
        out->items = pipe_xcalloc(n, sizeof *out->items);
        for (size_t i = 0; i < n && rc == 0; i++) {
            out->count = i + 1;
            yaml_node_t *item = yaml_document_get_node(c->ydoc, node->data.sequence.items.start[i]);
            rc = convert_node(c, item, &out->items[i]);
        }
    } else {
        rc = convert_map(c, node, out);
    }
    c->depth--;
    return rc;
}

/* An anchor seen so far and how many values its node stands for. */
typedef struct anchor_size {
    char *name;
    uint64_t size;
} anchor_size;

/* An open collection: where the count stood when it began, its anchor. */
typedef struct open_node {
    uint64_t start;
    char *anchor;
} open_node;

/* The billion-laughs guard: walk the events counting every value as it
 * will be once aliases are expanded; refuse (exit 2 by the caller) at the
 * alias that takes the count past PIPE_YAML_MAX_EXPANDED. */
static int check_expansion(const unsigned char *text, size_t len, const char *name)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, text, len);
    anchor_size *anchors = NULL;
    open_node *stack = NULL;
    size_t n_anchors = 0, cap_anchors = 0, depth = 0, cap_stack = 0;
    uint64_t total = 0, expanded = 0;
    int rc = 0, done = 0;
    while (!done && rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev))
            break; /* the loader reports syntax errors */
        const char *anchor = NULL;
        if (ev.type == YAML_SCALAR_EVENT) {
            anchor = (const char *)ev.data.scalar.anchor;
            total++;
        } else if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
            if (depth == cap_stack) {
                cap_stack = cap_stack ? cap_stack * 2 : 16;
                stack = pipe_xrealloc(stack, cap_stack * sizeof *stack);
            }
            const yaml_char_t *a = ev.type == YAML_SEQUENCE_START_EVENT
                                       ? ev.data.sequence_start.anchor
                                       : ev.data.mapping_start.anchor;
            stack[depth++] = (open_node){total, a ? pipe_xstrdup((const char *)a) : NULL};
            total++;
        } else if ((ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) &&
                   depth > 0) {
            open_node *o = &stack[--depth];
            if (o->anchor) {
                if (n_anchors == cap_anchors) {
                    cap_anchors = cap_anchors ? cap_anchors * 2 : 16;
                    anchors = pipe_xrealloc(anchors, cap_anchors * sizeof *anchors);
                }
                anchors[n_anchors++] = (anchor_size){o->anchor, total - o->start};
            }
        } else if (ev.type == YAML_ALIAS_EVENT) {
            const char *a = (const char *)ev.data.alias.anchor;
            size_t i = n_anchors;
            while (i > 0 && strcmp(anchors[i - 1].name, a) != 0)
                i--;
            uint64_t size = i ? anchors[i - 1].size : 1;
            total += size;
            expanded += size;
            if (expanded > PIPE_YAML_MAX_EXPANDED) {
                pipe_diag(name, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1, NULL,
                          "alias '*%s' expands the document past %d values; aliases may stand "
                          "for at most that many in all",
                          a, PIPE_YAML_MAX_EXPANDED);
                rc = -1;
            }
        } else if (ev.type == YAML_STREAM_END_EVENT)
            done = 1;
        if (anchor) {
            if (n_anchors == cap_anchors) {
                cap_anchors = cap_anchors ? cap_anchors * 2 : 16;
                anchors = pipe_xrealloc(anchors, cap_anchors * sizeof *anchors);
            }
            anchors[n_anchors++] = (anchor_size){pipe_xstrdup(anchor), 1};
        }
        yaml_event_delete(&ev);
    }
    for (size_t i = 0; i < n_anchors; i++)
        free(anchors[i].name);
    for (size_t i = 0; i < depth; i++)
        free(stack[i].anchor);
    free(anchors);
    free(stack);
    yaml_parser_delete(&parser);
    return rc;
}

static pipe_doc *load(const unsigned char *text, size_t len, const char *name)
{
    if (check_expansion(text, len, name) != 0)
        return NULL;
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, text, len);
    yaml_document_t ydoc;
    if (!yaml_parser_load(&parser, &ydoc)) {
        pipe_diag(name, (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1,
                  NULL, "invalid YAML: %s%s%s", parser.problem, parser.context ? " " : "",
                  parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return NULL;
    }
    yaml_parser_delete(&parser);
    yaml_node_t *root = yaml_document_get_root_node(&ydoc);
    pipe_doc *doc = pipe_xcalloc(1, sizeof *doc);
    doc->file = pipe_xstrdup(name);
    doc->root = pipe_xcalloc(1, sizeof *doc->root);
    if (!root) {
        doc->root->kind = PIPE_VALUE_SCALAR;
        doc->root->scalar = pipe_xstrdup("");
        doc->root->line = doc->root->column = 1;
    } else {
        convert c = {&ydoc, name, 0};
        if (convert_node(&c, root, doc->root) != 0) {
            yaml_document_delete(&ydoc);
            pipe_doc_free(doc);
            return NULL;
        }
    }
    yaml_document_delete(&ydoc);
    return doc;
}

pipe_doc *pipe_yaml_load_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        pipe_diag(path, 0, 0, NULL, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t len = 0, cap = 4096;
    unsigned char *text = pipe_xcalloc(1, cap);
    for (size_t got; (got = fread(text + len, 1, cap - len, f)) > 0;) {
        len += got;
        if (len == cap) {
            if (cap >= PIPE_YAML_MAX_BYTES) {
                pipe_diag(path, 0, 0, NULL, "larger than %d MiB: not a pipeline file",
                          PIPE_YAML_MAX_BYTES >> 20);
                free(text);
                fclose(f);
                return NULL;
            }
            cap *= 2;
            text = pipe_xrealloc(text, cap);
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        pipe_diag(path, 0, 0, NULL, "cannot read: %s", strerror(errno));
        free(text);
        return NULL;
    }
    pipe_doc *doc = load(text, len, path);
    free(text);
    return doc;
}

pipe_doc *pipe_yaml_load_string(const char *text, const char *name)
{
    return load((const unsigned char *)text, strlen(text), name);
}

void pipe_doc_free(pipe_doc *doc)
{
    if (!doc)
        return;
    if (doc->root) {
        pipe_value_free(doc->root);
        free(doc->root);
    }
    free(doc->file);
    free(doc);
}
