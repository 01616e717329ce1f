"""The command line, run as a separate process exactly as an operator would run it."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from slack_standin.signed_requests import SIGNING_SECRET, SlackSender
from tests.conftest import BOT_TOKEN
from tests.support.cli import clean_env, sendbot

PLAN = """ref,title,working_group,owner,due,area,status
1.1,Joint strategic needs assessment,1,priya@council.example,31/01/2020,1,green
2.1,Speech and language therapy review,Commissioning,U0TOM0001,2020-02-28,2;3,
"""


@pytest.fixture
def env(database_url: str, standin, tmp_path: Path) -> dict[str, str]:
    standin.add_user("U0PRIYA01", "Priya Shah", email="priya@council.example")
    return {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": standin.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
    }


@pytest.mark.slow(14)
def test_import_creates_actions_resolving_emails_then_export_writes_them(env, tmp_path, standin):
    standin.add_user("U0TOM0001", "tom", real_name="Tom Reid")
    plan = tmp_path / "plan.csv"
    plan.write_text(PLAN, encoding="utf-8")
    done = sendbot("import", str(plan), cwd=tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert "Created 2 actions: 1.1, 2.1" in done.stdout
    assert [c.params["email"] for c in standin.calls_to("users.lookupByEmail")] == [
        "priya@council.example"
    ]
    again = sendbot("import", str(plan), cwd=tmp_path, **env)
    assert "Unchanged: 2 actions" in again.stdout

    out = tmp_path / "plan.xlsx"
    exported = sendbot("export", str(out), cwd=tmp_path, **env)
    assert exported.returncode == 0 and "Wrote 2 actions" in exported.stdout
    sheet = openpyxl.load_workbook(out)["Actions"]
    rows = list(sheet.iter_rows(values_only=True))
    refs = [r[0] for r in rows[1:]]
    assert refs == ["1.1", "2.1"]
    # Owners are people with names: from users.lookupByEmail, or users.info for a typed ID.
    owners = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [(o["Owner account"], o["Owner"]) for o in owners] == [
        ("U0PRIYA01", "Priya Shah"),
        ("U0TOM0001", "Tom Reid"),
    ]


@pytest.mark.slow(19)
def test_a_file_with_errors_imports_nothing_and_names_every_bad_row(env, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text(
        PLAN + "3.1,Bad date,3,U0JO00001,31/02/2020,,\n4.1,Nobody,4,u0nobody1,01/03/2020,,\n",
        encoding="utf-8",
    )
    done = sendbot("import", str(plan), cwd=tmp_path, **env)
    assert done.returncode == 1
    assert "Line 4: due: There is no 31 February 2020." in done.stdout
    assert "Line 5: owner: “u0nobody1” is not a Slack user ID, an email address or a name" in (
        done.stdout
    )
    assert "Nothing was imported" in done.stdout
    exported = sendbot("export", str(tmp_path / "out.csv"), cwd=tmp_path, **env)
    assert "Wrote 0 actions" in exported.stdout

    skipped = sendbot("import", str(plan), "--skip-invalid", cwd=tmp_path, **env)
    assert skipped.returncode == 0
    assert "Created 2 actions: 1.1, 2.1" in skipped.stdout
    assert "Left out 2 rows with problems" in skipped.stdout


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"PORT": "abc"}, "PORT is malformed"),
        (
            {"SLACK_BOT_TOKEN": "not-a-token"},
            "SLACK_BOT_TOKEN is malformed: it should start with xoxb-",
        ),
        ({"BOT_ADMINS": "U0ADMIN01,bob"}, "BOT_ADMINS is malformed: 'bob' is not a Slack user ID"),
        ({"BOT_TIMEZONE": "Mars/Olympus"}, "BOT_TIMEZONE is malformed"),
        (
            {"BOARD_CONFIG": "missing.toml"},
            "BOARD_CONFIG is wrong: there is no file at missing.toml",
        ),
        ({"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET is missing"),
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN is missing"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL is malformed"),
        ({"HOST": "bot council"}, "HOST is malformed: 'bot council' is not an IP address"),
        ({"HOST": "192.0.2.1"}, "HOST is wrong: this computer can't listen on 192.0.2.1"),
        ({"HOST": "no-such-host.invalid"}, "HOST is wrong: no-such-host.invalid has no address"),
        (
            {"SLACK_API_URL": "http://slack-proxy.council.example/api/"},
            "SLACK_API_URL must use https://: plain http:// to slack-proxy.council.example "
            "would send the bot's token unencrypted",
        ),
    ],
)
def test_a_bad_setting_stops_serve_with_one_line_naming_it(tmp_path, settings, message):
    base = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    done = sendbot("serve", cwd=tmp_path, timeout=30, **{**base, **settings})
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"sendbot: {done.stderr.strip()[9:]}"]
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_wrong_board_file_is_named_with_the_key(tmp_path):
    board = tmp_path / "board.toml"
    board.write_text('[[working_groups]]\nnumber = "one"\nname = "X"\n', encoding="utf-8")
    done = sendbot("export", str(tmp_path / "x.csv"), cwd=tmp_path, BOARD_CONFIG=str(board))
    assert done.returncode == 2
    assert "working_groups[0].number must be a whole number" in done.stderr


def test_settings_are_read_from_a_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text("PORT=notaport\n", encoding="utf-8")
    done = sendbot("serve", cwd=tmp_path, timeout=30)
    assert "PORT is malformed" in done.stderr


def test_db_upgrade_applies_migrations(tmp_path):
    done = sendbot("db", "upgrade", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}")
    assert done.returncode == 0 and "up to date" in done.stdout
    assert (tmp_path / "new.db").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_health_checks_and_signed_commands(env, tmp_path, standin):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sendbot", "serve"],
        cwd=tmp_path,
        env=clean_env(**env, SLACK_SIGNING_SECRET=SIGNING_SECRET, PORT=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        health = _wait_for_health(url, process)
        assert health == {"ok": True, "database": "ok"}
        answer = SlackSender(url, standin).command("/action", "help", "U0ANYONE1")
        assert "/action mine" in json.dumps(answer)
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output


def test_a_port_in_use_stops_serve_with_one_line_naming_it(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = sendbot(
            "serve",
            cwd=tmp_path,
            timeout=30,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            HOST="127.0.0.1",
            PORT=str(port),
        )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == f"sendbot: PORT is in use: another program listens on port {port}.\n"


def test_serve_listens_only_on_host(env, tmp_path, standin):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sendbot", "serve"],
        cwd=tmp_path,
        env=clean_env(**env, SLACK_SIGNING_SECRET=SIGNING_SECRET, PORT=str(port), HOST="127.0.0.2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert _wait_for_health(f"http://127.0.0.2:{port}", process)["ok"]
        # Every address of this computer would answer had it bound 0.0.0.0, as it used to.
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        process.terminate()
        process.communicate(timeout=10)


def _wait_for_health(url: str, process: subprocess.Popen) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.1)  # the server is still starting; not a clock wait
    raise AssertionError("sendbot serve did not start within 30 seconds")


@pytest.mark.slow(14)
def test_demo_plays_the_conversation_and_exits_0(tmp_path):
    done = sendbot("demo", cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Created 12 actions" in out
    assert "Priya Shah types:  /action mine" in out
    assert "1.1 is complete — thank you." in out
    assert "Only the owner of 1.2 (@Priya Shah)" in out
    assert "Added 3.4, owned by @Jo Evans." in out
    assert "4.2 is now due on 30 September 2020 (originally 30 June 2020)." in out
    assert "Tue 14 Jan 2020:" in out and "sent to #send-board: weekly digest" in out
    assert "sent to Jo Evans: 3.1 overdue — due Friday 17 January 2020 (3 days overdue)" in out
    assert "3.3 overdue, to the group lead — due Tuesday 21 January 2020 (15 days overdue)" in out
    assert "Sat 18 Jan 2020" not in out  # nothing goes out at weekends
    assert "R1 now scores 8 (medium), down from 16." in out
    assert "score 8 (medium) ↓ falling" in out
    assert "sent to Alex Carter: R1 risk review" in out
    assert "Cllr Jane Morgan types:  /summary visit" in out
    assert "SEND Improvement Board — where the plan stands" in out
    assert "Monitoring visit readiness" in out
    # Issue 12: the red action named, readiness true on the eve of the visit, a new date asked
    # for and approved by the chair, a lead's highlight update in the chair's summary.
    assert "🔴 Red · 2.2 Review the commissioning of speech and language therapy" in out
    assert "1 of 10 open actions (10%) have been updated since the plan started" in out
    assert "Approved: 3.4 is now due on 28 February 2020." in out
    assert "Your request was approved: 3.4 is now due on 28 February 2020" in out
    assert "Achievements: JSNA chapter on SEND published" in out
    assert "evidence sent" in out
    output = tmp_path / "sendbot-demo-output"
    assert (output / "send-plan-2020-02-05.xlsx").stat().st_size > 1000
    assert (output / "brag-2020-02-05.png").read_bytes().startswith(b"\x89PNG")
    # Issue 14: the demo ends with the board pack and the family-friendly draft in its folder.
    assert (output / "board-pack-2020-02-05.docx").read_bytes().startswith(b"PK")
    assert "<h2>" in (output / "family-update.html").read_text(encoding="utf-8")
    assert (output / "family-update.md").read_text(encoding="utf-8").startswith("# ")
    assert "Draft 1 of the family-friendly update is ready" in out
    assert "Traceback" not in out + done.stderr
