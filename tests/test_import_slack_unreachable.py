"""`sendbot import` when Slack can't be reached (issue 10, item 8): one line saying so and what
to check, instead of a hundred-line traceback, and nothing written."""

import socket

import pytest
from sqlalchemy import func, select

from storage.database import Database
from storage.models import Action, Person
from tests.conftest import BOT_TOKEN
from tests.support.cli import sendbot


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# An owner by email is looked up with users.lookupByEmail; one by user ID, with users.info.
@pytest.mark.parametrize("owner", ["priya@council.example", "U0PRIYA01"])
def test_slack_out_of_reach_is_one_line_and_nothing_is_written(tmp_path, database_url, owner):
    plan = tmp_path / "plan.csv"
    plan.write_text(f"ref,title,working_group,owner,due\n1.1,A,1,{owner},31/03/2020\n")
    api_url = f"http://127.0.0.1:{closed_port()}/api/"

    done = sendbot(
        "import",
        str(plan),
        cwd=tmp_path,
        DATABASE_URL=database_url,
        SLACK_API_URL=api_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
    )

    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"sendbot: Slack could not be reached at {api_url} (Connection refused), so the plan's "
        "owners can't be looked up. Check SLACK_API_URL and the network connection, then "
        "import again. Nothing was imported."
    ]
    db = Database(database_url)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Action)) == 0
        assert session.scalar(select(func.count()).select_from(Person)) == 0
    db.dispose()
