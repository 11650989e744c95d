"""Blog post -> key-points podcast episode, with every number checked by ear."""

__version__ = "0.1.0"
