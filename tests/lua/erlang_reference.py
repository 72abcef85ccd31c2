# erlang_reference.py - the table in erlang_spec.lua: Erlang C by the direct series, in decimal arithmetic with 60 digits and an exponent range
# wide enough for a^c / c! at c = 10^5: no recurrence, no logarithms.
from decimal import Decimal, getcontext
getcontext().prec = 60
getcontext().Emax = 10**8
getcontext().Emin = -10**8
def erlang_c(c, a):
    a = Decimal(a)
    term, s = Decimal(1), Decimal(0)
    for k in range(c):
        s += term
        term = term * a / (k + 1)
    top = term / (1 - a / c)
    return top / (s + top)
cases = []
for c in [1, 2, 10, 100, 1000, 10**4, 10**5]:
    for rho in ["0.5", "0.9", "0.99"]:
        a = Decimal(c) * Decimal(rho)
        cases.append((c, a))
cases.append((3, Decimal("2.4")))
for c, a in sorted(cases):
    print("  { %d, %s, %s }," % (c, format(a.normalize(), "f"), format(erlang_c(c, a), ".17e")))
