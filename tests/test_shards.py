"""Annotation shards: `annotate --out DIR` resumes; `add --annotations DIR` stores as `add` does."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from .conftest import run_newsweave

pytestmark = pytest.mark.slow

pytest.importorskip("pyarrow", reason="the ray extra (pyarrow) is not installed")


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory, example_dir: Path) -> Path:
    """The example and eight short reports, as one JSON Lines input of ten articles."""
    records: list[dict[str, Any]] = [
        {"id": path.stem, "text": path.read_text("utf-8")}
        for path in sorted(example_dir.glob("*.txt"))
    ]
    records += [
        {
            "id": f"bridge-{n}",
            "text": f"A bridge in Port Elm was closed on Monday after inspectors found {n + 3} "
            f"cracks, the council said. Repairs will cost {n + 1} million dollars.",
            "published": "2024-03-04",
        }
        for n in range(8)
    ]
    path = tmp_path_factory.mktemp("shards") / "ten.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_shards_hold_the_annotation_file_and_a_rerun_redoes_only_what_is_missing(
    dump: Path, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    folder = tmp_path / "shards"
    first = run_newsweave(
        "annotate", str(dump), "--out", str(folder), "--shard-size", "4", "--workers", "1"
    )
    assert "3 shards written, 0 already there" in first.stderr
    parts = sorted(folder.glob("part-*.parquet"))
    assert [p.name for p in parts] == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    # The same bytes as an annotation file's lines, in input order.
    lines = run_newsweave("annotate", str(dump), "--workers", "1", "-q").stdout.splitlines()[1:]
    stored = [
        line for part in parts for line in pq.read_table(part).column("annotation").to_pylist()
    ]
    assert stored == lines
    # A run killed after two shards: the third is missing, and a rerun writes it alone.
    parts[2].unlink()
    again = run_newsweave(
        "annotate", str(dump), "--out", str(folder), "--shard-size", "4", "--workers", "1"
    )
    assert "1 shards written, 2 already there" in again.stderr
    assert [
        line for part in parts for line in pq.read_table(part).column("annotation").to_pylist()
    ] == lines


def test_other_inputs_into_a_shard_folder_are_refused(dump: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    run_newsweave("annotate", str(dump), "--out", str(folder), "--shard-size", "5", "-q")
    other = run_newsweave(
        "annotate", str(dump), "--out", str(folder), "--shard-size", "4", "-q", ok=False
    )
    assert other.returncode != 0
    assert "holds shards of other inputs" in other.stderr and len(other.stderr.splitlines()) == 1
    (folder / "part-00001.parquet").unlink()
    unfinished = run_newsweave(
        "add", "--annotations", str(folder), "--db", str(tmp_path / "s.db"), ok=False
    )
    assert unfinished.returncode != 0 and "1 of 2 shards missing" in unfinished.stderr


def test_adding_shards_stores_what_adding_the_inputs_stores(dump: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    run_newsweave("annotate", str(dump), "--out", str(folder), "--shard-size", "3", "-q")
    from_shards, from_inputs = tmp_path / "shards.db", tmp_path / "inputs.db"
    run_newsweave("add", "--annotations", str(folder), "--db", str(from_shards), "-q")
    run_newsweave("add", str(dump), "--db", str(from_inputs), "-q")

    def contents(path: Path) -> list[Any]:
        with sqlite3.connect(path) as db:
            return [
                db.execute(
                    "SELECT article_id, data, embeddings FROM annotations ORDER BY article_id"
                ).fetchall(),
                db.execute(
                    "SELECT story_id, article_id FROM story_articles ORDER BY 1, 2"
                ).fetchall(),
            ]

    assert contents(from_shards) == contents(from_inputs)
    assert len(contents(from_shards)[0]) == 10
    # Adding them again stores nothing twice.
    again = run_newsweave("add", "--annotations", str(folder), "--db", str(from_shards))
    assert "0 added, 0 revised, 10 already stored" in again.stderr


def test_the_same_ids_with_other_texts_are_other_inputs(dump: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    run_newsweave("annotate", str(dump), "--out", str(folder), "--shard-size", "5", "-q")
    (folder / "part-00001.parquet").unlink()
    edited = tmp_path / "edited.jsonl"
    edited.write_text(dump.read_text().replace("Port Elm", "Port Ash"))
    again = run_newsweave(
        "annotate", str(edited), "--out", str(folder), "--shard-size", "5", ok=False
    )
    assert again.returncode != 0 and "holds shards of other inputs" in again.stderr


def test_a_damaged_shard_folder_is_refused_or_stored_up_to_the_damage(
    dump: Path, tmp_path: Path
) -> None:
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "shards"
    run_newsweave("annotate", str(dump), "--out", str(folder), "--shard-size", "3", "-q")
    third = folder / "part-00002.parquet"
    good = tmp_path / "good.parquet"
    shutil.copy(third, good)
    table = pq.read_table(third)

    # A shard of the wrong length: refused before anything is stored (footers are checked).
    pq.write_table(table.slice(0, 1), third)
    db = tmp_path / "s.db"
    result = run_newsweave("add", "--annotations", str(folder), "--db", str(db), ok=False)
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("part-00002.parquet: 1 articles, the manifest says otherwise")
    )
    assert not db.exists() or _stored(db) == 0

    # Damage inside a shard is met when it is read: the shards before it are stored, one line
    # says where, and once the shard is whole again a rerun stores the rest.
    renamed = table.rename_columns(["n", "id", "text"])
    pq.write_table(renamed, third)
    result = run_newsweave("add", "--annotations", str(folder), "--db", str(db), ok=False)
    assert result.returncode == 1 and "part-00002.parquet: no column annotation" in result.stderr
    assert not db.exists() or _stored(db) == 0
    for text in ("{}", "not json"):
        damaged = table.set_column(2, "annotation", pa.array([text] * table.num_rows))
        pq.write_table(damaged, third)
        result = run_newsweave("add", "--annotations", str(folder), "--db", str(db), ok=False)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1 and "part-00002.parquet article 6" in lines[-1], lines
        assert _stored(db) == 6
    shutil.copy(good, third)
    again = run_newsweave("add", "--annotations", str(folder), "--db", str(db))
    assert "4 added, 0 revised, 6 already stored" in again.stderr
    assert _stored(db) == 10


def _stored(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
