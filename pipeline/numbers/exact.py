"""Exact arithmetic for every number the engine reads.

Python's default decimal context keeps 28 significant digits: a 38-digit figure
would be rounded before it is compared, so a wrong digit past the 28th would
pass as heard. The engine's entry points run in a context wide enough for any
figure a post can hold (posts are capped at 5 MB, but no real quantity has
more than a few dozen digits; longer digit runs are read as codes).
"""

import decimal
import functools

PRECISION = 400     # significant digits kept exactly


def exact(fn):
    """Run `fn` with PRECISION significant digits (nested calls are cheap)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with decimal.localcontext() as ctx:
            ctx.prec = PRECISION
            return fn(*args, **kwargs)
    return wrapper
