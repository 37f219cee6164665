/*
 * tnosym.c — a shared object that is not a pipe plugin (no entry symbol):
 * the runner must refuse it. Used only by the runner's tests.
 */
int tnosym_answer(void);
int tnosym_answer(void)
{
    return 42;
}
