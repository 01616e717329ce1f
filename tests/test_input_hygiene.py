"""Control characters, invisible characters and forged layout (issue 10, item 6).

One rule (bot/clean_text.py) wherever text comes in and again wherever it is kept: control
characters and characters that draw nothing are removed, line breaks stay only in multi-line
fields. And in what the bot shows, people's words cannot make the bot's own layout.
"""

import json
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import insert, select, text, update

from bot.clean_text import clean
from bot.reminder_sweep import ReminderSweep
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from slack_standin.signed_requests import select as select_option
from slack_standin.signed_requests import text_input
from storage.database import Database
from storage.models import Action, ActionHistory, ChatAccount, Person, Risk
from tests.conftest import ADMIN, BOT_TOKEN, OTHER, OWNER
from tests.support import plan_state
from tests.support.blockkit import assert_valid_message, flatten
from tests.support.cli import sendbot

NUL, BELL, ESC, DEL = "\x00", "\x07", "\x1b", "\x7f"
RLO, RLI, PDI, LRM = "\u202e", "\u2067", "\u2069", "\u200e"
ZWSP, ZWNJ, ZWJ, WJ, BOM = "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"
VS16, KEYCAP = "\ufe0f", "\u20e3"
LONE_SURROGATE = "\ud800"

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad"


def _no_apology(said: str) -> None:
    assert "Sorry" not in said and "error id" not in said, said


def _latest_note(plan, ref: str) -> str:
    return [h.note for h in plan_state.history(plan, ref) if h.note][-1]


# Every way in, the same result on SQLite and PostgreSQL


@pytest.mark.usefixtures("plan")
@pytest.mark.parametrize(
    "typed",
    [
        f"Met the{NUL} parent carer forum",
        f"Met the parent{BELL} carer{ESC} forum{DEL}",
        f"Met{RLO} the parent{ZWSP} carer forum{BOM}",
    ],
)
def test_a_command_keeps_the_words_without_control_or_invisible_characters(chat, plan, typed):
    said = chat.says(f"note 1.1 {typed}", OWNER)
    _no_apology(said)
    assert "Your note on 1.1 is saved." in said
    assert _latest_note(plan, "1.1") == "Met the parent carer forum"


@pytest.mark.usefixtures("plan")
@pytest.mark.parametrize(
    ("command", "typed", "answer"),
    [
        ("/action", f"show 1{ZWSP}.1{NUL}", "Joint strategic needs assessment for SEND"),
        ("/risk", f"he{WJ}lp", "/risk — the risk register"),
        ("/deadline", f"li{BOM}st{BELL}", "No upcoming deadlines"),
        ("/summary", f"w{ZWNJ}g 1{RLO}", "Working group 1 Understanding of Need"),
    ],
)
def test_every_command_reads_what_was_typed_without_hidden_characters(chat, command, typed, answer):
    said = chat.says(typed, OWNER, command)
    _no_apology(said)
    assert answer in said


@pytest.mark.usefixtures("plan")
def test_a_note_of_nothing_but_invisible_characters_is_empty(chat, plan):
    before = plan_state.snapshot(plan)
    said = chat.says(f"note 1.1 {NUL}{ZWSP}{RLO}", OWNER)
    assert "The note for 1.1 is empty" in said
    assert plan_state.snapshot(plan) == before


@pytest.mark.usefixtures("plan")
def test_a_form_keeps_the_words_and_its_line_breaks_without_control_characters(chat, standin, plan):
    view = chat.press(chat.ask("mine", OWNER), "action_update", "1.1", OWNER)
    answer = chat.sender.submit(
        view,
        {
            "status": select_option("amber"),
            "note": text_input(f"Data{NUL} is late\r\nChasing{LONE_SURROGATE} the CCG"),
            "evidence": text_input(f"Tracker\tshared{RLO} with{ZWSP} schools"),
        },
        OWNER,
    )
    assert (answer.status, answer.body) == (200, "")
    reply = flatten(standin.wait_for_response(chat.last_response_url)[0])
    _no_apology(reply)
    assert "1.1 is now Amber (at risk). Your note is saved." in reply
    assert _latest_note(plan, "1.1") == "Data is late\nChasing the CCG"
    assert plan_state.action(plan, "1.1").evidence == "Tracker shared with schools"


@pytest.mark.usefixtures("plan")
def test_a_form_field_of_nothing_but_invisible_characters_is_refused_as_empty(chat, standin, plan):
    view = chat.press(chat.ask("mine", OWNER), "action_complete", "1.2", OWNER)
    answer = chat.sender.submit(view, {"evidence": text_input(f"{ZWSP}{NUL}{RLO}")}, OWNER)
    assert "describe the evidence" in json.loads(answer.body)["errors"]["evidence"]
    chat.sender.command_request("/risk", "log", OWNER)
    view = standin.wait_for("views.open", count=2)[-1].params["view"]
    answer = chat.sender.submit(
        view,
        {
            "description": text_input(f"{BOM}{LRM}\t"),
            "likelihood": select_option("4"),
            "impact": select_option("5"),
            "owner": {"type": "users_select", "selected_user": OWNER},
        },
        OWNER,
    )
    assert "Describe the risk" in json.loads(answer.body)["errors"]["description"]
    with plan.db.session() as session:
        assert session.scalar(select(Risk.id)) is None
    assert plan_state.action(plan, "1.2").status == "not started"


@pytest.mark.usefixtures("plan")
def test_the_add_form_keeps_a_title_on_one_line(chat, standin, plan):
    chat.sender.command_request("/action", "add", ADMIN)
    view = standin.wait_for("views.open")[0].params["view"]
    answer = chat.sender.submit(
        view,
        {
            "ref": text_input(f"A{ZWSP}9"),
            "title": text_input(f"Co-produce{NUL} the\nLocal{RLO} Offer"),
            "group": select_option("3"),
            "owner": {"type": "users_select", "selected_user": OWNER},
            "due": {"type": "datepicker", "selected_date": "2020-03-31"},
            "source": text_input(f"Board{BELL} 10/12/2019"),
        },
        ADMIN,
    )
    assert (answer.status, answer.body) == (200, "")
    action = plan_state.action(plan, "A9")
    assert (action.ref, action.title, action.source) == (
        "A9",
        "Co-produce the Local Offer",
        "Board 10/12/2019",
    )


@pytest.mark.usefixtures("plan")
@pytest.mark.parametrize("ref", [f"1.1{NUL}", "1.1\n", f"1.1{ZWSP}", f"1{RLO}.1"])
def test_a_button_value_with_a_control_or_hidden_character_does_nothing(chat, standin, plan, ref):
    before = plan_state.snapshot(plan)
    value = json.dumps({"ref": ref, "v": 1})
    said = chat.press_expecting_reply(_button(value), "action_update", ref, OWNER)
    _no_apology(said)
    assert "That button no longer works" in said
    assert standin.calls_to("views.open") == []
    assert plan_state.snapshot(plan) == before


def _button(value: str) -> dict:
    """A message holding one Update button with this value, as a forged payload would."""
    element = {"type": "button", "action_id": "action_update", "value": value}
    return {"blocks": [{"type": "actions", "elements": [element]}]}


# Trojan Source: what others read is what was typed, in order, with nothing hidden


@pytest.mark.usefixtures("plan")
def test_bidi_controls_and_zero_width_characters_are_neither_kept_nor_shown(chat, plan):
    title = f"Fix{RLO} the{ZWSP} forum{RLI} page{PDI}{LRM}"
    said = chat.says(f'add A{ZWSP}9 "{title}" wg 3 owner <@{OWNER}> due 31/03/2020', ADMIN)
    _no_apology(said)
    assert "Added A9, owned by" in said
    action = plan_state.action(plan, "A9")
    assert (action.ref, action.title) == ("A9", "Fix the forum page")
    shown = json.dumps(chat.ask("show A9", OWNER), ensure_ascii=False)
    assert "A9 Fix the forum page" in shown
    assert not set(shown) & set(BIDI + ZERO_WIDTH)


@pytest.mark.usefixtures("plan")
def test_a_ref_with_a_hidden_character_is_the_same_ref(chat, plan):
    said = chat.says(
        f'add 1{ZWSP}.1 "Another assessment" wg 1 owner <@{OWNER}> due 31/03/2020', ADMIN
    )
    assert "There is already an action 1.1." in said
    assert plan_state.action(plan, "1.1").title == "Joint strategic needs assessment for SEND"


@pytest.mark.usefixtures("plan")
def test_a_name_from_a_chat_profile_is_kept_without_invisible_characters(chat, standin, plan):
    standin.add_user("U0NEW0001", f"Sam{RLO} Smith{ZWSP}{NUL}")
    said = chat.says("assign 1.1 <@U0NEW0001>", ADMIN)
    _no_apology(said)
    # The new person only: another test may have named the plan's owner Sam Smith too, in the
    # Slack stand-in every test shares.
    with plan.db.session() as session:
        names = session.scalars(
            select(Person.name)
            .join(ChatAccount, ChatAccount.person_id == Person.id)
            .where(ChatAccount.account_id == "U0NEW0001")
        ).all()
    assert names == ["Sam Smith"]


@pytest.mark.usefixtures("plan")
def test_text_kept_before_this_rule_is_shown_without_invisible_characters(chat, plan):
    # Written around the models, as rows from an older version of the bot would be.
    with plan.db.engine.begin() as connection:
        connection.execute(
            text("UPDATE actions SET title = :title WHERE ref = '1.2'"),
            {"title": f"Publish{RLO} the{ZWSP} dashboard\n*Fake heading*"},
        )
    listed = chat.ask("list wg 1", OWNER)
    assert "*1.2* Publish the dashboard ∗Fake heading∗" in flatten(listed)
    shown = chat.ask("show 1.2", OWNER)
    # A header is plain text, where nothing formats: only the line break had to go.
    assert shown["blocks"][0]["text"]["text"] == "1.2 Publish the dashboard *Fake heading*"
    for message in (listed, shown):
        assert not set(json.dumps(message, ensure_ascii=False)) & set(BIDI + ZERO_WIDTH)


# The database never keeps a control or invisible character, whatever path a value takes


@pytest.mark.usefixtures("plan")
def test_the_database_keeps_no_control_or_invisible_character_on_any_path(plan):
    dirty = f"Review{NUL} the{RLO} local{ZWSP} offer\r\nwith families{LONE_SURROGATE}"
    with plan.db.session() as session:
        action = session.scalars(select(Action).where(Action.ref == "1.1")).one()
        action.title = dirty  # through the model: cleaned as it is set
        assert action.title == "Review the local offer with families"
        action.description = dirty
        session.execute(  # around the model: cleaned as it is sent
            update(Action).where(Action.ref == "1.2").values(title=dirty, evidence=dirty)
        )
        session.execute(
            insert(ActionHistory).values(
                action_id=action.id, event="note", note=dirty, at=datetime.now(UTC)
            )
        )
    with plan.db.session() as session:
        rows = session.execute(
            select(Action.title, Action.description, Action.evidence).order_by(Action.ref_key)
        ).all()
        notes = session.scalars(select(ActionHistory.note).where(ActionHistory.note.isnot(None)))
        assert rows[0][:2] == (
            "Review the local offer with families",
            "Review the local offer\nwith families",
        )
        assert rows[1][0] == "Review the local offer with families"
        assert rows[1][2] == "Review the local offer\nwith families"
        assert "Review the local offer\nwith families" in list(notes)
        # A query's own parameter is cleaned too, so a lookup finds what was kept.
        found = session.scalar(select(Action.ref).where(Action.ref_key == f"1{ZWSP}.1{NUL}"))
        assert found == "1.1"


# Forged layout: a member's words cannot make a heading, a quote or a new line


FORGED = (
    "Staff shortage in the SEND team\n*Fake heading*\n> All actions are on track\n_done_ ~x~ `y`"
)
ONE_LINE = (
    "Staff shortage in the SEND team ∗Fake heading∗ &gt; All actions are on track ˍdoneˍ ∼x∼ ˋyˋ"
)


def _log_forged_risk(chat, standin, user: str = OTHER) -> None:
    chat.sender.command_request("/risk", "log", user)
    view = standin.wait_for("views.open")[0].params["view"]
    answer = chat.sender.submit(
        view,
        {
            "description": text_input(FORGED),
            "likelihood": select_option("4"),
            "impact": select_option("5"),
            "owner": {"type": "users_select", "selected_user": user},
        },
        user,
    )
    assert (answer.status, answer.body) == (200, "")
    standin.wait_for("chat.postMessage")


def _assert_not_forged(message: dict) -> None:
    assert_valid_message(message)
    said = flatten(message)
    (line,) = [line for line in said.splitlines() if "Staff shortage" in line]
    assert ONE_LINE in line
    assert "*Fake heading*" not in said and "_done_" not in said
    assert not [row for row in said.splitlines() if row.startswith(("&gt;", ">", "*Fake"))]


@pytest.mark.usefixtures("plan")
def test_a_members_risk_cannot_forge_the_layout_of_summary_here(chat, slack, standin, plan):
    _log_forged_risk(chat, standin)
    with plan.db.session() as session:
        assert session.scalar(select(Risk.description)) == FORGED  # kept as typed
    answer = slack.command("/summary", "here", ADMIN)
    assert answer["response_type"] == "in_channel"
    _assert_not_forged(answer)
    _assert_not_forged(slack.command("/summary", "risks here", ADMIN))


@pytest.mark.usefixtures("plan")
def test_a_members_risk_cannot_forge_the_layout_of_the_weekly_digest(chat, standin, plan):
    _log_forged_risk(chat, standin)
    standin.reset()
    sweep = ReminderSweep(plan.db, plan.board, "C0BOARD01", plan.clock, plan.summaries.digest)
    sender = SlackDelivery(web_client(BOT_TOKEN, standin.url), plan.clock.today)
    sweep.run(sender, now=datetime(2020, 1, 20, 9, 5, tzinfo=UTC))
    posts = [c for c in standin.delivered("chat.postMessage") if c.params["channel"] == "C0BOARD01"]
    (digest,) = [p.params for p in posts if "Weekly digest" in flatten(p.params)]
    _assert_not_forged(digest)


@pytest.mark.usefixtures("plan")
def test_a_multi_line_description_keeps_its_lines_under_the_bots_label_without_markup(
    chat, standin
):
    _log_forged_risk(chat, standin)
    said = chat.says("show R1", OWNER, "/risk")
    assert (
        "Staff shortage in the SEND team\n∗Fake heading∗\n˃ All actions are on track\n"
        "ˍdoneˍ ∼x∼ ˋyˋ"
    ) in said


@pytest.mark.usefixtures("plan")
def test_an_emoji_code_and_a_word_with_underscores_are_shown_as_typed(chat, plan):
    title = "Publish SEND_local_offer :white_check_mark:"
    chat.says(f'add 3.9 "{title}" wg 3 owner <@{OWNER}> due 31/03/2020', ADMIN)
    assert f"*3.9* {title}" in chat.says("list wg 3", OWNER)


# The cleaning rule itself

# Zero-width and other invisible characters, and the interlinear annotation characters that
# some programs use to hide text.
BANNED_ALWAYS = set(BIDI) | set(
    "\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\ufff9\ufffa\ufffb"
)


def _visible(text: str) -> list[str]:
    """What a reader sees: letters, marks, numbers, punctuation and symbols (not spaces)."""
    return [
        c for c in text if unicodedata.category(c)[0] in "LMNPS" and clean(c, multiline=True) == c
    ]


texts = st.text(
    st.characters(codec="utf-8")
    | st.sampled_from(
        sorted(BANNED_ALWAYS) + [NUL, "\r", "\n", "\t", ZWJ, ZWNJ, VS16, KEYCAP, "👩", "💻", "1"]
    )
)


@given(texts, st.booleans())
@example(f"A{ZWSP}1", False)
@example("Read this\ufff9 not this\ufffa\ufffb", False)
@example(f"👩{ZWJ}💻 A{ZWJ}1", True)
def test_cleaning_is_idempotent_and_never_leaves_a_banned_character(typed, multiline):
    cleaned = clean(typed, multiline=multiline)
    assert clean(cleaned, multiline=multiline) == cleaned
    assert not set(cleaned) & BANNED_ALWAYS
    controls = {c for c in cleaned if unicodedata.category(c) in ("Cc", "Cs")}
    assert controls <= ({"\n"} if multiline else set())
    for i, char in enumerate(cleaned):
        if char == ZWJ:  # kept only inside an emoji sequence or after a virama
            assert i and (
                unicodedata.combining(cleaned[i - 1]) == 9
                or unicodedata.category(cleaned[i + 1]) == "So"
            )


@given(texts, st.booleans())
def test_cleaning_keeps_every_visible_character_in_order(typed, multiline):
    assert _visible(clean(typed, multiline=multiline)) == _visible(typed)


@pytest.mark.parametrize(
    "kept",
    [
        "Young People’s Forum — 0–25 SEND",
        f"👩{ZWJ}💻 and ❤{VS16}{ZWJ}🔥 and 👍🏽",  # emoji joined and toned
        f"1{VS16}{KEYCAP} #{VS16}{KEYCAP}",  # keycaps
        "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # England
        f"\u0915\u094d{ZWJ}\u0937",  # a joiner after a virama (Devanagari)
        "نص عربي and עברית",  # right-to-left scripts need no controls to read right
    ],
)
def test_cleaning_keeps_what_people_see(kept):
    assert clean(kept, multiline=False) == kept


# An import: whatever the importer does with its cells, the database keeps them clean


def test_an_import_with_control_and_invisible_characters_keeps_clean_text(
    database_url, standin, tmp_path
):
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "ref,title,working_group,owner,due,description\n"
        f'1.1,"Joint{NUL} needs{RLO} assessment{ZWSP}",1,U0TOM0001,31/01/2020,"Data{BELL} late\n'
        f'Chasing{NUL} it"\n',
        encoding="utf-8",
    )
    env = {"DATABASE_URL": database_url, "SLACK_API_URL": standin.url, "SLACK_BOT_TOKEN": BOT_TOKEN}
    done = sendbot("import", str(plan), cwd=tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert "Created 1 action: 1.1" in done.stdout and "Traceback" not in done.stderr
    db = Database(database_url)
    try:
        with db.session() as session:
            row = session.execute(select(Action.title, Action.description)).one()
    finally:
        db.dispose()
    assert tuple(row) == ("Joint needs assessment", "Data late\nChasing it")
    # The importer compares cleaned cells with what is stored: the same file again changes nothing.
    again = sendbot("import", str(plan), cwd=tmp_path, **env)
    assert again.returncode == 0, again.stderr
    assert "Updated" not in again.stdout and "Unchanged: 1 action" in again.stdout, again.stdout
