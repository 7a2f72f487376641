#!/usr/bin/env python3
"""Generate peerstat's bundled synthetic study: attendance.csv and outcomes.csv.

A simulated evaluation of peer-support groups in substance-use recovery: a `peer` cohort
(peer-support groups on top of therapy) against a `therapy_only` cohort, at three sites, with
rolling enrolment over 2024 and a data extract on 2025-04-30. The model and its true parameters
are written out in datasets/README.md; the constants below are the single source of them.

Reproducibility: the only source of randomness is random.Random(seed).random() (Mersenne Twister,
whose integer seeding and random() output are fixed across Python 3 versions). Every other
distribution is derived here from uniforms (inverse CDFs by table look-up, Box-Muller), because
random.gauss, choices, shuffle and randrange have changed algorithm between versions. Each
participant consumes a fixed number of uniforms, so participant i is the same whatever
--participants, --shuffle or --attendance-only say: a smaller run is a prefix of a larger one.

Memory does not grow with --participants: rows are written as they are made. --shuffle is the
exception that still keeps memory bounded: rows are scattered at random into temporary bucket
files next to the output, and each bucket is shuffled in memory and appended (a uniform random
permutation; buckets hold about 100 000 rows).

Standard library only; runs with any python3 >= 3.9.
"""

import argparse
import bisect
import datetime
import math
import os
import random
import sys
import tempfile

# ---- The design -------------------------------------------------------------------------------

ENROL_START = datetime.date(2024, 1, 1)
ENROL_DAYS = 366                     # 2024 is a leap year: enrolment uniform over 366 days
AS_OF = datetime.date(2025, 4, 30)   # data extract date: nothing is dated after it
WEEKS = 26                           # weekly sessions at enrolment + 7k days, k = 0..25
GRACE_WEEKS = 6                      # after dropout the roll keeps 6 unattended sessions

COHORTS = ("peer", "therapy_only")
P_PEER = 0.5                         # share randomised to peer
SITES = ("north", "central", "south")
SITE_SHARE = (0.40, 0.35, 0.25)

# ---- Engagement -------------------------------------------------------------------------------

# Constant weekly dropout hazard, per cohort, times a mild site multiplier.
HAZARD = {"peer": 0.025, "therapy_only": 0.045}
SITE_HAZARD_RATIO = {"north": 0.85, "central": 1.00, "south": 1.20}
P_NEVER_ATTEND = 0.03                # never attend at all (dropout at week 0), both cohorts
P_ATTEND = {"peer": 0.85, "therapy_only": 0.72}   # per session while active

# ---- Outcomes ---------------------------------------------------------------------------------

WAVES = ("baseline", "3m", "6m")
WAVE_DAY = (0, 91, 182)              # nominal days after enrolment
JITTER_DAYS = 5                      # follow-ups dated nominal + uniform integer -5..+5
P_MISS_ENGAGED = 0.10                # follow-up missing while still engaged at the wave
P_MISS_DROPPED = 0.60                # follow-up missing after dropout
P_ITEM_MISSING = 0.02                # isolation_score left empty (any wave)

# Isolation (UCLA-3, 3..9): latent y = person effect + wave/cohort shift + noise, then
# floor(y + 0.5) clipped to 3..9. Person effect N(ISO_MEAN, ISO_SD_PERSON^2), noise N(0, ISO_SD_NOISE^2).
ISO_MEAN = 6.0
ISO_SD_PERSON = 1.2
ISO_SD_NOISE = 0.8
ISO_SHIFT = {"peer": (0.0, -1.2, -1.5), "therapy_only": (0.0, -0.4, -0.5)}

# Past-30-day abstinence: P(abstinent) per cohort and wave, via a Gaussian copula (latent
# z = sqrt(rho) a + sqrt(1 - rho) e, abstinent when z < Phi^-1(p)) so that a participant's
# waves are correlated while the marginal rates are exact.
P_ABSTINENT = {"peer": (0.30, 0.55, 0.50), "therapy_only": (0.30, 0.40, 0.35)}
ABST_RHO = 0.5
# Phi^-1 of the rates above (statistics.NormalDist().inv_cdf, frozen as literals so that no
# library algorithm can move a threshold).
PROBIT = {0.30: -0.5244005127080407, 0.55: 0.12566134685507413, 0.40: -0.2533471031357998,
          0.50: 0.0, 0.35: -0.3853204664075676}
# days_used when not abstinent: 30 (daily use) with P_DAILY, else uniform on 1..29.
P_DAILY = 0.20

TWO_PI = 2.0 * math.pi


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Write the synthetic peer-support study (attendance.csv, outcomes.csv).")
    p.add_argument("--participants", type=int, default=600, metavar="N",
        help="number of participants (default 600)")
    p.add_argument("--seed", type=int, default=20241, metavar="S",
        help="random seed (default 20241)")
    p.add_argument("--out", default="datasets", metavar="DIR",
        help="output directory (default datasets)")
    p.add_argument("--shuffle", action="store_true",
        help="write rows in random order (default: grouped by participant, then date)")
    p.add_argument("--attendance-only", action="store_true",
        help="write attendance.csv only (benchmarks)")
    a = p.parse_args(argv)
    if a.participants < 1:
        p.error("--participants must be at least 1, got %d" % a.participants)
    if a.seed < 0:
        p.error("--seed must be non-negative, got %d" % a.seed)
    return a


class Sink:
    """A CSV file written through a temporary name and renamed into place when complete.

    In shuffle mode, rows go to `nbuckets` temporary files chosen uniformly at random; finish()
    shuffles each bucket in memory (Fisher-Yates on rng.random()) and appends it."""

    def __init__(self, path, header, shuffle_rng=None, nbuckets=1):
        self.path = path
        d = os.path.dirname(path) or "."
        fd, self.tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=d)
        # mkstemp creates 0600; give the result the usual umask-derived mode.
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        self.f = os.fdopen(fd, "w", newline="\n", buffering=1 << 20)
        self.f.write(header)
        self.rng = shuffle_rng
        self.buckets = []
        self.pending = []
        if shuffle_rng is not None:
            for _ in range(nbuckets):
                bfd, bpath = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".b", dir=d)
                self.buckets.append((os.fdopen(bfd, "w+", newline="\n", buffering=1 << 16), bpath))
            self.pending = [[] for _ in range(nbuckets)]

    def write(self, lines):
        """Append rows (each ending in a newline)."""
        if self.rng is None:
            self.f.write("".join(lines))
            return
        rnd = self.rng.random
        n = len(self.buckets)
        pend = self.pending
        for line in lines:
            b = int(rnd() * n)
            pend[b].append(line)
            if len(pend[b]) >= 4096:
                self.buckets[b][0].write("".join(pend[b]))
                pend[b] = []

    def finish(self):
        if self.rng is not None:
            rnd = self.rng.random
            for (bf, bpath), pend in zip(self.buckets, self.pending):
                bf.write("".join(pend))
                bf.seek(0)
                rows = bf.read().splitlines(True)
                bf.close()
                os.unlink(bpath)
                for i in range(len(rows) - 1, 0, -1):
                    j = int(rnd() * (i + 1))
                    rows[i], rows[j] = rows[j], rows[i]
                self.f.write("".join(rows))
        self.f.close()
        os.replace(self.tmp, self.path)

    def abort(self):
        """Remove the temporary files; the previous output, if any, is left in place."""
        for bf, bpath in self.buckets:
            bf.close()
            if os.path.exists(bpath):
                os.unlink(bpath)
        self.f.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


def generate(args):
    n = args.participants
    rng = random.Random(args.seed)
    u = rng.random

    last_day = (AS_OF - ENROL_START).days
    dates = [(ENROL_START + datetime.timedelta(days=d)).isoformat() for d in range(last_day + 1)]
    width = max(4, len(str(n)))

    # Dropout week D by inverse CDF on exact tables: P(D > k) = (1 - h)^k, k = 1..25, built by
    # repeated multiplication (IEEE-exact, no libm). D = 26 stands for "completed the programme".
    neg_surv = {}
    for c in COHORTS:
        for s in SITES:
            h = HAZARD[c] * SITE_HAZARD_RATIO[s]
            surv, t = [], 1.0
            for _ in range(1, WEEKS):
                t *= 1.0 - h
                surv.append(-t)
            neg_surv[c, s] = surv
    site_cum = []
    acc = 0.0
    for share in SITE_SHARE[:-1]:
        acc += share
        site_cum.append(acc)
    sq_rho, sq_1rho = math.sqrt(ABST_RHO), math.sqrt(1.0 - ABST_RHO)

    out = args.out
    os.makedirs(out, exist_ok=True)
    shuffle_rng = None
    nb_att = nb_out = 1
    if args.shuffle:
        shuffle_rng = random.Random("%d:shuffle" % args.seed)
        nb_att = min(512, max(1, (n * WEEKS) // 100000 + 1))
        nb_out = min(512, max(1, (n * 3) // 100000 + 1))
    sinks = []
    try:
        att = Sink(os.path.join(out, "attendance.csv"),
            "participant_id,cohort,site,session_date,attended\n", shuffle_rng, nb_att)
        sinks.append(att)
        outc = None
        if not args.attendance_only:
            outc = Sink(os.path.join(out, "outcomes.csv"),
                "participant_id,cohort,site,wave,assessed_on,abstinent,days_used,isolation_score\n",
                shuffle_rng, nb_out)
            sinks.append(outc)
        stats = simulate(n, u, dates, width, neg_surv, site_cum, sq_rho, sq_1rho, att, outc)
        for s in sinks:
            s.finish()
    except BaseException:
        for s in sinks:
            try:
                s.abort()
            except OSError:
                pass
        raise
    return stats


def simulate(n, u, dates, width, neg_surv, site_cum, sq_rho, sq_1rho, att, outc):
    last_day = len(dates) - 1
    idfmt = "P%0" + str(width) + "d"
    st = {
        "participants": {}, "att_rows": 0, "att_yes": {c: 0 for c in COHORTS},
        "att_n": {c: 0 for c in COHORTS}, "never": {c: 0 for c in COHORTS},
        "dropout": {c: 0 for c in COHORTS}, "discharged": {c: 0 for c in COHORTS},
        "completed": {c: 0 for c in COHORTS}, "on_roll": {c: 0 for c in COHORTS},
        "out_rows": 0, "waves": {}, "not_due": {}, "missed": {}, "iso_missing": 0,
    }
    for i in range(1, n + 1):
        # Fixed draw order, 51 uniforms per participant.
        cohort = COHORTS[0] if u() < P_PEER else COHORTS[1]
        site = SITES[bisect.bisect_right(site_cum, u())]
        enrol = int(u() * ENROL_DAYS)
        never = u() < P_NEVER_ATTEND
        ud = u()
        ua = [u() for _ in range(WEEKS)]
        if never:
            drop = 0
        else:
            drop = bisect.bisect_left(neg_surv[cohort, site], -ud) + 1   # 1..26

        key = (cohort, site)
        st["participants"][key] = st["participants"].get(key, 0) + 1
        if never:
            st["never"][cohort] += 1
        if drop < WEEKS:
            st["dropout"][cohort] += 1

        # Attendance roll: weeks 0..25, stops GRACE_WEEKS after dropout, never after AS_OF.
        nweeks = WEEKS if drop >= WEEKS else min(WEEKS, drop + GRACE_WEEKS)
        nweeks_asof = min(nweeks, (last_day - enrol) // 7 + 1)
        if nweeks_asof < nweeks:
            st["on_roll"][cohort] += 1
        elif nweeks < WEEKS:
            st["discharged"][cohort] += 1
        else:
            st["completed"][cohort] += 1
        p = P_ATTEND[cohort]
        prefix = "%s,%s,%s," % (idfmt % i, cohort, site)
        rows = []
        yes = 0
        for k in range(nweeks_asof):
            if k < drop and ua[k] < p:
                rows.append(prefix + dates[enrol + 7 * k] + ",1\n")
                yes += 1
            else:
                rows.append(prefix + dates[enrol + 7 * k] + ",0\n")
        att.write(rows)
        st["att_rows"] += nweeks_asof
        st["att_yes"][cohort] += yes
        st["att_n"][cohort] += nweeks_asof

        # Outcomes: person effects, then per wave: two normals, days, item-missing, jitter, missing.
        r = math.sqrt(-2.0 * math.log(1.0 - u()))
        t = TWO_PI * u()
        person_iso = ISO_MEAN + ISO_SD_PERSON * r * math.cos(t)
        person_abs = r * math.sin(t)
        shifts = ISO_SHIFT[cohort]
        pabs = P_ABSTINENT[cohort]
        rows = []
        for w in range(3):
            r = math.sqrt(-2.0 * math.log(1.0 - u()))
            t = TWO_PI * u()
            e_iso = ISO_SD_NOISE * r * math.cos(t)
            e_abs = r * math.sin(t)
            ud = u()
            umiss_item = u()
            ujit = u()
            umiss = u()
            if outc is None:
                continue
            if w == 0:
                day = enrol
            else:
                day = enrol + WAVE_DAY[w] + int(ujit * (2 * JITTER_DAYS + 1)) - JITTER_DAYS
                wkey = (WAVES[w], cohort)
                if day > last_day:
                    st["not_due"][wkey] = st["not_due"].get(wkey, 0) + 1
                    continue
                # Engaged at 3m: still active at programme week 13 (day 91); at 6m: active
                # through the last session (week 25), i.e. no dropout within the programme.
                engaged = drop > 13 if w == 1 else drop >= WEEKS
                if umiss < (P_MISS_ENGAGED if engaged else P_MISS_DROPPED):
                    st["missed"][wkey] = st["missed"].get(wkey, 0) + 1
                    continue
            abstinent = sq_rho * person_abs + sq_1rho * e_abs < PROBIT[pabs[w]]
            if abstinent:
                days = 0
            elif ud < P_DAILY:
                days = 30
            else:
                days = 1 + int((ud - P_DAILY) / (1.0 - P_DAILY) * 29)
            if umiss_item < P_ITEM_MISSING:
                iso = ""
                st["iso_missing"] += 1
            else:
                iso = str(min(9, max(3, math.floor(person_iso + shifts[w] + e_iso + 0.5))))
            rows.append("%s%s,%s,%s,%d,%s\n" % (prefix, WAVES[w], dates[day],
                "yes" if abstinent else "no", days, iso))
            wkey = (WAVES[w], cohort)
            st["waves"][wkey] = st["waves"].get(wkey, 0) + 1
        if outc is not None:
            outc.write(rows)
            st["out_rows"] += len(rows)
    return st


def summary(args, st):
    w = sys.stderr.write
    w("gen_study: seed %d, %d participants, as-of %s, written to %s%s\n" % (
        args.seed, args.participants, AS_OF.isoformat(), args.out,
        " (rows shuffled)" if args.shuffle else ""))
    w("  %-14s %8s %8s %8s %8s\n" % ("participants", *SITES, "total"))
    for c in COHORTS:
        row = [st["participants"].get((c, s), 0) for s in SITES]
        w("  %-14s %8d %8d %8d %8d\n" % (c, *row, sum(row)))
    w("  attendance.csv: %d rows\n" % st["att_rows"])
    w("  %-14s %10s %9s %9s %10s %10s %9s %8s\n" % ("engagement", "sessions", "attended",
        "never", "dropouts", "discharged", "completed", "on roll"))
    for c in COHORTS:
        w("  %-14s %10d %9.4f %9d %10d %10d %9d %8d\n" % (c, st["att_n"][c],
            st["att_yes"][c] / st["att_n"][c] if st["att_n"][c] else float("nan"),
            st["never"][c], st["dropout"][c], st["discharged"][c], st["completed"][c],
            st["on_roll"][c]))
    w("    (dropouts: latent dropout within the 26 weeks, never-attenders included; discharged:\n"
      "     roll stopped before week 26 and before the as-of date; completed: roll ran all 26\n"
      "     weeks, dropouts after week 19 included; on roll: roll cut by the as-of date)\n")
    if args.attendance_only:
        return
    w("  outcomes.csv: %d rows, %d isolation scores missing\n" % (st["out_rows"], st["iso_missing"]))
    w("  %-14s %-9s %8s %8s %8s\n" % ("outcomes", "wave", "present", "missed", "not due"))
    for c in COHORTS:
        for wave in WAVES:
            k = (wave, c)
            w("  %-14s %-9s %8d %8d %8d\n" % (c, wave, st["waves"].get(k, 0),
                st["missed"].get(k, 0), st["not_due"].get(k, 0)))


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        st = generate(args)
    except OSError as e:
        sys.stderr.write("gen_study: cannot write %s: %s\n" % (e.filename or args.out, e.strerror or e))
        return 1
    summary(args, st)
    return 0


if __name__ == "__main__":
    sys.exit(main())
