/*
 * expr_parse.c — the expression language of `select`: tokens, a
 * precedence-climbing parser building a typed syntax tree, the type checks
 * (numbers vs booleans), constant folding, and the scalar semantics of
 * every operation.
 *
 * Grammar, loosest first: `||`, `&&`, comparisons (== != < <= > >=),
 * `+ -`, `* /`, unary `- + !`, then numbers, names (identifiers or
 * `backquoted` column names), calls f(x, ...) and parentheses.
 */
#include "expr_internal.h"

#include <ctype.h>
#include <pipe/pipe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPR_APPLY_UNARY(name, code)                                                               \
    case EXPR_OP_##name:                                                                           \
        return (code);
#define EXPR_APPLY_BINARY(name, code)                                                              \
    case EXPR_OP_##name:                                                                           \
        return (code);

double expr_op_apply(expr_op op, double a, double b)
{
    switch (op) {
        EXPR_UNARY_OPS(EXPR_APPLY_UNARY)
        EXPR_BINARY_OPS(EXPR_APPLY_BINARY)
    default:
        break;
    }
    (void)b;
    return NAN;
}

/* The functions: name, operation, argument count. */
static const struct {
    const char *name;
    expr_op op;
    int n_args;
} functions[] = {
    {"abs", EXPR_OP_ABS, 1},   {"sqrt", EXPR_OP_SQRT, 1}, {"exp", EXPR_OP_EXP, 1},
    {"log", EXPR_OP_LOG, 1},   {"pow", EXPR_OP_POW, 2},   {"sin", EXPR_OP_SIN, 1},
    {"cos", EXPR_OP_COS, 1},   {"tan", EXPR_OP_TAN, 1},   {"atan2", EXPR_OP_ATAN2, 2},
    {"sinh", EXPR_OP_SINH, 1}, {"cosh", EXPR_OP_COSH, 1}, {"asinh", EXPR_OP_ASINH, 1},
    {"min", EXPR_OP_MIN, 2},   {"max", EXPR_OP_MAX, 2},
};
#define N_FUNCTIONS (sizeof functions / sizeof functions[0])

/* Named constants (a column with one of these names needs backquotes). */
static const struct {
    const char *name;
    double value;
} constants[] = {{"pi", 3.14159265358979323846}, {"e", 2.71828182845904523536}};

typedef enum tok_kind { TOK_END, TOK_NUM, TOK_NAME, TOK_QUOTED, TOK_PUNCT } tok_kind;

typedef struct token {
    tok_kind kind;
    int column;        /* 1-based */
    size_t start, len; /* the text (inside the backquotes for TOK_QUOTED) */
    double value;
} token;

/* Limits that keep the recursive parser and compiler far from the end of
 * the stack, whatever the text. */
#define EXPR_MAX_DEPTH 256
#define EXPR_MAX_NODES 10000

typedef struct parser {
    const char *text;
    size_t pos;
    token tok;
    pipe_expr_error *err;
    int failed;
    int depth, nodes; /* current nesting; nodes made */
} parser;

const char *pipe_expr_type_name(pipe_expr_type type)
{
    return type == PIPE_EXPR_BOOLEAN ? "a boolean" : "a number";
}

static void fail(parser *p, int column, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(parser *p, int column, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    p->err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
}

static int is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Two-character operators first, then one-character ones. */
static const char *const puncts[] = {"&&", "||", "==", "!=", "<=", ">=", "<", ">",
                                     "+",  "-",  "*",  "/",  "!",  "(",  ")", ","};

static void scan_number(parser *p, size_t s)
{
    const char *t = p->text;
    size_t i = s;
    while (isdigit((unsigned char)t[i]))
        i++;
    if (t[i] == '.')
        for (i++; isdigit((unsigned char)t[i]);)
            i++;
    if ((t[i] == 'e' || t[i] == 'E') &&
        (isdigit((unsigned char)t[i + 1]) ||
         ((t[i + 1] == '+' || t[i + 1] == '-') && isdigit((unsigned char)t[i + 2])))) {
        i += 2;
        while (isdigit((unsigned char)t[i]))
            i++;
    }
    if (i == s + 1 && t[s] == '.') {
        fail(p, (int)s + 1, "unexpected '.'");
        return;
    }
    if (is_name_char(t[i]) || t[i] == '.') {
        fail(p, (int)i + 1, "unexpected '%c' after the number %.*s", t[i], (int)(i - s), t + s);
        return;
    }
    p->tok.kind = TOK_NUM;
    p->tok.len = i - s;
    p->tok.value = strtod(t + s, NULL);
    p->pos = i;
}

/* Read the next token into p->tok. */
static void next(parser *p)
{
    const char *t = p->text;
    while (t[p->pos] == ' ' || t[p->pos] == '\t' || t[p->pos] == '\n' || t[p->pos] == '\r')
        p->pos++;
    size_t s = p->pos;
    p->tok = (token){.kind = TOK_END, .column = (int)s + 1, .start = s};
    if (!t[s] || p->failed)
        return;
    if (isdigit((unsigned char)t[s]) || t[s] == '.')
        return scan_number(p, s);
    if (isalpha((unsigned char)t[s]) || t[s] == '_') {
        while (is_name_char(t[p->pos]))
            p->pos++;
        p->tok.kind = TOK_NAME;
        p->tok.len = p->pos - s;
        return;
    }
    if (t[s] == '`') {
        const char *close = strchr(t + s + 1, '`');
        if (!close)
            return fail(p, (int)s + 1, "unclosed backquote: write `name` for a column name");
        if (close == t + s + 1)
            return fail(p, (int)s + 1, "empty column name ``");
        p->tok.kind = TOK_QUOTED;
        p->tok.start = s + 1;
        p->tok.len = (size_t)(close - t) - s - 1;
        p->pos = (size_t)(close - t) + 1;
        return;
    }
    for (size_t i = 0; i < sizeof puncts / sizeof puncts[0]; i++) {
        size_t n = strlen(puncts[i]);
        if (strncmp(t + s, puncts[i], n) == 0) {
            p->tok.kind = TOK_PUNCT;
            p->tok.len = n;
            p->pos += n;
            return;
        }
    }
    if (t[s] == '^')
        return fail(p, (int)s + 1, "unexpected '^': write pow(a, b) for a power");
    if (t[s] == '&' || t[s] == '|' || t[s] == '=')
        return fail(p, (int)s + 1, "unexpected '%c': write %c%c", t[s], t[s], t[s]);
    fail(p, (int)s + 1, "unexpected '%c'", t[s]);
}

static int is_punct(const parser *p, const char *s)
{
    return p->tok.kind == TOK_PUNCT && p->tok.len == strlen(s) &&
           strncmp(p->text + p->tok.start, s, p->tok.len) == 0;
}

/* What the current token is, for "expected X, found Y". */
static void describe(const parser *p, char *buf, size_t size)
{
    if (p->tok.kind == TOK_END)
        snprintf(buf, size, "the end of the expression");
    else
        snprintf(buf, size, "'%.*s'", (int)p->tok.len, p->text + p->tok.start);
}

static expr_node *new_node(parser *p, expr_kind kind, int column)
{
    if (++p->nodes > EXPR_MAX_NODES) {
        fail(p, column, "the expression has more than %d terms and operations", EXPR_MAX_NODES);
        return NULL;
    }
    expr_node *n = calloc(1, sizeof *n);
    if (!n)
        fail(p, 0, "out of memory");
    else
        n->kind = kind, n->column = column;
    return n;
}

void expr_node_free(expr_node *n)
{
    if (!n)
        return;
    expr_node_free(n->args[0]);
    expr_node_free(n->args[1]);
    free(n->name);
    free(n);
}

/* Require operand `arg` of `what` to have type `want`. */
static void want_type(parser *p, const expr_node *arg, pipe_expr_type want, const char *what)
{
    if (!arg || arg->type == want)
        return;
    if (want == PIPE_EXPR_BOOLEAN)
        fail(p, arg->column, "%s needs a boolean, found a number (compare it, e.g. x > 0)", what);
    else
        fail(p, arg->column, "%s needs a number, found a boolean", what);
}

/* A node applying `op`; folds it into a constant when its operands are. */
static expr_node *make_op(parser *p, expr_op op, pipe_expr_type type, int column, expr_node *a,
                          expr_node *b)
{
    expr_node *n = p->failed ? NULL : new_node(p, EXPR_OP, column);
    if (!n) {
        expr_node_free(a);
        expr_node_free(b);
        return NULL;
    }
    n->op = op, n->type = type, n->args[0] = a, n->args[1] = b;
    if (a->kind == EXPR_NUM && (!b || b->kind == EXPR_NUM)) {
        n->kind = EXPR_NUM;
        n->value = expr_op_apply(op, a->value, b ? b->value : 0.0);
        expr_node_free(a);
        expr_node_free(b);
        n->args[0] = n->args[1] = NULL;
    }
    return n;
}

static expr_node *parse_binary(parser *p, int level);

static expr_node *parse_call(parser *p, const token *name)
{
    const char *text = p->text + name->start;
    size_t f = 0;
    while (f < N_FUNCTIONS && !(strlen(functions[f].name) == name->len &&
                                strncmp(functions[f].name, text, name->len) == 0))
        f++;
    if (f == N_FUNCTIONS) {
        const char *names[N_FUNCTIONS];
        char word[128], hint[160], list[256] = "";
        size_t len = 0;
        for (size_t i = 0; i < N_FUNCTIONS; i++) {
            names[i] = functions[i].name;
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? " " : "", names[i]);
        }
        snprintf(word, sizeof word, "%.*s", (int)name->len, text);
        fail(p, name->column, "unknown function '%s'%s; functions: %s", word,
             pipe_suggest_text(word, names, N_FUNCTIONS, hint, sizeof hint), list);
        return NULL;
    }
    next(p); /* the ( */
    expr_node *args[2] = {NULL, NULL};
    int n = 0;
    if (!is_punct(p, ")"))
        for (;;) {
            expr_node *arg = parse_binary(p, 0);
            if (!arg)
                break;
            if (n < 2)
                args[n] = arg;
            else
                expr_node_free(arg);
            n++;
            if (!is_punct(p, ","))
                break;
            next(p);
        }
    if (!p->failed && !is_punct(p, ")")) {
        char found[128];
        describe(p, found, sizeof found);
        fail(p, p->tok.column, "expected ',' or ')' in the call of %s, found %s", functions[f].name,
             found);
    }
    if (!p->failed && n != functions[f].n_args)
        fail(p, name->column, "'%s' takes %d argument%s, found %d", functions[f].name,
             functions[f].n_args, functions[f].n_args == 1 ? "" : "s", n);
    char what[64];
    for (int i = 0; i < 2 && !p->failed; i++) {
        snprintf(what, sizeof what, "argument %d of '%s'", i + 1, functions[f].name);
        want_type(p, args[i], PIPE_EXPR_NUMBER, what);
    }
    if (p->failed) {
        expr_node_free(args[0]);
        expr_node_free(args[1]);
        return NULL;
    }
    next(p); /* the ) */
    return make_op(p, functions[f].op, PIPE_EXPR_NUMBER, name->column, args[0], args[1]);
}

static expr_node *parse_name(parser *p)
{
    token name = p->tok;
    next(p);
    if (name.kind == TOK_NAME && is_punct(p, "("))
        return parse_call(p, &name);
    const char *text = p->text + name.start;
    for (size_t i = 0; name.kind == TOK_NAME && i < sizeof constants / sizeof constants[0]; i++)
        if (strlen(constants[i].name) == name.len &&
            strncmp(constants[i].name, text, name.len) == 0) {
            expr_node *n = new_node(p, EXPR_NUM, name.column);
            if (n)
                n->value = constants[i].value;
            return n;
        }
    expr_node *n = new_node(p, EXPR_NAME, name.column);
    if (n && !(n->name = strndup(text, name.len))) {
        fail(p, 0, "out of memory");
        free(n);
        return NULL;
    }
    return n;
}

static expr_node *parse_unary_at(parser *p);

/* A unary expression, counting how deep operators and parentheses nest. */
static expr_node *parse_unary(parser *p)
{
    if (++p->depth > EXPR_MAX_DEPTH) {
        fail(p, p->tok.column, "the expression nests deeper than %d levels", EXPR_MAX_DEPTH);
        p->depth--;
        return NULL;
    }
    expr_node *n = parse_unary_at(p);
    p->depth--;
    return n;
}

static expr_node *parse_unary_at(parser *p)
{
    int column = p->tok.column;
    if (is_punct(p, "-") || is_punct(p, "+") || is_punct(p, "!")) {
        char c = p->text[p->tok.start];
        next(p);
        expr_node *a = parse_unary(p);
        if (!a)
            return NULL;
        char what[8];
        snprintf(what, sizeof what, "'%c'", c);
        want_type(p, a, c == '!' ? PIPE_EXPR_BOOLEAN : PIPE_EXPR_NUMBER, what);
        if (c == '+' || p->failed) {
            if (p->failed)
                expr_node_free(a), a = NULL;
            return a;
        }
        return make_op(p, c == '!' ? EXPR_OP_NOT : EXPR_OP_NEG, a->type, column, a, NULL);
    }
    if (p->tok.kind == TOK_NUM) {
        expr_node *n = new_node(p, EXPR_NUM, column);
        if (n)
            n->value = p->tok.value;
        next(p);
        return n;
    }
    if (p->tok.kind == TOK_NAME || p->tok.kind == TOK_QUOTED)
        return parse_name(p);
    if (is_punct(p, "(")) {
        next(p);
        expr_node *n = parse_binary(p, 0);
        if (n && !is_punct(p, ")")) {
            char found[128];
            describe(p, found, sizeof found);
            fail(p, p->tok.column, "expected ')' to close the '(' at column %d, found %s", column,
                 found);
        }
        if (p->failed) {
            expr_node_free(n);
            return NULL;
        }
        next(p);
        n->column = column;
        return n;
    }
    char found[128];
    describe(p, found, sizeof found);
    fail(p, p->tok.column, "expected a number, a column name, a function or '(', found %s", found);
    return NULL;
}

/* Binary operators by level: text, operation, operand type, result type. */
static const struct {
    int level;
    const char *text;
    expr_op op;
    pipe_expr_type operand, result;
} binaries[] = {
    {0, "||", EXPR_OP_OR, PIPE_EXPR_BOOLEAN, PIPE_EXPR_BOOLEAN},
    {1, "&&", EXPR_OP_AND, PIPE_EXPR_BOOLEAN, PIPE_EXPR_BOOLEAN},
    {2, "==", EXPR_OP_EQ, PIPE_EXPR_NUMBER, PIPE_EXPR_BOOLEAN},
    {2, "!=", EXPR_OP_NE, PIPE_EXPR_NUMBER, PIPE_EXPR_BOOLEAN},
    {2, "<", EXPR_OP_LT, PIPE_EXPR_NUMBER, PIPE_EXPR_BOOLEAN},
    {2, "<=", EXPR_OP_LE, PIPE_EXPR_NUMBER, PIPE_EXPR_BOOLEAN},
    {2, ">", EXPR_OP_GT, PIPE_EXPR_NUMBER, PIPE_EXPR_BOOLEAN},
    {2, ">=", EXPR_OP_GE, PIPE_EXPR_NUMBER, PIPE_EXPR_BOOLEAN},
    {3, "+", EXPR_OP_ADD, PIPE_EXPR_NUMBER, PIPE_EXPR_NUMBER},
    {3, "-", EXPR_OP_SUB, PIPE_EXPR_NUMBER, PIPE_EXPR_NUMBER},
    {4, "*", EXPR_OP_MUL, PIPE_EXPR_NUMBER, PIPE_EXPR_NUMBER},
    {4, "/", EXPR_OP_DIV, PIPE_EXPR_NUMBER, PIPE_EXPR_NUMBER},
};
#define N_LEVELS 5

/* Left-associative operators of `level` and tighter. */
static expr_node *parse_binary(parser *p, int level)
{
    if (level == N_LEVELS)
        return parse_unary(p);
    expr_node *left = parse_binary(p, level + 1);
    while (left) {
        size_t b = 0;
        while (b < sizeof binaries / sizeof binaries[0] &&
               !(binaries[b].level == level && is_punct(p, binaries[b].text)))
            b++;
        if (b == sizeof binaries / sizeof binaries[0])
            break;
        next(p);
        expr_node *right = parse_binary(p, level + 1);
        if (!right) {
            expr_node_free(left);
            return NULL;
        }
        char what[8];
        snprintf(what, sizeof what, "'%s'", binaries[b].text);
        want_type(p, left, binaries[b].operand, what);
        want_type(p, right, binaries[b].operand, what);
        if (p->failed) {
            expr_node_free(left);
            expr_node_free(right);
            return NULL;
        }
        int column = left->column;
        left = make_op(p, binaries[b].op, binaries[b].result, column, left, right);
    }
    return left;
}

pipe_expr *pipe_expr_parse(const char *text, pipe_expr_error *err)
{
    parser p = {.text = text, .err = err};
    err->column = 0;
    err->message[0] = '\0';
    next(&p);
    expr_node *root = p.failed ? NULL : parse_binary(&p, 0);
    if (root && p.tok.kind != TOK_END) {
        char found[128];
        describe(&p, found, sizeof found);
        fail(&p, p.tok.column, "expected an operator or the end of the expression, found %s",
             found);
    }
    if (!root && !p.failed)
        fail(&p, 1, "empty expression");
    pipe_expr *e = p.failed ? NULL : malloc(sizeof *e);
    if (!e) {
        expr_node_free(root);
        if (!p.failed)
            fail(&p, 0, "out of memory");
        return NULL;
    }
    e->root = root;
    return e;
}

void pipe_expr_free(pipe_expr *e)
{
    if (e)
        expr_node_free(e->root);
    free(e);
}

pipe_expr_type pipe_expr_result(const pipe_expr *e)
{
    return e->root->type;
}
