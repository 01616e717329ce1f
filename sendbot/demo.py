"""`sendbot demo`: the real bot, over HTTP, against the Slack stand-in, with no Slack account.

It imports a sample plan drawn from a real board's minutes and plays a short conversation
through signed requests, printing each command and the bot's reply.
"""

import tempfile
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

from bot.dates import format_compact_year
from bot.people import PersonRef
from bot.plan_import import import_plan
from bot.reminder_report import report_lines
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from handlers.slack.directory import slack_directory
from sendbot.local_server import LocalBot
from sendbot.runtime import reminder_sweep, start
from sendbot.settings import Settings
from slack_standin import SlackStandIn
from slack_standin.readable import readable
from slack_standin.signed_requests import SIGNING_SECRET, SlackSender, text_input

# Monday 13 January 2020, 10:00: four weeks before the first DfE/NHSE monitoring visit.
DEMO_NOW = datetime(2020, 1, 13, 10, 0, tzinfo=UTC)

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
CHAIR = "U0CHAIR001"

BOARD = """
[board]
admins = ["U0ALEX0001", "U0CHAIR001"]

[[working_groups]]
number = 1
name = "Understanding of Need"
lead = "U0PRIYA001"

[[working_groups]]
number = 2
name = "Commissioning"
lead = "U0TOM00001"

[[working_groups]]
number = 3
name = "Engagement and Co-production"
lead = "U0JO000001"

[[working_groups]]
number = 4
name = "Preparation for Adulthood"
lead = "U0CHRIS001"

[[working_groups]]
number = 5
name = "Emotional Health and Wellbeing"
lead = "U0TOM00001"

[[working_groups]]
number = 6
name = "SEN Support"
lead = "U0MARIA001"
"""


BOARD_CHANNEL = "C0BOARD01"
# The clock sweeps at 09:05 each day; the demo steps through to the eve of the first visit.
QUARTER_DAYS = 23


class DemoClock:
    """The demo's "now", moved on a day at a time while the quarter plays."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment


class Conversation:
    """Types commands and presses buttons as the demo's people, printing what they see."""

    def __init__(self, sender: SlackSender, standin: SlackStandIn) -> None:
        self.sender = sender
        self.standin = standin
        self.names = {uid: person[0] for uid, person in PEOPLE.items()}
        self.names[BOARD_CHANNEL] = "#send-board"

    def say(self, user: str, text: str) -> dict:
        print(f"\n{self.names[user]} types:  {text}")
        command, _, rest = text.partition(" ")
        answer = self.sender.command(command, rest, user)
        self.show(answer, f"only {self.names[user]} sees this")
        return answer

    def show(self, body: dict, who: str) -> None:
        print(f"  sendbot ({who}):")
        for line in readable(body, self.names).splitlines():
            print("  │ " + line)

    def show_direct_message(self, user: str) -> None:
        sent = self.standin.wait_for(
            "chat.postMessage", predicate=lambda c: c.params.get("channel") in (user, "D" + user)
        )[-1]
        self.show(sent.params, f"a direct message to {self.names[user]}")

    def complete_with_evidence(self, user: str, answer: dict, ref: str, evidence: str) -> None:
        print(f"\n{self.names[user]} presses [Mark complete] on {ref}")
        value = next(
            e["value"]
            for b in answer["blocks"]
            for e in b.get("elements", [])
            if e.get("action_id") == "action_complete" and f'"{ref}"' in e["value"]
        )
        opened = len(self.standin.calls_to("views.open"))
        response_url = self.sender.press("action_complete", value, user)
        view = self.standin.wait_for("views.open", count=opened + 1)[-1].params["view"]
        print(f"  sendbot opens a form “{view['title']['text']}” and they write: {evidence}")
        self.sender.submit(view, {"evidence": text_input(evidence)}, user)
        self.show(self.standin.wait_for_response(response_url)[0], "reply to the button")


OUTPUT = Path("sendbot-demo-output")


def run_demo(keep: Path | None = None) -> int:
    """Play the demo; the chart and the export land in `keep` (or ./sendbot-demo-output)."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        return _play(keep, keep)
    OUTPUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sendbot-demo-") as folder:
        return _play(Path(folder), OUTPUT)


def _play(folder: Path, output: Path) -> int:
    board = folder / "board.toml"
    board.write_text(BOARD, encoding="utf-8")
    with SlackStandIn() as standin:
        for user_id, (name, email, _) in PEOPLE.items():
            standin.add_user(user_id, name, email=email, real_name=name)
        settings = Settings(
            bot_token="xoxb-demo-token",
            signing_secret=SIGNING_SECRET,
            api_url=standin.url,
            database_url=f"sqlite:///{folder / 'demo.db'}",
            board_config=board,
            board_channel=BOARD_CHANNEL,
        )
        clock = DemoClock(DEMO_NOW)
        runtime = start(settings, now=clock.now)
        _import_sample(runtime, settings, folder)
        with LocalBot(runtime) as bot:
            chat = Conversation(SlackSender(bot.url, standin), standin)
            _converse(chat)
            _play_the_quarter(chat, runtime, settings, clock)
            _the_chair_asks(chat, standin, output)
        runtime.db.dispose()
    print("\nThe demo ran the real bot over HTTP against a local stand-in for Slack. Done.")
    return 0


def _import_sample(runtime, settings: Settings, folder: Path) -> None:
    sample = folder / "sample_plan.csv"
    sample.write_bytes(resources.files("sendbot").joinpath("sample_plan.csv").read_bytes())
    print("SEND Improvement Bot demo — as if it were Monday 13 January 2020.")
    print(f"\n$ sendbot import {sample.name}")
    client = web_client(settings.bot_token, settings.api_url)
    report = import_plan(runtime.db, sample, slack_directory(client), now=DEMO_NOW)
    for line in report.lines():
        print("  " + line)


def _converse(chat: Conversation) -> None:
    mine = chat.say(PRIYA, "/action mine")
    chat.say(PRIYA, "/action update 1.2 amber Survey of parent carers closes on Friday")
    chat.complete_with_evidence(
        PRIYA, mine, "1.1", "JSNA chapter published on 10 January; all six groups are using it"
    )
    chat.say(MARIA, "/action update 1.2 green")
    chat.say(
        ADMIN,
        '/action add 3.4 "Invite the Scrutiny Advisory Board to each working group" '
        "wg 3 owner <@U0JO000001|jo> due 31/01/2020 area 6",
    )
    chat.show_direct_message("U0JO000001")
    chat.say(ADMIN, "/action due 4.2 30/09/2020 Adult services restructure moves the start")
    chat.say(PRIYA, "/action show 1.2")
    chat.say(ADMIN, "/action list wg 1")
    _risks(chat)


def _risks(chat: Conversation) -> None:
    """The minutes' risk to delivery: capacity, eased once the project manager is in post."""
    chat.say(
        ADMIN,
        "/risk log Capacity: no SEND project manager in post, so working groups miss "
        "deadlines and evidence for the visit is late L4 I4 wg 1 review 3/2/2020",
    )
    chat.say(
        ADMIN,
        "/risk log Parent carers not engaged in co-production L3 I4 owner <@U0JO000001|jo> wg 3",
    )
    chat.say(
        ADMIN,
        "/risk update R1 L2 SEND Project Manager appointed, pending pre-employment checks",
    )
    chat.say(MARIA, "/risk close R1")
    chat.say(PRIYA, "/risk list")


def _play_the_quarter(chat: Conversation, runtime, settings: Settings, clock: DemoClock) -> None:
    """Set the visit and board meeting, then step the clock a day at a time to the visit."""
    chat.say(ADMIN, "/deadline add visit 6/2/2020")
    chat.say(ADMIN, "/deadline add board 21/1/2020 January SEND Improvement Board")
    print("\nThe clock now sweeps at 09:05 every day until the monitoring visit.")
    sender = SlackDelivery(web_client(settings.bot_token, settings.api_url), runtime.clock.today)
    sweep = reminder_sweep(runtime)
    first_shown = False
    for offset in range(1, QUARTER_DAYS + 1):
        clock.moment = (DEMO_NOW + timedelta(days=offset)).replace(hour=9, minute=5)
        report = sweep.run(sender)
        day = format_compact_year(clock.moment.date())
        if not report.sent:
            continue
        print(f"\n{day}:")
        for line in report_lines(report, {BOARD_CHANNEL: "#send-board"}):
            print("  " + line)
        personal = [b for b in report.sent if isinstance(b.recipient, PersonRef)]
        if not first_shown and personal:
            first_shown = True
            chat.show_direct_message(personal[0].recipient.account_on("slack"))
        if offset == 7:  # Monday 20 January: Jo hears that 3.1 is overdue and closes it
            chat.say("U0JO000001", "/action done 3.1 Family-friendly WSoA launched at the forum")
        if offset == 15:  # Tuesday 28 January: after the board, two owners catch up
            chat.say(PRIYA, "/action update 1.2 green Survey closed with 212 parent carer replies")
            chat.say("U0CHRIS001", "/action done 4.1 Response circulated to Board members")


def _the_chair_asks(chat: Conversation, standin: SlackStandIn, output: Path) -> None:
    """On the eve of the visit the chair asks where the plan stands, and for the files."""
    print("\nOn the eve of the visit, the chair asks the bot:")
    chat.say(CHAIR, "/summary")
    chat.say(CHAIR, "/summary visit")
    chat.say(CHAIR, "/summary risks")
    chat.say(CHAIR, "/summary export")
    chat.say(CHAIR, "/summary chart")
    written = []
    for upload in standin.uploaded_files():
        if upload.channel_id != f"D{CHAIR}":
            continue  # the weekly digests' charts went to the board channel
        path = output / upload.filename
        path.write_bytes(upload.content)
        written.append(path)
    print(f"\nThe files sent to the chair are in {output.resolve()}:")
    for path in written:
        print(f"  {path.name} ({path.stat().st_size:,} bytes)")
