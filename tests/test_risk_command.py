"""`/risk`, every subcommand, scoring, bands, trend and the forms (SPEC §2, §3; issue 4)."""

import json

import pytest
from sqlalchemy import func, select

from slack_standin.signed_requests import select as select_option
from slack_standin.signed_requests import text_input
from storage.models import Risk, RiskHistory
from tests.conftest import ADMIN, OTHER, OWNER
from tests.support.blockkit import assert_valid_view, flatten

pytestmark = pytest.mark.usefixtures("plan")

CAPACITY = "No SEND project manager in post, so evidence for the visit is late"


def risk_count(runtime) -> tuple[int, int]:
    with runtime.db.session() as session:
        return (
            session.scalar(select(func.count(Risk.id))),
            session.scalar(select(func.count(RiskHistory.id))),
        )


def log(chat, text: str, user: str = OWNER) -> str:
    return chat.says(f"log {text}", user, "/risk")


def test_anyone_logs_a_risk_inline_and_owns_it_by_default(chat, plan):
    said = log(chat, f"{CAPACITY} L4 I4 wg 1 review 6/2/2020", OTHER)
    assert "Logged R1: score 16 (high), owned by" in said and f"<@{OTHER}>" in said
    shown = chat.says("show R1", OWNER, "/risk")
    assert CAPACITY in shown
    assert "*score 16 (high)* · likelihood 4 (likely) × impact 4 (major)" in shown
    assert "*Working group:* 1 Understanding of Need" in shown
    assert "*Review:* 6 February 2020" in shown


@pytest.mark.parametrize(
    "scores", ["L4 I5", "I5 L4", "likelihood 4 impact 5", "impact 5 likelihood 4", "l4 i5"]
)
def test_scores_are_read_in_any_order_and_either_form(chat, plan, scores):
    assert "score 20 (high)" in log(chat, f"Funding ends {scores}")


def test_the_owner_can_be_someone_else(chat, plan):
    log(chat, f"Data sharing stalls L3 I3 owner <@{OTHER}|sam>")
    assert f"owner <@{OTHER}>" in chat.says("list", OWNER, "/risk")


@pytest.mark.parametrize(
    ("scores", "reason"),
    [
        ("L0 I3", "“L0” is not a likelihood score"),
        ("L3 I6", "“I6” is not a impact score"),
        ("Lx I3", "“Lx” is not a likelihood score"),
        ("likelihood 9 impact 2", "“likelihood 9” is not a likelihood score"),
        ("L3 L4 I2", "The likelihood is given twice"),
        ("L3 I3 review 31/02/2020", "review: There is no 31 February 2020."),
    ],
)
def test_bad_scores_get_a_clear_reason_and_nothing_is_written(chat, plan, scores, reason):
    before = risk_count(plan)
    said = log(chat, f"Something bad {scores}")
    assert reason in said
    assert "Usage: `/risk log" in said
    assert risk_count(plan) == before


def test_a_log_without_scores_opens_the_form_filled_in(chat, standin, plan):
    chat.sender.command_request("/risk", f"log {CAPACITY} L4 wg 1", OWNER)
    view = standin.wait_for("views.open")[0].params["view"]
    assert_valid_view(view)
    blocks = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert blocks["description"]["initial_value"] == CAPACITY
    assert blocks["likelihood"]["initial_option"]["value"] == "4"
    assert "initial_option" not in blocks["impact"]
    assert blocks["group"]["initial_option"]["value"] == "1"
    assert blocks["owner"]["initial_user"] == OWNER
    assert risk_count(plan) == (0, 0)


def test_the_log_form_shows_the_scale_names(chat, standin):
    chat.sender.command_request("/risk", "log", OWNER)
    view = standin.wait_for("views.open")[0].params["view"]
    said = json.dumps(view)
    for name in ("1 Rare", "5 Almost certain", "1 Insignificant", "5 Catastrophic"):
        assert name in said


def _log_form(chat, standin):
    chat.sender.command_request("/risk", "log", OWNER)
    return standin.wait_for("views.open")[0].params["view"]


def test_submitting_the_log_form_logs_the_risk(chat, standin, plan):
    view = _log_form(chat, standin)
    answer = chat.sender.submit(
        view,
        {
            "description": text_input(CAPACITY),
            "likelihood": select_option("4"),
            "impact": select_option("3"),
            "owner": {"type": "users_select", "selected_user": ADMIN},
            "group": select_option("1"),
            "mitigation": text_input("Interim cover from the inclusion team"),
            "review": {"type": "datepicker", "selected_date": "2020-02-06"},
        },
        OWNER,
    )
    assert (answer.status, answer.body) == (200, "")
    dm = standin.wait_for("chat.postMessage")[0]
    assert "Logged R1: score 12 (medium)" in flatten(dm.params)
    assert "Interim cover from the inclusion team" in chat.says("show R1", OWNER, "/risk")


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"description": text_input("   ")}, "description", "Describe the risk"),
        ({"likelihood": select_option(None)}, "likelihood", "Choose the likelihood"),
        ({"impact": select_option("9")}, "impact", "Choose the impact"),
        ({"group": select_option("8")}, "group", "There is no working group 8"),
    ],
)
def test_a_bad_log_form_is_refused_beside_the_field(chat, standin, plan, values, field, reason):
    view = _log_form(chat, standin)
    good = {
        "description": text_input(CAPACITY),
        "likelihood": select_option("2"),
        "impact": select_option("2"),
        "owner": {"type": "users_select", "selected_user": OWNER},
    }
    answer = chat.sender.submit(view, {**good, **values}, OWNER)
    errors = json.loads(answer.body)["errors"]
    assert reason in errors[field]
    assert risk_count(plan) == (0, 0)


@pytest.mark.parametrize(
    ("scores", "band"),
    [("L1 I4", "low"), ("L1 I5", "medium"), ("L3 I4", "medium"), ("L3 I5", "high")],
)
def test_band_boundaries_4_5_and_12_15(chat, scores, band):
    assert f"({band})" in log(chat, f"Boundary {scores}")


@pytest.mark.parametrize(
    ("rescore", "arrow", "words"),
    [
        ("L5", "↑ rising", "up from 16"),
        ("L2", "↓ falling", "down from 16"),
        ("L4 I4", "→ steady", "unchanged at 16"),
    ],
)
def test_rescoring_works_out_the_trend_and_lists_show_its_arrow(chat, rescore, arrow, words):
    log(chat, f"{CAPACITY} L4 I4")
    assert words in chat.says(f"update R1 {rescore} Reviewed at the board", OWNER, "/risk")
    assert arrow in chat.says("list", OTHER, "/risk")
    shown = chat.says("show R1", OTHER, "/risk")
    assert "Rescored 16 →" in shown and "Reviewed at the board" in shown


def test_a_note_without_scores_keeps_the_score(chat):
    log(chat, f"{CAPACITY} L4 I4")
    assert "Your note on R1 is saved" in chat.says("update R1 Interviews next week", OWNER, "/risk")
    assert "*score 16 (high)*" in chat.says("show R1", OWNER, "/risk")


def test_update_with_nothing_opens_the_review_form(chat, standin):
    log(chat, f"{CAPACITY} L4 I4")
    chat.sender.command_request("/risk", "update R1", OWNER)
    view = standin.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "risk_update_modal"
    answer = chat.sender.submit(
        view,
        {
            "likelihood": select_option("2"),
            "impact": select_option("4"),
            "note": text_input("Project manager appointed"),
        },
        OWNER,
    )
    assert (answer.status, answer.body) == (200, "")
    assert "*score 8 (medium)* ↓ falling" in chat.says("show R1", OWNER, "/risk")


def test_only_the_owner_or_an_admin_updates_or_closes(chat, plan):
    log(chat, f"{CAPACITY} L4 I4")
    before = risk_count(plan)
    for text in ("update R1 L1", "close R1", "update R1"):
        said = chat.says(text, OTHER, "/risk")
        assert f"Only the owner of R1 (<@{OWNER}>) or an admin" in said
    assert risk_count(plan) == before
    assert "now scores 4" in chat.says("update R1 L1 I4", ADMIN, "/risk")


def test_closing_a_risk_takes_it_off_the_open_list(chat):
    log(chat, f"{CAPACITY} L4 I4")
    assert "R1 is closed" in chat.says("close R1 Post filled", OWNER, "/risk")
    assert "No risks match" in chat.says("list", OWNER, "/risk")
    assert "*R1*" in chat.says("list closed", OWNER, "/risk")
    assert "*R1*" in chat.says("list all", OWNER, "/risk")
    assert "already closed" in chat.says("close R1", OWNER, "/risk")
    assert "is closed, so it can't be changed" in chat.says("update R1 L2", OWNER, "/risk")


def test_lists_are_highest_score_first_and_filter(chat):
    log(chat, "Low one L1 I1 wg 2")
    log(chat, "High one L5 I5 wg 1")
    log(chat, "Middle one L2 I3 wg 1")
    said = chat.says("list", OWNER, "/risk")
    assert said.index("High one") < said.index("Middle one") < said.index("Low one")
    high = chat.says("list high", OWNER, "/risk")
    assert "High one" in high and "Middle one" not in high
    wg1 = chat.says("list wg 1", OWNER, "/risk")
    assert "Low one" not in wg1 and "Middle one" in wg1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("show R9", "There is no risk R9"),
        ("show 9", "“9” is not a risk reference"),
        ("list purple", "I don't know the filter “purple”"),
        ("list wg", "“wg” needs a working group number"),
        ("log L3 I3", "Describe the risk before its scores"),
        ("reopen R1", "I don't know “reopen”"),
    ],
)
def test_bad_risk_input_gets_a_reason(chat, text, reason):
    assert reason in chat.says(text, OWNER, "/risk")


def test_help_lists_every_subcommand(chat):
    said = chat.says("help", OWNER, "/risk")
    for usage in (
        "/risk list",
        "/risk show REF",
        "/risk log TEXT",
        "/risk update REF",
        "/risk close",
    ):
        assert usage in said


def test_risk_text_comes_back_escaped(chat):
    # What a person typed as "<!channel> panic & <@U0FORGED1>" reaches us escaped by Slack; it
    # is stored as typed and must be escaped again on the way out, so it can never ping.
    log(chat, "&lt;!channel&gt; panic &amp; &lt;@U0FORGED1&gt; L2 I2")
    for said in (chat.ask("list", OWNER, "/risk"), chat.ask("show R1", OWNER, "/risk")):
        body = json.dumps(said, ensure_ascii=False)
        assert "<!channel>" not in body and "<@U0FORGED1>" not in body
        assert "&lt;!channel&gt; panic &amp; &lt;@U0FORGED1&gt;" in body


def test_a_review_date_in_words_is_read_against_today(chat, plan):
    said = log(chat, f"{CAPACITY} L4 I4 wg 1 review in 2 weeks", OTHER)
    assert "Logged R1" in said
    with plan.db.session() as session:
        risk = session.scalars(select(Risk)).one()
        assert (risk.description, risk.review_date.isoformat()) == (CAPACITY, "2020-02-03")


@pytest.mark.parametrize(
    ("after", "reason"),
    [
        ("review next month", "review: “next month” is not a date I understand — try"),
        ("wg 1 review soon", "review: “soon” is not a date I understand"),
        (
            "review in 2 weeks then chase",
            "I couldn't place “then chase” — after the scores give only owner @user, wg N or "
            "review DATE, and put the description before the scores.",
        ),
        ("owner bob", "“bob” is not someone I can find"),
        ("wg one", "“wg” needs a working group number, like wg 2, not “one”."),
    ],
)
def test_words_after_the_scores_are_never_folded_into_the_description(chat, plan, after, reason):
    before = risk_count(plan)
    typed = f"log {CAPACITY} L4 I4 {after}"
    said = chat.says(typed, OWNER, "/risk")
    assert reason in said
    assert "Usage: `/risk log TEXT L&lt;n&gt; I&lt;n&gt;" in said
    assert f"```/risk {typed}```" in said  # handed back whole
    assert risk_count(plan) == before
