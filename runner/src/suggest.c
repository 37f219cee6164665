/*
 * suggest.c — "did you mean": the declared name closest to a misspelt
 * one, by Levenshtein distance.
 */
#include "core.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return (size_t)-1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Is `candidate` an acceptable suggestion for `word` at distance d? About
 * a third of the word may differ; a word of one or two letters only
 * suggests a name one letter longer or shorter ('Q' -> 'Q1', 'gn' ->
 * 'gen', 'Mm' -> 'M'), never another of its own length ('c' -> 'a'). */
static int close_enough(const char *word, const char *candidate, size_t d)
{
    size_t len = strlen(word), clen = strlen(candidate);
    if (len <= 2)
        return d == 1 && clen > 0 && (clen == len + 1 || clen + 1 == len);
    return d <= len / 3 + 1;
}

const char *pipe_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_distance = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(word, candidates[i]) == 0)
            return candidates[i]; /* 'm' for 'M' */
        size_t d = edit_distance(word, candidates[i]);
        if (d < best_distance && close_enough(word, candidates[i], d)) {
            best_distance = d;
            best = candidates[i];
        }
    }
    return best;
}

const char *pipe_suggest_text(const char *word, const char *const *candidates, size_t n, char *buf,
                              size_t size)
{
    const char *best = pipe_suggest(word, candidates, n);
    if (best)
        snprintf(buf, size, " (did you mean '%s'?)", best);
    else
        buf[0] = '\0';
    return buf;
}
