"""Block Kit rendering: the one place where user text is escaped and limits are respected."""

import json
import re
from datetime import date

from bot.clean_text import clean
from bot.dates import format_compact_year, format_long
from bot.deadline_service import DeadlineList
from bot.due_words import due_in_full, due_phrase
from bot.errors import UserError
from bot.list_lines import deadline_when, evidence_words, group_words, shorten
from bot.message_text import Text, as_text
from bot.people import PersonRef
from bot.results import ActionCard, ActionDetail, ActionList, Help, HistoryLine, Notice
from bot.status import Status
from bot.typed_text import COMMAND
from handlers.slack.ids import PLATFORM

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_BUTTON_CARDS = 15

STATUS_ICON = {
    Status.NOT_STARTED: ":white_circle:",
    Status.RED: ":red_circle:",
    Status.AMBER: ":large_orange_circle:",
    Status.GREEN: ":large_green_circle:",
    Status.BLUE: ":large_blue_circle:",
}


# Slack has no escape for the marks it formats with, so in people's text each becomes a
# look-alike that formats nothing. An underscore inside a word (snake_case, :white_check_mark:)
# formats nothing in Slack, and stays.
_MARKS = str.maketrans({"*": "∗", "＊": "﹡", "~": "∼", "～": "∼", "`": "ˋ", "｀": "ˋ", "＿": "ˍ"})
_LOOSE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_QUOTE_MARK = re.compile(r"^(\s*)[>＞]", re.MULTILINE)


def escape(value: str) -> str:
    """Text for a line of mrkdwn: it cannot mention, link, format or leave its line.

    This is where people's words meet Slack's markup, so the bot's own layout (bold headings,
    one item a line) is the only layout a message has, whatever anyone typed.
    """
    return _inert(clean(slack_words(value), multiline=False))


def escape_lines(value: str) -> str:
    """The same, keeping the line breaks of a field shown whole under the bot's own label."""
    return _inert(clean(slack_words(value), multiline=True))


def _inert(value: str) -> str:
    value = _LOOSE_UNDERSCORE.sub("ˍ", _QUOTE_MARK.sub(r"\1˃", value).translate(_MARKS))
    return _entities(value)


def _entities(value: str) -> str:
    """Slack's three control characters; after this no text can mention or link."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_words(value: str) -> str:
    """The core's words as Slack says them: a command it names starts with a slash."""
    return value.replace(COMMAND, "/")


def mrkdwn(value: str | Text) -> str:
    return "".join(escape(p) if isinstance(p, str) else person(p.person) for p in as_text(value))


def person(who: PersonRef) -> str:
    """A Slack mention for someone with a Slack account; anyone else by name, in bold."""
    account = who.account_on(PLATFORM)
    if account is not None:
        return f"<@{escape(account)}>"
    return f"*{escape(who.shown)}*"


def cut(value: str, limit: int) -> str:
    return shorten(slack_words(value), limit)


def section(markdown: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(markdown, MAX_SECTION)}}


def context(markdown: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(markdown, MAX_SECTION)}]}


def header(title: str) -> dict:
    title = clean(title, multiline=False)
    return {"type": "header", "text": {"type": "plain_text", "text": cut(title, MAX_HEADER)}}


def message(fallback: str, blocks: list[dict]) -> dict:
    """A message body. `fallback` is mrkdwn (already escaped): notifications and screen readers
    read it."""
    return {"text": cut(fallback, MAX_SECTION), "blocks": blocks[:MAX_BLOCKS]}


# Actions


def status_words(status: Status) -> str:
    return f"{STATUS_ICON[status]} {status.label}"


def action_line(card: ActionCard, today: date) -> str:
    overdue = " :warning:" if card.days_overdue(today) else ""
    due = due_phrase(card.due, today, card.status.is_complete)
    return (
        f"*{escape(card.ref)}* {escape(card.title)}\n"
        f"{status_words(card.status)} · {due}{overdue} · "
        f"{escape(group_words(card.group_number, card.group_name))} · "
        f"{', '.join(person(p) for p in card.owners)}"
    )


def action_buttons(card: ActionCard, snooze: bool = False) -> dict:
    value = json.dumps({"ref": card.ref, "v": card.version})
    elements = [
        {
            "type": "button",
            "action_id": "action_update",
            "text": {"type": "plain_text", "text": "Update"},
            "value": value,
        }
    ]
    if not card.status.is_complete:
        elements.append(
            {
                "type": "button",
                "action_id": "action_complete",
                "text": {"type": "plain_text", "text": "Mark complete"},
                "style": "primary",
                "value": value,
            }
        )
    if snooze:
        elements.append(
            {
                "type": "button",
                "action_id": "action_snooze",
                "text": {"type": "plain_text", "text": "Snooze 2 working days"},
                "value": value,
            }
        )
    return {"type": "actions", "block_id": f"buttons:{card.ref}", "elements": elements}


def action_cards(card: ActionCard, today: date, with_buttons: bool) -> list[dict]:
    """An action in a list; the asker's own (`with_buttons`) with Update, Mark complete and,
    until it is due, Snooze (SPEC §4)."""
    blocks = [section(action_line(card, today))]
    if with_buttons and not card.withdrawn:
        blocks.append(action_buttons(card, snooze=card.may_snooze(today)))
    return blocks


def render_list(result: ActionList, today: date) -> dict:
    if not result.actions:
        return message(escape(result.empty), [section(escape(result.empty))])
    blocks = [header(f"{result.heading}: {result.total}")]
    if result.filters:
        blocks.append(context(mrkdwn(result.filters)))
    shown = 0
    limit = MAX_BUTTON_CARDS if result.own else MAX_BLOCKS - 3
    for card in result.actions[:limit]:
        blocks.extend(action_cards(card, today, result.own))
        shown += 1
    if result.total > shown:
        blocks.append(context(f"…and {result.total - shown} more. {escape(result.see_all)}"))
    return message(f"{result.heading}: {result.total}", blocks)


def render_detail(result: ActionDetail, today: date) -> dict:
    card = result.action
    blocks = [header(f"{card.ref} {card.title}"), section(_detail_text(card, today))]
    for label, value in (
        ("Description", card.description),
        ("Intended outcome", card.outcome),
        ("Success measures", card.success_measures),
        ("Evidence of impact", card.evidence),
    ):
        if value:
            blocks.append(section(f"*{label}*\n{escape_lines(value)}"))
    blocks.append(section(_history_text(result)))
    if not card.withdrawn:
        blocks.append(action_buttons(card))
    return message(escape(f"{card.ref} {card.title}"), blocks)


def _detail_text(card: ActionCard, today: date) -> str:
    lines = [
        f"*Status:* {status_words(card.status)}" + ("  _(withdrawn)_" if card.withdrawn else ""),
        f"*Working group:* {card.group_number} {escape(card.group_name)}",
        f"*{card.owners_label}:* {', '.join(person(p) for p in card.owners)}",
        f"*Due:* {due_in_full(card.due, today, card.status.is_complete or card.withdrawn)}",
    ]
    if card.achieved_on:
        lines.append(f"*Achieved on:* {format_long(card.achieved_on)}")
    if card.original_due and card.due != card.original_due:
        reason = f": {escape(card.due_revised_reason)}" if card.due_revised_reason else ""
        lines.append(f"*Originally due:* {format_long(card.original_due)}{reason}")
    if card.due_approval:
        lines.append(f"*New date approved:* {escape(card.due_approval)}")
    if card.awaiting_due:
        lines.append(f"*New date awaiting approval:* {escape(card.awaiting_due)}")
    if card.sro:
        lines.append(f"*Senior responsible officer:* {person(card.sro)}")
    if card.start:
        lines.append(f"*Start:* {format_long(card.start)}")
    if card.areas:
        names = "; ".join(escape(t if t == f"Area {n}" else f"{n} {t}") for n, t in card.areas)
        lines.append(f"*Areas of weakness:* {names}")
    if card.source:
        lines.append(f"*Source:* {escape(card.source)}")
    lines.append(f"*Last update:* {format_long(card.last_update_on)}")
    return "\n".join(lines)


def _history_text(result: ActionDetail) -> str:
    if not result.history:
        return "*History:* nothing yet."
    lines = [f"*Latest history* ({len(result.history)} of {result.history_total})"]
    lines += [history_line(h) for h in result.history]
    return "\n".join(lines)


def history_line(line: HistoryLine) -> str:
    return f"• {format_compact_year(line.on)} {who(line.actor)}: {mrkdwn(line.summary)}"


def who(actor: PersonRef | None) -> str:
    """Who made a change: a person, or the plan import (the bot itself)."""
    return person(actor) if actor is not None else "the plan import"


def render_notice(result: Notice, today: date) -> dict:
    blocks = [section(mrkdwn(result.text))]
    if result.action is not None:
        blocks.extend(action_cards(result.action, today, with_buttons=False))
    return message(mrkdwn(result.text), blocks)


def render_help(result: Help) -> dict:
    lines = [f"*{escape(result.title)}*"]
    for usage, example in result.lines:
        lines.append(f"• `{escape(usage)}`\n   e.g. `{escape(example)}`")
    return message(result.title, [section("\n".join(lines))])


def render_user_error(error: UserError) -> dict:
    blocks = [section(":information_source: " + mrkdwn(error.reason))]
    if error.echo:
        blocks.extend(_echo_blocks(error.echo))
    if error.usage:
        blocks.append(context(f"Usage: `{escape(error.usage)}`"))
    return message(mrkdwn(error.reason), blocks)


def _echo_blocks(typed: str) -> list[dict]:
    """Give long typed text back in pieces that each fit a section, so none of it is lost.

    Inside a code block nothing formats, so only a backtick (which could close it) is changed."""
    size = MAX_SECTION - 20
    escaped = _entities(clean(slack_words(typed), multiline=True).replace("`", "ˋ"))
    return [section(f"```{escaped[i : i + size]}```") for i in range(0, len(escaped), size)][:40]


def render_apology(error_id: str, typed: str | None = None) -> dict:
    text = (
        f":warning: Sorry — something went wrong on our side and nothing was changed. "
        f"If it happens again, tell your admin the error id `{error_id}`."
    )
    blocks = [section(text)]
    if typed:
        blocks.append(context("What you typed, so you can try again:"))
        blocks.extend(_echo_blocks(typed))
    return message(text, blocks)


def render_unreachable_database() -> dict:
    text = (
        ":warning: The bot cannot reach its database just now; nothing was changed. "
        "Please try again in a few minutes."
    )
    return message(text, [section(text)])


# Deadlines

KIND_ICON = {
    "visit": ":clipboard:",
    "board": ":busts_in_silhouette:",
    "stocktake": ":mag:",
    "other": ":spiral_calendar_pad:",
}


def render_deadlines(result: DeadlineList) -> dict:
    if not result.deadlines:
        text = "No upcoming deadlines. An admin can add one with /deadline add."
        return message(text, [section(text)])
    lines = []
    for card in result.deadlines:
        line = (
            f"{KIND_ICON[card.kind]} *{escape(card.title)}* (deadline {card.id}) — "
            f"{deadline_when(card, result.today)}"
        )
        if evidence := evidence_words(card, result.today):
            line += f"\n      {evidence}"
        lines.append(line)
    return message("Upcoming deadlines", [header("Upcoming deadlines"), *pack_sections(lines)])


def pack_sections(lines: list[str]) -> list[dict]:
    """Pack lines into as few sections as fit, each within Slack's 3,000 characters."""
    blocks, current = [], ""
    for line in lines:
        if current and len(current) + len(line) + 1 > MAX_SECTION:
            blocks.append(section(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(section(current))
    return blocks
