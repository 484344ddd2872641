"""``python -m bench [--projects N] [--small N] [--problems N] [--tasks N] [--iterations N] [--report FILE]``."""

import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench",
                                     description="Seed a scratch database at province scale and measure "
                                                 "the project and problem ledgers' and the workbench's reads.")
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=1_000, help="Query counts are also taken at this size.")
    parser.add_argument("--problems", type=int, default=200_000,
                        help="Problems for the problem list, workbench and agenda reads; 0 skips them.")
    parser.add_argument("--tasks", type=int, default=20_000, help="督办事项 beside the problems.")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--load-requests", type=int, default=200,
                        help="HTTP load: at most this many requests per page and concurrency (1, 4, 16); 0 skips it.")
    parser.add_argument("--load-seconds", type=float, default=20.0, help="HTTP load: at most this long per cell.")
    parser.add_argument("--report", help="Also write the Markdown report to this file.")
    options = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneops.settings")
    import django

    django.setup()
    from bench.run import BenchError, run

    try:
        print(run(projects=options.projects, small=options.small, iterations=options.iterations,
                  report=options.report, load_requests=options.load_requests,
                  load_seconds=options.load_seconds, problems=options.problems, tasks=options.tasks))
    except BenchError as error:
        sys.exit(f"bench: {error}")


if __name__ == "__main__":
    main()
