"""schema.org JSON-LD, truthful to what the seeds hold, and safe inside a <script> element.

Builders return plain dicts; `to_script_json` serialises them deterministically and escapes
`<`, `>` and `&`, so seed text such as `</script>` or `<!--` cannot end the script element.
No `acceptedAnswer` (nothing was accepted) and no `aggregateRating` (the stars are another
site's ratings of the doctor, not of this answer).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sitegen.browse import Browse, DoctorHeader, DoctorProfile
from sitegen.markdown_html import markdown_plain_text
from sitegen.model import Doctor, Question
from sitegen.pages import Crumb

CONTEXT = "https://schema.org"
# Credentials written after a name without a comma ("Ann Lee MD").
_CREDENTIAL = re.compile(r"^(?:[A-Z]{2,6}|(?:[A-Z]\.){2,4}|Jr\.?|Sr\.?|II|III)$")


def to_script_json(data: dict[str, Any]) -> str:
    """Return JSON for a <script type="application/ld+json"> element: sorted keys, no way out."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def split_name(name: str) -> tuple[str, str | None]:
    """Split 'Ann Lee, Jr., MD' into ('Ann Lee', 'Jr., MD'): credentials go to honorificSuffix."""
    name = " ".join(name.split())
    head, comma, tail = name.partition(",")
    if comma and tail.strip():
        return head.strip(), tail.strip()
    words = name.split(" ")
    cut = len(words)
    while cut > 1 and _CREDENTIAL.match(words[cut - 1]):
        cut -= 1
    if cut < len(words) and cut >= 2:
        return " ".join(words[:cut]), " ".join(words[cut:])
    return name, None


def person(doctor: Doctor, url: str | None) -> dict[str, Any] | None:
    """Return a schema.org Person for a named doctor; None when the name is unknown."""
    if not doctor.name or not doctor.name.strip():
        return None
    name, suffix = split_name(doctor.name)
    data: dict[str, Any] = {"@type": "Person", "name": name}
    if suffix:
        data["honorificSuffix"] = suffix
    if doctor.specialty:
        data["jobTitle"] = doctor.specialty
    if doctor.location:
        data["workLocation"] = {"@type": "Place", "name": doctor.location}
    if url:
        data["url"] = url
    return data


def breadcrumb_list(crumbs: tuple[Crumb, ...], base_url: str, page_url: str) -> dict[str, Any]:
    """Return a BreadcrumbList; the current page (no crumb URL) is the page's own address."""
    items = []
    for position, crumb in enumerate(crumbs, 1):
        url = page_url if crumb.url is None else crumb.url
        items.append(
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.label,
                "item": base_url + url,
            }
        )
    return {"@context": CONTEXT, "@type": "BreadcrumbList", "itemListElement": items}


def qa_page(question: Question, browse: Browse, base_url: str) -> dict[str, Any]:
    """Return a QAPage whose Question suggests every published answer at its #answer-N anchor."""
    page_url = f"{base_url}questions/{question.id}/"
    answers = []
    for answer in question.answers:
        data: dict[str, Any] = {
            "@type": "Answer",
            "text": markdown_plain_text(answer.body),
            "url": f"{page_url}#answer-{answer.number}",
        }
        profile = browse.doctor_url(answer.doctor)
        author = person(answer.doctor, base_url + profile if profile else None)
        if author is not None:
            data["author"] = author
        answers.append(data)
    entity: dict[str, Any] = {
        "@type": "Question",
        "name": question.title,
        "text": " ".join(question.body.split()) or question.title,
        "answerCount": len(question.answers),
        "url": page_url,
    }
    if answers:
        entity["suggestedAnswer"] = answers
    return {"@context": CONTEXT, "@type": "QAPage", "url": page_url, "mainEntity": entity}


def profile_page(profile: DoctorProfile | DoctorHeader, base_url: str) -> dict[str, Any]:
    """Return a ProfilePage whose mainEntity is the doctor as a Person."""
    url = base_url + profile.url
    entity = person(profile.figures, url)
    assert entity is not None  # profiles exist only for named doctors
    return {"@context": CONTEXT, "@type": "ProfilePage", "url": url, "mainEntity": entity}
