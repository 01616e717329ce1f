"""Form submissions: a refusal or a failure is shown beside a field, and the form stays open
with everything the person typed."""

from contextlib import contextmanager

from bot.errors import UserError
from bot.message_text import plain
from handlers.slack.guard import log_failure
from handlers.slack.render import slack_words

MAX_ERROR = 150


class Outcome:
    """Truthy when the block ran without a refusal or failure."""

    def __init__(self) -> None:
        self.ok = True

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def inline_errors(ack, view: dict):
    outcome = Outcome()
    try:
        yield outcome
    except UserError as error:
        outcome.ok = False
        ack(
            response_action="errors",
            errors={field_for(error, view): _short(slack_words(plain(error.reason)))},
        )
    except Exception:
        outcome.ok = False
        error_id = log_failure()
        message = f"Sorry — that did not save (error id {error_id}). Please try again."
        ack(response_action="errors", errors={first_input(view): message})


def field_for(error: UserError, view: dict) -> str:
    blocks = {b.get("block_id") for b in view.get("blocks", [])}
    return error.field if error.field and error.field in blocks else first_input(view)


def first_input(view: dict) -> str:
    for block in view.get("blocks", []):
        if block.get("type") == "input":
            return block["block_id"]
    return "value"


def _short(text: str) -> str:
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"
