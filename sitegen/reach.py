"""Which page families a change of a few questions reaches: step 3 of docs/delta-builds.md.

A family (render.py names them, families.py stores them) is the pages made from one source: a
question's page, every page of one list. `reached` names every family whose source can differ
between two site indexes that differ only in the `changed` questions, given which questions'
related lists and shared-title marks changed (related_lists.py and the render know those).

The promise, held by a test against full builds: every family whose stored source digest a
full build changes is named. Not covered here, and left to the caller: pages whose templates
made site-wide lookups other than URLs (`pagekeys.Lookups`: the home page counts questions),
and a change of any doctor id or group slug another question's page links to (the URL maps),
which takes the full path.
"""

from __future__ import annotations

from collections.abc import Iterable

from sitegen.browse import DoctorKey, doctor_key, unique_slugs
from sitegen.siteindex import GROUP_KINDS, SiteIndex

# Families whose source is the whole site, or that show a figure of every list.
SITE_WIDE = ("home", "about", "doctors", *GROUP_KINDS)


def reached(
    before: SiteIndex,
    after: SiteIndex,
    changed: Iterable[str],
    related: Iterable[str] = (),
    marks: Iterable[str] = (),
) -> set[str]:
    """Return the names of the families whose source may differ from `before` to `after`
    (added, in either index or both): `changed` the questions added, removed or edited,
    `related` those whose related list changed or shows a changed question, `marks` those
    whose title mark changed."""
    names = set(SITE_WIDE)
    names.update(f"q:{qid}" for qid in (*changed, *related, *marks))
    doctors: set[DoctorKey] = set()
    for index in (before, after):
        slugs = {kind: unique_slugs(index.groups[kind]) for kind in GROUP_KINDS}
        for qid in changed:
            entry = index.entries.get(qid)
            if entry is None:
                continue
            for kind in GROUP_KINDS:
                names.update(f"g:{kind}:{slugs[kind][v]}" for v in entry.values(kind))
            doctors.update(who for _, d in entry.answers if (who := doctor_key(d)) is not None)
    for index in (before, after):
        slugs = {kind: unique_slugs(index.groups[kind]) for kind in GROUP_KINDS[1:]}
        for who in doctors:
            refs = index.doctors.get(who)
            if not refs:
                continue
            names.add(f"d:{index.doctor_id(who)}")
            # Every specialty and location list that shows this doctor holds their profile.
            for _, _, _, written in refs:
                for kind, value in (
                    ("specialties", written.specialty),
                    ("locations", written.location),
                ):
                    if value:
                        names.add(f"g:{kind}:{slugs[kind][value]}")
                        names.add(f"gd:{kind}:{slugs[kind][value]}")
    return names
