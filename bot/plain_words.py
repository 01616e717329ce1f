"""Acronyms spelled out for parents, carers and young people, the GOV.UK way.

The first time an acronym appears it is written in full with the short form after it
("Education, Health and Care Plans (EHCPs)"); after that the short form alone. An acronym not
listed here is never guessed: it is reported, so the admin approving the draft can spell it out.
"""

import re
from dataclasses import dataclass, field

# Short form → what it stands for, in words a family would use. Plural forms follow.
ACRONYMS: dict[str, str] = {
    "ADHD": "attention deficit hyperactivity disorder",
    "AP": "alternative provision",
    "APP": "Accelerated Progress Plan",
    "CCG": "clinical commissioning group",
    "ASD": "autism spectrum disorder",
    "CAMHS": "Children and Adolescent Mental Health Services",
    "CYP": "children and young people",
    "DCO": "Designated Clinical Officer",
    "DfE": "Department for Education",
    "EBSA": "emotionally based school avoidance",
    "EHC": "Education, Health and Care",
    "EHCP": "Education, Health and Care Plan",
    "EHE": "elective home education",
    "EP": "educational psychologist",
    "EY": "early years",
    "EYFS": "early years foundation stage",
    "GP": "family doctor",
    "IASS": "Information, Advice and Support Service",
    "ICB": "Integrated Care Board (the local NHS)",
    "JSNA": "joint strategic needs assessment",
    "KPI": "measure of progress",
    "LA": "local authority",
    "NHS": "National Health Service",
    "NHSE": "NHS England",
    "OT": "occupational therapy",
    "PCF": "Parent Carer Forum",
    "PAP": "Priority Action Plan",
    "PfA": "preparation for adulthood",
    "PRU": "pupil referral unit",
    "SALT": "speech and language therapy",
    "SEMH": "social, emotional and mental health",
    "SEN": "special educational needs",
    "SENCO": "special educational needs co-ordinator",
    "SENCo": "special educational needs co-ordinator",
    "SEND": "special educational needs and disabilities",
    "SENDIASS": (
        "special educational needs and disabilities Information, Advice and Support Service"
    ),
    "UK": "United Kingdom",
    "WSoA": "Written Statement of Action",
}
# Known to everyone: left as they are (GOV.UK style spells out all but these).
WELL_KNOWN = frozenset({"UK", "NHS", "GP"})

_WORD = re.compile(r"\b([A-Z][A-Za-z]*[A-Z]s?|[A-Z]{2,}s?)\b")


@dataclass
class Speller:
    """Spells out each acronym the first time one document uses it, and remembers the ones it
    does not know."""

    seen: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)

    def spell(self, text: str) -> str:
        return _WORD.sub(self._replace, text)

    def _replace(self, found: re.Match[str]) -> str:
        word = found.group(1)
        short, plural = (word[:-1], "s") if _is_plural(word) else (word, "")
        if short in WELL_KNOWN:
            return word
        full = ACRONYMS.get(short)
        if full is None:
            if _looks_like_acronym(word):
                self.unknown.add(word)
            return word
        if short in self.seen:
            return word
        self.seen.add(short)
        full = _plural(full) if plural else full
        head, bracket, note = full.partition(" (")  # "Integrated Care Board (the local NHS)"
        return f"{head} ({word}, {note}" if bracket else f"{full} ({word})"


def _is_plural(word: str) -> bool:
    return word.endswith("s") and word[:-1] in ACRONYMS and word not in ACRONYMS


def _plural(full: str) -> str:
    """ "Education, Health and Care Plan" → "… Plans"; a bracketed note stays at the end."""
    head, bracket, tail = full.partition(" (")
    noun, of, rest = head.partition(" of ")  # "measure of progress" → "measures of progress"
    return f"{noun}s{of}{rest}{bracket}{tail}"


def _looks_like_acronym(word: str) -> bool:
    """Two or more capitals in a short word: "PINS", "WSoA"; not "I" or "Mr"."""
    return sum(1 for c in word if c.isupper()) >= 2 and len(word) <= 10
