"""A record pack gives back each question by id, only for the record bytes it came from."""

from __future__ import annotations

import dataclasses
import pickle
import struct
from pathlib import Path

import pytest

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


def stored_as(title: str, qid: str) -> Question:
    """A question told apart by its title, to show which bytes a pack holds for it."""
    return dataclasses.replace(question(qid), title=title)


def test_a_question_stored_for_the_same_digest_is_copied_from_the_pack_there(
    tmp_path: Path,
) -> None:
    path = tmp_path / "records.pack"
    old = {q: (f"digest-{q}", stored_as("old", q)) for q in ("a", "b", "c", "d")}
    write_pack(path, "code:content-1", old)
    new = {q: (f"digest-{q}", stored_as("new", q)) for q in ("a", "c", "d", "e")}
    new["c"] = ("digest-c2", stored_as("new", "c"))  # its record changed
    write_pack(path, "code:content-2", new, reuse="code:")
    pack = Pack(path, "code:content-2")
    # Copied (the old bytes) where the digest is the same, pickled where it is not.
    titles = [getattr(pack.get(q, new[q][0]), "title", None) for q in "acde"]
    assert titles == ["old", "new", "old", "new"]
    assert pack.get("b", "digest-b") is None  # not published any more


def test_a_pack_of_other_code_lends_nothing(tmp_path: Path) -> None:
    path = tmp_path / "records.pack"
    write_pack(path, "code-1:content", {"a": ("digest-a", stored_as("old", "a"))})
    write_pack(path, "code-2:content", {"a": ("digest-a", stored_as("new", "a"))}, reuse="code-2:")
    assert Pack(path, "code-2:content").get("a", "digest-a") == stored_as("new", "a")


@pytest.mark.parametrize(
    "damage",
    [("x", 1, "digest-a"), (0, -5, "digest-a"), (0, 10**9, "digest-a"), None],
    ids=["not-a-number", "negative-length", "past-the-end", "not-an-entry"],
)
def test_a_pack_whose_index_is_damaged_lends_nothing(tmp_path: Path, damage: object) -> None:
    path = tmp_path / "records.pack"
    write_pack(path, "code:content-1", {"a": ("digest-a", stored_as("old", "a"))})
    data = path.read_bytes()
    (start,) = struct.unpack("<Q", data[-8:])
    index = pickle.dumps({"a": damage}, pickle.HIGHEST_PROTOCOL)
    path.write_bytes(data[:start] + index + struct.pack("<Q", start))
    write_pack(path, "code:content-2", {"a": ("digest-a", stored_as("new", "a"))}, reuse="code:")
    assert Pack(path, "code:content-2").get("a", "digest-a") == stored_as("new", "a")
