"""The board pack: the highlight report for a board meeting, gathered from the same queries as
the summary command (so the paper and the chat agree), laid out by bot.board_pack_docx."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.board_pack_docx import (
    BoardPack,
    PackAction,
    PackArea,
    PackGroup,
    PackHighlight,
    PackRisk,
    board_pack_docx,
)
from bot.dates import DateError, format_long, parse_date
from bot.delivery import OutgoingFile
from bot.errors import UserError
from bot.people import person_ref
from bot.plan_config import plan_heading
from bot.redate_approval import AWAITING, DFE_WORDS
from bot.review_snapshots import since_last_review
from bot.risk_scale import band_of
from bot.status import Status
from bot.summary_files import chart_file
from bot.summary_lines import percent
from bot.typed_text import COMMAND
from storage import summary_queries as sq
from storage.models import Action, ActionHistory, DateRequest, Deadline, WorkingGroup

USAGE = (
    f"{COMMAND}summary board-pack [DATE] (admins: the highlight report for the board meeting on "
    "that date, or the next one, as a Word document)",
    f"{COMMAND}summary board-pack 6 February 2027",
)
SHOWN = 25  # rows in each of a group's tables: a board paper, not the whole plan
# With no later board meeting set, "next steps" looks this far past the meeting.
NEXT_STEPS_DAYS = 42


@dataclass(frozen=True)
class Meeting:
    """The meeting the pack is for; `deadline` None when no board meeting is set (today's)."""

    day: date
    title: str
    deadline: Deadline | None


def meeting_date(words: list[str], today: date) -> date | None:
    """The date typed after `board-pack`, or None for the next meeting."""
    if not words:
        return None
    typed = " ".join(words)
    try:
        return parse_date(typed, today)
    except DateError as error:
        raise UserError(str(error), USAGE[0]) from None  # the reason quotes what was typed


def find_meeting(session: Session, day: date | None, today: date) -> Meeting:
    """The board meeting on `day`; without a day the next one, or today if none is set."""
    if day is None:
        found = sq.next_event(session, "board", today)
        if found is None:
            return Meeting(today, "board", None)
        return Meeting(found.date, found.title, found)
    found = session.scalars(
        select(Deadline)
        .where(Deadline.removed_at.is_(None), Deadline.kind == "board", Deadline.date == day)
        .order_by(Deadline.id)
        .limit(1)
    ).first()
    if found is None:
        raise UserError(f"There is no board meeting on {format_long(day)}.", USAGE[0])
    return Meeting(found.date, found.title, found)


def gather(service, day: date | None) -> tuple[BoardPack, Meeting]:
    """Everything the pack shows, counted by the queries the summary command counts with."""
    today = service.today()
    overview = service.overview()
    chart = chart_file(overview)
    readiness = service.visit_readiness()
    with service.db.session() as session:
        meeting = find_meeting(session, day, today)
        since = sq.last_event(session, "board", meeting.day)
        after = sq.next_event(session, "board", meeting.day + timedelta(days=1))
        until = after.date if after else meeting.day + timedelta(days=NEXT_STEPS_DAYS)
        highlights = {}
        if meeting.deadline is not None:
            for row in sq.latest_highlights(session, meeting.deadline.id):
                highlights[row.working_group.number] = service._highlight(row)
        groups = tuple(
            _group(service, session, line, highlights.get(line.number), since, today, until)
            for line in overview.groups
        )
    plan = service.board.plan
    pack = BoardPack(
        plan_name=plan_heading(plan),
        meeting_title=meeting.title if meeting.deadline else "board",
        meeting=meeting.day,
        prepared=today,
        since=since,
        totals=overview.totals,
        chart_png=chart.content,
        chart_alt=chart.alt_text or "",
        groups=groups,
        areas=tuple(PackArea(a.number, a.name, dict(a.counts)) for a in overview.areas),
        readiness=_readiness(readiness),
        officers=tuple(o.shown for o in plan.accountable_officers),
        next_meeting=after.date if after else None,
        coming_until=until,
    )
    return pack, meeting


def board_pack_file(service, day: date | None) -> tuple[OutgoingFile, str]:
    """The .docx, and a line saying which meeting it is for."""
    pack, meeting = gather(service, day)
    when = format_long(meeting.day)
    if meeting.deadline is None:
        said = f"No board meeting is set, so the board pack is as at today, {when}."
    else:
        said = f"The board pack for the {meeting.title} on {when}."
    file = OutgoingFile(
        filename=f"board-pack-{meeting.day.isoformat()}.docx",
        title=f"Board pack, {when}",
        content=board_pack_docx(pack),
        comment=(
            f"The highlight report for {plan_heading(service.board.plan)}, {when}: "
            f"{pack.total} actions, {percent(pack.complete, pack.total)} complete."
        ),
        remake="summary board-pack" + (f" {meeting.day.isoformat()}" if meeting.deadline else ""),
    )
    return file, said


def _group(service, session, line, highlight, since, today, until) -> PackGroup:
    tz = service.clock.tz
    number = line.number
    lead = session.scalars(select(WorkingGroup).where(WorkingGroup.number == number)).one().lead
    off_rows, _ = sq.off_track(session, SHOWN, number)
    risks, _ = sq.top_risks(session, SHOWN, number)
    coming, _ = sq.due_between(session, today, until - timedelta(days=1), SHOWN, number)
    moved = since_last_review(session, today, number)
    return PackGroup(
        number=number,
        name=line.name,
        lead=_who(lead) if lead else None,
        counts=dict(line.counts),
        completed=tuple(_completed(session, number, since, tz)),
        highlight=_highlight(highlight),
        off_track=tuple(
            PackAction(a.ref, a.title, _who(a.owner), Status(a.status), _reason(session, a))
            for a in off_rows
        ),
        risks=tuple(
            PackRisk(
                r.ref,
                r.description,
                _who(r.owner),
                r.score,
                band_of(r.score, service.board.risk_bands).name,
                r.trend or "new",
            )
            for r in risks
        ),
        decisions=tuple(_decisions(session, number)),
        coming_up=tuple(
            PackAction(a.ref, a.title, _who(a.owner), Status(a.status), due=a.due_date)
            for a in coming
        ),
        movement=(moved.heading() + ".",) if moved else (),
    )


def _who(person) -> str:
    return person_ref(person).shown


def _highlight(h) -> PackHighlight | None:
    if h is None:
        return None
    return PackHighlight(h.brag, h.achievements, h.issues, h.next_steps, h.author.shown, h.on)


def _completed(session, number: int, since: date | None, tz) -> list[PackAction]:
    """The group's actions that went blue since the last board meeting (all of them with none),
    each with its evidence."""
    query = (
        select(Action)
        .join(WorkingGroup, Action.working_group_id == WorkingGroup.id)
        .where(WorkingGroup.number == number, sq.LIVE, Action.status == sq.COMPLETE)
        .order_by(Action.ref_key)
        .limit(SHOWN)
    )
    if since is not None:
        went_blue = select(ActionHistory.action_id).where(
            ActionHistory.field == "status",
            ActionHistory.new_value == sq.COMPLETE,
            ActionHistory.at >= datetime.combine(since, datetime.min.time(), tzinfo=tz),
        )
        query = query.where(Action.id.in_(went_blue))
    return [
        PackAction(a.ref, a.title, _who(a.owner), Status.BLUE, a.evidence or "No evidence given.")
        for a in session.scalars(query)
    ]


def _reason(session, action: Action) -> str:
    """Why it is off track: the latest note or progress update on it."""
    note = session.scalar(
        select(ActionHistory.note)
        .where(ActionHistory.action_id == action.id, ActionHistory.note.is_not(None))
        .order_by(ActionHistory.id.desc())
        .limit(1)
    )
    return note or "No update given yet."


def _decisions(session, number: int) -> list[str]:
    """Re-dates for the board: owners' pending requests, and those awaiting DfE/NHS England."""
    rows = session.scalars(
        select(DateRequest)
        .join(Action, Action.id == DateRequest.action_id)
        .join(WorkingGroup, Action.working_group_id == WorkingGroup.id)
        .where(WorkingGroup.number == number, DateRequest.state.in_(("pending", AWAITING)))
        .order_by(DateRequest.requested_at, DateRequest.id)
    )
    out = []
    for r in rows:
        a = r.action
        move = f"from {format_long(r.due_date)} to {format_long(r.proposed_date)}"
        if r.state == AWAITING:
            out.append(
                f"{a.ref} {a.title}: the new date ({move}) is agreed and awaits {DFE_WORDS} "
                f"approval. Reason: {r.reason}"
            )
        else:
            out.append(
                f"{a.ref} {a.title}: {_who(r.requester)} asks to move the due date {move}. "
                f"Reason: {r.reason}"
            )
    return out


def _readiness(r) -> tuple[str, ...]:
    """The summary of readiness for the visit, in sentences."""
    if r.visit is None:
        return ()
    lines = [
        f"The next {r.review} is on {format_long(r.visit.date)}.",
        f"{r.updated} of {r.open_total} open actions have been updated {r.window.words} "
        f"({percent(r.updated, r.open_total)}).",
    ]
    if r.evidence:
        lines.append(r.evidence)
    lines += [
        f"Working group {n} {name}: {done} of {total} updated ({percent(done, total)})."
        for n, name, total, done in r.groups
    ]
    return tuple(lines)
