"""Audio: ffmpeg, loudness, limiter, dynamics, mastering, assembly, ID3 tags."""
