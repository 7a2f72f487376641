#!/usr/bin/python3
"""Precise and independent golden values for the 2x2 table (toolkit/lib/twobytwo.c).

Run from the repository root:  python3 scripts/golden_twobytwo.py
Reads tests/data/twobytwo/tables.csv (case, name, a, n1, c, n0) and writes
tests/golden/twobytwo_precise.tsv, keys t<case>.<figure>:

  fisher.p, fisher.or, fisher.lower, fisher.upper (and c90.fisher.* at 90%)
      Fisher's exact test as R's fisher.test defines it, computed here with mpmath at 40 digits
      from log-gamma terms (not from R's or peerstat's code): the two-sided p-value with R's
      rule (tables whose conditional probability is <= the observed one * (1 + 1e-7)), the
      conditional maximum likelihood odds ratio (E[X; psi] = x) and the exact conditional
      interval (P(X >= x; psi) = alpha/2 and P(X <= x; psi) = alpha/2), roots by bisection on
      log(psi) to 1e-25. R's own estimate and interval come from uniroot with tol 1.2e-4, which
      is why these references exist.
  sm.p1.lower, sm.p1.upper, sm.p0.lower, sm.p0.upper
      statsmodels proportion_confint(count, nobs, alpha = 0.05, method = "wilson")
  sm.rd.lower, sm.rd.upper
      statsmodels confint_proportions_2indep(a, n1, c, n0, method = "newcomb", compare = "diff")
"""
import csv
import sys

import mpmath
from mpmath import mp, mpf
import statsmodels
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

mp.dps = 40
WINDOW = 120        # terms below exp(-120) of the largest are ignored in sums (relative 1e-52)


class Conditional:
    """Noncentral hypergeometric distribution of the treatment-event cell given the margins."""

    def __init__(self, a, n1, c, n0):
        self.m = a + c                  # events
        self.n = (n1 - a) + (n0 - c)    # non-events
        self.k = n1                     # treatment row
        self.x = a
        self.lo = max(0, self.k - self.n)
        self.hi = min(self.k, self.m)
        self.cache = {}

    def logw(self, i):
        """log(choose(m, i) choose(n, k - i)), exact to 40 digits."""
        v = self.cache.get(i)
        if v is None:
            m, n, k = self.m, self.n, self.k
            v = (mpmath.loggamma(m + 1) - mpmath.loggamma(i + 1) - mpmath.loggamma(m - i + 1)
                 + mpmath.loggamma(n + 1) - mpmath.loggamma(k - i + 1) - mpmath.loggamma(n - k + i + 1))
            self.cache[i] = v
        return v

    def mode(self, theta):
        """argmax of logw(i) + theta i, by bisection on the (decreasing) ratio of neighbours."""
        lo, hi = self.lo, self.hi
        while lo < hi:
            mid = (lo + hi) // 2
            if self.logw(mid + 1) - self.logw(mid) + theta > 0:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def window(self, theta):
        """(i, weight) for the terms within WINDOW of the largest, weights relative to it."""
        md = self.mode(theta)
        top = self.logw(md) + theta * md
        out = []
        for step in (-1, 1):
            i = md if step == -1 else md + 1
            while self.lo <= i <= self.hi:
                l = self.logw(i) + theta * i - top
                if l < -WINDOW:
                    break
                out.append((i, mpmath.exp(l)))
                i += step
        return out

    def mean_minus_x(self, theta):
        w = self.window(theta)
        return sum(wi * (i - self.x) for i, wi in w) / sum(wi for _, wi in w)

    def lower_tail(self, theta):
        w = self.window(theta)
        return sum(wi for i, wi in w if i <= self.x) / sum(wi for _, wi in w)

    def upper_tail(self, theta):
        w = self.window(theta)
        return sum(wi for i, wi in w if i >= self.x) / sum(wi for _, wi in w)

    def two_sided_p(self):
        """R's rule at psi = 1: the sum over tables no more likely than the observed * (1 + 1e-7)."""
        md = self.mode(0)
        top = self.logw(md)
        total = sum(wi for _, wi in self.window(0))
        lx = self.logw(self.x) - top
        thr = lx + mpmath.log1p(mpf('1e-7'))
        p = mpf(0)
        # each side of the mode is monotone: find the first term at or below the threshold by
        # bisection, then add terms outwards until they no longer matter
        for side in (-1, 1):
            near, far = (md, self.lo) if side == -1 else (md, self.hi)
            if self.logw(far) - top > thr:
                continue        # the whole side is more likely than the observed table
            if self.logw(near) - top <= thr:
                first = near
            else:
                a, b = near, far     # logw(a) > thr >= logw(b)
                while abs(b - a) > 1:
                    mid = (a + b) // 2
                    if self.logw(mid) - top > thr:
                        a = mid
                    else:
                        b = mid
                first = b
            i = first
            while self.lo <= i <= self.hi:
                l = self.logw(i) - top
                t = mpmath.exp(l)
                p += t
                if l < thr - WINDOW:
                    break
                i += side
            if side == 1 and first == md:
                p -= mpmath.exp(self.logw(md) - top)  # the mode was counted on both sides
        return p / total


def solve_increasing(f, target):
    """theta with f(theta) = target, f increasing: bracket outwards from 0, bisect to 1e-25."""
    f0 = f(mpf(0)) - target
    if f0 == 0:
        return mpf(0)
    d = 1 if f0 < 0 else -1
    a, step = mpf(0), mpf(1)
    while True:
        b = d * step
        fb = f(b) - target
        if (fb > 0) != (f0 > 0):
            break
        a = b
        step *= 2
        if step > 1e4:
            raise RuntimeError("no bracket")
    lo, hi = min(a, b), max(a, b)
    while hi - lo > mpf('1e-25'):
        mid = (lo + hi) / 2
        if f(mid) - target < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def fisher(t, conf_level):
    """estimate, lower, upper as fisher.test defines them (0 / Inf at the ends of the support)."""
    alpha = (1 - mpf(conf_level)) / 2
    x, lo, hi = t.x, t.lo, t.hi
    if x == lo:
        est = mpf(0)
    elif x == hi:
        est = mpmath.inf
    else:
        est = mpmath.exp(solve_increasing(t.mean_minus_x, 0))
    lower = mpf(0) if x == lo else mpmath.exp(solve_increasing(t.upper_tail, alpha))
    upper = mpmath.inf if x == hi else mpmath.exp(solve_increasing(lambda th: -t.lower_tail(th), -alpha))
    return est, lower, upper


def fmt(v):
    v = float(v)
    if v != v:
        return "NA"
    if v in (float("inf"), float("-inf")):
        return "Inf" if v > 0 else "-Inf"
    return "%.17g" % v


def main():
    out = ["# generated by scripts/golden_twobytwo.py (Python %d.%d, mpmath %s, statsmodels %s)"
           % (sys.version_info[0], sys.version_info[1], mpmath.__version__, statsmodels.__version__)]
    with open("tests/data/twobytwo/tables.csv") as fp:
        rows = list(csv.DictReader(fp))
    for row in rows:
        case = int(row["case"])
        a, n1, c, n0 = (int(row[k]) for k in ("a", "n1", "c", "n0"))

        def put(key, value):
            out.append("t%02d.%s\t%s" % (case, key, fmt(value)))

        t = Conditional(a, n1, c, n0)
        if t.lo == t.hi:
            put("fisher.p", 1)
        else:
            put("fisher.p", t.two_sided_p())
            est, lower, upper = fisher(t, "0.95")
            put("fisher.or", est)
            put("fisher.lower", lower)
            put("fisher.upper", upper)
            if case in (1, 2, 7, 9, 40):
                _, lower, upper = fisher(t, "0.9")
                put("c90.fisher.lower", lower)
                put("c90.fisher.upper", upper)

        l1, u1 = proportion_confint(a, n1, alpha=0.05, method="wilson")
        l0, u0 = proportion_confint(c, n0, alpha=0.05, method="wilson")
        put("sm.p1.lower", l1)
        put("sm.p1.upper", u1)
        put("sm.p0.lower", l0)
        put("sm.p0.upper", u0)
        lo, up = confint_proportions_2indep(a, n1, c, n0, method="newcomb", compare="diff", alpha=0.05)
        put("sm.rd.lower", lo)
        put("sm.rd.upper", up)
        print("case %d done" % case, file=sys.stderr)
    with open("tests/golden/twobytwo_precise.tsv", "w") as fp:
        fp.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
