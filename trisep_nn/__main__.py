"""Command line: ``python -m trisep_nn doctor`` and ``python -m trisep_nn site``."""

import sys

USAGE = (
    "usage: python -m trisep_nn doctor             (checks that the course's environment works)\n"
    "       python -m trisep_nn site --output DIR  (builds the course website into DIR)"
)


def main(argv):
    if argv[:1] == ["site"]:
        from .site import main as site

        return site(argv[1:])
    if argv[:1] != ["doctor"]:
        print(USAGE, file=sys.stderr)
        return 2
    from .doctor import main as doctor

    return doctor(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
