"""Benchmark: ``parsers.clean`` against plain ``trafilatura.extract`` on the same pages, same run.

Run by hand (never in the tests):  .venv/bin/python bench/clean.py [--repeat N] [PAGE ...]
Defaults to every HTML fixture under tests/fixtures. Prints pages/s, ms/page and peak memory
(tracemalloc) for each, and the ratio of our time per page to trafilatura's. A second part times
the whole command: ``nianbao clean`` over 100 pages against a script running trafilatura over
them, interpreter startup included.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _measure(name: str, pages: list[bytes], repeat: int, fn: Callable[[bytes], object]) -> float:
    for body in pages[:3]:
        fn(body)  # warm caches (vocabularies, regex compilation) outside the timing
    start = time.perf_counter()
    for _ in range(repeat):
        for body in pages:
            fn(body)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    for body in pages:
        fn(body)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = repeat * len(pages)
    print(f"{name:<24} {n / elapsed:8.1f} pages/s {1000 * elapsed / n:8.2f} ms/page  "
          f"Python-heap peak {peak / 2**20:6.1f} MiB")
    return elapsed / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--command-pages", type=int, default=100)
    args = parser.parse_args()
    paths = args.pages or sorted((ROOT / "tests" / "fixtures").glob("*.html"))
    pages = [p.read_bytes() for p in paths]
    print(f"{len(pages)} pages, {sum(map(len, pages)) / 1024:.0f} KiB, x{args.repeat}")

    import trafilatura

    from parsers.clean import clean

    ours = _measure("nianbao clean", pages, args.repeat, lambda b: clean(b))
    # trafilatura decodes bytes itself; give it what it is given in the wild, with tables on
    base = _measure("trafilatura.extract", pages, args.repeat,
                    lambda b: trafilatura.extract(b, include_tables=True, with_metadata=True))
    print(f"ratio (ours / trafilatura, time per page): {ours / base:.2f}")

    # the whole command, startup included
    n = args.command_pages
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(n):
            path = Path(tmp) / f"p{i:03d}{paths[i % len(paths)].suffix}"
            path.write_bytes(pages[i % len(pages)])
            files.append(str(path))
        script = Path(tmp) / "traf.py"
        script.write_text(
            "import sys, trafilatura\n"
            "for p in sys.argv[1:]:\n"
            "    print(trafilatura.extract(open(p, 'rb').read(), include_tables=True, with_metadata=True,"
            " output_format='json'))\n")
        nianbao = str(Path(sys.executable).with_name("nianbao"))
        t_ours, rss_ours = _wall([nianbao, "clean", *files])
        t_base, rss_base = _wall([sys.executable, str(script), *files])
        print(f"command over {n} pages: nianbao clean {t_ours:.2f} s (max RSS {rss_ours:.0f} MiB), "
              f"trafilatura script {t_base:.2f} s (max RSS {rss_base:.0f} MiB), ratio {t_ours / t_base:.2f}")


def _wall(cmd: list[str]) -> tuple[float, float]:
    """Wall time and peak resident memory of a command, measured from a fresh parent process."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, check=True).stdout
    seconds, kib = out.split()
    return float(seconds), int(kib) / 1024


if __name__ == "__main__":
    main()
