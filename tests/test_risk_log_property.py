"""Property: any text given to `/risk log` logs exactly one risk, or opens the form, or answers
with a reason — and in the last two cases writes nothing."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.board_config import default_board
from bot.board_sync import sync_board
from bot.errors import UserError
from bot.results import Notice
from bot.risk_service import RiskForm, RiskService
from sendbot.identities import find_lead
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Risk, RiskHistory
from tests.support.speak import core_actor

TOKENS = [
    "L4",
    "I5",
    "L0",
    "I6",
    "Lx",
    "I?",
    "l2",
    "likelihood",
    "impact",
    "3",
    "9",
    "x",
    "owner",
    "<@U0ABC1234|sam>",
    "@sam",
    "wg",
    "1",
    "7",
    "review",
    "31/02/2020",
    "6/2/2020",
    "6 Feb 2020",
    '"',
    "“",
    "<!channel>",
    "&amp;",
    "R1",
    "I",
    "It",
    "Lack",
]
texts = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(TOKENS)), max_size=12).map(
    " ".join
)


@pytest.fixture(scope="module")
def risks(tmp_path_factory) -> RiskService:
    path: Path = tmp_path_factory.mktemp("risk-property") / "risks.db"
    upgrade(f"sqlite:///{path}")
    db = Database(f"sqlite:///{path}")
    sync_board(db, default_board(), find_lead)
    return RiskService(db)


def _counts(risks: RiskService) -> tuple[int, int]:
    with risks.db.session() as session:
        return (
            session.scalar(select(func.count(Risk.id))),
            session.scalar(select(func.count(RiskHistory.id))),
        )


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts)
def test_risk_log_logs_one_risk_or_writes_nothing(risks, text):
    before = _counts(risks)
    try:
        outcome = risks.handle(core_actor(risks.db, "U0OWNER01"), "log " + text)
    except UserError as error:
        assert error.reason and "\n" not in str(error.reason)
        assert _counts(risks) == before
        return
    after = _counts(risks)
    if isinstance(outcome.result, RiskForm):
        assert after == before
    else:
        assert isinstance(outcome.result, Notice)
        assert after == (before[0] + 1, before[1] + 1)
