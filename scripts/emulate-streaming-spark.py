#!/usr/bin/env python3
"""emulate-streaming spark: the Spark recipe of docs/scale.md, run as printed, on this machine.

    python3 scripts/emulate-streaming-spark.py [--min-partitions N] [--doc FILE]
        [--section TITLE] [--keep DIR] PEERSTAT ROLL

(usually through `scripts/emulate-streaming spark ...`). Python 3, standard library only.

The first ```python block of the section TITLE (default "Spark, `RDD.pipe`") of FILE (default
docs/scale.md) is executed in a driver directory with `sc` standing for a SparkContext; then
the section's first ```sh block is run by /bin/sh in that directory with `peerstat` (a link to
PEERSTAT) in PATH. What the recipe leaves in retention.json is printed on standard output.
Exit 0 on success, 1 when a step failed (a task raised, the sh block exited non-zero), 2 on a
usage error or something not emulated.

What `sc` does, after PySpark and Spark's use of Hadoop's input format:
- sc.textFile(path, minPartitions): every path is ROLL. Splits as the old-API FileInputFormat
  computes them with numSplits = minPartitions (goal size = bytes / minPartitions, full splits
  while more than 1.1 of them remain, the rest in a last split), lines given to splits as
  LineRecordReader does (a line belongs to the split in which its first byte after the split's
  first byte lies; the split at offset 0 gets the first line): every line in exactly one
  partition, a partition can be empty. Lines end at LF, CR LF or CR, without their line end,
  decoded from UTF-8 with U+FFFD for bytes that are not. --min-partitions N replaces the
  recipe's minPartitions (a small test file needs fewer processes than a cluster).
- rdd.mapPartitions(f): f called with an iterator over the partition's elements.
- rdd.pipe(command, env=None, checkCode=False): as PySpark's RDD.pipe: per partition,
  Popen(shlex.split(command), env=env or {}) (no shell; the child gets only env), each element
  written as str(e).rstrip("\\n") + "\\n" in UTF-8 from a thread, the output lines yielded
  without "\\n"; a non-zero exit raises only with checkCode=True. The process runs in an
  executor directory holding `peerstat` (as spark-submit --files puts it there); its standard
  error is passed through.
- rdd.collect(): the partitions' elements, partition after partition in partition order.
  Partitions are computed one after the other, last partition first (the order tasks run in is
  not the order collect returns).
A task that raises fails the job (no retries).

Not emulated: the JVM, the Python workers' daemon, HDFS, shuffles, retries, speculation,
other RDD methods (an AttributeError names them).
"""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from itertools import chain

ME = "emulate-streaming"


def die(msg, code=2):
    print(f"{ME}: {msg}", file=sys.stderr)
    sys.exit(code)


def doc_block(doc, section, lang):
    """The first ```LANG block of the section titled SECTION (fences skipped for headings)."""
    in_sec = fence = in_block = False
    out = []
    with open(doc, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if line.startswith("```"):
                fence = not fence
                if in_sec and fence and line == "```" + lang and not out and not in_block:
                    in_block = True
                elif in_block:
                    return "\n".join(out) + "\n"
                continue
            if in_block:
                out.append(line)
            elif not fence and line.startswith("#"):
                title = line.lstrip("#")
                if title.startswith(" "):
                    in_sec = title[1:] == section
    return None


def text_splits(data, num_splits):
    """Lines of DATA per split: FileInputFormat.getSplits + LineRecordReader (see the top)."""
    size = len(data)
    if size == 0:
        return []
    goal = max(1, size // max(1, num_splits))
    starts = []
    rest = size
    while rest / goal > 1.1:
        starts.append(size - rest)
        rest -= goal
    if rest:
        starts.append(size - rest)
    parts = [[] for _ in starts]
    pos = 0
    while pos < size:
        end = pos
        while end < size and data[end] not in (0x0A, 0x0D):
            end += 1
        line = data[pos:end]
        nxt = end + 1
        if end < size and data[end] == 0x0D and end + 1 < size and data[end + 1] == 0x0A:
            nxt = end + 2
        k = 0 if pos == 0 else min((pos - 1) // goal, len(starts) - 1)
        parts[k].append(line.decode("utf-8", errors="replace"))
        pos = nxt
    return parts


class RDD:
    def __init__(self, ctx, compute):
        self.ctx = ctx
        self._compute = compute  # list of functions, one a partition, each giving an iterator

    def getNumPartitions(self):
        return len(self._compute)

    def mapPartitions(self, f, preservesPartitioning=False):
        return RDD(self.ctx, [lambda c=c: iter(f(iter(c()))) for c in self._compute])

    def pipe(self, command, env=None, checkCode=False):
        if env is None:
            env = dict()
        ctx = self.ctx

        def func(iterator):
            proc = subprocess.Popen(shlex.split(command), env=env, stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, cwd=ctx.executor_dir)

            def pipe_objs(out):
                try:
                    for obj in iterator:
                        out.write((str(obj).rstrip("\n") + "\n").encode("utf-8"))
                    out.close()
                except BrokenPipeError:
                    pass  # the command stopped reading (PySpark's thread dies the same way)

            threading.Thread(target=pipe_objs, args=[proc.stdin]).start()

            def check_return_code():
                proc.wait()
                if checkCode and proc.returncode:
                    raise RuntimeError("Pipe function `%s' exited with error code %d"
                                       % (command, proc.returncode))
                yield from ()

            return (x.rstrip(b"\n").decode("utf-8")
                    for x in chain(iter(proc.stdout.readline, b""), check_return_code()))

        return self.mapPartitions(func)

    def collect(self):
        results = [None] * len(self._compute)
        for i in reversed(range(len(self._compute))):
            try:
                results[i] = list(self._compute[i]())
            except Exception as e:  # a failed task fails the job
                die(f"partition {i}: the task failed: {e}", 1)
        self.ctx.jobs.append(len(results))
        return [x for part in results for x in part]


class SparkContext:
    def __init__(self, roll, executor_dir, min_partitions):
        self.roll = roll
        self.executor_dir = executor_dir
        self.min_partitions = min_partitions
        self.jobs = []

    def textFile(self, name, minPartitions=None, use_unicode=True):
        n = self.min_partitions or minPartitions or 2
        with open(self.roll, "rb") as f:
            parts = text_splits(f.read(), n)
        return RDD(self, [lambda p=p: iter(p) for p in parts])


def main(argv):
    opts = {"--min-partitions": None, "--doc": None, "--section": "Spark, `RDD.pipe`",
            "--keep": None}
    args = list(argv)
    while len(args) > 2:
        if args[0] not in opts:
            die("usage: emulate-streaming spark [--min-partitions N] [--doc FILE] "
                "[--section TITLE] [--keep DIR] PEERSTAT ROLL")
        opts[args[0]] = args[1]
        del args[:2]
    if len(args) != 2:
        die("usage: emulate-streaming spark [--min-partitions N] [--doc FILE] "
            "[--section TITLE] [--keep DIR] PEERSTAT ROLL")
    peerstat, roll = (os.path.abspath(a) for a in args)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    doc = opts["--doc"] or os.path.join(root, "docs", "scale.md")
    minp = opts["--min-partitions"]
    if minp is not None and (not minp.isdigit() or int(minp) < 1):
        die("--min-partitions takes a whole number from 1")
    if not (os.path.isfile(peerstat) and os.access(peerstat, os.X_OK)):
        die(f"PEERSTAT {peerstat} is not an executable")
    if not os.path.isfile(roll):
        die(f"no roll {roll}")
    code = doc_block(doc, opts["--section"], "python")
    if code is None:
        die(f"no ```python block in the section \"{opts['--section']}\" of {doc}")
    shell = doc_block(doc, opts["--section"], "sh") or ""

    if opts["--keep"]:
        work = os.path.abspath(opts["--keep"])
        os.makedirs(work)
    else:
        work = tempfile.mkdtemp()
    try:
        driver, executor, bindir = (os.path.join(work, d) for d in ("driver", "executor", "bin"))
        for d in (driver, executor, bindir):
            os.mkdir(d)
        os.symlink(peerstat, os.path.join(executor, "peerstat"))
        os.symlink(peerstat, os.path.join(bindir, "peerstat"))
        sc = SparkContext(roll, executor, int(minp) if minp else None)
        os.chdir(driver)
        exec(compile(code, f"{doc} (the python block)", "exec"), {"sc": sc, "__name__": "__main__"})
        if shell:
            env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
            status = subprocess.run(["sh", "-c", shell], env=env).returncode
            if status:
                die(f"the recipe's sh block exited {status}", 1)
        print(f"{ME}: spark: {sum(sc.jobs)} partition(s) piped and collected", file=sys.stderr)
        if os.path.exists("retention.json"):
            with open("retention.json", "rb") as f:
                sys.stdout.buffer.write(f.read())
    finally:
        os.chdir("/")
        if not opts["--keep"]:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
