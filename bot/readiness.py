"""The readiness window for a monitoring visit: the one rule the summary and the reminders share.

Updates count from the previous review (a visit or a stocktake) before the visit; before the
first review, from the plan's start (`plan_start` in board.toml, else the first action added or
imported). An update is an owner's, lead's or admin's report in chat (Action.progress_at).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.dates import format_long, format_weekday_long
from bot.plan_config import DEFAULT_PLAN, PlanConfig, review_word, short_review
from bot.typed_text import COMMAND
from bot.working_calendar import working_days_until
from storage import summary_queries as sq


@dataclass(frozen=True)
class ReadinessWindow:
    start: date
    basis: str  # visit, stocktake or plan
    tz: ZoneInfo
    plan: PlanConfig = DEFAULT_PLAN  # the board's words for its reviews

    @property
    def moment(self) -> datetime:
        """The window opens at the start of its first day, local time."""
        return datetime.combine(self.start, datetime.min.time(), tzinfo=self.tz)

    @property
    def words(self) -> str:
        """'since the last visit on 10 October 2019', 'since the plan started on …'."""
        if self.basis == "plan":
            return f"since the plan started on {format_long(self.start)}"
        last = "the last " if self.basis == "visit" else "the "
        return f"since {last}{review_word(self.plan, self.basis)} on {format_long(self.start)}"


def readiness_window(
    session: Session,
    visit: date,
    plan_start: date | None,
    tz: ZoneInfo,
    today: date,
    plan: PlanConfig = DEFAULT_PLAN,
) -> ReadinessWindow:
    """Where readiness for the visit on `visit` is counted from."""
    # Only a review that has happened: a stocktake planned for next week opens no window yet.
    review = sq.previous_review(session, min(visit, today + timedelta(days=1)))
    if review is not None:
        return ReadinessWindow(review[0], review[1], tz, plan)
    if plan_start is not None and plan_start < visit:
        return ReadinessWindow(plan_start, "plan", tz, plan)
    first = sq.first_created_at(session)
    start = first.astimezone(tz).date() if first is not None else today
    return ReadinessWindow(min(start, visit), "plan", tz, plan)


def evidence_words(
    visit_id: int,
    due: date,
    today: date,
    sent_on: date | None = None,
    sent_by: str | None = None,
) -> str:
    """Where the visit's evidence stands, in the right tense."""
    when = format_weekday_long(due)
    if sent_on is not None:
        tense = "is" if due >= today else "was"
        by = f" by {sent_by}" if sent_by else ""
        return f"Evidence {tense} due by {when} — sent on {format_long(sent_on)}{by}."
    if due >= today:
        left = working_days_until(due, today)
        return f"Evidence is due by {when} ({_working_days(left)})."
    return (
        f"Evidence was due by {when} and has not been recorded as sent: "
        f"{COMMAND}deadline evidence-sent {visit_id}"
    )


def _working_days(count: int) -> str:
    if count == 0:
        return "today"
    return f"in {count} working day{'s' if count != 1 else ''}"


def next_visit_words(
    title: str, visit: date, suggested: date, review: str = "monitoring visit"
) -> str:
    """What admins are asked once a visit has passed with no next one set."""
    review = short_review(review)
    typed = f"{COMMAND}deadline add {review} {suggested.strftime('%d/%m/%Y')}"
    return (
        f"{title} on {format_weekday_long(visit)} has passed and no next {review} is set. "
        f"Three months on would be {format_weekday_long(suggested)}: to add it, type {typed} "
        "(with the right date if it is another)."
    )
