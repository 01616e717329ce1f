"""A person at a Slack client: types commands, presses buttons, fills in forms."""

import json

from slack_standin import SlackStandIn
from slack_standin.signed_requests import SlackSender
from tests.support.blockkit import assert_valid_message, assert_valid_view, flatten


class Chat:
    def __init__(self, sender: SlackSender, standin: SlackStandIn) -> None:
        self.sender = sender
        self.standin = standin

    def ask(self, text: str, user: str, command: str = "/action") -> dict:
        """Type `/command text`; return the bot's private answer, checked against Block Kit."""
        answer = self.sender.command(command, text, user)
        assert_valid_message(answer)
        assert answer.get("response_type", "ephemeral") == "ephemeral"
        return answer

    def says(self, text: str, user: str, command: str = "/action") -> str:
        return flatten(self.ask(text, user, command))

    def press(self, answer: dict, action_id: str, ref: str, user: str) -> dict:
        """Press a button of `answer` for action `ref`; return the modal the bot opened."""
        before = len(self.standin.calls_to("views.open"))
        response_url = self.sender.press(action_id, self.button_value(answer, action_id, ref), user)
        self.last_response_url = response_url
        opened = self.standin.wait_for("views.open", count=before + 1)
        view = opened[-1].params["view"]
        assert_valid_view(view)
        return view

    def press_expecting_reply(self, answer: dict, action_id: str, ref: str, user: str) -> str:
        value = self.button_value(answer, action_id, ref)
        response_url = self.sender.press(action_id, value, user)
        reply = self.standin.wait_for_response(response_url)[0]
        assert_valid_message(reply)
        return flatten(reply)

    @staticmethod
    def button_value(answer: dict, action_id: str, ref: str) -> str:
        for block in answer["blocks"]:
            for element in block.get("elements", []):
                if (
                    element.get("action_id") == action_id
                    and json.loads(element["value"])["ref"] == ref
                ):
                    return element["value"]
        raise AssertionError(f"no {action_id} button for {ref} in {flatten(answer)}")
