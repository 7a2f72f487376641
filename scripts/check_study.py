#!/usr/bin/env python3
"""Check a generated peer-support study against the model it claims to follow.

Reads attendance.csv and outcomes.csv (grouped or --shuffle'd) with the csv module only, and
  1. verifies every structural rule of datasets/README.md (columns, codes, weekly rosters from
     enrolment, 6 unattended weeks before discharge, nothing after the as-of date, wave dates,
     days_used consistent with abstinence, cohort and site the same in both files), and
  2. estimates the model's parameters from the data alone and compares them with the true
     values restated below (deliberately not imported from gen_study.py, so that a slip in the
     generator's constants shows up here), with a z score for each.

Estimators (all use only what an analyst sees):
  - weekly dropout hazard: a roll that stops before week 26 and before the as-of date reveals the
    dropout week D = rows - 6; a roll cut by week 26 or by the as-of date after C rows says
    D >= C - 6. The censored geometric MLE is events / weeks at risk (weeks 1..D, or 1..C-7).
  - attendance while active: sessions in weeks known to precede dropout (k < D, or k <= C - 7).
  - never-attenders: D = 0 among participants whose window would have revealed it (C >= 7).
  - isolation: mean observed score per wave and mean within-person change from baseline,
    against the expectation of the rounded and clipped latent normal (computed exactly).
  - follow-up missingness: observed missing count against the sum of per-participant expected
    probabilities given what the roster tells about engagement at the wave.

Exit status 1 when a structural rule fails or any |z| > 4 (use --z to change), 2 when the sample
is too small for some estimate (an empty cohort, site or wave).

    python3 scripts/check_study.py [--dir datasets] [--z 4]
"""

import argparse
import csv
import datetime
import math
import os
import sys

# True parameters, restated from datasets/README.md.
AS_OF = datetime.date(2025, 4, 30)
ORIGIN = datetime.date(2024, 1, 1)
WEEKS, GRACE = 26, 6
COHORTS = ("peer", "therapy_only")
SITES = ("north", "central", "south")
SITE_SHARE = {"north": 0.40, "central": 0.35, "south": 0.25}
HAZARD = {"peer": 0.025, "therapy_only": 0.045}
SITE_RATIO = {"north": 0.85, "central": 1.00, "south": 1.20}
P_NEVER = 0.03
P_ATTEND = {"peer": 0.85, "therapy_only": 0.72}
WAVES = ("baseline", "3m", "6m")
WAVE_DAY = {"3m": 91, "6m": 182}
JITTER = 5
P_MISS = {"engaged": 0.10, "dropped": 0.60}
P_ITEM = 0.02
ISO_MEAN, ISO_SD = 6.0, math.hypot(1.2, 0.8)
ISO_SHIFT = {"peer": (0.0, -1.2, -1.5), "therapy_only": (0.0, -0.4, -0.5)}
P_ABST = {"peer": (0.30, 0.55, 0.50), "therapy_only": (0.30, 0.40, 0.35)}
P_DAILY = 0.20

LAST_DAY = (AS_OF - ORIGIN).days


class Checker:
    def __init__(self, zmax):
        self.zmax = zmax
        self.errors = []
        self.bad_z = []

    def fail(self, msg):
        if len(self.errors) < 20:
            print("FAIL: " + msg)
        self.errors.append(msg)

    def compare(self, label, est, se, true):
        z = (est - true) / se if se > 0 else (0.0 if est == true else float("inf"))
        flag = "" if abs(z) <= self.zmax else "   <-- |z| > %g" % self.zmax
        if flag:
            self.bad_z.append(label)
        print("  %-40s %9.4f  (se %.4f)  true %8.4f  z %+6.2f%s" % (label, est, se, true, z, flag))


def day_of(s):
    return (datetime.date.fromisoformat(s) - ORIGIN).days


def phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def expected_score(mean):
    """E[clip(floor(y + 0.5), 3, 9)] for y ~ N(mean, ISO_SD^2)."""
    e = 3 * phi((3.5 - mean) / ISO_SD) + 9 * (1.0 - phi((8.5 - mean) / ISO_SD))
    for k in range(4, 9):
        e += k * (phi((k + 0.5 - mean) / ISO_SD) - phi((k - 0.5 - mean) / ISO_SD))
    return e


def read_attendance(path, ck):
    people = {}
    with open(path, newline="") as f:
        r = csv.reader(f)
        if next(r) != ["participant_id", "cohort", "site", "session_date", "attended"]:
            ck.fail("attendance.csv: unexpected header")
        for line, row in enumerate(r, 2):
            if len(row) != 5:
                ck.fail("attendance.csv:%d: %d fields" % (line, len(row)))
                continue
            pid, cohort, site, date, att = row
            if cohort not in COHORTS or site not in SITES or att not in ("0", "1"):
                ck.fail("attendance.csv:%d: bad code in %r" % (line, row))
                continue
            p = people.get(pid)
            if p is None:
                p = people[pid] = [cohort, site, []]
            elif p[0] != cohort or p[1] != site:
                ck.fail("attendance.csv:%d: %s changes cohort or site" % (line, pid))
            p[2].append(day_of(date) * 2 + (att == "1"))
    return people


def roster(pid, p, ck):
    """Derive enrolment, rows C, dropout week D (None when censored) from one roll."""
    sess = sorted(p[2])
    days = [s >> 1 for s in sess]
    att = [s & 1 for s in sess]
    enrol = days[0]
    if not 0 <= enrol < 366:
        ck.fail("%s: enrolment day %d outside 2024" % (pid, enrol))
    if days != [enrol + 7 * k for k in range(len(days))]:
        ck.fail("%s: sessions are not weekly from enrolment" % pid)
    n = len(days)
    if n > WEEKS or days[-1] > LAST_DAY:
        ck.fail("%s: %d sessions, last %d (as-of day %d)" % (pid, n, days[-1], LAST_DAY))
    window = min(WEEKS, (LAST_DAY - enrol) // 7 + 1)   # rows if nobody dropped out
    if n < window:
        drop = n - GRACE
        if drop < 0:
            ck.fail("%s: roll of %d sessions stopped early" % (pid, n))
            drop = 0
        if any(att[drop:]):
            ck.fail("%s: attended during the 6 weeks before discharge" % pid)
    elif n == window:
        drop = None
    else:
        ck.fail("%s: %d sessions, window %d" % (pid, n, window))
        drop = None
    return enrol, n, drop, att


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default="datasets")
    ap.add_argument("--z", type=float, default=4.0, help="largest |z| accepted (default 4)")
    a = ap.parse_args()
    ck = Checker(a.z)

    people = read_attendance(os.path.join(a.dir, "attendance.csv"), ck)
    info = {}
    for pid, p in people.items():
        enrol, n, drop, att = roster(pid, p, ck)
        info[pid] = (p[0], p[1], enrol, n, drop, att)
    npart = len(info)
    print("participants %d, attendance rows %d" % (npart, sum(len(p[2]) for p in people.values())))

    print("allocation")
    for c in COHORTS:
        k = sum(1 for v in info.values() if v[0] == c)
        ck.compare("share %s" % c, k / npart, math.sqrt(0.25 / npart), 0.5)
    for s in SITES:
        k = sum(1 for v in info.values() if v[1] == s)
        q = SITE_SHARE[s]
        ck.compare("share %s" % s, k / npart, math.sqrt(q * (1 - q) / npart), q)
    mean_enrol = sum(v[2] for v in info.values()) / npart
    ck.compare("mean enrolment day", mean_enrol, math.sqrt((366 ** 2 - 1) / 12 / npart), 182.5)

    print("engagement")
    for c in COHORTS:
        elig = [v for v in info.values() if v[0] == c and (v[4] is not None or v[3] >= 7)]
        k = sum(1 for v in elig if v[4] == 0)
        ck.compare("never attend %s" % c, k / len(elig), math.sqrt(P_NEVER * (1 - P_NEVER) / len(elig)), P_NEVER)
    for c in COHORTS:
        tot_risk = tot_exp = 0.0
        for s in SITES + (None,):
            ev = risk = 0
            for v in info.values():
                if v[0] != c or (s is not None and v[1] != s):
                    continue
                cohort, site, enrol, n, drop, att = v
                if drop == 0:
                    continue
                if drop is not None:
                    ev += 1
                    risk += drop
                else:
                    risk += max(0, n - GRACE - 1)
            if s is None:
                h = ev / risk
                ck.compare("weekly hazard %s (all sites)" % c, h, math.sqrt(h * (1 - h) / risk), tot_exp / tot_risk)
            else:
                h = ev / risk
                true = HAZARD[c] * SITE_RATIO[s]
                ck.compare("weekly hazard %s %s" % (c, s), h, math.sqrt(true * (1 - true) / risk), true)
                tot_exp += true * risk
                tot_risk += risk
    for c in COHORTS:
        yes = tot = 0
        for v in info.values():
            if v[0] != c:
                continue
            cohort, site, enrol, n, drop, att = v
            active = drop if drop is not None else max(0, n - GRACE)
            yes += sum(att[:active])
            tot += active
        p = P_ATTEND[c]
        ck.compare("attended while active %s" % c, yes / tot, math.sqrt(p * (1 - p) / tot), p)

    # Outcomes
    out_path = os.path.join(a.dir, "outcomes.csv")
    if not os.path.exists(out_path):
        print("no outcomes.csv (attendance-only run)")
        return finish(ck)
    obs = {}
    header = ["participant_id", "cohort", "site", "wave", "assessed_on", "abstinent", "days_used", "isolation_score"]
    with open(out_path, newline="") as f:
        r = csv.reader(f)
        if next(r) != header:
            ck.fail("outcomes.csv: unexpected header")
        for line, row in enumerate(r, 2):
            if len(row) != 8:
                ck.fail("outcomes.csv:%d: %d fields" % (line, len(row)))
                continue
            pid, cohort, site, wave, date, abst, days, iso = row
            v = info.get(pid)
            if v is None or v[0] != cohort or v[1] != site:
                ck.fail("outcomes.csv:%d: %s not in attendance.csv with the same cohort and site" % (line, pid))
                continue
            if wave not in WAVES or abst not in ("yes", "no"):
                ck.fail("outcomes.csv:%d: bad wave or abstinent code" % line)
                continue
            w = WAVES.index(wave)
            d = day_of(date) - v[2]
            if (w == 0 and d != 0) or (w > 0 and abs(d - WAVE_DAY[wave]) > JITTER) or day_of(date) > LAST_DAY:
                ck.fail("outcomes.csv:%d: %s dated %s (enrolment + %d days)" % (line, wave, date, d))
            du = int(days)
            if (abst == "yes") != (du == 0) or not 0 <= du <= 30:
                ck.fail("outcomes.csv:%d: abstinent %s with days_used %s" % (line, abst, days))
            if iso != "" and not 3 <= int(iso) <= 9:
                ck.fail("outcomes.csv:%d: isolation_score %s" % (line, iso))
            if (pid, w) in obs:
                ck.fail("outcomes.csv:%d: duplicate %s %s" % (line, pid, wave))
            obs[pid, w] = (abst == "yes", du, None if iso == "" else int(iso), day_of(date))
    nrows = len(obs)
    print("outcome rows %d" % nrows)
    for pid in info:
        if (pid, 0) not in obs:
            ck.fail("%s: no baseline" % pid)

    print("abstinence (past 30 days)")
    for c in COHORTS:
        for w in range(3):
            xs = [o[0] for (pid, ww), o in obs.items() if ww == w and info[pid][0] == c]
            p = P_ABST[c][w]
            ck.compare("abstinent %s %s" % (c, WAVES[w]), sum(xs) / len(xs), math.sqrt(p * (1 - p) / len(xs)), p)
    used = [o[1] for o in obs.values() if not o[0]]
    ck.compare("days_used = 30 among users", sum(1 for d in used if d == 30) / len(used),
        math.sqrt(P_DAILY * (1 - P_DAILY) / len(used)), P_DAILY)
    rest = [d for d in used if d < 30]
    ck.compare("mean days_used among 1..29", sum(rest) / len(rest), math.sqrt((29 ** 2 - 1) / 12 / len(rest)), 15.0)
    if rest and (min(rest) < 1):
        ck.fail("days_used below 1 when not abstinent")
    print("isolation (UCLA-3, observed 3..9 scale)")
    for c in COHORTS:
        for w in range(3):
            xs = [o[2] for (pid, ww), o in obs.items() if ww == w and info[pid][0] == c and o[2] is not None]
            m = sum(xs) / len(xs)
            sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))
            ck.compare("mean score %s %s" % (c, WAVES[w]), m, sd / math.sqrt(len(xs)),
                expected_score(ISO_MEAN + ISO_SHIFT[c][w]))
    for w in (1, 2):
        diffs = {}
        for c in COHORTS:
            ds = []
            for (pid, ww), o in obs.items():
                if ww == w and info[pid][0] == c and o[2] is not None:
                    b = obs[pid, 0][2]
                    if b is not None:
                        ds.append(o[2] - b)
            m = sum(ds) / len(ds)
            sd = math.sqrt(sum((x - m) ** 2 for x in ds) / (len(ds) - 1))
            true = expected_score(ISO_MEAN + ISO_SHIFT[c][w]) - expected_score(ISO_MEAN)
            ck.compare("change to %s %s" % (WAVES[w], c), m, sd / math.sqrt(len(ds)), true)
            diffs[c] = (m, sd * sd / len(ds), true)
        d = diffs["peer"][0] - diffs["therapy_only"][0]
        se = math.sqrt(diffs["peer"][1] + diffs["therapy_only"][1])
        ck.compare("peer - therapy_only change %s" % WAVES[w], d, se, diffs["peer"][2] - diffs["therapy_only"][2])
    iso_all = [o[2] for o in obs.values()]
    ck.compare("isolation item missing", sum(1 for x in iso_all if x is None) / nrows, math.sqrt(P_ITEM * (1 - P_ITEM) / nrows), P_ITEM)

    print("follow-up missingness (due waves)")
    for w, wave, thresh in ((1, "3m", 13), (2, "6m", WEEKS - 1)):
        groups = {"engaged": [0, 0], "dropped": [0, 0], "unknown": [0, 0]}
        exp_miss = var = 0.0
        due = missing = 0
        for pid, v in info.items():
            cohort, site, enrol, n, drop, att = v
            o = obs.get((pid, w))
            # Count a wave as due only when even its latest possible date is on or before the
            # as-of date (rows dated after it were rejected while reading).
            if enrol + WAVE_DAY[wave] + JITTER > LAST_DAY:
                continue
            h = HAZARD[cohort] * SITE_RATIO[site]
            if drop is not None:
                pe = 1.0 if drop > thresh else 0.0
            else:
                lo = n - GRACE          # D >= lo >= 1
                pe = (1.0 - h) ** max(0, thresh - lo + 1)
            g = "engaged" if pe == 1.0 else "dropped" if pe == 0.0 else "unknown"
            pm = pe * P_MISS["engaged"] + (1 - pe) * P_MISS["dropped"]
            groups[g][0] += 1
            groups[g][1] += o is None
            exp_miss += pm
            var += pm * (1 - pm)
            due += 1
            missing += o is None
        for g in ("engaged", "dropped"):
            tot, k = groups[g]
            if tot:
                p = P_MISS[g]
                ck.compare("missing %s, %s" % (wave, g), k / tot, math.sqrt(p * (1 - p) / tot), p)
        tot, k = groups["unknown"]
        print("  %s: %d due, %d missing; engagement unknown from the roster for %d (%d missing)"
              % (wave, due, missing, tot, k))
        ck.compare("missing %s, all due" % wave, missing / due, math.sqrt(var) / due, exp_miss / due)
    return finish(ck)


def finish(ck):
    if ck.errors:
        print("%d structural failures" % len(ck.errors))
    if ck.bad_z:
        print("%d estimates beyond |z| %g: %s" % (len(ck.bad_z), ck.zmax, ", ".join(ck.bad_z)))
    if not ck.errors and not ck.bad_z:
        print("all checks passed")
    return 1 if ck.errors or ck.bad_z else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ZeroDivisionError:
        # An empty cohort, site or wave leaves an estimate undefined; the check is meant for
        # samples of a few dozen participants or more.
        print("check_study: too few participants to estimate every parameter (checks incomplete)")
        sys.exit(2)
