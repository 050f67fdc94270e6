"""A record pack gives back each question by id, only for the record bytes it came from."""

from __future__ import annotations

from pathlib import Path

from sitegen.model import Answer, Doctor, Question
from sitegen.recordpack import Pack, write_pack


def question(qid: str) -> Question:
    answer = Answer(
        "Heading", "Body.", ("botox",), Doctor("Ann Lee", "Tampa", None, 4.5, 3), False, 1
    )
    return Question(qid, f"seeds/{qid}.txt", f"Question {qid}?", "Body.", 1, (answer,))


def test_each_question_comes_back_by_id_for_the_digest_it_was_stored_with(tmp_path: Path) -> None:
    path = tmp_path / "records.pack"
    write_pack(path, "v1", {"a": ("digest-a", question("a")), "b": ("digest-b", question("b"))})
    pack = Pack(path, "v1")
    assert pack.get("b", "digest-b") == question("b")
    assert pack.get("a", "digest-a") == question("a")


def test_a_record_whose_bytes_changed_since_is_not_given(tmp_path: Path) -> None:
    path = tmp_path / "records.pack"
    write_pack(path, "v1", {"a": ("digest-a", question("a"))})
    assert Pack(path, "v1").get("a", "another digest") is None
    assert Pack(path, "v1").get("missing", "digest-a") is None


def test_a_pack_of_other_code_a_damaged_one_and_none_read_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "records.pack"
    write_pack(path, "v1", {"a": ("digest-a", question("a"))})
    assert Pack(path, "v2").get("a", "digest-a") is None
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert Pack(path, "v1").get("a", "digest-a") is None
    assert Pack(tmp_path / "none.pack", "v1").get("a", "digest-a") is None


def test_the_same_questions_give_the_same_bytes(tmp_path: Path) -> None:
    entries = {q: (f"digest-{q}", question(q)) for q in ("b", "a", "c")}
    write_pack(tmp_path / "one.pack", "v1", entries)
    write_pack(tmp_path / "two.pack", "v1", dict(reversed(list(entries.items()))))
    assert (tmp_path / "one.pack").read_bytes() == (tmp_path / "two.pack").read_bytes()
