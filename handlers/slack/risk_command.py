"""`/risk` and the risk forms: acknowledge at once, answer through the response URL."""

from slack_bolt import App

from bot import risk_commands as cmd
from bot.errors import UserError
from bot.risk_service import RiskForm
from bot.tokens import parse_number
from bot.typed_text import MAX_TEXT
from handlers.slack import risk_modals
from handlers.slack.context import BotContext
from handlers.slack.guard import answer
from handlers.slack.modal_errors import inline_errors
from handlers.slack.modal_kit import metadata, values
from handlers.slack.render_result import render
from handlers.slack.replies import reply_function
from handlers.slack.slash_command import register_command


def register(app: App, ctx: BotContext) -> None:
    def risk_command(body, respond, client) -> None:
        typed = body.get("text", "")

        def work() -> dict | None:
            outcome = ctx.risks.handle(body["user_id"], typed)
            if isinstance(outcome.result, RiskForm):
                client.views_open(
                    trigger_id=body["trigger_id"], view=_form(ctx, outcome.result, body["user_id"])
                )
                return None
            return render(outcome.result, ctx.risks.today())

        answer(work, lambda m: respond(response_type="ephemeral", **m), f"/risk {typed}")

    register_command(app, "/risk", risk_command)

    app.view(risk_modals.LOG_FORM)(_submission(ctx, _log_command))
    app.view(risk_modals.UPDATE_FORM)(_submission(ctx, _update_command))


def _form(ctx: BotContext, form: RiskForm, user_id: str) -> dict:
    if form.risk is not None:
        return risk_modals.update_view(form.risk)
    return risk_modals.log_view(form.prefill, ctx.risks.groups(), user_id)


def _submission(ctx: BotContext, build_command):
    def on_submit(ack, body, view, client) -> None:
        user_id = body["user"]["id"]
        with inline_errors(ack, view) as ok:
            command = build_command(values(view), metadata(view))
            outcome = ctx.risks.execute(ctx.risks.actor(user_id), command)
        if not ok:
            return
        ack()
        reply = reply_function(client, user_id, None)
        answer(lambda: render(outcome.result, ctx.risks.today()), reply)

    return on_submit


def _score(values: dict, key: str) -> int:
    number = parse_number(str(values.get(key) or ""), 5)
    if number is None:
        raise UserError(f"Choose the {key}.", field=key)
    return number


def _text(values: dict, key: str) -> str | None:
    value = values.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
        raise UserError(f"Please keep this under {MAX_TEXT:,} characters.", field=key)
    return value


def _log_command(values: dict, meta: dict) -> cmd.LogRisk:
    description = _text(values, "description")
    if not description:
        raise UserError("Describe the risk: cause → event → consequence.", field="description")
    group = values.get("group")
    return cmd.LogRisk(
        description=description,
        likelihood=_score(values, "likelihood"),
        impact=_score(values, "impact"),
        owner=values.get("owner") or None,
        group=parse_number(str(group)) if group else None,
        review=values.get("review"),
        mitigation=_text(values, "mitigation"),
    )


def _update_command(values: dict, meta: dict) -> cmd.UpdateRisk:
    match = cmd.RISK_REF.match(str(meta.get("ref", "")))
    if match is None:
        raise UserError("This form is out of date. Close it and try again.")
    version = meta.get("v")
    return cmd.UpdateRisk(
        number=int(match.group(1)),
        likelihood=_score(values, "likelihood"),
        impact=_score(values, "impact"),
        note=_text(values, "note"),
        mitigation=_text(values, "mitigation"),
        review=values.get("review"),
        expected_version=version if isinstance(version, int) else None,
    )
