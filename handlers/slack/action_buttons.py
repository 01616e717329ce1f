"""Update and Mark complete: the buttons, their modals, and what a submission does."""

import json
import logging

from slack_bolt import App

from bot import action_commands as cmd
from bot.errors import UserError
from bot.status import Status, parse_status
from bot.tokens import parse_number
from handlers.slack import action_modals as modals
from handlers.slack.context import BotContext
from handlers.slack.guard import answer, guarded
from handlers.slack.home import publish_home
from handlers.slack.messenger import SlackMessenger
from handlers.slack.modal_errors import inline_errors
from handlers.slack.modal_kit import metadata, values
from handlers.slack.render_result import render
from handlers.slack.replies import reply_function, trusted_response_url

log = logging.getLogger(__name__)


def register(app: App, ctx: BotContext) -> None:
    # Ack at once and open the form lazily: a slow views.open must not hold the ack past 3 s.
    app.action("action_update")(ack=lambda ack: ack(), lazy=[_button(ctx, modals.update_view)])
    app.action("action_complete")(ack=lambda ack: ack(), lazy=[_button(ctx, modals.complete_view)])
    app.action("action_snooze")(_snooze(ctx))
    app.view(modals.UPDATE)(_submission(ctx, _update_command))
    app.view(modals.COMPLETE)(_submission(ctx, _complete_command))
    app.view(modals.ADD)(_submission(ctx, _add_command))


def _button(ctx: BotContext, build_view):
    def on_press(body, client) -> None:
        user_id = body["user"]["id"]
        reply = reply_function(client, user_id, body.get("response_url"))
        pressed = _button_value(body)

        def work() -> dict | None:
            card = ctx.actions.prepare_update(user_id, _pressed_ref(pressed))
            if build_view is modals.complete_view and card.status == Status.BLUE:
                raise UserError(f"{card.ref} is already complete. Nothing was changed.")
            origin = {"r": body.get("response_url"), "home": _from_home(body)}
            view = build_view(card, origin, changed=pressed.get("v") != card.version)
            client.views_open(trigger_id=body["trigger_id"], view=view)
            return None

        answer(_without_usage(work), reply)

    return on_press


def _snooze(ctx: BotContext):
    def on_snooze(ack, body, client) -> None:
        ack()
        user_id = body["user"]["id"]
        reply = reply_function(client, user_id, body.get("response_url"))
        pressed = _button_value(body)

        def work() -> dict:
            snooze = cmd.Snooze(_pressed_ref(pressed))
            outcome = ctx.actions.execute(ctx.actions.actor(user_id), snooze)
            return render(outcome.result, ctx.actions.today())

        answer(_without_usage(work), reply)
        if _from_home(body):
            publish_home(ctx, client, user_id)

    return on_snooze


def _pressed_ref(pressed: dict) -> str:
    ref = pressed.get("ref")
    if not isinstance(ref, str) or not cmd.REF_PATTERN.match(ref):
        raise UserError("That button no longer works. Type /action mine to see your actions.")
    return ref


def _without_usage(work):
    """A button press is not typed, so a command's usage line would only confuse."""

    def run():
        try:
            return work()
        except UserError as error:
            raise UserError(error.reason, echo=error.echo, field=error.field) from None

    return run


def _from_home(body: dict) -> bool:
    return (
        body.get("container", {}).get("type") == "view"
        and body.get("view", {}).get("type") == "home"
    )


def _button_value(body: dict) -> dict:
    try:
        value = json.loads(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _submission(ctx: BotContext, build_command):
    """Check the form, apply it, and either close it or show the reason beside the field."""

    def on_submit(ack, body, view, client) -> None:
        user_id = body["user"]["id"]
        meta = metadata(view)
        with inline_errors(ack, view) as ok:
            command = build_command(values(view), meta)
            outcome = ctx.actions.execute(ctx.actions.actor(user_id), command)
        if not ok:
            return
        ack()
        today = ctx.actions.today()
        reply = reply_function(client, user_id, trusted_response_url(ctx, meta.get("r")))
        answer(lambda: render(outcome.result, today), reply)
        guarded(lambda: SlackMessenger(client, ctx.actions.today).deliver(outcome.messages))
        if meta.get("home") is True:
            publish_home(ctx, client, user_id)

    return on_submit


def _ref(meta: dict) -> str:
    ref = meta.get("ref")
    if not isinstance(ref, str):
        raise UserError("This form is out of date. Close it and press the button again.")
    return cmd.check_ref(ref)


def _version(meta: dict) -> int | None:
    version = meta.get("v")
    return version if isinstance(version, int) else None


def _text(values: dict, key: str) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > cmd.MAX_NOTE:
        raise UserError(f"Please keep this under {cmd.MAX_NOTE:,} characters.", field=key)
    return value


def _update_command(values: dict, meta: dict) -> cmd.UpdateStatus:
    status = parse_status(str(values.get("status") or ""))
    if status is None:
        raise UserError("Choose a status.", field="status")
    return cmd.UpdateStatus(
        _ref(meta), status, _text(values, "note"), _text(values, "evidence"), _version(meta)
    )


def _complete_command(values: dict, meta: dict) -> cmd.MarkDone:
    evidence = _text(values, "evidence")
    if not evidence:
        raise UserError(
            "Please describe the evidence that this action is complete.", field="evidence"
        )
    return cmd.MarkDone(_ref(meta), evidence, _version(meta))


def _add_command(values: dict, meta: dict) -> cmd.AddAction:
    ref = values.get("ref")
    if ref is not None:
        try:
            ref = cmd.check_ref(str(ref))
        except UserError as error:
            raise UserError(error.reason, field="ref") from None
    title = _text(values, "title")
    if not title or len(title) > cmd.MAX_TITLE:
        raise UserError(f"Give a title of 1 to {cmd.MAX_TITLE} characters.", field="title")
    group = parse_number(str(values.get("group") or ""))
    if group is None:
        raise UserError("Choose a working group.", field="group")
    if not values.get("owner"):
        raise UserError("Choose the owner.", field="owner")
    if not values.get("due"):
        raise UserError("Choose the due date.", field="due")
    areas = values.get("areas") or []
    return cmd.AddAction(
        ref=ref,
        title=title,
        group=group,
        owner=str(values["owner"]),
        due=values["due"],
        areas=tuple(n for a in areas if (n := parse_number(str(a))) is not None),
        description=_text(values, "description"),
        sro=values.get("sro"),
        start=values.get("start"),
        source=_text(values, "source"),
        success_measures=_text(values, "success"),
    )
