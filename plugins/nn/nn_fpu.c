/*
 * nn_fpu.c — flushing denormal numbers to zero while training. Adam's
 * moments of a dead ReLU unit decay geometrically into the denormal range
 * within a few hundred steps, where x86 arithmetic is many times slower;
 * frameworks train with FTZ/DAZ set for that reason. The flags belong to
 * the calling thread and are restored afterwards.
 */
#include "nn.h"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define NN_HAVE_MXCSR 1
/* Flush-to-zero (bit 15) and denormals-are-zero (bit 6). */
#define NN_FTZ_DAZ 0x8040u
#endif

unsigned pipe_nn_fpu_flush_denormals(void)
{
#ifdef NN_HAVE_MXCSR
    unsigned old = _mm_getcsr();
    _mm_setcsr(old | NN_FTZ_DAZ);
    return old;
#else
    return 0;
#endif
}

void pipe_nn_fpu_restore(unsigned saved)
{
#ifdef NN_HAVE_MXCSR
    _mm_setcsr(saved);
#else
    (void)saved;
#endif
}
