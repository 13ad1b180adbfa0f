"""The small test harness the interoperability checks share: named checks,
their outcome, and calls to the `sansauth` binary."""

import subprocess
import time
import traceback


class CheckFailed(Exception):
    """A check's expectation did not hold; the message says which and why."""


def expect(condition, message):
    """Fails the running check with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_equal(got, wanted, what):
    """Fails the running check unless `got == wanted`, showing both."""
    if got != wanted:
        raise CheckFailed(f"{what}: got {got!r}, expected {wanted!r}")


class Suite:
    """Runs named checks one after another, each on its own: a failing or
    crashing check is reported and the next one still runs."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def run(self, name, check, *args):
        started = time.monotonic()
        try:
            detail = check(*args)
        except CheckFailed as e:
            self._fail(name, str(e), started)
        except Exception:  # a crash is a failure of this check only
            self._fail(name, traceback.format_exc().rstrip(), started)
        else:
            self.passed += 1
            elapsed = time.monotonic() - started
            suffix = f": {detail}" if detail else ""
            print(f"PASS  {name}{suffix}  ({elapsed:.1f} s)", flush=True)

    def _fail(self, name, why, started):
        self.failed += 1
        self.failures.append(name)
        elapsed = time.monotonic() - started
        print(f"FAIL  {name}  ({elapsed:.1f} s)", flush=True)
        for line in why.splitlines():
            print(f"      {line}", flush=True)


class Sansauth:
    """The `sansauth` command line under test."""

    def __init__(self, binary):
        self.binary = binary

    def run(self, *args, timeout=30):
        """Runs `sansauth ARGS...`; the completed process (text output)."""
        return subprocess.run(
            [self.binary, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )
