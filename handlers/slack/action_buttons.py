"""Update and Mark complete: the buttons, their modals, and what a submission does."""

import logging

from slack_bolt import App

from bot import action_commands as cmd
from bot.action_forms import add_form, complete_form, update_form
from bot.delivery import tell_each
from bot.errors import UserError
from handlers.slack import action_modals as modals
from handlers.slack.context import BotContext
from handlers.slack.form_buttons import button_value
from handlers.slack.guard import answer, guarded
from handlers.slack.home import publish_home
from handlers.slack.modal_errors import inline_errors
from handlers.slack.modal_kit import metadata, values
from handlers.slack.people import SlackPeople, picked_person
from handlers.slack.render_result import render
from handlers.slack.replies import reply_function, trusted_response_url
from handlers.slack.slash_command import ack_now

log = logging.getLogger(__name__)


def register(app: App, ctx: BotContext) -> None:
    # Ack at once and work lazily: a slow views.open or Slack look-up must not hold the ack.
    app.action("action_update")(ack=ack_now, lazy=[_button(ctx, modals.update_view)])
    app.action("action_complete")(ack=ack_now, lazy=[_button(ctx, modals.complete_view)])
    app.action("action_snooze")(ack=ack_now, lazy=[_snooze(ctx)])
    app.view(modals.UPDATE)(_submission(ctx, _update_command))
    app.view(modals.COMPLETE)(_submission(ctx, _complete_command))
    app.view(modals.ADD)(_submission(ctx, _add_command))


def _button(ctx: BotContext, build_view):
    def on_press(body, client) -> None:
        user_id = body["user"]["id"]
        reply = reply_function(client, user_id, body.get("response_url"))
        pressed = button_value(body)

        def work() -> dict | None:
            completing = build_view is modals.complete_view
            prepare = cmd.PrepareForm(_pressed_ref(pressed), completing)
            card = ctx.actions.execute(ctx.actor(client, user_id), prepare).result
            origin = {"r": body.get("response_url"), "home": _from_home(body)}
            view = build_view(card, origin, changed=pressed.get("v") != card.version)
            client.views_open(trigger_id=body["trigger_id"], view=view)
            return None

        answer(_without_usage(work), reply)

    return on_press


def _snooze(ctx: BotContext):
    def on_snooze(body, client) -> None:
        user_id = body["user"]["id"]
        reply = reply_function(client, user_id, body.get("response_url"))
        pressed = button_value(body)

        def work() -> dict:
            snooze = cmd.Snooze(_pressed_ref(pressed))
            outcome = ctx.actions.execute(ctx.actor(client, user_id), snooze)
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


def _submission(ctx: BotContext, build_command):
    """Check the form, apply it, and either close it or show the reason beside the field."""

    def on_submit(ack, body, view, client) -> None:
        user_id = body["user"]["id"]
        meta = metadata(view)
        people = ctx.slack_people(client)
        with inline_errors(ack, view) as ok:
            command = build_command(values(view), meta, people)
            outcome = ctx.actions.execute(people.actor(user_id), command)
        if not ok:
            return
        ack()
        today = ctx.actions.today()
        reply = reply_function(client, user_id, trusted_response_url(ctx, meta.get("r")))
        answer(lambda: render(outcome.result, today), reply)
        guarded(lambda: tell_each(ctx.delivery(client), outcome.messages))
        if meta.get("home") is True:
            publish_home(ctx, client, user_id)

    return on_submit


def _update_command(values: dict, meta: dict, people: SlackPeople) -> cmd.UpdateStatus:
    return update_form(meta.get("ref"), meta.get("v"), values)


def _complete_command(values: dict, meta: dict, people: SlackPeople) -> cmd.MarkDone:
    return complete_form(meta.get("ref"), meta.get("v"), values)


def _add_command(values: dict, meta: dict, people: SlackPeople) -> cmd.AddAction:
    chosen = {key: picked_person(people, values.get(key)) for key in ("owner", "sro")}
    return add_form({**values, **chosen})
