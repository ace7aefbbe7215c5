"""Many articles at once: runners that map the per-article stage, and annotation files."""
