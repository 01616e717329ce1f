"""Read the database directly, to prove what was (or was not) written."""

from sqlalchemy import func, select

from sendbot.runtime import Runtime
from storage.action_queries import find_action
from storage.models import Action, ActionHistory


def slack_id(runtime: Runtime, person_id: int | None) -> str | None:
    """The Slack user ID of a person the database names by id."""
    if person_id is None:
        return None
    return runtime.people.refs([person_id])[person_id].account_on("slack")


def action(runtime: Runtime, ref: str) -> Action:
    with runtime.db.session() as session:
        found = find_action(session, ref)
        assert found is not None, f"no action {ref}"
        session.expunge(found)
        return found


def history(runtime: Runtime, ref: str) -> list[ActionHistory]:
    with runtime.db.session() as session:
        found = find_action(session, ref)
        rows = session.scalars(
            select(ActionHistory)
            .where(ActionHistory.action_id == found.id)
            .order_by(ActionHistory.id)
        )
        return list(rows)


def snapshot(runtime: Runtime) -> tuple:
    """Everything that a refused command must leave untouched."""
    with runtime.db.session() as session:
        actions = session.execute(
            select(
                Action.ref,
                Action.status,
                Action.owner_id,
                Action.due_date,
                Action.version,
                Action.withdrawn_at,
            ).order_by(Action.ref_key)
        ).all()
        count = session.scalar(select(func.count(ActionHistory.id)))
        return tuple(actions), count


def backdate_due(runtime: Runtime, ref: str, due) -> None:
    """Make an action overdue as if it had been added when its date was still ahead: a due date
    in the past can no longer be typed (issue 12)."""
    with runtime.db.session() as session:
        found = find_action(session, ref)
        found.due_date = found.original_due_date = due
