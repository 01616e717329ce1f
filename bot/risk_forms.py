"""The risk forms (log, review) checked the same way on every door; a refusal names the field."""

from collections.abc import Mapping

from bot import risk_commands as cmd
from bot.errors import UserError
from bot.tokens import parse_number
from bot.typed_text import form_text

Values = Mapping[str, object]


def log_form(values: Values) -> cmd.LogRisk:
    description = form_text(values, "description")
    if not description:
        raise UserError("Describe the risk: cause → event → consequence.", field="description")
    group = values.get("group")
    owner = values.get("owner")
    return cmd.LogRisk(
        description=description,
        likelihood=_score(values, "likelihood"),
        impact=_score(values, "impact"),
        owner=owner if isinstance(owner, int) else None,
        group=parse_number(str(group)) if group else None,
        review=values.get("review"),
        mitigation=form_text(values, "mitigation"),
    )


def review_form(ref: object, version: object, values: Values) -> cmd.UpdateRisk:
    match = cmd.RISK_REF.match(str(ref or ""))
    if match is None:
        raise UserError("This form is out of date. Close it and try again.")
    return cmd.UpdateRisk(
        number=int(match.group(1)),
        likelihood=_score(values, "likelihood"),
        impact=_score(values, "impact"),
        note=form_text(values, "note"),
        mitigation=form_text(values, "mitigation"),
        review=values.get("review"),
        expected_version=version if isinstance(version, int) else None,
    )


def _score(values: Values, key: str) -> int:
    number = parse_number(str(values.get(key) or ""), 5)
    if number is None:
        raise UserError(f"Choose the {key}.", field=key)
    return number
