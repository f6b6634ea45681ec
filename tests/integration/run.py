#!/usr/bin/python3
"""
run.py - run the integration tests against a minwon binary.

    MINWON_BIN=/abs/path/minwon /usr/bin/python3 tests/integration/run.py
    MINWON_BIN=build-asan/minwon MINWON_ASAN=1 /usr/bin/python3 tests/integration/run.py --quick

--quick runs the subset meant for the AddressSanitizer build (every module but
the slow durability test). Extra arguments are test name patterns (unittest -k),
e.g. `run.py -k lifecycle`. Exits 0 when everything passed, 1 otherwise.
"""

import argparse
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# --quick (the ASan build) runs every module but these slow ones, so a new
# module is under ASan without anyone remembering to list it.
SLOW = ("test_durability",)


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="every module but the slow ones (%s), for the ASan build" % ", ".join(SLOW))
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="only tests whose name contains this (repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    import harness
    if not os.access(harness.BIN, os.X_OK):
        print("run.py: no executable minwon at %s (set MINWON_BIN)" % harness.BIN,
              file=sys.stderr)
        return 2

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = ["*%s*" % p for p in args.patterns]
    names = sorted(f[:-3] for f in os.listdir(HERE)
                   if f.startswith("test_") and f.endswith(".py"))
    if args.quick:
        names = [n for n in names if n not in SLOW]
    suite = unittest.TestSuite()
    for name in names:
        suite.addTests(loader.loadTestsFromName(name))

    print("minwon integration tests: %s%s" % (harness.BIN, " (ASan)" if harness.ASAN else ""))
    print("modules: %s" % ", ".join(names))
    sys.stdout.flush()
    t0 = time.monotonic()
    result = unittest.TextTestRunner(verbosity=2 if args.verbose else 1, stream=sys.stdout,
                                     buffer=False).run(suite)
    elapsed = time.monotonic() - t0

    failed = [(t, "FAIL") for t, _ in result.failures] + [(t, "ERROR") for t, _ in result.errors]
    failed += [(t, "UNEXPECTED SUCCESS") for t in result.unexpectedSuccesses]
    print()
    print("=" * 70)
    # A class skipped in setUpClass counts as one skip but no test run.
    passed = max(0, result.testsRun - len(result.failures) - len(result.errors)
                 - len(result.skipped) - len(result.unexpectedSuccesses))
    print("summary: %d run, %d passed, %d failed, %d errors, %d skipped in %.1fs"
          % (result.testsRun, passed,
             len(result.failures), len(result.errors), len(result.skipped), elapsed))
    for test, kind in failed:
        print("  %-6s %s" % (kind, test.id() if hasattr(test, "id") else test))
    print("=" * 70)
    return 0 if result.wasSuccessful() and (result.testsRun > 0 or result.skipped) else 1


if __name__ == "__main__":
    sys.exit(main())
