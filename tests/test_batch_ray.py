"""`make blog ENGINE=ray`: the blog feed of test_batch.py built by Ray's tasks.

A module of its own so that pytest-xdist (make test hands out whole modules) can run
Ray's start beside the local batch's real builds instead of after them.
"""

import pytest

from .test_batch import Blog, check_blog_runs


@pytest.fixture
def blog():
    b = Blog()
    with b.server:
        yield b


@pytest.mark.long   # the batch of test_batch.py on the optional Ray extra, which make test-long installs
def test_make_blog_on_ray(blog, tmp_path, fake_engines):
    """Ray runs the builds (its tasks load the fakes); what is skipped or built again
    is decided before any engine starts, the same for both (test_batch.py's local run)."""
    pytest.importorskip("ray", reason="the Ray extra is not installed (make test-long installs it)")
    check_blog_runs(blog, tmp_path, "ray", tts="fake", asr="fake", again=False)
