"""Every example in the help of /action, /risk, /deadline and /summary that names a date names
one after today, by the real clock: a written date goes stale, so this test fails the day it
does."""

import re
from datetime import date

import pytest

from bot import action_commands, deadline_service, risk_commands, summary_service
from bot.dates import parse_written_date

WRITTEN_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b|\b\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)? (?:of )?[A-Z][a-z]{2,8} \d{4}\b"
)
LINES = [
    line
    for module in (action_commands, risk_commands, deadline_service, summary_service)
    for pair in module.USAGE.values()
    for line in pair
]


@pytest.mark.parametrize("line", LINES)
def test_no_help_example_names_a_day_before_today(line):
    today = date.today()
    for written in WRITTEN_DATE.findall(line):
        assert parse_written_date(written, today) >= today, line
