"""Commands the manifest declares whose features are still being built: say so plainly."""

from slack_bolt import App

NOT_YET = {
    "/summary": "Board summaries",
}


def register(app: App) -> None:
    for command, feature in NOT_YET.items():
        app.command(command)(_not_yet(feature))


def _not_yet(feature: str):
    def listener(ack) -> None:
        ack(
            response_type="ephemeral",
            text=f"{feature} is not switched on yet. Keep the plan up to date with /action.",
        )

    return listener
