"""Import a risk register beside the actions (SPEC §2 Risk, §7), in the same unit of work.

Refs "R3" or "3" are R3. A register's own refs ("APP-R01") get the next free number and are kept
in the risk's history, where the next import finds them again: nothing is duplicated. Where a
register gives both an inherent score (before controls) and a residual one (now), the residual is
the risk's score and the inherent is kept in its history as a note, and the report says so.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.action_commands import MAX_NOTE
from bot.dates import DateError, parse_written_date
from bot.people import PersonKey, ensure_person
from bot.plan_file import ImportFileError, quote
from bot.risk_cells import (
    RiskCellError,
    Score,
    read_level,
    read_score,
    read_status,
    read_trend,
    split_score,
)
from bot.risk_register_file import RiskSheet, read_register
from bot.risk_scale import trend
from bot.tracker_values import (
    CellValueError,
    NoDateAgreed,
    group_key,
    read_group,
    read_tracker_date,
)
from storage.action_queries import groups
from storage.models import Person, Risk, RiskHistory, WorkingGroup

_RISK_REF = re.compile(r"r?\s*(\d{1,6})", re.IGNORECASE | re.ASCII)
PLAN_REF = "plan_ref"  # the history field that keeps a register's own ref
INHERENT = "inherent_score"  # the history field that keeps the inherent score
SHOWN_REFS = 50
_COMPARED = ("description", "owner", "working_group", "likelihood", "impact")
_COMPARED += ("mitigation", "review_date", "status", "trend")


@dataclass
class RiskRow:
    line: int
    number: int | None = None  # R<n>, when the register numbers its risks so
    plan_ref: str | None = None  # the register's own ref, when it is not R<n>
    values: dict[str, Any] = field(default_factory=dict)
    inherent: str | None = None  # "L4 x I5 = 20", kept in history
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RiskPlan:
    row: RiskRow
    risk: Risk | None = None
    number: int | None = None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)  # field, old, new
    new_inherent: bool = False

    @property
    def name(self) -> str:
        ref = f"R{self.number}"
        return f"{ref} ({self.row.plan_ref})" if self.row.plan_ref else ref


@dataclass
class RiskReport:
    """The risk register's part of an import's report."""

    sheet: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # line, reason
    notes: list[tuple[int, str]] = field(default_factory=list)  # line, kind
    warnings: list[str] = field(default_factory=list)
    plans: list[RiskPlan] = field(default_factory=list)


# Reading the file


def read_both(
    path: Path, read_actions: Callable[[], Any], empty: Any
) -> tuple[Any, RiskSheet | None]:
    """The actions and the risk register a file holds. A file that is only a risk register has
    no actions: the actions' header search failing is then not an error."""
    register = read_register(path)
    try:
        return read_actions(), register
    except ImportFileError:
        if register is None or register.actions_elsewhere:
            raise
        return empty, register


def parse(
    sheet: RiskSheet | None,
    person: Callable[[str], PersonKey],
    person_error: type[Exception],
    today: date,
) -> list[RiskRow]:
    """Each row's cells read as values; people are looked up now, before any transaction."""
    if sheet is None:
        return []
    rows = []
    seen: dict[str, int] = {}
    for line, cells in sheet.rows:
        row = RiskRow(line)
        for name, text in cells.items():
            text = " ".join(text.split()) if name not in ("description", "mitigation") else text
            try:
                _read_cell(row, name, text.strip(), person, today)
            except (RiskCellError, CellValueError, DateError) as error:
                row.problems.append(f"{name}: {error}")
            except person_error as error:
                row.problems.append(f"owner: {error}")
        _consequence_score(row)
        _describe(row)
        _score(row)
        if "owner" not in row.values and not any(p.startswith("owner") for p in row.problems):
            row.problems.append("owner: the risk owner is missing.")
        key = f"R{row.number}" if row.number else (row.plan_ref or "").casefold()
        if key and key in seen:
            row.problems.append(f"ref: this risk already appears on line {seen[key]}.")
        elif key:
            seen[key] = line
        rows.append(row)
    return rows


def _read_cell(
    row: RiskRow, name: str, text: str, person: Callable[[str], PersonKey], today: date
) -> None:
    if not text:
        return
    match name:
        case "ref":
            if m := _RISK_REF.fullmatch(text):
                row.number = int(m[1])
            else:
                row.plan_ref = quote(text)
        case "owner":
            key = person(text)
            row.values["owner"] = key
            if key.account_id is None and key.platform is None:
                row.notes.append(f"owner “{quote(text)}” kept as a person without a chat account")
        case "working_group":
            row.values["working_group"] = text
        case "likelihood" | "impact":
            row.values[name] = read_level(text, name)
        case "score" | "inherent":
            row.values[name] = read_score(text)
        case "mitigation" | "description" | "cause" | "event" | "consequence":
            if len(text) > MAX_NOTE:
                raise RiskCellError(
                    f"the text is {len(text):,} characters; the most is {MAX_NOTE:,}."
                )
            row.values[name] = text
        case "review_date":
            row.values["review_date"] = _date(text, today)
        case "status":
            row.values["status"] = read_status(text)
        case "trend":
            row.values["trend"] = read_trend(text)


def _date(text: str, today: date) -> date | None:
    try:
        read = read_tracker_date(text, "review date")
    except NoDateAgreed:
        return None
    return read.value if read else parse_written_date(text, today)


def _consequence_score(row: RiskRow) -> None:
    """Registers scored likelihood × consequence (as the NHS's are) write the impact under
    "Consequence": a cell that is a level, 1–5 or Minor … Catastrophic, is the impact."""
    text = row.values.get("consequence")
    if "impact" in row.values or not text:
        return
    try:
        row.values["impact"] = read_level(text, "impact")
    except RiskCellError:
        return
    del row.values["consequence"]
    row.notes.append("“Consequence” read as the impact score")


def _describe(row: RiskRow) -> None:
    """The description, or cause → event → consequence from their own columns."""
    parts = [row.values.pop(n) for n in ("cause", "event", "consequence") if row.values.get(n)]
    if "description" not in row.values and parts:
        row.values["description"] = " → ".join(parts)
        row.notes.append("cause, event and consequence joined as the description")
    if not row.values.get("description"):
        row.problems.append("description: the risk description is missing.")


def _score(row: RiskRow) -> None:
    """Likelihood and impact from their columns, the (residual) score, or the inherent one."""
    score: Score | None = row.values.pop("score", None)
    inherent: Score | None = row.values.pop("inherent", None)
    if inherent is not None and score is not None:
        pair = split_score(inherent)
        row.inherent = _score_text(inherent, pair)
        row.notes.append(
            "inherent score kept in the risk's history; the residual score is its score"
        )
    elif inherent is not None:
        score = inherent
        row.notes.append("only an inherent score given: taken as the risk's score")
    likelihood, impact = row.values.get("likelihood"), row.values.get("impact")
    if any(p.split(":")[0] in ("likelihood", "impact", "score", "inherent") for p in row.problems):
        return
    if score is not None:
        pair = split_score(score)
        if likelihood and impact and (pair is None or score.likelihood is None):
            if likelihood * impact != score.total:
                row.problems.append(
                    f"score: {score.total} is not likelihood {likelihood} × impact {impact}."
                )
            return
        if pair is None:
            row.problems.append(
                f"score: {score.total} could be more than one likelihood × impact — write it "
                "as likelihood × impact, like 4x3, or give likelihood and impact columns."
            )
            return
        if score.likelihood is None:
            row.notes.append(f"score {score.total} read as likelihood {pair[0]} × impact {pair[1]}")
        elif likelihood and impact and (likelihood, impact) != pair:
            row.notes.append(
                "likelihood and impact columns differ from the residual score: the score taken"
            )
        row.values["likelihood"], row.values["impact"] = pair
        return
    if not (likelihood and impact):
        row.problems.append("score: the likelihood and impact (or the score) are missing.")


def _score_text(score: Score, pair: tuple[int, int] | None) -> str:
    return f"L{pair[0]} x I{pair[1]} = {score.total}" if pair else str(score.total)


# Checking against the database


def check(session: Session, rows: list[RiskRow], now: datetime, sheet: RiskSheet) -> RiskReport:
    report = RiskReport(sheet.name, warnings=list(sheet.warnings), notes=list(sheet.notes))
    if not rows:
        return report
    people: dict[PersonKey, Person] = {}
    by_group = groups(session)
    by_number = {r.number: r for r in session.scalars(select(Risk))}
    by_plan_ref = {
        (ref or "").casefold(): risk_id
        for risk_id, ref in session.execute(
            select(RiskHistory.risk_id, RiskHistory.new_value).where(RiskHistory.field == PLAN_REF)
        )
    }
    by_id = {r.id: r for r in by_number.values()}
    by_words = {_words(r.description): r for r in by_number.values()}
    inherent = _latest_inherent(session)
    taken = set(by_number) | {row.number for row in rows if row.number}
    next_number = max(taken, default=0) + 1
    for read in rows:
        # A copy: if the write is tried again (someone took a number meanwhile), the rows
        # are checked afresh in the new unit of work, people and groups found again.
        row = replace(read, values=dict(read.values), problems=list(read.problems))
        plan = RiskPlan(row)
        key = row.values.get("owner")
        if isinstance(key, PersonKey):
            if key not in people:
                people[key] = ensure_person(session, now, key)
            row.values["owner"] = people[key]
        _resolve_group(row, by_group)
        report.notes += [(row.line, note) for note in row.notes]
        if row.problems:
            report.rejected.append((row.line, _reason(row.problems)))
            continue
        if row.number:
            plan.risk = by_number.get(row.number)
            plan.number = row.number
        elif row.plan_ref and row.plan_ref.casefold() in by_plan_ref:
            plan.risk = by_id.get(by_plan_ref[row.plan_ref.casefold()])
        elif row.plan_ref:
            note = "register's own ref kept in the risk's history; next free R number given"
            report.notes.append((row.line, note))
        elif not row.plan_ref:
            # No ref at all: the same words are the same risk, so importing again adds nothing.
            plan.risk = by_words.get(_words(row.values["description"]))
            if plan.risk is None:
                report.notes.append((row.line, "no reference: given the next free R number"))
        if plan.risk is not None:
            plan.number = plan.risk.number
            plan.changes = _changes(plan.risk, row.values)
            plan.new_inherent = row.inherent is not None and row.inherent != inherent.get(
                plan.risk.id
            )
        elif plan.number is None:
            plan.number = next_number
            next_number += 1
        report.plans.append(plan)
    return report


def _words(description: str) -> str:
    return " ".join(description.split()).casefold()


def _latest_inherent(session: Session) -> dict[int, str]:
    rows = session.execute(
        select(RiskHistory.risk_id, RiskHistory.new_value)
        .where(RiskHistory.field == INHERENT)
        .order_by(RiskHistory.id)
    )
    return {risk_id: value for risk_id, value in rows}


def _resolve_group(row: RiskRow, known: list[WorkingGroup]) -> None:
    text = row.values.get("working_group")
    if text is None:
        return
    read = read_group(text)
    by_number = {g.number: g for g in known}
    by_name = {group_key(g.name): g for g in known}
    group = by_number.get(read.number) if read.number is not None else by_name.get(read.name or "")
    if read.number is not None and read.name is not None and by_name.get(read.name) is not group:
        group = None
    if group is None:
        del row.values["working_group"]
        names = ", ".join(f"{g.number} {g.name}" for g in known)
        row.problems.append(
            f"working_group: there is no working group “{quote(text)}” (groups: {names})."
        )
    else:
        row.values["working_group"] = group


def _changes(risk: Risk, values: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    changes = []
    for name in _COMPARED:
        if name not in values:
            continue  # a column the register does not have leaves the risk's field alone
        old, new = getattr(risk, name), values[name]
        if name in ("description", "mitigation") and (old or "").strip() == (new or ""):
            continue
        if name in ("owner", "working_group"):
            if old is not new:
                changes.append((name, old, new))
        elif old != new:
            changes.append((name, old, new))
    return changes


def tally(report: RiskReport) -> None:
    for plan in report.plans:
        if plan.risk is None:
            report.created.append(plan.name)
        elif plan.changes or plan.new_inherent:
            report.updated.append(plan.name)
        else:
            report.unchanged.append(plan.name)


# Writing


def write(session: Session, report: RiskReport, now: datetime, file_name: str) -> None:
    note = f"Imported from {file_name}"
    for plan in report.plans:
        row = plan.row
        if plan.risk is None:
            _create(session, plan, now, note)
            report.created.append(plan.name)
            continue
        if not (plan.changes or plan.new_inherent):
            report.unchanged.append(plan.name)
            continue
        _apply(plan.risk, plan.changes, now, note)
        if plan.new_inherent:
            plan.risk.history.append(_inherent(row.inherent, now))
        plan.risk.updated_at = now
        report.updated.append(plan.name)
    session.flush()


def _create(session: Session, plan: RiskPlan, now: datetime, note: str) -> None:
    values = plan.row.values
    status = values.get("status") or "open"
    risk = Risk(
        number=plan.number,
        description=values["description"],
        owner=values["owner"],
        working_group=values.get("working_group"),
        likelihood=values["likelihood"],
        impact=values["impact"],
        mitigation=values.get("mitigation"),
        review_date=values.get("review_date"),
        status=status,
        trend=values.get("trend"),
        created_by=None,  # an import, not a person in chat
        created_at=now,
        updated_at=now,
        closed_at=now if status == "closed" else None,
    )
    logged = RiskHistory(actor_id=None, at=now, event="logged", new_score=risk.score, note=note)
    if plan.row.plan_ref:
        logged.field, logged.new_value = PLAN_REF, plan.row.plan_ref
    risk.history.append(logged)
    if plan.row.inherent:
        risk.history.append(_inherent(plan.row.inherent, now))
    session.add(risk)


def _inherent(text: str | None, now: datetime) -> RiskHistory:
    return RiskHistory(actor_id=None, at=now, event="inherent", field=INHERENT, new_value=text)


def _apply(risk: Risk, changes: list[tuple[str, Any, Any]], now: datetime, note: str) -> None:
    old_score = risk.score
    for name, old, new in changes:
        if name in ("likelihood", "impact"):
            setattr(risk, name, new)
            continue
        risk.history.append(
            RiskHistory(
                actor_id=None,
                at=now,
                event="changed",
                field=name,
                old_value=_text(old),
                new_value=_text(new),
                note=note,
            )
        )
        setattr(risk, name, new)
        if name == "status":
            risk.closed_at = now if new == "closed" else None
    if risk.score != old_score or any(n in ("likelihood", "impact") for n, _, _ in changes):
        risk.history.append(
            RiskHistory(
                actor_id=None,
                at=now,
                event="rescored",
                old_score=old_score,
                new_score=risk.score,
                note=note,
            )
        )
        if not any(n == "trend" for n, _, _ in changes):
            risk.trend = trend(old_score, risk.score)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Person):
        return value.name or value.email
    if isinstance(value, WorkingGroup):
        return f"{value.number} {value.name}"
    return str(value)


def _reason(problems: list[str]) -> str:
    return " ".join("; ".join(p.removesuffix(".") for p in problems).split()) + "."


# The report


def report_lines(report: RiskReport | None, checked: bool) -> list[str]:
    """The risk register's part of the report: what was done, by kind, then line by line."""
    if report is None:
        return []
    out = [f"Risk register (“{quote(report.sheet)}”):"]
    done = []
    for verb, would, refs in (
        ("Created", "Would create", report.created),
        ("Updated", "Would update", report.updated),
    ):
        if refs:
            named = ", ".join(refs[:SHOWN_REFS]) + (
                f" and {len(refs) - SHOWN_REFS:,} more" if len(refs) > SHOWN_REFS else ""
            )
            done.append(f"{would if checked else verb} {_plural(len(refs), 'risk')}: {named}")
    if report.unchanged:
        count = _plural(len(report.unchanged), "risk")
        done.append(f"Would leave {count} unchanged." if checked else f"Unchanged: {count}")
    out += [f"  {line}" for line in done + report.warnings]
    kinds = Counter(kind for _, kind in report.notes)
    summary = [f"{_plural(n, 'row')}: {kind}" for kind, n in kinds.most_common()]
    problems = Counter(reason.split(":", 1)[0] for _, reason in report.rejected)
    summary += [
        f"{_plural(n, 'row')} with a problem in “{kind}”" for kind, n in problems.most_common()
    ]
    if summary:
        out.append("  Summary:")
        out += [f"    {line}" for line in summary]
        by_line: dict[int, list[str]] = {}
        for line, kind in report.notes:
            by_line.setdefault(line, []).append(kind)
        entries = [(line, f"Line {line}: {reason}") for line, reason in report.rejected]
        entries += [
            (line, f"{f'Line {line}' if line else 'The file'}: {'; '.join(kinds)}.")
            for line, kinds in by_line.items()
        ]
        out += [f"  {text}" for _, text in sorted(entries, key=lambda entry: entry[0])]
    return out


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word if count == 1 else word + 's'}"
