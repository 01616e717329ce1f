"""`/risk` and the risk forms: acknowledge at once, answer through the response URL."""

from slack_bolt import App

from bot import risk_commands as cmd
from bot.risk_forms import log_form, review_form
from bot.risk_service import RiskForm
from handlers.slack import risk_modals
from handlers.slack.context import BotContext
from handlers.slack.guard import answer
from handlers.slack.ids import PLATFORM
from handlers.slack.modal_errors import inline_errors
from handlers.slack.modal_kit import metadata, values
from handlers.slack.people import SlackPeople, picked_person
from handlers.slack.render_result import render
from handlers.slack.replies import reply_function
from handlers.slack.slash_command import register_command


def register(app: App, ctx: BotContext) -> None:
    def risk_command(body, respond, client) -> None:
        typed = body.get("text", "")

        def work() -> dict | None:
            people = ctx.slack_people(client)
            outcome = ctx.risks.handle(people.actor(body["user_id"]), people.decode(typed, "/risk"))
            if isinstance(outcome.result, RiskForm):
                view = _form(ctx, outcome.result, body["user_id"])
                client.views_open(trigger_id=body["trigger_id"], view=view)
                return None
            return render(outcome.result, ctx.risks.today())

        answer(work, lambda m: respond(response_type="ephemeral", **m), f"/risk {typed}")

    register_command(app, "/risk", risk_command)

    app.view(risk_modals.LOG_FORM)(_submission(ctx, _log_command))
    app.view(risk_modals.UPDATE_FORM)(_submission(ctx, _update_command))


def _form(ctx: BotContext, form: RiskForm, user_id: str) -> dict:
    if form.risk is not None:
        return risk_modals.update_view(form.risk)
    owner = user_id
    if form.prefill is not None and form.prefill.owner is not None:
        named = ctx.people.refs([form.prefill.owner]).get(form.prefill.owner)
        owner = (named.account_on(PLATFORM) if named else None) or user_id
    return risk_modals.log_view(form.prefill, ctx.risks.groups(), owner)


def _submission(ctx: BotContext, build_command):
    def on_submit(ack, body, view, client) -> None:
        user_id = body["user"]["id"]
        people = ctx.slack_people(client)
        with inline_errors(ack, view) as ok:
            command = build_command(values(view), metadata(view), people)
            outcome = ctx.risks.execute(people.actor(user_id), command)
        if not ok:
            return
        ack()
        reply = reply_function(client, user_id, None)
        answer(lambda: render(outcome.result, ctx.risks.today()), reply)

    return on_submit


def _log_command(values: dict, meta: dict, people: SlackPeople) -> cmd.LogRisk:
    return log_form({**values, "owner": picked_person(people, values.get("owner"))})


def _update_command(values: dict, meta: dict, people: SlackPeople) -> cmd.UpdateRisk:
    return review_form(meta.get("ref"), meta.get("v"), values)
