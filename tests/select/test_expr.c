/*
 * test_expr.c — the expression language of `select` on its own: values
 * against hand-computed ones (precedence, functions, constants, folding),
 * IEEE semantics of division and NaN, blocks longer than one evaluator
 * block, and every parse, type and column error with its exact column.
 */
#include "expr.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"a", "b", "c", "m(ee)", "px1"};
#define N_NAMES 5

/* One row a=3, b=4, c=-2, m(ee)=91.2, px1=0.5 and a second a=0, b=0,
 * c=NaN, m(ee)=-1, px1=2. */
static const double rows2[2][N_NAMES] = {{3, 4, -2, 91.2, 0.5}, {0, 0, NAN, -1, 2}};

/* The values of `text` on the two rows into v[2]. */
static void eval2(const char *text, double v[2])
{
    pipe_expr_error err;
    pipe_expr *e = pipe_expr_parse(text, &err);
    cr_assert(e, "%s: column %d: %s", text, err.column, err.message);
    pipe_expr_program *p = pipe_expr_compile(e, names, N_NAMES, &err);
    cr_assert(p, "%s: column %d: %s", text, err.column, err.message);
    cr_assert_eq(pipe_expr_eval(p, &rows2[0][0], 2, N_NAMES, v, 1), 0);
    pipe_expr_program_free(p);
    pipe_expr_free(e);
}

static double eval1(const char *text)
{
    double v[2];
    eval2(text, v);
    return v[0];
}

/* The error of `text` (parse, else compile) must be at `column` with
 * `message`. */
static void fails(const char *text, int column, const char *message)
{
    pipe_expr_error err;
    pipe_expr *e = pipe_expr_parse(text, &err);
    if (e) {
        pipe_expr_program *p = pipe_expr_compile(e, names, N_NAMES, &err);
        cr_assert_null(p, "%s compiled", text);
        pipe_expr_free(e);
    }
    cr_assert_eq(err.column, column, "%s: column %d, not %d: %s", text, err.column, column,
                 err.message);
    cr_assert_str_eq(err.message, message, "%s: %s", text, err.message);
}

Test(expr, arithmetic_and_precedence)
{
    cr_assert_eq(eval1("a + b * c"), -5);    /* 3 + 4 * -2 */
    cr_assert_eq(eval1("(a + b) * c"), -14); /* 7 * -2 */
    cr_assert_eq(eval1("a - b - c"), 1);     /* (3 - 4) - -2, left-associative */
    cr_assert_eq(eval1("a / b / 2"), 0.375); /* (3 / 4) / 2 */
    cr_assert_eq(eval1("-a * -b"), 12);
    cr_assert_eq(eval1("+a - -c"), 1);
    cr_assert_eq(eval1("2.5e1 + .5 + 1E-1"), 25.6);
    cr_assert_eq(eval1("a"), 3); /* a lone column is copied */
    cr_assert_eq(eval1("`m(ee)` * 2"), 182.4);
    cr_assert_eq(eval1("`px1` + px1"), 1.0);
}

Test(expr, functions_and_constants)
{
    cr_assert_float_eq(eval1("sqrt(a*a + b*b)"), 5.0, 1e-15);
    cr_assert_eq(eval1("abs(c) + pow(a, 2)"), 11);
    cr_assert_float_eq(eval1("exp(log(b))"), 4.0, 1e-15);
    cr_assert_float_eq(eval1("sin(pi / 2) + cos(pi) + tan(pi / 4)"), 1.0, 1e-15);
    cr_assert_float_eq(eval1("atan2(1, 1) * 4"), M_PI, 1e-15);
    cr_assert_float_eq(eval1("atan2(b, -a)"), atan2(4.0, -3.0), 0);
    cr_assert_float_eq(eval1("cosh(1) - sinh(1)"), exp(-1.0), 1e-15);
    cr_assert_float_eq(eval1("asinh(sinh(c))"), -2.0, 1e-15);
    cr_assert_eq(eval1("min(a, b) + max(a, c)"), 6);
    cr_assert_float_eq(eval1("log(e)"), 1.0, 1e-16);
    /* The transverse mass of two 30 GeV legs back to back: sqrt(2*30*30*2) = 60. */
    cr_assert_float_eq(eval1("sqrt(2*30*30*(1 - cos(pi - 0)))"), 60.0, 1e-12);
}

Test(expr, comparisons_and_logic_are_zero_or_one)
{
    double v[2];
    eval2("a > 2 && b <= 4", v);
    cr_assert(v[0] == 1 && v[1] == 0);
    eval2("a == 0 || b != 0", v);
    cr_assert(v[0] == 1 && v[1] == 1);
    eval2("!(a >= 3) || c < -3", v);
    cr_assert(v[0] == 0 && v[1] == 1);   /* row 2: !(0 >= 3) */
    eval2("a > 2 && b > 3 || c > 0", v); /* && binds tighter than || */
    cr_assert(v[0] == 1 && v[1] == 0);
    eval2("a > 5 && b > 3 || c < 0", v);
    cr_assert(v[0] == 1 && v[1] == 0); /* NaN < 0 is false */
}

Test(expr, ieee_division_and_nan)
{
    double v[2];
    eval2("a / b", v);
    cr_assert(v[0] == 0.75 && isnan(v[1])); /* 0 / 0 */
    eval2("1 / b", v);
    cr_assert(v[0] == 0.25 && isinf(v[1]) && v[1] > 0);
    eval2("-1 / b", v);
    cr_assert(isinf(v[1]) && v[1] < 0);
    eval2("sqrt(c)", v);
    cr_assert(isnan(v[0]) && isnan(v[1])); /* sqrt(-2), sqrt(NaN) */
    eval2("log(a)", v);
    cr_assert(isinf(v[1]) && v[1] < 0); /* log(0) = -inf */
    eval2("log(`m(ee)`)", v);
    cr_assert(isnan(v[1])); /* log(-1) */
    /* Every comparison with NaN is false except !=; ! of it is true. */
    eval2("c < 1 || c >= 1 || c == c", v);
    cr_assert(v[0] == 1 && v[1] == 0);
    eval2("c != c", v);
    cr_assert(v[0] == 0 && v[1] == 1);
    eval2("!(c > 0)", v);
    cr_assert(v[1] == 1);
    /* min and max return the other operand when one is NaN (fmin/fmax). */
    eval2("min(c, 7) + max(c, 1)", v);
    cr_assert(v[0] == -1 && v[1] == 8);
    /* NaN propagates through arithmetic. */
    eval2("c * 0 + 1", v);
    cr_assert(v[0] == 1 && isnan(v[1]));
}

Test(expr, constants_are_folded)
{
    pipe_expr_error err;
    pipe_expr *e = pipe_expr_parse("a * (2 * pi / 4) + sqrt(16) - 1 / 2", &err);
    cr_assert(e);
    pipe_expr_program *p = pipe_expr_compile(e, names, N_NAMES, &err);
    cr_assert(p);
    /* a * 1.5708 + 4 - 0.5: three instructions (mul, add, sub). */
    cr_assert_eq(pipe_expr_program_ops(p), 3);
    double v;
    cr_assert_eq(pipe_expr_eval(p, &rows2[0][0], 1, N_NAMES, &v, 1), 0);
    cr_assert_float_eq(v, 3 * M_PI / 2 + 3.5, 1e-14);
    pipe_expr_program_free(p);
    pipe_expr_free(e);
}

Test(expr, many_rows_strided_in_and_out)
{
    /* 1000 rows (several evaluator blocks, the last one partial) of a
     * 3-column table; the result goes to column 2 of the same table. */
    enum { rows = 1000 };
    static const char *const cols[] = {"x", "y", "out"};
    double *t = calloc(rows * 3, sizeof *t);
    for (int r = 0; r < rows; r++)
        t[r * 3] = r, t[r * 3 + 1] = 0.5 * r;
    pipe_expr_error err;
    pipe_expr *e = pipe_expr_parse("x * x - 2 * y + 1", &err);
    pipe_expr_program *p = pipe_expr_compile(e, cols, 2, &err);
    cr_assert(p);
    cr_assert_eq(pipe_expr_eval(p, t, rows, 3, t + 2, 3), 0);
    for (int r = 0; r < rows; r++) {
        cr_assert_eq(t[r * 3 + 2], (double)r * r - r + 1, "row %d", r);
        cr_assert_eq(t[r * 3], r);
    }
    pipe_expr_program_free(p);
    pipe_expr_free(e);
    free(t);
}

Test(expr, types)
{
    pipe_expr_error err;
    pipe_expr *e = pipe_expr_parse("a > 1 && !(b < 2)", &err);
    cr_assert_eq(pipe_expr_result(e), PIPE_EXPR_BOOLEAN);
    pipe_expr_free(e);
    e = pipe_expr_parse("sqrt(a) * 2", &err);
    cr_assert_eq(pipe_expr_result(e), PIPE_EXPR_NUMBER);
    pipe_expr_free(e);
    fails("a + (b > 1)", 5, "'+' needs a number, found a boolean");
    fails("a > 1 && b", 10, "'&&' needs a boolean, found a number (compare it, e.g. x > 0)");
    fails("!a", 2, "'!' needs a boolean, found a number (compare it, e.g. x > 0)");
    fails("-(a > 1)", 2, "'-' needs a number, found a boolean");
    fails("a < b < c", 1, "'<' needs a number, found a boolean");
    fails("sqrt(a > 0)", 6, "argument 1 of 'sqrt' needs a number, found a boolean");
    fails("pow(a, b == 1)", 8, "argument 2 of 'pow' needs a number, found a boolean");
}

Test(expr, syntax_errors_with_their_column)
{
    fails("", 1,
          "expected a number, a column name, a function or '(', found the end of the "
          "expression");
    fails("a +", 4,
          "expected a number, a column name, a function or '(', found the end of the "
          "expression");
    fails("a b", 3, "expected an operator or the end of the expression, found 'b'");
    fails("(a + b", 7,
          "expected ')' to close the '(' at column 1, found the end of the "
          "expression");
    fails("a ^ 2", 3, "unexpected '^': write pow(a, b) for a power");
    fails("a & b", 3, "unexpected '&': write &&");
    fails("a = 1", 3, "unexpected '=': write ==");
    fails("a $ 1", 3, "unexpected '$'");
    fails("3x", 2, "unexpected 'x' after the number 3");
    fails("1.5.2", 4, "unexpected '.' after the number 1.5");
    fails("`m(ee)", 1, "unclosed backquote: write `name` for a column name");
    fails("a + ``", 5, "empty column name ``");
    fails("sqr(a)", 1,
          "unknown function 'sqr' (did you mean 'sqrt'?); functions: abs sqrt exp log pow sin "
          "cos tan atan2 sinh cosh asinh min max");
    fails("sqrt(a, b)", 1, "'sqrt' takes 1 argument, found 2");
    fails("atan2(a)", 1, "'atan2' takes 2 arguments, found 1");
    fails("max()", 1, "'max' takes 2 arguments, found 0");
    fails("min(a b)", 7, "expected ',' or ')' in the call of min, found 'b'");
}

Test(expr, unknown_columns_with_their_column)
{
    fails("a > 60 && px2 > 1", 11, "unknown column 'px2' (did you mean 'px1'?)");
    fails("sqrt(zzzzz)", 6, "unknown column 'zzzzz'");
    fails("a + `px1 `", 5, "unknown column 'px1 ' (the table has 'px1': spaces count in a name)");
    /* pi and e are constants; a column with such a name needs backquotes. */
    fails("`e` + 1", 1, "unknown column 'e'");
}

Test(expr, limits_instead_of_a_stack_overflow)
{
    /* 300 nested parentheses, and 10,001 terms. */
    char *deep = malloc(700), *wide = malloc(20010);
    memset(deep, '(', 300);
    strcpy(deep + 300, "a");
    memset(deep + 301, ')', 300);
    deep[601] = '\0';
    fails(deep, 257, "the expression nests deeper than 256 levels");
    for (int i = 0; i < 10001; i++)
        wide[2 * i] = 'a', wide[2 * i + 1] = '+';
    wide[20001] = '\0';
    wide[20000] = 'a';
    fails(wide, 1, "the expression has more than 10000 terms and operations");
    /* 200 levels are fine: ((...(a)...)) is a. */
    memset(deep, '(', 200);
    strcpy(deep + 200, "a");
    memset(deep + 201, ')', 200);
    deep[401] = '\0';
    cr_assert_eq(eval1(deep), 3);
    free(deep);
    free(wide);
}
