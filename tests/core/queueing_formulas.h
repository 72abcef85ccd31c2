/* queueing_formulas.h - the closed forms the queueing tests check the simulator against,
 * written once for every test that needs them (header-only, test code). */
#ifndef DK_TEST_QUEUEING_FORMULAS_H
#define DK_TEST_QUEUEING_FORMULAS_H

/* Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a
 * (a < c), summed term by term: the tests use small c. */
static inline double erlang_c(int c, double a)
{
    double term = 1, sum = 0;
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term / (1 - a / c); /* a^c / c! / (1 - rho) */
    return top / (sum + top);
}

#endif
