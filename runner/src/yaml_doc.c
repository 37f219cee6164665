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

static pipe_doc *load(yaml_parser_t *parser, const char *name)
{
    yaml_document_t ydoc;
    if (!yaml_parser_load(parser, &ydoc)) {
        pipe_diag(name, (int)parser->problem_mark.line + 1, (int)parser->problem_mark.column + 1,
                  NULL, "invalid YAML: %s%s%s", parser->problem, parser->context ? " " : "",
                  parser->context ? parser->context : "");
        return NULL;
    }
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
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    pipe_doc *doc = load(&parser, path);
    yaml_parser_delete(&parser);
    fclose(f);
    return doc;
}

pipe_doc *pipe_yaml_load_string(const char *text, const char *name)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    pipe_doc *doc = load(&parser, name);
    yaml_parser_delete(&parser);
    return doc;
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
