"""Provisioning: what `pipeline setup` installs for machines with no internet."""
