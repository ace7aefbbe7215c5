"""Measurement scripts: speed, summary quality, quotes and time expressions beside baselines."""
