"""The family-friendly update's drafts: gathered from the plan, kept, approved, shared.

A draft is made from the areas of weakness and their live actions, with every stored person's
name (and each part of it) and every action ref handed to the writer as words never to show.
Nothing leaves the bot until an admin approves a draft; the approved copy is what is shared.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import textstat
from sqlalchemy import select

from bot.dates import format_long
from bot.delivery import OutgoingFile
from bot.errors import UserError
from bot.family_update import FamilyAction, FamilyArea, as_html, as_markdown, family_update
from bot.plan_config import PlanConfig
from bot.status import Status
from storage.database import Database
from storage.models import Action, Area, Person
from storage.models import FamilyUpdate as DraftRow

HTML_FILE = "family-update.html"
MARKDOWN_FILE = "family-update.md"
CHART_FILE = "family-update-chart.png"
NAME_PART = 3  # a surname or first name this long or longer is kept out on its own


@dataclass(frozen=True)
class Draft:
    number: int
    made_on: date
    markdown: str
    html: str
    chart: bytes | None
    reading_ease: float
    to_check: tuple[str, ...]  # acronyms the bot could not spell out
    approved_by: str | None = None
    approved_on: date | None = None

    @property
    def approved(self) -> bool:
        return self.approved_on is not None

    def files(self) -> tuple[OutgoingFile, ...]:
        """The HTML page (the chart inside it), the Markdown and the chart it points to."""
        state = "approved" if self.approved else "draft, not yet approved"
        files = [
            OutgoingFile(
                HTML_FILE,
                f"Family-friendly update {self.number} ({state})",
                self.html.encode("utf-8"),
                comment=f"Web page, {state}.",
            ),
            OutgoingFile(
                MARKDOWN_FILE,
                f"Family-friendly update {self.number}, Markdown ({state})",
                self.markdown.encode("utf-8"),
                comment=f"For the Local Offer website, {state}.",
            ),
        ]
        if self.chart:
            files.append(
                OutgoingFile(
                    CHART_FILE,
                    "The chart for the family-friendly update",
                    self.chart,
                    alt_text=_alt_of(self.markdown),
                )
            )
        return tuple(files)


def reading_ease(markdown: str) -> float:
    """Flesch reading ease of the words a family reads (60 or more: plain English)."""
    return round(textstat.flesch_reading_ease(plain_text(markdown)), 1)


def plain_text(markdown: str) -> str:
    """The Markdown's words without its marks: headings, bullets, the picture and escapes.
    A heading is read on its own, so it ends as a sentence does rather than running into the
    line below it."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    text = re.sub(r"^\s*(#+|-)\s*", "", text, flags=re.M)
    text = re.sub(r"(?<=[\w)])$", ".", text, flags=re.M)
    return re.sub(r"\\(.)", r"\1", text)


def hidden_words(session) -> set[str]:
    """Every stored person's name and each part of it, and every action ref."""
    words: set[str] = set()
    for name, email in session.execute(select(Person.name, Person.email)):
        for full in (name, (email or "").split("@")[0].replace(".", " ")):
            if not full:
                continue
            words.add(full)
            words.update(p for p in re.split(r"[\s.'’-]+", full) if len(p) >= NAME_PART)
    words.update(session.scalars(select(Action.ref)))
    return words


def gather(session) -> list[tuple[int, FamilyArea, dict[str, int]]]:
    """Each area of weakness (number, words, live actions by status); withdrawn ones left out."""
    areas = []
    for area in session.scalars(select(Area).order_by(Area.number)):
        actions = list(
            session.scalars(
                select(Action)
                .where(Action.areas.contains(area), Action.withdrawn_at.is_(None))
                .order_by(Action.id)
            )
        )
        counts: dict[str, int] = {}
        for a in actions:
            counts[a.status] = counts.get(a.status, 0) + 1
        words = tuple(FamilyAction(a.title, _done_on(a), a.due_date) for a in actions)
        areas.append((area.number, FamilyArea(area.title, words), counts))
    return areas


def _done_on(action: Action) -> date | None:
    if action.status != Status.BLUE.value:
        return None
    return action.achieved_on or action.last_update_at.date()


def make_draft(db: Database, plan: PlanConfig, today: date, created_by: int | None) -> Draft:
    """A new draft from the plan as it stands, kept unapproved."""
    with db.session() as session:
        areas = gather(session)
        hidden = hidden_words(session)
    update = family_update(plan.name, "our area", [area for _, area, _ in areas], today, hidden)
    chart = _chart(areas, today)
    markdown = as_markdown(update, CHART_FILE)
    html = as_html(update, chart)
    with db.session() as session:
        row = DraftRow(
            created_by=created_by,
            markdown=markdown,
            html=html,
            chart=chart,
            reading_ease=reading_ease(markdown),
            to_check=", ".join(update.words_to_check) or None,
        )
        session.add(row)
        session.flush()  # its number; the block commits
        return _draft(row, None)


def approve(
    db: Database, number: int, approver: int, tz: ZoneInfo, usage: str
) -> tuple[Draft, bool]:
    """Record who approved draft `number` and when, and whether this did it: approving twice
    changes nothing."""
    with db.session() as session:
        row = session.get(DraftRow, number)
        if row is None:
            raise UserError(f"There is no family-friendly update draft {number}.", usage)
        if row.approved_at is not None:
            return _draft(row, tz), False
        row.approved_by = approver
        row.approved_at = datetime.now(tz)
        session.flush()
        session.expire(row, ["approver"])
        return _draft(row, tz), True


def latest(db: Database, tz: ZoneInfo) -> Draft | None:
    """The newest draft, approved or not."""
    with db.session() as session:
        row = session.scalars(select(DraftRow).order_by(DraftRow.id.desc()).limit(1)).first()
        return _draft(row, tz) if row else None


def latest_approved(db: Database, tz: ZoneInfo) -> Draft | None:
    with db.session() as session:
        row = session.scalars(
            select(DraftRow)
            .where(DraftRow.approved_at.is_not(None))
            .order_by(DraftRow.id.desc())
            .limit(1)
        ).first()
        return _draft(row, tz) if row else None


def _draft(row: DraftRow, tz: ZoneInfo | None) -> Draft:
    made = row.created_at.astimezone(tz).date() if tz else row.created_at.date()
    approved_on = None
    if row.approved_at is not None:
        approved_on = row.approved_at.astimezone(tz).date() if tz else row.approved_at.date()
    return Draft(
        number=row.id,
        made_on=made,
        markdown=row.markdown,
        html=row.html,
        chart=row.chart,
        reading_ease=row.reading_ease,
        to_check=tuple(w for w in (row.to_check or "").split(", ") if w),
        approved_by=(row.approver.name if row.approver else None) if row.approved_by else None,
        approved_on=approved_on,
    )


def _chart(areas: list[tuple[int, FamilyArea, dict[str, int]]], today: date) -> bytes:
    # matplotlib is slow to import: only a process drawing the chart pays for it.
    from bot.brag_chart import GroupCounts, brag_chart_png

    groups = [GroupCounts(number, area.title, counts) for number, area, counts in areas]
    return brag_chart_png(
        groups, title="Progress in each area, by status", subtitle=f"As at {format_long(today)}"
    )


def _alt_of(markdown: str) -> str | None:
    found = re.search(r"!\[((?:[^\]\\]|\\.)*)\]", markdown)
    return re.sub(r"\\(.)", r"\1", found[1]) if found else None
