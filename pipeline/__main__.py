import sys

from .cli import main

if __name__ == "__main__":   # batch workers (spawn) import this module under another name
    sys.exit(main())
