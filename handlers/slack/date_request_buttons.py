"""Ask for a new date on Slack: the reminder's button opens the owner's form; the request goes
to each admin with Approve and Decline, each opening a short form; the owner is told."""

import logging

from slack_bolt import App

from bot.date_requests import NO_LONGER_WORKS, Asked, DateRequests
from bot.delivery import DeliveryError, tell_each
from bot.errors import UserError
from bot.people import Actor
from handlers.slack import date_request_views as views
from handlers.slack.context import BotContext
from handlers.slack.form_buttons import ViewMaker, opens_form
from handlers.slack.guard import answer, guarded
from handlers.slack.modal_errors import inline_errors
from handlers.slack.modal_kit import metadata, values
from handlers.slack.reminder_messages import ASK_FOR_A_NEW_DATE
from handlers.slack.render_result import render
from handlers.slack.replies import reply_function, trusted_response_url
from handlers.slack.slash_command import ack_now

log = logging.getLogger(__name__)


def register(app: App, ctx: BotContext) -> None:
    app.action(ASK_FOR_A_NEW_DATE)(ack=ack_now, lazy=[opens_form(ctx, _ask_view(ctx))])
    approve, decline = _decision_view(ctx, True), _decision_view(ctx, False)
    app.action(views.APPROVE)(ack=ack_now, lazy=[opens_form(ctx, approve)])
    app.action(views.DECLINE)(ack=ack_now, lazy=[opens_form(ctx, decline)])
    app.view(views.ASK)(_ask(ctx))
    app.view(views.APPROVE_FORM)(_decide(ctx, approve=True))
    app.view(views.DECLINE_FORM)(_decide(ctx, approve=False))


def date_requests(ctx: BotContext) -> DateRequests:
    actions = ctx.actions
    return DateRequests(actions.db, actions.clock, ctx.people.admin_refs, actions.plan)


def _ask_view(ctx: BotContext) -> ViewMaker:
    def make(pressed: dict, actor: Actor, origin: dict) -> dict:
        ref = pressed.get("ref")
        if not isinstance(ref, str):
            raise UserError(NO_LONGER_WORKS)
        action = date_requests(ctx).prepare(actor, ref)
        return views.ask_view(action, ctx.actions.today(), origin)

    return make


def _decision_view(ctx: BotContext, approving: bool) -> ViewMaker:
    def make(pressed: dict, actor: Actor, origin: dict) -> dict:
        request_id = pressed.get("id")
        if not isinstance(request_id, int):
            raise UserError(NO_LONGER_WORKS)
        request = date_requests(ctx).pending(actor, request_id)
        return views.decide_view(request, approving, origin)

    return make


def _ask(ctx: BotContext):
    def on_submit(ack, body, view, client) -> None:
        user_id = body["user"]["id"]
        meta = metadata(view)
        with inline_errors(ack, view) as ok:
            actor = ctx.actor(client, user_id)
            asked = date_requests(ctx).ask(actor, str(meta.get("ref") or ""), values(view))
        if not ok:
            return
        ack()
        today = ctx.actions.today()
        reply = reply_function(client, user_id, trusted_response_url(ctx, meta.get("r")))
        answer(lambda: render(asked.notice, today), reply)
        guarded(lambda: _to_admins(ctx, client, asked))

    return on_submit


def _decide(ctx: BotContext, approve: bool):
    def on_submit(ack, body, view, client) -> None:
        user_id = body["user"]["id"]
        meta = metadata(view)
        request_id = meta.get("id")
        with inline_errors(ack, view) as ok:
            if not isinstance(request_id, int):
                raise UserError(NO_LONGER_WORKS)
            note = values(view).get("note")
            actor = ctx.actor(client, user_id)
            decided = date_requests(ctx).decide(actor, request_id, approve, note)
        if not ok:
            return
        ack()
        today = ctx.actions.today()
        reply = reply_function(client, user_id, trusted_response_url(ctx, meta.get("r")))
        answer(lambda: render(decided.notice, today), reply)
        guarded(lambda: tell_each(ctx.delivery(client), decided.messages))

    return on_submit


def _to_admins(ctx: BotContext, client, asked: Asked) -> None:
    """Each admin gets the request; one who cannot be reached never stops the others."""
    delivery = ctx.delivery(client)
    for item in asked.to_admins:
        try:
            delivery.to_person(item.admin, item.request)
        except DeliveryError as error:
            log.warning("could not send a date request to %s: %s", item.admin.shown, error.reason)
