"""simpy_mm1.py - the same M/M/1 design in SimPy 2.3 (Debian's python3-simpy), for the ratio.

Usage: /usr/bin/python3 simpy_mm1.py N   -> prints "simpy REQUESTS_PER_SECOND MEAN_RESPONSE"
"""
import random
import sys
import time

from SimPy.Simulation import (Process, Resource, activate, hold, initialize, now, release,
                              request, simulate)

LAMBDA, MU = 0.8, 1.0


class Customer(Process):
    def serve(self, server, stats):
        arrived = now()
        yield request, self, server
        yield hold, self, random.expovariate(MU)
        yield release, self, server
        stats.append(now() - arrived)


class Source(Process):
    def generate(self, n, server, stats):
        for _ in range(n):
            c = Customer()
            activate(c, c.serve(server, stats))
            yield hold, self, random.expovariate(LAMBDA)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    random.seed(1)
    stats = []
    start = time.perf_counter()
    initialize()
    server = Resource(capacity=1)
    src = Source()
    activate(src, src.generate(n, server, stats))
    simulate(until=1e12)
    elapsed = time.perf_counter() - start
    print("simpy %.0f %.4f" % (n / elapsed, sum(stats) / len(stats)))


if __name__ == "__main__":
    main()
