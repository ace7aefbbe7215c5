"""Settings: validated, documented in docs/settings.md, changed only by known names."""

from __future__ import annotations

import pytest

from newsweave import Settings, SettingsError
from newsweave.config import describe_settings

from .conftest import ROOT


def test_every_setting_is_documented_with_its_default() -> None:
    page = (ROOT / "docs" / "settings.md").read_text("utf-8")
    for name, default, _help in describe_settings():
        assert f"| `{name}` | `{default}` |" in page, name


@pytest.mark.parametrize(
    "change",
    [{"summary_words": 0}, {"support_score": 2.5}, {"max_file_mb": -1}, {"summary_bytes": 0}],
)
def test_invalid_values_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(SettingsError, match="invalid setting"):
        Settings().with_(**change)


def test_unknown_names_are_refused() -> None:
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings().with_(summary_wrds=100)


@pytest.mark.slow
def test_import_is_light() -> None:
    import subprocess
    import sys

    heavy = ("spacy", "numpy", "trafilatura", "torch", "tokenizers")
    code = f"import sys, newsweave; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
