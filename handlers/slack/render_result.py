"""Render any result of the core into a Slack message body."""

from datetime import date

from bot.date_requests import RequestCard
from bot.deadline_service import DeadlineList
from bot.redate_approval import AwaitingNotice
from bot.reminder_sweep import Bundle
from bot.results import ActionDetail, ActionList, Help, Notice
from bot.risk_service import RiskDetail, RiskList
from bot.summary_service import Overview, RiskSummary, VisitReadiness
from bot.visit_evidence import VisitEvidence
from handlers.slack.date_request_views import request_message
from handlers.slack.redate_views import awaiting_message
from handlers.slack.reminder_messages import render_bundle
from handlers.slack.render import (
    render_deadlines,
    render_detail,
    render_help,
    render_list,
    render_notice,
)
from handlers.slack.render_evidence import render_visit_evidence
from handlers.slack.render_risks import render_risk_detail, render_risk_list
from handlers.slack.render_summary import render_overview, render_risk_summary, render_visit


def render(result: object, today: date) -> dict:
    match result:
        case ActionList():
            return render_list(result, today)
        case ActionDetail():
            return render_detail(result, today)
        case Notice():
            return render_notice(result, today)
        case Help():
            return render_help(result)
        case DeadlineList():
            return render_deadlines(result)
        case RiskList():
            return render_risk_list(result)
        case RiskDetail():
            return render_risk_detail(result)
        case Overview():
            return render_overview(result)
        case RiskSummary():
            return render_risk_summary(result)
        case VisitReadiness():
            return render_visit(result)
        case VisitEvidence():
            return render_visit_evidence(result)
        case Bundle():
            return render_bundle(result, today)
        case RequestCard():
            return request_message(result)
        case AwaitingNotice():
            return awaiting_message(result)
    raise TypeError(f"nothing renders {type(result).__name__}")
