"""`sendbot demo --teams`: the same story as `sendbot demo`, on Microsoft Teams, with no Microsoft
account: the real Teams door under uvicorn, activities signed as the Bot Framework signs them, and
the bot's cards printed as plain text, against the local Bot Connector stand-in."""

import json
import logging
import tempfile
from pathlib import Path

from bot.dates import format_long
from bot.people import PersonRef
from bot.reminder_sweep import Bundle, SweepReport
from handlers.teams.ids import PLATFORM as TEAMS
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
from sendbot.import_directory import import_directory
from sendbot.local_server import BackgroundAsgiServer
from sendbot.runtime import Runtime, reminder_sweep, start, teams_delivery
from sendbot.serve_teams import teams_application
from sendbot.settings import Settings, TeamsSettings
from teams_standin.directory import Member
from teams_standin.readable import readable_activity
from teams_standin.sender import TeamsSender
from teams_standin.server import TeamsStandIn

TEAM = "SEND Improvement Board"
CHANNEL_NAME = f"{TEAM} › General"


class TeamsConversation:
    """Types messages as the demo's people, in their personal chats with the bot or with an
    @mention in the board's channel, printing the cards they see."""

    def __init__(self, sender: TeamsSender, teams: TeamsStandIn, team: str) -> None:
        self.sender = sender
        self.teams = teams
        self.team = team
        self.members: dict[str, Member] = {
            person: teams.add_member(name, email, teams=(team,))
            for person, (name, email, _) in PEOPLE.items()
        }

    def name(self, person: str) -> str:
        return PEOPLE[person][0]

    def install(self, person: str) -> None:
        print(f"\n{self.name(person)} adds the SEND bot app to the {TEAM} team.")
        added = self.teams.activities.installation_update(self.members[person], team_id=self.team)
        self._post(added, {self.team: "in the channel"})

    def say(self, person: str, text: str) -> None:
        print(f"\n{self.name(person)} types in their personal chat with the bot:  {text}")
        activity = self.teams.activities.message(self.members[person], text)
        personal = activity["conversation"]["id"]
        self._post(activity, {personal: f"in {self.name(person)}'s personal chat"})

    def say_in_channel(self, person: str, text: str) -> None:
        print(f"\n{self.name(person)} types in {CHANNEL_NAME}:  @SEND bot {text}")
        activity = self.teams.activities.channel_message(self.members[person], self.team, text)
        personal = self.teams.personal_conversation(self.members[person])
        where = {
            personal: f"in {self.name(person)}'s personal chat",
            activity["conversation"]["id"]: "in the channel's thread, for everyone",
        }
        self._post(activity, where)

    def show_sent(self, conversation: str, who: str, since: int | None = None) -> None:
        """The last message sent to `conversation`, or every one after the first `since`."""
        sent = self.teams.sent_to(conversation)
        for activity in sent[-1:] if since is None else sent[since:]:
            self.show(activity, who)

    def show(self, activity: dict, who: str) -> None:
        print(f"  sendbot ({who}):")
        for line in readable_activity(activity).splitlines():
            print("  │ " + line)

    def personal(self, person: str) -> str:
        return self.teams.personal_conversation(self.members[person])

    def last_card(self, person: str) -> dict:
        return self.teams.sent_to(self.personal(person))[-1]["attachments"][0]["content"]

    def fill_in(
        self, person: str, card: dict, title: str, typed: dict, written: str, ref: str = ""
    ) -> None:
        """Press the button of `card` that opens a dialog (the one for `ref`, if given), fill
        the dialog in as `written` says and show the bot's answer."""
        pressed = _first_button(card, title, ref)
        print(f"\n{self.name(person)} presses [{title}]" + (f" on {ref}" if ref else ""))
        member = self.members[person]
        opened = self.sender.send(self.teams.activities.task_fetch(member, pressed["data"]))
        dialog = opened["task"]["value"]
        print(f"  sendbot opens a dialog “{dialog['title']}” and they write: {written}")
        save = _first_button(dialog["card"]["content"], None, "")
        answer = self.sender.send(
            self.teams.activities.task_submit(member, {**save["data"], **typed})
        )
        value = answer["task"]["value"]
        said = [value] if answer["task"]["type"] == "message" else _texts(value["card"])
        print("  sendbot (the dialog's answer):")
        for line in said:
            print("  │ " + line)

    def wait_and_show(self, person: str, before: int, who: str) -> None:
        """Wait for the bot's next message in `person`'s personal chat, and show it."""
        conversation = self.personal(person)
        self.teams.wait_for(
            "send", count=before + 1, predicate=lambda call: call.conversation_id == conversation
        )
        self.show_sent(conversation, who)

    def _post(self, activity: dict, where: dict[str, str]) -> None:
        """Post the activity and print what the bot sent to each conversation in `where`."""
        before = {c: len(self.teams.sent_to(c)) for c in where}
        answer = self.sender.post(activity)
        if answer.status != 200:
            raise RuntimeError(f"the Teams door answered {answer.status}")
        for conversation, who in where.items():
            self.teams.wait_for(
                "send",
                count=before[conversation] + 1,
                predicate=lambda call, c=conversation: call.conversation_id == c,
            )
            self.show_sent(conversation, who)


def _first_button(card: dict, title: str | None, ref: str) -> dict:
    """The first Action.Submit of a card with this title (any title when None), on `ref`."""
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            titled = node.get("type") == "Action.Submit" and title in (None, node.get("title"))
            if titled and (not ref or f'"{ref}"' in json.dumps(node.get("data"))):
                found.append(node)
            for value in node.values():
                walk(value)

    walk(card)
    return found[0]


def _texts(node: object) -> list[str]:
    """The text blocks of a card, in order."""
    if isinstance(node, list):
        return [line for item in node for line in _texts(item)]
    if not isinstance(node, dict):
        return []
    own = [node["text"]] if node.get("type") == "TextBlock" else []
    return own + [line for value in node.values() for line in _texts(value)]


def run_teams_demo(keep: Path | None = None) -> int:
    """Play the demo on Teams; its database is kept in `keep` when given."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        return _play(keep)
    with tempfile.TemporaryDirectory(prefix="sendbot-demo-teams-") as folder:
        return _play(Path(folder))


def _play(folder: Path) -> int:
    board = folder / "board.toml"
    # On Teams the board names its people by email: their object ids come from the team.
    board.write_text(board_toml(lambda person: PEOPLE[person][1]), encoding="utf-8")
    with TeamsStandIn() as teams:
        team = teams.add_team(TEAM)
        settings = Settings(
            database_url=f"sqlite:///{folder / 'demo.db'}",
            board_config=board,
            board_channel=team,
            teams=TeamsSettings(
                app_id=teams.app_id,
                app_password=teams.app_password,
                tenant_id=teams.tenant_id,
                openid_url=teams.openid_url,
                authority_url=teams.url,
            ),
        )
        clock = DemoClock(DEMO_NOW)
        runtime = start(settings, now=clock.now)
        with BackgroundAsgiServer(teams_application(runtime)) as door:
            chat = TeamsConversation(TeamsSender(door.url, teams), teams, team)
            _import_sample(chat, runtime, folder)
            _converse(chat)
            _play_the_quarter(chat, runtime, clock)
            print("\nOn the eve of the visit, the chair asks the bot:")
            chat.say(CHAIR, "summary")
            chat.say(CHAIR, "summary visit")
        runtime.db.dispose()
    print("\nThe demo ran the real bot over HTTP against a local stand-in for Teams. Done.")
    return 0


def _import_sample(chat: TeamsConversation, runtime: Runtime, folder: Path) -> None:
    """The app goes into the board's team first: the import finds the owners among its members."""
    print("SEND Improvement Bot demo on Microsoft Teams.")
    chat.install(ADMIN)
    owners = import_directory(runtime.settings, runtime.people)
    report = import_sample(runtime.db, folder, owners.directory, "\nThe board's plan")
    if report.written:
        owners.after_import()


def _converse(chat: TeamsConversation) -> None:
    chat.say(PRIYA, "help")
    chat.say(PRIYA, "action mine")
    chat.say(PRIYA, "action update 1.2 amber Survey of parent carers closes on Friday")
    chat.say_in_channel(MARIA, "action mine")
    chat.say(
        ADMIN,
        "risk log Capacity: no SEND project manager in post, so working groups miss deadlines "
        "and evidence for the visit is late L4 I4 wg 1 review 3/2/2020",
    )


def _play_the_quarter(chat: TeamsConversation, runtime: Runtime, clock: DemoClock) -> None:
    """Set the visit and board meeting, then step the clock a day at a time to the visit."""
    chat.say(ADMIN, "deadline add visit 6/2/2020")
    chat.say(ADMIN, "deadline add board 21/1/2020 January SEND Improvement Board")
    sender = teams_delivery(runtime)
    shown: set[str] = set()
    # How many posts the channel had before the day's sweep: its first posts are shown whole.
    in_channel = [len(chat.teams.sent_to(chat.team))]

    def after_sending(day: int, report: SweepReport) -> None:
        for bundle in report.sent:
            _show_first(chat, bundle, shown, in_channel[0])
        if day == JO_CLOSES_OVERDUE:
            chat.say(JO, "action done 3.1 Family-friendly WSoA launched at the forum")
        if day == 1:
            _priya_sends_a_highlight_update(chat)
        if day == EVIDENCE_SENT:
            chat.say(ADMIN, "deadline evidence-sent 1")
        if day == AFTER_THE_BOARD:
            chat.say(PRIYA, "action update 1.2 green Survey closed with 212 parent carer replies")
            chat.say(CHRIS, "action done 4.1 Response circulated to Board members")
        if day == ASKS_FOR_A_NEW_DATE:
            _priya_asks_for_a_new_date(chat)
        in_channel[0] = len(chat.teams.sent_to(chat.team))

    names = {chat.team: CHANNEL_NAME}
    # The demo prints each day's report, failures included: the sweep's log would say them twice.
    logging.getLogger("bot.reminder_sweep").setLevel(logging.ERROR)
    try:
        play_the_quarter(clock, reminder_sweep(runtime), sender, names, after_sending)
    finally:
        sender.close()


def _priya_sends_a_highlight_update(chat: TeamsConversation) -> None:
    """The board meets on 21 January: Priya answers the request for her group's update."""
    update = HIGHLIGHT_UPDATE
    card = chat.last_card(PRIYA)
    written = f"{update['achievements']} (BRAG: {update['brag']})"
    chat.fill_in(PRIYA, card, "Send highlight update", dict(update), written)


def _priya_asks_for_a_new_date(chat: TeamsConversation) -> None:
    """1.1 is overdue (on Teams nobody closed it): Priya asks for a new date from the reminder,
    and the chair approves it."""
    new_date, _, note = NEW_DATE_REQUEST
    reason = "Public health signs the JSNA chapter off at the February board"
    typed = {"date": new_date.isoformat(), "reason": reason}
    written = f"{format_long(new_date)}, because {reason[0].lower()}{reason[1:]}"
    to_chair = len(chat.teams.sent_to(chat.personal(CHAIR)))
    chat.fill_in(PRIYA, chat.last_card(PRIYA), "Ask for a new date", typed, written, "1.1")
    chat.wait_and_show(CHAIR, to_chair, f"in {chat.name(CHAIR)}'s personal chat")
    to_priya = len(chat.teams.sent_to(chat.personal(PRIYA)))
    chat.fill_in(CHAIR, chat.last_card(CHAIR), "Approve", {"note": note}, note)
    chat.wait_and_show(PRIYA, to_priya, f"in {chat.name(PRIYA)}'s personal chat")


def _show_first(
    chat: TeamsConversation, bundle: Bundle, shown: set[str], in_channel_before: int
) -> None:
    """The first reminder in a personal chat and the first day's posts in the channel, as
    seen."""
    if isinstance(bundle.recipient, PersonRef) and "personal" not in shown:
        shown.add("personal")
        aad = bundle.recipient.account_on(TEAMS)
        member = next(m for m in chat.members.values() if m.aad_object_id == aad)
        conversation = chat.teams.personal_conversation(member)
        chat.show_sent(conversation, f"a reminder in {member.name}'s personal chat")
    elif not isinstance(bundle.recipient, PersonRef) and "channel" not in shown:
        shown.add("channel")
        chat.show_sent(chat.team, f"a post in {CHANNEL_NAME}", since=in_channel_before)
