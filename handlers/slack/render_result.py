"""Render any result of the core into a message body."""

from datetime import date

from bot.deadline_service import DeadlineList
from bot.results import ActionDetail, ActionList, Help, Notice
from bot.risk_service import RiskDetail, RiskList
from handlers.slack.render import (
    render_deadlines,
    render_detail,
    render_help,
    render_list,
    render_notice,
)
from handlers.slack.render_risks import render_risk_detail, render_risk_list


def render(result: object, today: date) -> dict:
    if isinstance(result, ActionList):
        return render_list(result, today)
    if isinstance(result, ActionDetail):
        return render_detail(result, today)
    if isinstance(result, Notice):
        return render_notice(result, today)
    if isinstance(result, Help):
        return render_help(result)
    if isinstance(result, DeadlineList):
        return render_deadlines(result)
    if isinstance(result, RiskList):
        return render_risk_list(result)
    if isinstance(result, RiskDetail):
        return render_risk_detail(result)
    raise TypeError(f"nothing renders {type(result).__name__}")
