"""Proactive messages on Teams (issue 11, items 4 and 7): who and where the bot keeps from
installs and joins, Teams' rate limits kept to, passing faults tried again, refusals recorded
for good, and the sweep sending each reminder once.

Install and join events are posted to the real door; the delivery port then sends through the
stand-in's Bot Connector, as the clock does.
"""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.delivery import DeliveryError, Place
from bot.people import Actor, PersonRef
from bot.places import Places
from bot.reminder_sweep import ReminderSweep
from bot.results import Notice
from bot.typed_text import mention_marker
from handlers.teams.connector import BotToken, Connector
from handlers.teams.delivery import CHANNEL_UNKNOWN, TeamsDelivery
from handlers.teams.outbound import Backoff, Outbound
from handlers.teams.pacing import Pacer
from handlers.teams.people import PLATFORM
from sendbot.runtime import Runtime
from sendbot.settings import TeamsSettings
from storage.models import Reminder
from teams_standin.server import TeamsStandIn
from tests.conftest import ADMIN
from tests.support.speak import SlackVoice
from tests.test_teams_cards import valid_card
from tests.test_teams_door import door, sender  # noqa: F401 (fixtures)

# Seven days before 6.1 falls due (Tuesday 28 January 2020), in working hours.
WEEK_BEFORE = datetime(2020, 1, 21, 10, 0, tzinfo=UTC)


class SkippingClock:
    """Real time plus the waits the pacer skipped: the stand-in and the pacer both read it, so
    a wait for Teams' limits costs the test nothing, yet both sides see it pass."""

    def __init__(self) -> None:
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.time() + self.skipped

    async def sleep(self, seconds: float) -> None:
        self.skipped += max(0.0, seconds)


@pytest.fixture
def clock() -> SkippingClock:
    return SkippingClock()


@pytest.fixture
def teams(clock: SkippingClock) -> Iterator[TeamsStandIn]:
    """A tenant of its own for each test."""
    with TeamsStandIn(clock=clock) as standin:
        yield standin


class Waits:
    """The delivery's waits between tries, recorded instead of slept."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def delivery(
    teams, runtime: Runtime, waits: Waits, clock: SkippingClock
) -> Iterator[TeamsDelivery]:
    settings = TeamsSettings(
        teams.app_id, teams.app_password, teams.tenant_id, teams.openid_url, teams.url
    )
    pacer = Pacer(clock=clock, sleep=clock.sleep)  # Teams' own limits
    outbound = Outbound(pacer, Backoff(first=1.0, most=20.0), waits)
    sending = TeamsDelivery(
        Connector(BotToken(settings)),
        runtime.people,
        Places(runtime.db),
        runtime.actions.today,
        outbound,
    )
    yield sending
    sending.close()


@pytest.fixture
def board_team(teams) -> str:
    return teams.add_team("SEND Improvement Board")


def install(teams, sender, team: str, by, service: str | None = None) -> None:  # noqa: F811
    """The app added to the team by `by`, as Teams says it (optionally from another region)."""
    activity = teams.activities.installation_update(by, team_id=team)
    if service is not None:
        activity["serviceUrl"] = teams.service_url_for(service)
    assert sender.post(activity).status == 200


def person_of(runtime: Runtime, member) -> PersonRef:
    person = runtime.people.by_account(PLATFORM, member.aad_object_id, lambda: None)
    assert person is not None, f"{member.name} is not known to the bot"
    return person


def cards_in(teams, conversation: str) -> list[dict]:
    return [valid_card(a["attachments"][0]["content"]) for a in teams.sent_to(conversation)]


# --- conversation references -----------------------------------------------------------------


def test_installed_in_a_team_everyone_on_its_roster_can_be_reminded_before_they_write(
    teams,
    sender,  # noqa: F811
    runtime,
    delivery,
    board_team,
):
    chair = teams.add_member("Chris Chair", "chair@council.example", teams=(board_team,))
    sam = teams.add_member(
        "Sam Smith", "sam.smith@council.example", teams=(board_team,), personal=False
    )
    install(teams, sender, board_team, chair)
    person = person_of(runtime, sam)
    assert (person.name, person.email) == ("Sam Smith", "sam.smith@council.example")

    delivery.to_person(person, Notice("Your action 6.1 is due in 7 days."))
    chat = teams.personal_conversation(sam)
    assert [c.conversation_id for c in teams.delivered("create_conversation")] == [chat]
    assert "6.1 is due" in str(cards_in(teams, chat))
    # The chat Teams made is kept: the next message needs no new one.
    delivery.to_person(person_of(runtime, sam), Notice("Again"))
    assert len(teams.calls_to("create_conversation")) == 1
    assert len(teams.sent_to(chat)) == 2


def test_members_who_join_the_team_later_are_kept_as_they_join(
    teams,
    sender,  # noqa: F811
    runtime,
    delivery,
    board_team,
):
    chair = teams.add_member("Chris Chair", "chair@council.example", teams=(board_team,))
    install(teams, sender, board_team, chair)
    newcomer = teams.add_member(
        "Nia New", "nia.new@nhs.example", teams=(board_team,), personal=False
    )
    joined = teams.activities.conversation_update(
        chair, team_id=board_team, members_added=[newcomer]
    )
    assert sender.post(joined).status == 200
    delivery.to_person(person_of(runtime, newcomer), Notice("Welcome to the board."))
    assert "Welcome to the board" in str(cards_in(teams, teams.personal_conversation(newcomer)))


def test_a_channel_is_posted_to_through_its_own_teams_service_url(
    teams,
    sender,  # noqa: F811
    runtime,
    delivery,
    board_team,
):
    group_channel = teams.add_channel(board_team, "Working group 1")
    chair = teams.add_member("Chris Chair", "chair@council.example", teams=(board_team,))
    install(teams, sender, board_team, chair, service="emea")
    # Someone writes later through another service URL: the channel's is still its team's.
    pat = teams.add_member("Pat Parent", "pat@forum.example")
    assert sender.post(teams.activities.message(pat, "home")).status == 200
    teams.wait_for(
        "send", predicate=lambda c: c.conversation_id == teams.personal_conversation(pat)
    )

    delivery.to_place(Place(group_channel), Notice("Please send your highlight update."))
    (post,) = [c for c in teams.delivered("send") if c.conversation_id == group_channel]
    assert post.service == "emea"
    assert "highlight update" in str(cards_in(teams, group_channel))


def test_a_channel_in_a_team_the_app_was_never_added_to_is_a_refusal_in_words(delivery):
    with pytest.raises(DeliveryError) as refused:
        delivery.to_place(Place("19:elsewhere@thread.tacv2"), Notice("Hello"))
    assert refused.value.permanent and refused.value.reason == CHANNEL_UNKNOWN


# --- rate limits -----------------------------------------------------------------------------


def test_a_burst_keeps_to_teams_limits_per_conversation_and_per_tenant_without_a_429(
    teams,
    sender,  # noqa: F811
    runtime,
    delivery,
    board_team,
    clock,
):
    members = [
        teams.add_member(f"Member {n}", f"m{n}@council.example", teams=(board_team,))
        for n in range(16)
    ]
    install(teams, sender, board_team, members[0])
    people = [person_of(runtime, m) for m in members]
    teams.reset()
    teams.limit_rate()  # Teams' own: 7 in 1 s, 8 in 2 s … per conversation; 30 a second a tenant

    started = clock()
    for n in range(9):  # one past 8 in 2 s to one channel
        delivery.to_place(Place(board_team), Notice(f"Channel message {n}"))
    for person in people:  # 32 calls (a new chat, then the message): past 30 a second
        delivery.to_person(person, Notice("Your reminder"))

    assert [c for c in teams.calls if c.failed] == []
    assert len(teams.sent_to(board_team)) == 9
    assert all(len(teams.sent_to(teams.personal_conversation(m))) == 1 for m in members)
    assert clock() - started >= 2  # the ninth channel message waited for the 2 s window


# --- failures --------------------------------------------------------------------------------


@pytest.fixture
def sam(teams, sender, runtime, board_team) -> PersonRef:  # noqa: F811
    member = teams.add_member("Sam Smith", "sam.smith@council.example", teams=(board_team,))
    install(teams, sender, board_team, member)
    teams.reset()
    return person_of(runtime, member)


def chat_of(teams, person: PersonRef) -> str:
    member = teams.directory.find_member(person.email or "")
    assert member is not None
    return teams.personal_conversation(member)


def test_a_429_is_waited_out_as_teams_asks_then_sent_once(teams, delivery, waits, sam):
    teams.fail_next("send", status=429, retry_after=3, times=2)
    delivery.to_person(sam, Notice("Due soon"))
    assert len(teams.sent_to(chat_of(teams, sam))) == 1
    assert len(teams.calls_to("send")) == 3
    # At least Retry-After, with a little jitter so that many senders do not retry as one.
    assert len(waits.seconds) == 2 and all(3 <= s <= 3.6 for s in waits.seconds)


def test_a_passing_fault_is_tried_again_with_growing_jittered_waits(teams, delivery, waits, sam):
    for status in (412, 502, 504):
        teams.fail_next("send", status=status, times=2)
        waits.seconds.clear()
        delivery.to_person(sam, Notice(f"After {status}"))
        first, second = waits.seconds
        assert 0.8 <= first <= 1.2 and 1.6 <= second <= 2.4, status
    assert len(teams.sent_to(chat_of(teams, sam))) == 3
    assert len(teams.calls_to("send")) == 9


def test_a_fault_that_outlasts_the_tries_is_given_back_to_the_sweep(teams, delivery, waits, sam):
    teams.fail_next("send", status=502, times=10)
    with pytest.raises(DeliveryError) as failed:
        delivery.to_person(sam, Notice("Due soon"))
    assert not failed.value.permanent
    assert len(teams.calls_to("send")) == Backoff().tries
    assert teams.sent_to(chat_of(teams, sam)) == []


def test_a_refusal_is_permanent_in_words_and_not_tried_again(teams, delivery, waits, sam):
    chat = chat_of(teams, sam)
    for code in ("ConversationBlockedByUser", "BotNotInConversationRoster", "MessageWritesBlocked"):
        teams.block(chat, code)
        with pytest.raises(DeliveryError) as refused:
            delivery.to_person(sam, Notice("Due soon"))
        assert refused.value.permanent, code
        words, _, said_code = refused.value.reason.partition(" — ")
        assert said_code == code and len(words.split()) >= 5  # words an admin can act on
    assert len(teams.calls_to("send")) == 3 and waits.seconds == []


# --- the sweep sends each reminder once ---------------------------------------------------------


@pytest.fixture
def owns_6_1(runtime, sam, monday_morning) -> PersonRef:
    admin = Actor(SlackVoice(runtime).actor(ADMIN).person, is_admin=True)
    owner = mention_marker(sam.id, "Sam Smith")
    runtime.actions.handle(
        admin, f'add 6.1 "Map the local offer" wg 1 owner {owner} due 28/01/2020'
    )
    return sam


def test_a_reminder_that_failed_in_passing_goes_at_the_next_sweep_and_never_again(
    teams, runtime, delivery, owns_6_1
):
    sweep = ReminderSweep(runtime.db, runtime.board, None, runtime.clock)
    teams.fail_next("send", status=500)
    first = sweep.run(delivery, now=WEEK_BEFORE)
    assert [b.recipient.id for b, _ in first.retry_later] == [owns_6_1.id]
    second = sweep.run(delivery, now=WEEK_BEFORE + timedelta(minutes=5))
    assert [b.recipient.id for b in second.sent] == [owns_6_1.id]
    assert sweep.run(delivery, now=WEEK_BEFORE + timedelta(minutes=10)).sent == []
    assert len(teams.sent_to(chat_of(teams, owns_6_1))) == 1


class Crash(BaseException):
    """The clock process dying: nothing in the sweep catches it."""


class CrashAfterSending:
    """Teams takes the message, then the process dies before the sweep records it."""

    def __init__(self, delivery: TeamsDelivery) -> None:
        self.delivery = delivery

    def to_person(self, person: PersonRef, content: object) -> None:
        self.delivery.to_person(person, content)
        raise Crash


def test_a_crash_between_send_and_record_costs_at_most_one_copy(teams, runtime, delivery, owns_6_1):
    with pytest.raises(Crash):
        ReminderSweep(runtime.db, runtime.board, None, runtime.clock).run(
            CrashAfterSending(delivery), now=WEEK_BEFORE
        )
    with runtime.db.session() as session:
        # The dead clock's claim, once its lease has run out (as after a real crash).
        session.execute(
            update(Reminder).values(claimed_at=datetime.now(UTC) - timedelta(minutes=11))
        )
    restarted = ReminderSweep(runtime.db, runtime.board, None, runtime.clock)
    assert [b.recipient.id for b in restarted.run(delivery, now=WEEK_BEFORE).sent] == [owns_6_1.id]
    # The copy Teams took just before the crash went unrecorded: the one duplicate it can cost
    # (storage/reminder_store.py). After that the reminder is recorded and never sent again.
    assert len(teams.sent_to(chat_of(teams, owns_6_1))) == 2
    with runtime.db.session() as session:
        assert set(session.scalars(select(Reminder.state))) == {"sent"}
    assert restarted.run(delivery, now=WEEK_BEFORE + timedelta(hours=1)).sent == []
    assert len(teams.sent_to(chat_of(teams, owns_6_1))) == 2
