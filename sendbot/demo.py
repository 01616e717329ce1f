"""`sendbot demo`: the real bot, over HTTP, against the Slack stand-in, with no Slack account.

It imports a sample plan drawn from a real board's minutes and plays a short conversation
through signed requests, printing each command and the bot's reply.
"""

import tempfile
from pathlib import Path

from bot.dates import format_long
from bot.people import PersonRef
from bot.reminder_sweep import SweepReport
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from handlers.slack.directory import slack_directory
from sendbot.demo_story import (
    ADMIN,
    AFTER_THE_BOARD,
    ASKS_FOR_A_NEW_DATE,
    CHAIR,
    CHRIS,
    DEMO_NOW,
    EVIDENCE_SENT,
    HIGHLIGHT_UPDATE,
    JO,
    JO_CLOSES_OVERDUE,
    MARIA,
    NEW_DATE_REQUEST,
    PEOPLE,
    PRIYA,
    DemoClock,
    board_toml,
    import_sample,
    play_the_quarter,
)
from sendbot.local_server import LocalBot
from sendbot.runtime import reminder_sweep, start
from sendbot.settings import Settings
from slack_standin import SlackStandIn
from slack_standin.readable import readable
from slack_standin.signed_requests import SIGNING_SECRET, SlackSender, select, text_input

BOARD_CHANNEL = "C0BOARD01"


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

    def last_direct_message(self, user: str) -> dict:
        return self.standin.wait_for(
            "chat.postMessage", predicate=lambda c: c.params.get("channel") in (user, "D" + user)
        )[-1].params

    def fill_in(
        self, user: str, message: dict, action_id: str, values: dict, written: str, ref: str = ""
    ) -> None:
        """Press the button of `message` that opens a form (the one for `ref`, if given), fill
        the form in as `written` says and show the bot's reply."""
        element = next(
            e
            for b in message["blocks"]
            for e in b.get("elements", [])
            if e.get("action_id") == action_id and (not ref or f'"{ref}"' in e["value"])
        )
        label = element["text"]["text"]
        print(f"\n{self.names[user]} presses [{label}]" + (f" on {ref}" if ref else ""))
        opened = len(self.standin.calls_to("views.open"))
        response_url = self.sender.press(action_id, element["value"], user)
        view = self.standin.wait_for("views.open", count=opened + 1)[-1].params["view"]
        print(f"  sendbot opens a form “{view['title']['text']}” and they write: {written}")
        self.sender.submit(view, values, user)
        self.show(self.standin.wait_for_response(response_url)[0], "reply to the button")

    def complete_with_evidence(self, user: str, answer: dict, ref: str, evidence: str) -> None:
        values = {"evidence": text_input(evidence)}
        self.fill_in(user, answer, "action_complete", values, evidence, ref)


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
    board.write_text(board_toml(lambda person: person), encoding="utf-8")
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
        client = web_client(settings.bot_token, settings.api_url)
        import_sample(runtime.db, folder, slack_directory(client), "SEND Improvement Bot demo")
        with LocalBot(runtime) as bot:
            chat = Conversation(SlackSender(bot.url, standin), standin)
            _converse(chat)
            _play_the_quarter(chat, runtime, settings, clock)
            _the_chair_asks(chat, standin, output)
        runtime.db.dispose()
    print("\nThe demo ran the real bot over HTTP against a local stand-in for Slack. Done.")
    return 0


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
        f"wg 3 owner <@{JO}|jo> due 31/01/2020 area 6",
    )
    chat.show_direct_message(JO)
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
        f"/risk log Parent carers not engaged in co-production L3 I4 owner <@{JO}|jo> wg 3",
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
    sender = SlackDelivery(web_client(settings.bot_token, settings.api_url), runtime.clock.today)
    first_shown = False

    def after_sending(day: int, report: SweepReport) -> None:
        nonlocal first_shown
        personal = [b for b in report.sent if isinstance(b.recipient, PersonRef)]
        if not first_shown and personal:
            first_shown = True
            chat.show_direct_message(personal[0].recipient.account_on("slack"))
            _priya_sends_a_highlight_update(chat)
        if day == JO_CLOSES_OVERDUE:
            chat.say(JO, "/action done 3.1 Family-friendly WSoA launched at the forum")
        if day == EVIDENCE_SENT:
            chat.say(ADMIN, "/deadline evidence-sent 1")
        if day == AFTER_THE_BOARD:
            chat.say(PRIYA, "/action update 1.2 green Survey closed with 212 parent carer replies")
            chat.say(CHRIS, "/action done 4.1 Response circulated to Board members")
        if day == ASKS_FOR_A_NEW_DATE:
            _jo_asks_for_a_new_date(chat)

    names = {BOARD_CHANNEL: "#send-board"}
    play_the_quarter(clock, reminder_sweep(runtime), sender, names, after_sending)


def _priya_sends_a_highlight_update(chat: Conversation) -> None:
    """The board meets on 21 January: Priya answers the request for her group's update."""
    update = HIGHLIGHT_UPDATE
    chat.fill_in(
        PRIYA,
        chat.last_direct_message(PRIYA),
        "highlight_send",
        {
            "achievements": text_input(update["achievements"]),
            "issues": text_input(update["issues"]),
            "next_steps": text_input(update["next_steps"]),
            "brag": select(update["brag"]),
        },
        f"{update['achievements']} (BRAG: {update['brag']})",
    )


def _jo_asks_for_a_new_date(chat: Conversation) -> None:
    """3.4 is overdue: Jo asks for a new date from the reminder, and the chair approves it."""
    new_date, reason, note = NEW_DATE_REQUEST
    chat.fill_in(
        JO,
        chat.last_direct_message(JO),
        "date_request_open",
        {
            "date": {"type": "datepicker", "selected_date": new_date.isoformat()},
            "reason": text_input(reason),
        },
        f"{format_long(new_date)}, because {reason[0].lower()}{reason[1:]}",
        "3.4",
    )
    chat.show_direct_message(CHAIR)
    values = {"note": text_input(note)}
    chat.fill_in(CHAIR, chat.last_direct_message(CHAIR), "date_request_approve", values, note)
    chat.show_direct_message(JO)


def _the_chair_asks(chat: Conversation, standin: SlackStandIn, output: Path) -> None:
    """On the eve of the visit the chair asks where the plan stands, and for the files."""
    print("\nOn the eve of the visit, the chair asks the bot:")
    chat.say(CHAIR, "/summary")
    chat.say(CHAIR, "/summary visit")
    chat.say(CHAIR, "/summary risks")
    chat.say(CHAIR, "/summary export")
    chat.say(CHAIR, "/summary chart")
    print("\nAnd the board papers: the highlight report, and the update for families to approve.")
    chat.say(CHAIR, "/summary board-pack")
    uploads = len(standin.calls_to("files.completeUploadExternal"))
    chat.say(CHAIR, "/summary family-update")
    # The draft's page, its Markdown and its chart follow the answer: wait for all three.
    standin.wait_for("files.completeUploadExternal", count=uploads + 3, timeout=60)
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
