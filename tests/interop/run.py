#!/usr/bin/env python3
"""Interoperability checks: independent OAuth implementations (Python's
oauthlib and requests-oauthlib) against the `sansauth` command line and the
sandbox it runs. See README.md in this folder.

    python3 tests/interop/run.py --sansauth target/debug/sansauth

Prints one line per check, then `N passed, M failed`; exits 1 on any failure.
"""

import argparse
import os
import signal
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import Sansauth, Suite  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sansauth", required=True, help="path to the sansauth binary")
    parser.add_argument("--seed", type=int, default=5849, help="seed of the random requests")
    parser.add_argument("--cases", type=int, default=400, help="how many random requests to sign")
    parser.add_argument("--verify", type=int, default=40, help="requests to verify per placement")
    parser.add_argument(
        "--only", choices=["signing", "sandbox"], help="run only the signing or the sandbox checks"
    )
    args = parser.parse_args()
    # A terminated run still stops the sandbox process it started (the
    # `finally` in flows.run_all runs on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    binary = os.path.abspath(args.sansauth)
    if not os.access(binary, os.X_OK):
        print(f"no executable sansauth at {binary}: build it with cargo build -p sansauth-cli", file=sys.stderr)
        return 2
    sansauth = Sansauth(binary)
    suite = Suite()

    try:
        import oauthlib
        import requests
        import requests_oauthlib
    except ImportError as e:
        print(
            f"{e}: python3 -m pip install requests requests-oauthlib oauthlib",
            file=sys.stderr,
        )
        return 2
    print(
        f"oauthlib {oauthlib.__version__}, requests-oauthlib {requests_oauthlib.__version__}, "
        f"requests {requests.__version__}; sansauth at {binary}",
        flush=True,
    )

    if args.only in (None, "signing"):
        import signing

        cases = signing.generate_cases(args.seed, args.cases)
        signed = []  # (case, oauthlib's signed request) that agreed, for the verify checks
        suite.run(
            f"sign --json agrees with oauthlib.oauth1.Client on {args.cases} random requests (seed {args.seed})",
            signing.compare_signing,
            sansauth,
            cases,
            signed,
        )
        for placement in ("header", "query", "body"):
            suite.run(
                f"verify accepts oauthlib-signed requests ({placement})",
                signing.verify_accepts,
                sansauth,
                signed,
                placement,
                args.verify,
            )
            suite.run(
                f"verify refuses them with one signature byte changed ({placement})",
                signing.verify_refuses,
                sansauth,
                signed,
                placement,
                args.verify,
            )

    if args.only in (None, "sandbox"):
        import flows

        flows.run_all(suite, sansauth)

    print()
    if suite.failures:
        print("failed: " + "; ".join(suite.failures))
    print(f"{suite.passed} passed, {suite.failed} failed")
    return 1 if suite.failed else 0


if __name__ == "__main__":
    sys.exit(main())
