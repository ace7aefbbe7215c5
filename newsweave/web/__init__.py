"""The web layer: `newsweave serve` shows a store as pages and a JSON API (web/app.py)."""
