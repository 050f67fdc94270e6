"""Skip rendering a page whose inputs did not change since the last build.

The promise: a page is skipped only when (1) its key, a digest of everything passed to its
template (template sources, settings, code version and the page's own context), equals the key
stored when the file on disk was written; (2) every value the template looked up on the
site-wide objects (`site`, `browse`) during that render still gives the same answer now; and
(3) the output file still has the size and mtime it had then. Anything else renders. A stale
entry can only cost a render, never leave a page stale.

The site-wide objects are passed to templates wrapped in a `Lookups` recorder, so a page that
shows one doctor's URL depends on that URL, not on the whole doctor list.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import itertools
import operator
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from sitegen import cache
from sitegen.model import Question

KEYS_DIR = "pages"  # shards: question pages by hash, other pages by section


def page_shard(rel: str) -> str:
    """Return the cache shard of a page's key: adding a question rewrites the shards of the
    list pages, its own page's and those of the few pages that now list it as related."""
    section = rel.split("/", 1)[0]
    return f"q{cache.hashed_shard(rel)}" if section == "questions" else section


def templates_digest(templates_dir: Path) -> str:
    """Return a digest of every template file (name and bytes)."""
    digest = hashlib.blake2b(digest_size=20)
    for path in sorted(templates_dir.rglob("*")) if templates_dir.is_dir() else []:
        if path.is_file():
            digest.update(path.relative_to(templates_dir).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class Digests:
    """Digests of values for one build; a value seen before (same object) is not pickled again.

    Questions, groups and profiles appear on many pages: each is digested once and then stands
    for itself by its digest inside bigger values."""

    def __init__(self) -> None:
        # id -> (the value, kept alive so no other object takes its id; its digest, framed as
        # a part of a bigger value: see _of_parts)
        self._seen: dict[int, tuple[object, bytes]] = {}

    def of(self, value: object) -> bytes:
        kind = type(value)
        if kind is str:  # most lookups answer a URL: no pickling needed
            return b"s" + cast(str, value).encode("utf-8", "surrogatepass")
        if kind is bytes:  # a template's key
            return b"b" + cast(bytes, value)
        entry = self._seen.get(id(value))
        if entry is not None:
            return _unframed(entry[1])
        parts = _COMPOSITE.get(kind)
        items = cast(tuple[Any, ...], value) if kind is tuple else ()
        if kind is _ANSWER_REF[0]:
            digest = self._of_answer_ref(value)
        elif parts is not None:
            digest = self._of_parts(kind, parts(value))
        elif items and set(map(type, items)) <= _SHARED.keys():  # C loops: tuples run long
            digest = self._of_parts(tuple, items)  # a list's questions, a doctor's answers
        elif kind is dict:  # a page's context: its lists and questions are digested already
            digest = self._of_parts(
                dict, tuple(itertools.chain(*cast(dict[Any, Any], value).items()))
            )
        else:
            buffer = io.BytesIO()
            if kind is Question:  # holds no shared values: the C pickler alone is fastest
                pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
            else:
                pickler = _SharedPickler(buffer, self, value)
            pickler.dispatch_table = _DISPATCH
            # fast: no memo, so equal values give equal bytes however their parts are shared.
            pickler.fast = True
            pickler.dump(value)
            digest = hashlib.blake2b(buffer.getvalue(), digest_size=20).digest()
        if _SHARED.get(kind, False):
            self._seen[id(value)] = (value, _framed(digest))
        return digest

    def known(self, question: Question, record_digest: str) -> None:
        """Let a question loaded from a record stand for the digest of the record's bytes: a
        question is a function of those bytes and of the code (which every key covers), and
        pickling 100,000 questions to digest them took seconds of every build. Two records
        that load as equal questions only differ here, which can cost a render, never skip
        one. A question parsed in this run must equal its record loaded back, which a full
        build being the same as an incremental one already needs."""
        self._seen[id(question)] = (question, _framed(b"r" + bytes.fromhex(record_digest)))

    def framed(self, value: object) -> bytes | None:
        """Return the digest of a shared value digested this build, framed, else None."""
        entry = self._seen.get(id(value))
        return entry[1] if entry is not None and entry[0] is value else None

    def seed(self, value: object, framed: bytes) -> None:
        """Let a shared value stand for a digest `framed` gave in an earlier build: the caller
        knows it is that build's very value (see browse_digests)."""
        self._seen[id(value)] = (value, framed)

    def of_parts(self, parts: tuple[Any, ...]) -> bytes:
        """Return the digest of a sequence of values (a page's key)."""
        return self._of_parts(tuple, parts)

    def _of_answer_ref(self, ref: Any) -> bytes:
        """An answer in a doctor's list is one of its question's: the question's digest and the
        answer's place there stand for it (length-prefixed, so no two refs give the same
        bytes), not a pickle of the answer again nor a hash of its own: a build digests every
        doctor's answers, 234,000 at 100,000 questions."""
        answers = ref.question.answers
        place = ref.number - 1  # the number is the answer's place in its record, 1-based
        if not (0 <= place < len(answers) and answers[place] is ref.answer):
            place = next((i for i, a in enumerate(answers) if a is ref.answer), -1)
        if place < 0:  # built by hand from a copy: digest the answer whole
            return self._of_parts(type(ref), (ref.question, ref.number, ref.answer))
        entry = self._seen.get(id(ref.question))
        question = entry[1] if entry is not None else _framed(self.of(ref.question))
        return b"A%s%d:%d" % (question, ref.number, place)  # the question's digest, framed

    def _of_parts(self, kind: type, parts: tuple[Any, ...]) -> bytes:
        """Digest a value from the digests of its parts, each length-prefixed so no two
        different sequences of parts give the same bytes. Groups and profiles hold thousands
        of questions and answers: their digests are the questions' digests, not a re-pickle.
        When every part was digested before (a list of questions, a doctor's answers), their
        framed digests are joined in one C loop: a build digests about a million of them."""
        digest = hashlib.blake2b(kind.__qualname__.encode() + b"\0", digest_size=20)
        seen = self._seen
        try:
            digest.update(b"".join(map(_FRAMED, map(seen.__getitem__, map(id, parts)))))
            return digest.digest()
        except KeyError:
            pass  # a part not digested yet: one at a time (the digest has nothing added yet)
        for part in parts:
            if type(part) is int:
                digest.update(_framed(b"i%d" % part))
            else:  # most parts are questions digested before: look them up here, no call
                entry = seen.get(id(part))
                digest.update(entry[1] if entry is not None else _framed(self.of(part)))
        return digest.digest()


_FRAMED = operator.itemgetter(1)  # of a `_seen` entry


def _framed(digest: bytes) -> bytes:
    """Return a digest as a part of a bigger value's bytes: its length, a colon, itself."""
    return b"%d:%s" % (len(digest), digest)


def _unframed(framed: bytes) -> bytes:
    return framed[framed.index(b":") + 1 :]


def _shared_types() -> dict[type, bool]:
    from sitegen.browse import AnswerRef, DoctorProfile, Group

    return {Question: True, Group: True, DoctorProfile: True, AnswerRef: True}


def _composite_types() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    """The shared values digested from their parts: every field, in order."""
    from sitegen.browse import DoctorProfile, Group

    parts: dict[type, Callable[[Any], tuple[Any, ...]]] = {
        kind: operator.attrgetter(*(f.name for f in dataclasses.fields(kind)))
        for kind in (DoctorProfile, Group)
    }
    return parts


_SHARED: dict[type, bool] = {}
_ANSWER_REF: list[type] = [type(None)]  # browse.AnswerRef once PageKeys is first made
_COMPOSITE: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _dispatch_table() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    """Reduce sitegen's dataclasses to (type, field values) with a C getter: pickling through
    the dataclass __getstate__ is most of the cost of a key otherwise."""
    from sitegen import browse, config, model, pages

    table: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
    for module in (model, browse, pages, config):
        for item in vars(module).values():
            if isinstance(item, type) and dataclasses.is_dataclass(item):
                names = [f.name for f in dataclasses.fields(item)]
                getter = operator.attrgetter(*names)
                many = len(names) > 1
                table[item] = functools.partial(_reduce, item, getter, many)
    return table


def _reduce(kind: type, getter: Callable[[Any], Any], many: bool, value: object) -> tuple[Any, ...]:
    values = getter(value)
    return (kind, values if many else (values,))


_DISPATCH: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


class _SharedPickler(pickle.Pickler):
    """Pickle a value with every shared value inside it written as its digest.

    reducer_override, not persistent_id: the pickler asks it only about objects that are not
    strings, numbers, tuples, lists or dicts, so a page's key is not a Python call for each of
    the fifty strings in its title, crumbs and context."""

    def __init__(self, file: io.BytesIO, digests: Digests, root: object) -> None:
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self._digests = digests
        self._root = root

    def reducer_override(self, obj: object) -> Any:
        if obj is self._root or type(obj) not in _SHARED:
            return NotImplemented
        return _digested, (self._digests.of(obj),)


def _digested(digest: bytes) -> bytes:
    """What a shared value stands for inside a pickled key (never unpickled)."""
    return digest


@dataclasses.dataclass(frozen=True, slots=True)
class PageKey:
    key: bytes
    lookups: tuple[tuple[str, str, tuple[Any, ...], bytes], ...]  # (object, name, args, result)
    stamp: tuple[int, int] | None = None  # (size, mtime_ns) of the file when written

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # The constructor call loads twice as fast as the dataclass default (130,000 keys).
        return PageKey, (self.key, self.lookups, self.stamp)


class Lookups:
    """Wrap a site-wide object for templates and record every lookup made through it."""

    def __init__(self, label: str, target: object, sink: list[Any], digests: Digests) -> None:
        self._label = label
        self._target = target
        self._sink = sink
        self._digests = digests

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if callable(value):
            return _RecordedCall(self, name, value)
        self._sink.append((self._label, name, None, self._digests.of(value)))
        return value


class _RecordedCall:
    def __init__(self, owner: Lookups, name: str, method: Callable[..., Any]) -> None:
        self._owner = owner
        self._name = name
        self._method = method

    def __call__(self, *args: Any) -> Any:
        result = self._method(*args)
        owner = self._owner
        owner._sink.append((owner._label, self._name, args, owner._digests.of(result)))
        return result


class PageKeys:
    """The keys of the last build and the keys of this one."""

    def __init__(self, path: Path | None, version: str, targets: dict[str, object]) -> None:
        if not _SHARED:
            _SHARED.update(_shared_types())
            _COMPOSITE.update(_composite_types())
            from sitegen.browse import AnswerRef

            _ANSWER_REF[0] = AnswerRef
            _DISPATCH.update(_dispatch_table())
        self.path = path
        self.version = version
        self.previous: dict[str, PageKey] = cache.load_shards(path, version) if path else {}
        self.current: dict[str, PageKey] = {}
        self.targets = targets
        self.digests = Digests()
        self._answers: dict[tuple[str, str, tuple[Any, ...]], bytes | None] = {}
        # id of a lookup of `previous` -> whether it gives the same answer now. By id: those
        # tuples live as long as `previous` does, and hashing one hashes the Doctor inside it
        # in Python (1.6M lookups at 100,000 questions).
        self._verdicts: dict[int, bool] = {}
        self._interned: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        # Methods of `browse` known to answer as they did in the last build, whatever their
        # arguments (the caller knows: see `browse.URL_LOOKUPS`); their lookups are not asked
        # again one by one (1.3M lookups at 100,000 questions, most of them URLs).
        self.settled: frozenset[str] = frozenset()

    def key(self, *parts: object) -> bytes:
        return self.digests.of_parts(parts)

    def unchanged(self, out_dir: Path, rel: str, key: bytes) -> bool:
        """Return whether the file at `rel` is what rendering with `key` would write now."""
        before = self.previous.get(rel)
        return before is not None and before.key == key and self.still(out_dir, rel, before)

    def still(self, out_dir: Path, rel: str, before: PageKey | None = None) -> bool:
        """Return whether the file at `rel` is as the last build wrote it and every lookup its
        page made then gives the same answer now (the caller knows its context is the same);
        if so, keep the page's entry for this build."""
        if before is None:
            before = self.previous.get(rel)
            if before is None:
                return False
        if before.stamp is None:
            return False
        verdicts, settled = self._verdicts, self.settled
        for lookup in before.lookups:  # loaded keys share one tuple per distinct lookup
            if lookup[1] in settled and lookup[0] == "browse":
                continue
            same = verdicts.get(id(lookup))
            if same is None:
                same = verdicts[id(lookup)] = self._same_answer(lookup)
            if not same:
                return False
        try:
            stat = os.stat(f"{out_dir}/{rel}")
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != before.stamp:
            return False
        self.current[rel] = before
        return True

    def _same_answer(self, lookup: tuple[str, str, tuple[Any, ...] | None, bytes]) -> bool:
        label, name, args, result = lookup
        memo_key = (label, name, args if args is not None else ("<attr>",))
        if memo_key not in self._answers:
            try:
                value = getattr(self.targets[label], name)
                self._answers[memo_key] = self.digests.of(
                    value(*args) if args is not None else value
                )
            except Exception:  # the lookup fails now: the page must render (and fail loudly)
                self._answers[memo_key] = None
        return self._answers[memo_key] == result

    def fresh(self) -> dict[str, PageKey]:
        """Return this build's keys that are not the previous build's entries as they were."""
        previous = self.previous
        return {rel: key for rel, key in self.current.items() if previous.get(rel) is not key}

    def keep_unchanged(self, files: list[tuple[str, bytes | None]]) -> None:
        """Take the previous entry of every listed page that another process found unchanged
        (it sent back no key of its own for it)."""
        current, previous = self.current, self.previous
        for rel, _ in files:
            if rel not in current and rel in previous:
                current[rel] = previous[rel]

    def rendered(self, rel: str, key: bytes, lookups: list[Any]) -> None:
        # The same lookup (a topic's URL, a doctor's) recurs on thousands of pages: keep one
        # tuple for all, so keys take a few bytes a lookup in memory and in pickles (whose
        # memo writes a shared object once), not a few hundred.
        interned = self._interned
        self.current[rel] = PageKey(
            key, tuple(interned.setdefault(lookup, lookup) for lookup in dict.fromkeys(lookups))
        )

    def stamp_and_save(self, out_dir: Path) -> None:
        """Note each rendered file's size and mtime after writing, then save the keys."""
        for rel, entry in self.current.items():
            if entry.stamp is None:
                try:
                    stat = os.stat(out_dir / rel)
                except OSError:
                    continue
                self.current[rel] = PageKey(
                    entry.key, entry.lookups, (stat.st_size, stat.st_mtime_ns)
                )
        if self.path is not None:
            cache.save_shards(self.path, self.version, self.current, self.previous, page_shard)
