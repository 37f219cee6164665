/*
 * expr_internal.h — what the parts of pipe_expr share: the operations (one
 * X-macro list gives both the scalar semantics used for constant folding
 * and the vector kernels of the evaluator, so the two cannot disagree), the
 * syntax tree, and the bytecode program.
 */
#ifndef PIPE_EXPR_INTERNAL_H
#define PIPE_EXPR_INTERNAL_H

#include "expr.h"

#include <math.h>
#include <stdint.h>

/* Unary operations: X(name, C expression of double a). Booleans are 0/1. */
#define EXPR_UNARY_OPS(X)                                                                          \
    X(MOV, a)                                                                                      \
    X(NEG, -a)                                                                                     \
    X(NOT, 1.0 - a)                                                                                \
    X(ABS, fabs(a))                                                                                \
    X(SQRT, sqrt(a))                                                                               \
    X(EXP, exp(a))                                                                                 \
    X(LOG, log(a))                                                                                 \
    X(SIN, sin(a))                                                                                 \
    X(COS, cos(a))                                                                                 \
    X(TAN, tan(a))                                                                                 \
    X(SINH, sinh(a))                                                                               \
    X(COSH, cosh(a))                                                                               \
    X(ASINH, asinh(a))

/* Binary operations: X(name, C expression of doubles a and b). */
#define EXPR_BINARY_OPS(X)                                                                         \
    X(ADD, a + b)                                                                                  \
    X(SUB, a - b)                                                                                  \
    X(MUL, a *b)                                                                                   \
    X(DIV, a / b)                                                                                  \
    X(LT, (double)(a < b))                                                                         \
    X(LE, (double)(a <= b))                                                                        \
    X(GT, (double)(a > b))                                                                         \
    X(GE, (double)(a >= b))                                                                        \
    X(EQ, (double)(a == b))                                                                        \
    X(NE, (double)(a != b))                                                                        \
    X(AND, a *b)                                                                                   \
    X(OR, a + b - a * b)                                                                           \
    X(POW, pow(a, b))                                                                              \
    X(ATAN2, atan2(a, b))                                                                          \
    X(MIN, fmin(a, b))                                                                             \
    X(MAX, fmax(a, b))

#define EXPR_ENUM(name, code) EXPR_OP_##name,
typedef enum expr_op {
    EXPR_UNARY_OPS(EXPR_ENUM) EXPR_OP_FIRST_BINARY,
    EXPR_OP_BINARY_BASE = EXPR_OP_FIRST_BINARY - 1,
    EXPR_BINARY_OPS(EXPR_ENUM) EXPR_OP_COUNT
} expr_op;
#undef EXPR_ENUM

/* Nonzero for the operations with two operands. */
static inline int expr_op_is_binary(expr_op op)
{
    return op > EXPR_OP_BINARY_BASE;
}

/* The scalar value of `op` on a (and b): the semantics the kernels share. */
double expr_op_apply(expr_op op, double a, double b);

typedef enum expr_kind {
    EXPR_NUM,  /* a constant */
    EXPR_NAME, /* a column */
    EXPR_OP,   /* an operator or a function call */
} expr_kind;

/* A node of the syntax tree. `column` is where its text starts (1-based). */
typedef struct expr_node {
    expr_kind kind;
    expr_op op;
    pipe_expr_type type;
    int column;
    double value;              /* NUM */
    char *name;                /* NAME, malloc'd */
    struct expr_node *args[2]; /* OP: one or two operands */
} expr_node;

struct pipe_expr {
    expr_node *root;
};

void expr_node_free(expr_node *n);

/* One instruction: slot d = op(slot a, slot b). */
typedef struct expr_instr {
    expr_op op;
    int32_t d, a, b;
} expr_instr;

/* Slots: [0, n_loads) columns gathered from the table, then n_consts
 * constants, then n_temps temporaries. */
struct pipe_expr_program {
    size_t n_loads, n_consts, n_temps, n_instr;
    int64_t *loads; /* table column of each load slot */
    double *consts; /* value of each constant slot */
    expr_instr *instr;
    int32_t result; /* slot holding the value after the last instruction */
};

#endif /* PIPE_EXPR_INTERNAL_H */
