"""Configuration: the show's (podcast.yaml) and each episode's (<slug>.yaml)."""
