"""Command line: ``python -m trisep_nn doctor``."""

import sys

USAGE = "usage: python -m trisep_nn doctor   (checks that the course's environment is healthy)"


def main(argv):
    if argv[:1] != ["doctor"]:
        print(USAGE, file=sys.stderr)
        return 2
    from .doctor import main as doctor

    return doctor(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
