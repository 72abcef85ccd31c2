/* queueing_formulas.h - the closed forms the queueing tests check the simulator against,
 * written once for every test that needs them (header-only, test code). */
#ifndef DK_TEST_QUEUEING_FORMULAS_H
#define DK_TEST_QUEUEING_FORMULAS_H

/* Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a
 * (a < c). Through Erlang B's recurrence, B(k) = a B(k-1) / (k + a B(k-1)) from B(0) = 1, then
 * C = B / (1 - rho (1 - B)): every B(k) lies in (0, 1], where the series a^k / k! overflows a
 * double from about 170 servers and gives NaN (the same formula as dk.erlang_c). */
static inline double erlang_c(int c, double a)
{
    double b = 1;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b / (1 - a / c * (1 - b));
}

#endif
