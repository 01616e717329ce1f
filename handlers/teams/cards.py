"""The core's answers as Adaptive Cards (1.5), which Teams shows in chats and channels.

`render()` is the one entry point; each family of results has its own module. The words and
figures are the Slack door's (handlers/slack/render*.py); Teams' idiom differs only in showing
Unicode where Slack shows emoji shortcodes, commands without a slash, and people by name.
"""

from datetime import date

from bot.date_requests import RequestCard
from bot.deadline_service import DeadlineList
from bot.delivery import OutgoingFile
from bot.minutes_service import OpenMinutesForm
from bot.redate_approval import AwaitingNotice
from bot.reminder_sweep import Bundle
from bot.results import ActionDetail, ActionList, Help, Notice, OpenAddForm
from bot.risk_service import RiskDetail, RiskForm, RiskList
from bot.summary_service import Overview, RiskSummary, ToChannel, VisitReadiness
from bot.visit_evidence import VisitEvidence
from handlers.teams.cards_actions import (
    action_block,
    detail_card,
    help_card,
    list_card,
    notice_card,
)
from handlers.teams.cards_chart import chart_card, is_picture
from handlers.teams.cards_evidence import visit_evidence_card
from handlers.teams.cards_forms import add_form_card, risk_form_card
from handlers.teams.cards_kit import (
    CARD_CONTENT_TYPE,
    CARD_SCHEMA,
    attachment,
    block,
    card,
    inert,
    inert_lines,
    words,
)
from handlers.teams.cards_reminders import bundle_card
from handlers.teams.cards_risks import deadline_list_card, risk_detail_card, risk_list_card
from handlers.teams.cards_summary import overview_card, risk_summary_card
from handlers.teams.cards_visit import visit_card
from handlers.teams.date_request_cards import request_card
from handlers.teams.files import OfferedFile, consent_card
from handlers.teams.minutes_cards import minutes_form_card
from handlers.teams.redate_cards import awaiting_card

__all__ = [
    "CARD_CONTENT_TYPE",
    "CARD_SCHEMA",
    "action_block",
    "attachment",
    "block",
    "card",
    "inert",
    "inert_lines",
    "render",
    "words",
]


def render(result: object, today: date) -> dict | None:
    """The card for a result, or None for one that is not a card. A picture is shown inline;
    any other file is offered (handlers.teams.files.on_teams)."""
    match result:
        case Notice():
            return notice_card(result, today)
        case ActionList():
            return list_card(result, today)
        case ActionDetail():
            return detail_card(result, today)
        case Help():
            return help_card(result)
        case DeadlineList():
            return deadline_list_card(result)
        case RiskList():
            return risk_list_card(result)
        case RiskDetail():
            return risk_detail_card(result)
        case Overview():
            return overview_card(result)
        case RiskSummary():
            return risk_summary_card(result)
        case VisitReadiness():
            return visit_card(result)
        case VisitEvidence():
            return visit_evidence_card(result)
        case Bundle():
            return bundle_card(result, today)
        case RequestCard():
            return request_card(result)
        case AwaitingNotice():
            return awaiting_card(result)
        case OpenAddForm():
            return add_form_card()
        case OpenMinutesForm():
            return minutes_form_card()
        case RiskForm():
            return risk_form_card(result)
        case ToChannel():
            # `summary here`: the same card; where it is posted is the door's choice.
            return render(result.result, today)
        case OutgoingFile() if is_picture(result):
            return chart_card(result)
        case OfferedFile():
            return consent_card(result)
    return None
