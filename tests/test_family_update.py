"""The family-friendly update ("You said, we did", issue 14): a draft made by an admin, sent to
them as files, approved before it is shared; plain English (Flesch reading ease 60 or more), no
stored person's name or action ref, every acronym spelled out, accessible HTML."""

import re
from dataclasses import replace
from pathlib import Path

import pytest
import textstat
from sqlalchemy import select

from bot.family_drafts import plain_text
from bot.plain_words import ACRONYMS, WELL_KNOWN, _plural
from sendbot.demo_story import board_toml
from sendbot.settings import Settings
from storage.database import Database
from storage.models import Action, Person
from storage.models import FamilyUpdate as DraftRow
from tests.conftest import ADMIN, OTHER, OWNER
from tests.support.blockkit import assert_valid_message, flatten
from tests.support.cli import operator_settings, sendbot

HERE = Path(__file__).parent / "family"
BOARD_CHANNEL = "C0BOARD01"
PEOPLE = {
    "U0PRIYA01": ("Priya Shah", "priya.shah@council.example"),
    "U0TOMRE01": ("Tom Reid", "tom.reid@nhs.example"),
    "U0ANNAK01": ("Anna Kowalska", "anna.kowalska@nhs.example"),
    "U0ALEXC01": ("Alex Carter", "alex.carter@council.example"),
    "U0JOEVA01": ("Jo Evans", "jo.evans@parentforum.example"),
    "U0CHRIS01": ("Chris Obi", "chris.obi@council.example"),
    "U0MARIA01": ("Maria Lopez", "maria.lopez@school.example"),
}


# --- what a family reads ----------------------------------------------------------------------


def stored_names_and_refs(database_url: str) -> set[str]:
    """Every stored person's name, each part of it of 3 letters or more, and every ref."""
    db = Database(database_url)
    try:
        with db.session() as session:
            names = [n for n in session.scalars(select(Person.name)) if n]
            refs = set(session.scalars(select(Action.ref)))
    finally:
        db.dispose()
    parts = {p for n in names for p in n.split() if len(p) >= 3}
    assert names and refs  # a check over nothing would pass whatever the update said
    return set(names) | parts | refs


def assert_no_hidden_words(text: str, hidden: set[str]) -> None:
    text = re.sub(r'src="data:[^"]*"', "", text)  # the picture's bytes are not words
    for word in hidden:
        pattern = rf"(?<![\w.]){re.escape(word)}(?![\w]|\.\d)"
        assert not re.search(pattern, text, re.I), f"{word!r} appears in the update"


def assert_acronyms_spelled_out_first(text: str) -> None:
    for short, full in ACRONYMS.items():
        if short in WELL_KNOWN:
            continue
        found = re.search(rf"(?<![\w(]){short}s?(?!\w)|\({short}s?[,)]", text)
        if found is None:
            continue
        before = text[: found.start()].rstrip().lower()
        assert found[0].startswith("("), f"{short} is used before it is spelled out"
        words = full.partition(" (")[0]  # a note in brackets follows the short form
        assert before.endswith((words.lower(), _plural(words).lower())), short


def readable(markdown: str) -> float:
    return textstat.flesch_reading_ease(plain_text(markdown))


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    light, dark = sorted((relative_luminance(one), relative_luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_accessible_html(html: str) -> None:
    assert re.search(r'<html lang="en(-GB)?">', html)
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"a heading skips from h{before} to h{after}"
    (img,) = re.findall(r"<img [^>]*>", html)
    alt = re.search(r'alt="([^"]*)"', img)
    assert alt and alt[1].strip()
    style = re.search(r"<style>(.*)</style>", html, re.S)[1]
    backgrounds = re.findall(r"background(?:-color)?:\s*(#[0-9a-fA-F]{6})", style)
    colours = re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", style)
    assert backgrounds and colours
    for text_colour in colours:
        for background in backgrounds:
            assert contrast(text_colour, background) >= 4.5, (text_colour, background)


def assert_fit_for_families(markdown: str, html: str, database_url: str) -> None:
    assert readable(markdown) >= 60
    hidden = stored_names_and_refs(database_url)
    assert_no_hidden_words(markdown, hidden)
    assert_no_hidden_words(html, hidden)
    assert_acronyms_spelled_out_first(plain_text(markdown))
    assert_accessible_html(html)


def test_the_checks_fail_on_what_they_guard_against():
    """Each check above refuses the fault it is there to catch."""
    with pytest.raises(AssertionError):
        assert_no_hidden_words("By May, Priya Shah will publish it.", {"Shah"})
    with pytest.raises(AssertionError):
        assert_no_hidden_words("We finished 1.1 in May.", {"1.1"})
    with pytest.raises(AssertionError):
        assert_acronyms_spelled_out_first("Every EHCP is checked.")
    with pytest.raises(AssertionError):
        assert_acronyms_spelled_out_first("Every EHCP (Education, Health and Care Plan) is late.")
    good = '<html lang="en-GB"><style>body{color:#0b0c0c;background:#ffffff}</style><h1>A</h1>'
    good += '<img src="x" alt="A chart"><h2>B</h2><h3>C</h3>'
    assert_accessible_html(good)
    for fault in (
        good.replace("<h3>C</h3>", "<h4>C</h4>"),
        good.replace('alt="A chart"', 'alt=""'),
        good.replace("#0b0c0c", "#999999"),
        good.replace(' lang="en-GB"', ""),
    ):
        with pytest.raises((AssertionError, TypeError)):
            assert_accessible_html(fault)
    assert readable("We said we would do it. We did it.") >= 60
    assert readable("Undertake multidisciplinary transformational commissioning arrangements.") < 60


# --- through the command line -----------------------------------------------------------------


@pytest.fixture
def operator(database_url: str, standin, tmp_path: Path) -> dict[str, str]:
    board = tmp_path / "board.toml"
    board.write_text(board_toml(lambda person: person), encoding="utf-8")
    return {**operator_settings(database_url, standin, PEOPLE), "BOARD_CONFIG": str(board)}


def with_some_done(source: Path, folder: Path, refs: tuple[str, ...]) -> Path:
    rows = source.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    status = header.index("status")
    out = [rows[0]]
    for row in rows[1:]:
        cells = row.split(",")
        if cells[0] in refs:
            cells[status] = "blue"
        out.append(",".join(cells))
    path = folder / "plan.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow(12)
def test_the_demo_plan_reads_plainly_and_names_no_one(operator, database_url, tmp_path):
    sample = Path(__file__).parents[1] / "sendbot" / "sample_plan.csv"
    plan = with_some_done(sample, tmp_path, ("1.1", "2.1", "3.1"))
    imported = sendbot("import", str(plan), cwd=tmp_path, **operator)
    assert imported.returncode == 0, imported.stderr + imported.stdout
    out = tmp_path / "for-families"
    written = sendbot("family-update", "--out", str(out), cwd=tmp_path, **operator)
    assert written.returncode == 0, written.stderr
    assert f"Wrote family-update.html and family-update.md to {out}." in written.stdout
    assert "Draft 1, not approved: do not share it until an admin approves it" in written.stdout
    markdown = (out / "family-update.md").read_text(encoding="utf-8")
    html = (out / "family-update.html").read_text(encoding="utf-8")
    assert "](family-update-chart.png)" in markdown
    assert (out / "family-update-chart.png").read_bytes().startswith(b"\x89PNG")
    assert "What we have done" in markdown and "In " in markdown
    assert_fit_for_families(markdown, html, database_url)


@pytest.mark.slow(12)
def test_an_officers_plan_is_told_plainly(operator, database_url, tmp_path):
    board = tmp_path / "officers.toml"
    board.write_text((HERE / "board.toml").read_text(encoding="utf-8"), encoding="utf-8")
    settings = {**operator, "BOARD_CONFIG": str(board)}
    imported = sendbot("import", str(HERE / "officers_plan.csv"), cwd=tmp_path, **settings)
    assert imported.returncode == 0, imported.stderr + imported.stdout
    written = sendbot("family-update", "--out", str(tmp_path), cwd=tmp_path, **settings)
    assert written.returncode == 0, written.stderr
    markdown = (tmp_path / "family-update.md").read_text(encoding="utf-8")
    html = (tmp_path / "family-update.html").read_text(encoding="utf-8")
    assert_fit_for_families(markdown, html, database_url)
    assert "Spell out before sharing: QA." in written.stdout  # an acronym the bot does not know
    text = plain_text(markdown)
    assert "Education, Health and Care Plan (EHCP)" in text
    assert "We have not set a date yet." in text  # 3.2 has no date agreed


# --- through Slack: draft, approve, share ----------------------------------------------------


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, board_channel=BOARD_CHANNEL)


@pytest.fixture
def named(standin) -> None:
    standin.add_user(OWNER, "sam", real_name="Sam Smith")
    standin.add_user(OTHER, "priya", real_name="Priya Patel")


def draft_asked(chat, standin) -> dict:
    """The admin's `/summary family-update`, and its answer once its three files are sent.
    Drawing the chart takes a few seconds on a busy machine: Slack's response URL waits far
    longer than the stand-in's usual five seconds."""
    before = len(standin.calls_to("files.completeUploadExternal"))
    answer, response_url = chat.sender.command_request("/summary", "family-update", ADMIN)
    assert answer.status == 200, answer
    (said,) = standin.wait_for_response(response_url, timeout=30)
    assert_valid_message(said)
    standin.wait_for("files.completeUploadExternal", count=before + 3, timeout=30)
    return said


def drafts(runtime) -> list[DraftRow]:
    with runtime.db.session() as session:
        return list(session.scalars(select(DraftRow).order_by(DraftRow.id)))


@pytest.mark.usefixtures("named")
def test_an_admin_drafts_approves_and_only_then_it_is_shared(chat, standin, plan, database_url):
    chat.ask("done 1.1 Assessment published", OWNER)
    answer = draft_asked(chat, standin)
    said = flatten(answer)
    assert re.search(
        r"Draft 1 of the family-friendly update is ready: reading ease \d+ \(plain English\)\.",
        said,
    )
    assert "Its files are on their way to you in a direct message." in said
    assert "Spell out before sharing" not in said
    assert "type /summary family-update approve 1" in said
    files = standin.uploaded_files()
    assert [(f.filename, f.channel_id) for f in files] == [
        ("family-update.html", f"D{ADMIN}"),
        ("family-update.md", f"D{ADMIN}"),
        ("family-update-chart.png", f"D{ADMIN}"),
    ]
    markdown, html = files[1].content.decode(), files[0].content.decode()
    assert "joint strategic needs assessment" in markdown.lower()
    assert "In January 2020, we" in markdown
    assert_fit_for_families(markdown, html, database_url)
    (row,) = drafts(plan)
    assert (row.approved_by, row.approved_at) == (None, None)

    reply = chat.press_expecting_reply(answer, "family_update_approve", "1", ADMIN)
    assert reply.startswith(
        "Draft 1 of the family-friendly update was approved by "
    ) and reply.endswith("on 20 January 2020. It is shared with the board channel.")
    again = chat.press_expecting_reply(answer, "family_update_approve", "1", ADMIN)
    assert again.startswith("Draft 1 of the family-friendly update was already approved by ")
    assert again.endswith("on 20 January 2020, so nothing was shared again.")
    shared = [f for f in standin.uploaded_files() if f.channel_id == BOARD_CHANNEL]
    assert [f.filename for f in shared] == [
        "family-update.html",
        "family-update.md",
        "family-update-chart.png",
    ]
    assert shared[1].content.decode() == markdown
    (row,) = drafts(plan)
    assert row.approved_at is not None
    with plan.db.session() as session:
        assert session.get(Person, row.approved_by).accounts[0].account_id == ADMIN


@pytest.mark.usefixtures("named")
def test_a_typed_approval_shares_the_draft_it_names_and_the_cli_writes_it(
    chat, standin, plan, database_url, tmp_path
):
    draft_asked(chat, standin)
    out = tmp_path / "out"
    written = sendbot(
        "family-update", "--out", str(out), cwd=tmp_path, **operator_settings(database_url, standin)
    )
    assert "Draft 1, not approved: do not share it until an admin approves it" in written.stdout
    draft_asked(chat, standin)
    said = chat.says("family-update approve 1", ADMIN, "/summary")
    assert said.endswith("There is a newer draft, 2. It is shared with the board channel.")
    assert [r.approved_at is not None for r in drafts(plan)] == [True, False]
    shared = [f for f in standin.uploaded_files() if f.channel_id == BOARD_CHANNEL]
    assert len(shared) == 3

    written = sendbot(
        "family-update", "--out", str(out), cwd=tmp_path, **operator_settings(database_url, standin)
    )
    assert written.returncode == 0, written.stderr
    assert "Draft 1, approved by " in written.stdout
    assert "on 20 January 2020: ready to share. A newer draft, 2, is waiting" in written.stdout
    assert (out / "family-update.md").read_bytes() == shared[1].content


@pytest.mark.usefixtures("named")
@pytest.mark.parametrize("text", ["family-update", "family-update approve 1"])
def test_anyone_but_an_admin_is_refused_and_nothing_is_made_or_shared(chat, standin, plan, text):
    if text.endswith("1"):
        draft_asked(chat, standin)
    before = len(standin.uploaded_files())
    said = chat.says(text, OWNER, "/summary")
    assert "can make or approve the family-friendly update. Nothing was made or shared." in said
    assert len(standin.uploaded_files()) == before
    assert [r.approved_at for r in drafts(plan)] == [None] * len(drafts(plan))
    assert len(drafts(plan)) == (1 if text.endswith("1") else 0)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("family-update approve", "Give a draft's number to approve"),
        ("family-update approve two", "Give a draft's number to approve"),
        ("family-update publish 1", "Give a draft's number to approve"),
        ("family-update approve 9", "There is no family-friendly update draft 9."),
    ],
)
def test_a_wrong_approval_says_why_and_changes_nothing(chat, standin, plan, text, reason):
    said = chat.says(text, ADMIN, "/summary")
    assert reason in said and "/summary family-update approve N" in said
    if "9" not in text:
        assert f"“{text}”" in said
    assert drafts(plan) == [] and standin.uploaded_files() == []


def test_help_lists_the_family_update(chat):
    assert "/summary family-update" in chat.says("help", ADMIN, "/summary")
