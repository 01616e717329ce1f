"""The demo's story, told the same on Slack (`sendbot demo`) and Teams (`sendbot demo --teams`):
its people, its board, its dates, the sample plan it imports and the quarter it plays."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

from bot.dates import format_compact_year
from bot.delivery import Delivery
from bot.plan_import import ChatDirectory, ImportReport, import_plan
from bot.reminder_report import report_lines
from bot.reminder_sweep import ReminderSweep, SweepReport
from storage.database import Database

# Monday 13 January 2020, 10:00: four weeks before the first DfE/NHSE monitoring visit.
DEMO_NOW = datetime(2020, 1, 13, 10, 0, tzinfo=UTC)

# The cast by their Slack user IDs (the story's handles for them on either platform).
PEOPLE = {
    "U0ALEX0001": ("Alex Carter", "alex.carter@council.example", "SEND improvement lead (admin)"),
    "U0PRIYA001": ("Priya Shah", "priya.shah@council.example", "Area Service Manager – Inclusion"),
    "U0TOM00001": ("Tom Reid", "tom.reid@nhs.example", "Designated Clinical Officer, NHS"),
    "U0JO000001": ("Jo Evans", "jo.evans@parentforum.example", "Parent carer forum"),
    "U0CHRIS001": ("Chris Obi", "chris.obi@council.example", "Head of Adult Social Care"),
    "U0MARIA001": ("Maria Lopez", "maria.lopez@school.example", "SENCO network lead"),
    "U0CHAIR001": ("Cllr Jane Morgan", "jane.morgan@council.example", "Board chair (admin)"),
}
ADMIN, PRIYA, MARIA = "U0ALEX0001", "U0PRIYA001", "U0MARIA001"
CHAIR, JO, CHRIS = "U0CHAIR001", "U0JO000001", "U0CHRIS001"
ADMINS = (ADMIN, CHAIR)
GROUPS = (
    (1, "Understanding of Need", PRIYA),
    (2, "Commissioning", "U0TOM00001"),
    (3, "Engagement and Co-production", JO),
    (4, "Preparation for Adulthood", CHRIS),
    (5, "Emotional Health and Wellbeing", "U0TOM00001"),
    (6, "SEN Support", MARIA),
)
# The inspection's nine areas of weakness, as the written statement names them.
AREAS = (
    "Leaders' understanding of the needs of children and young people with SEND",
    "Use of information to plan and check services",
    "Joint commissioning of services",
    "Waiting times for therapies",
    "Communication with parents and carers",
    "Co-production with families and young people",
    "Preparation for adulthood",
    "Emotional health and wellbeing",
    "Quality of SEN support in schools",
)
# The clock sweeps at 09:05 each day; the demo steps through to the eve of the first visit.
QUARTER_DAYS = 23
# The days the story's people answer their reminders (days after DEMO_NOW).
JO_CLOSES_OVERDUE = 7  # Monday 20 January: Jo hears that 3.1 is overdue and closes it
EVIDENCE_SENT = 10  # Thursday 23 January: the evidence goes to DfE and NHS England
AFTER_THE_BOARD = 15  # Tuesday 28 January: after the board, two owners catch up
ASKS_FOR_A_NEW_DATE = 21  # Monday 3 February: an owner asks for a new date; the chair approves
NEW_DATE_REQUEST = (
    date(2020, 2, 28),
    "The Scrutiny Advisory Board next meets on 25 February",
    "Agreed: it is in place before the March board",
)
# Priya's highlight update for the January board (Working Group 1).
HIGHLIGHT_UPDATE = {
    "achievements": "JSNA chapter on SEND published and shared with every working group",
    "issues": "Parent carer survey closes late, so the impact evidence is tight for the visit",
    "next_steps": "Analyse the survey and write three case studies",
    "brag": "amber",
}


def board_toml(handle: Callable[[str], str]) -> str:
    """The board file, naming each person as `handle` gives it (an account id or an email)."""
    admins = ", ".join(f'"{handle(person)}"' for person in ADMINS)
    groups = "".join(
        f'\n[[working_groups]]\nnumber = {number}\nname = "{name}"\nlead = "{handle(lead)}"\n'
        for number, name, lead in GROUPS
    )
    areas = "".join(
        f'\n[[areas]]\nnumber = {number}\ntitle = "{title}"\n'
        for number, title in enumerate(AREAS, 1)
    )
    return f"\n[board]\nadmins = [{admins}]\n{groups}{areas}"


class DemoClock:
    """The demo's "now", moved on a day at a time while the quarter plays."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment


def import_sample(db: Database, folder: Path, directory: ChatDirectory, title: str) -> ImportReport:
    """Import the sample plan, printing the command and its report as an operator sees them."""
    sample = folder / "sample_plan.csv"
    sample.write_bytes(resources.files("sendbot").joinpath("sample_plan.csv").read_bytes())
    print(f"{title} — as if it were Monday 13 January 2020.")
    print(f"\n$ sendbot import {sample.name}")
    report = import_plan(db, sample, directory, now=DEMO_NOW)
    for line in report.lines():
        print("  " + line)
    return report


def play_the_quarter(
    clock: DemoClock,
    sweep: ReminderSweep,
    sender: Delivery,
    place_names: dict[str, str],
    after_sending: Callable[[int, SweepReport], None],
) -> None:
    """Step the clock a day at a time to the visit, printing what each day's sweep sent;
    `after_sending(day, report)` plays what people do on a day that reminded them."""
    print("\nThe clock now sweeps at 09:05 every day until the monitoring visit.")
    for offset in range(1, QUARTER_DAYS + 1):
        clock.moment = (DEMO_NOW + timedelta(days=offset)).replace(hour=9, minute=5)
        report = sweep.run(sender)
        if not report.sent:
            continue
        print(f"\n{format_compact_year(clock.moment.date())}:")
        for line in report_lines(report, place_names):
            print("  " + line)
        after_sending(offset, report)
