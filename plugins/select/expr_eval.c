/*
 * expr_eval.c — compiling a parsed expression to register bytecode bound to
 * a table's columns, and running it column-wise: each block of rows
 * gathers the columns it reads once, then every instruction is one tight
 * loop over the block (vectorised by the compiler; an AVX2 clone is picked
 * at load time where the CPU has it).
 */
#include "expr_internal.h"

#include <pipe/pipe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows per block: the slots of a block stay in L1/L2. */
#define EXPR_BLOCK 256

/* Slot codes while compiling: kind in the high bits, index below. */
#define SLOT_LOAD 0
#define SLOT_CONST 1
#define SLOT_TEMP 2
#define SLOT_CODE(kind, i) ((int32_t)(((kind) << 24) | (int32_t)(i)))
#define SLOT_KIND(code) ((code) >> 24)
#define SLOT_INDEX(code) ((code)&0xffffff)

typedef struct builder {
    pipe_expr_program *p;
    size_t cap_loads, cap_consts, cap_instr;
    const char *const *columns;
    size_t n_columns;
    pipe_expr_error *err;
    int failed;
} builder;

static int grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t cap2 = *cap ? *cap * 2 : 8;
    void *grown = realloc(*items, cap2 * size);
    if (!grown)
        return -1;
    *items = grown, *cap = cap2;
    return 0;
}

static void oom(builder *b)
{
    if (!b->failed)
        b->failed = 1, b->err->column = 0,
        snprintf(b->err->message, sizeof b->err->message, "out of memory");
}

/* Nonzero when a and b differ only by spaces around them. */
static int same_but_spaces(const char *a, const char *b)
{
    a += strspn(a, " "), b += strspn(b, " ");
    size_t la = strlen(a), lb = strlen(b);
    while (la && a[la - 1] == ' ')
        la--;
    while (lb && b[lb - 1] == ' ')
        lb--;
    return la == lb && strncmp(a, b, la) == 0;
}

/* "unknown column 'x'" with a hint: a near name, or the same name with
 * other spaces around it (spaces count inside backquotes). */
static void unknown_column(builder *b, const expr_node *n)
{
    b->failed = 1;
    b->err->column = n->column;
    for (size_t i = 0; i < b->n_columns; i++)
        if (same_but_spaces(b->columns[i], n->name)) {
            snprintf(b->err->message, sizeof b->err->message,
                     "unknown column '%s' (the table has '%s': spaces count in a name)", n->name,
                     b->columns[i]);
            return;
        }
    char hint[256];
    snprintf(b->err->message, sizeof b->err->message, "unknown column '%s'%s", n->name,
             pipe_suggest_text(n->name, (const char *const *)b->columns, b->n_columns, hint,
                               sizeof hint));
}

static int32_t add_load(builder *b, const expr_node *n)
{
    size_t col = 0;
    while (col < b->n_columns && strcmp(b->columns[col], n->name) != 0)
        col++;
    if (col == b->n_columns) {
        unknown_column(b, n);
        return 0;
    }
    pipe_expr_program *p = b->p;
    for (size_t k = 0; k < p->n_loads; k++)
        if (p->loads[k] == (int64_t)col)
            return SLOT_CODE(SLOT_LOAD, k);
    if (grow((void **)&p->loads, &b->cap_loads, p->n_loads + 1, sizeof *p->loads) != 0) {
        oom(b);
        return 0;
    }
    p->loads[p->n_loads] = (int64_t)col;
    return SLOT_CODE(SLOT_LOAD, p->n_loads++);
}

static int32_t add_const(builder *b, double v)
{
    pipe_expr_program *p = b->p;
    for (size_t k = 0; k < p->n_consts; k++)
        if (memcmp(&p->consts[k], &v, sizeof v) == 0)
            return SLOT_CODE(SLOT_CONST, k);
    if (grow((void **)&p->consts, &b->cap_consts, p->n_consts + 1, sizeof *p->consts) != 0) {
        oom(b);
        return 0;
    }
    p->consts[p->n_consts] = v;
    return SLOT_CODE(SLOT_CONST, p->n_consts++);
}

static void emit(builder *b, expr_op op, int32_t d, int32_t a, int32_t c)
{
    pipe_expr_program *p = b->p;
    if (grow((void **)&p->instr, &b->cap_instr, p->n_instr + 1, sizeof *p->instr) != 0)
        return oom(b);
    p->instr[p->n_instr++] = (expr_instr){op, d, a, c};
}

/* Compile `n` using temporaries from `depth` up; returns its slot code. */
static int32_t compile_node(builder *b, const expr_node *n, size_t depth)
{
    if (b->failed)
        return 0;
    if (n->kind == EXPR_NUM)
        return add_const(b, n->value);
    if (n->kind == EXPR_NAME)
        return add_load(b, n);
    int32_t a = compile_node(b, n->args[0], depth);
    int32_t c = n->args[1] ? compile_node(b, n->args[1], depth + 1) : a;
    if (depth + 1 > b->p->n_temps)
        b->p->n_temps = depth + 1;
    int32_t d = SLOT_CODE(SLOT_TEMP, depth);
    emit(b, n->op, d, a, c);
    return d;
}

static int32_t resolve(const pipe_expr_program *p, int32_t code)
{
    int32_t i = SLOT_INDEX(code);
    switch (SLOT_KIND(code)) {
    case SLOT_LOAD:
        return i;
    case SLOT_CONST:
        return (int32_t)p->n_loads + i;
    default:
        return (int32_t)(p->n_loads + p->n_consts) + i;
    }
}

pipe_expr_program *pipe_expr_compile(const pipe_expr *e, const char *const *columns, size_t n,
                                     pipe_expr_error *err)
{
    err->column = 0;
    err->message[0] = '\0';
    pipe_expr_program *p = calloc(1, sizeof *p);
    builder b = {.p = p, .columns = columns, .n_columns = n, .err = err};
    if (!p) {
        oom(&b);
        return NULL;
    }
    int32_t r = compile_node(&b, e->root, 0);
    if (!b.failed && SLOT_KIND(r) != SLOT_TEMP) {
        p->n_temps = 1;
        emit(&b, EXPR_OP_MOV, SLOT_CODE(SLOT_TEMP, 0), r, r);
    }
    if (b.failed) {
        pipe_expr_program_free(p);
        return NULL;
    }
    for (size_t i = 0; i < p->n_instr; i++) {
        expr_instr *in = &p->instr[i];
        in->d = resolve(p, in->d), in->a = resolve(p, in->a), in->b = resolve(p, in->b);
    }
    p->result = resolve(p, SLOT_CODE(SLOT_TEMP, 0));
    return p;
}

void pipe_expr_program_free(pipe_expr_program *p)
{
    if (!p)
        return;
    free(p->loads);
    free(p->consts);
    free(p->instr);
    free(p);
}

size_t pipe_expr_program_ops(const pipe_expr_program *p)
{
    return p->n_instr;
}

#define KERNEL_UNARY(name, code)                                                                   \
    case EXPR_OP_##name:                                                                           \
        for (int i = 0; i < n; i++) {                                                              \
            double a = x[i];                                                                       \
            d[i] = (code);                                                                         \
        }                                                                                          \
        break;
#define KERNEL_BINARY(name, code)                                                                  \
    case EXPR_OP_##name:                                                                           \
        for (int i = 0; i < n; i++) {                                                              \
            double a = x[i], b = y[i];                                                             \
            d[i] = (code);                                                                         \
        }                                                                                          \
        break;

/* d[i] = op(x[i], y[i]) for i < n. d may be x or y (element-wise, so
 * in place is safe). */
__attribute__((target_clones("avx2", "default"))) static void
run_op(expr_op op, double *d, const double *x, const double *y, int n)
{
    switch (op) {
        EXPR_UNARY_OPS(KERNEL_UNARY)
        EXPR_BINARY_OPS(KERNEL_BINARY)
    default:
        break;
    }
}

int pipe_expr_eval(const pipe_expr_program *p, const double *table, int64_t rows, int64_t stride,
                   double *out, int64_t out_stride)
{
    size_t n_slots = p->n_loads + p->n_consts + p->n_temps;
    double *slots = aligned_alloc(64, n_slots * EXPR_BLOCK * sizeof *slots);
    if (!slots)
        return -1;
    for (size_t k = 0; k < p->n_consts; k++)
        for (int i = 0; i < EXPR_BLOCK; i++)
            slots[(p->n_loads + k) * EXPR_BLOCK + i] = p->consts[k];
    const double *result = slots + (size_t)p->result * EXPR_BLOCK;
    for (int64_t r0 = 0; r0 < rows; r0 += EXPR_BLOCK) {
        int n = rows - r0 < EXPR_BLOCK ? (int)(rows - r0) : EXPR_BLOCK;
        for (size_t k = 0; k < p->n_loads; k++) {
            const double *src = table + r0 * stride + p->loads[k];
            double *d = slots + k * EXPR_BLOCK;
            for (int i = 0; i < n; i++)
                d[i] = src[(int64_t)i * stride];
        }
        for (size_t j = 0; j < p->n_instr; j++) {
            const expr_instr *in = &p->instr[j];
            run_op(in->op, slots + (size_t)in->d * EXPR_BLOCK, slots + (size_t)in->a * EXPR_BLOCK,
                   slots + (size_t)in->b * EXPR_BLOCK, n);
        }
        double *dst = out + r0 * out_stride;
        for (int i = 0; i < n; i++)
            dst[(int64_t)i * out_stride] = result[i];
    }
    free(slots);
    return 0;
}
