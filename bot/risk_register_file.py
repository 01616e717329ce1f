"""Find a risk register in a plan file: a sheet ("Risks", "APP risk register") or a CSV file whose
headings are a risk register's, and read its rows as text under our field names (SPEC §7).

Councils head the same columns differently: "Risk No.", "Risk Description", "Risk Owner",
"Inherent Risk (L x I)", "Controls in place", "Residual Risk", "Direction of travel". Some split
the description into Cause, Event and Effect; those are joined "cause → event → consequence".
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.plan_file import plan_sheets, quote
from bot.tracker_headings import HEADINGS, field_for, heading_key

HEADER_SEARCH = 30  # rows with something in them looked through for the header, in each sheet
_FOOTER = re.compile(r"(?:key|notes?)\s*(?:[:\-–—]|$)|totals?\b", re.IGNORECASE)

_SYNONYMS = {
    "ref": "ref reference riskref riskreference riskno risknumber riskid id no number refno",
    "description": "risk risks riskdescription descriptionofrisk description risktitle "
    "riskdetail riskdetails riskstatement risktheme",
    "cause": "cause causes riskcause",
    "event": "event riskevent",
    "consequence": "effect effects consequence consequences riskeffect riskconsequence",
    "owner": "owner riskowner owners lead leadofficer responsibleofficer responsible "
    "accountableofficer riskowners owneraccount",
    "working_group": "workstream workinggroup group wg theme workstreams subgroup",
    "likelihood": "likelihood l probability likelihoodscore currentlikelihood "
    "residuallikelihood likelihood15",
    "impact": "impact i severity consequencescore impactscore currentimpact residualimpact "
    "impact15",
    "score": "score riskscore currentscore currentrisk currentriskscore residualrisk "
    "residualscore residualriskscore residualrating riskrating rating currentrating "
    "residualriskrating netrisk netscore targetresidual",
    "inherent": "inherentrisk inherentscore inherentriskscore inherentrating initialrisk "
    "initialscore grossrisk grossscore inherentriskrating uncontrolledrisk",
    "mitigation": "mitigation mitigations controls controlsinplace mitigatingactions "
    "actionstomitigate mitigatingaction mitigationactions existingcontrols furtheractions "
    "mitigationcontrols controlsandmitigations actionstakentomitigate",
    "review_date": "reviewdate nextreview nextreviewdate datefornextreview reviewby",
    "status": "status riskstatus openclosed",
    "trend": "trend directionoftravel dot movement riskdirection",
}
# Worked out by the bot from the score, so not read: a register's own RAG may use other bands.
DERIVED = {"rag", "ragrating", "ragstatus", "band", "riskband", "lastupdate", "residualrag"}
RISK_HEADINGS = {key: name for name, keys in _SYNONYMS.items() for key in keys.split()}
# Our export's hidden column: the owner's account, read instead of their name.
_OWNER_ACCOUNT = "owneraccount"


@dataclass
class RiskSheet:
    """A risk register's rows, as text under our field names, and how it was read."""

    name: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    actions_elsewhere: bool = False  # another sheet has a heading an action plan uses


def read_register(path: Path) -> RiskSheet | None:
    """The first sheet (or the CSV file) that is a risk register; None if there is none."""
    found: RiskSheet | None = None
    actions_elsewhere = False
    for sheet in plan_sheets(path):
        searched = 0
        titles: list[int] = []
        for row in sheet.rows:
            if not row.cells:
                continue
            columns = _match(row.cells) if found is None else None
            if columns is not None:
                found = RiskSheet(sheet.name)
                found.notes += [(0, sheet.note)] if sheet.note else []
                _not_read(found, row.cells, columns)
                found.notes += [(line, "title rows above the header skipped") for line in titles]
                _read_body(found, columns, row.cells, sheet.rows)
                break
            if any(HEADINGS.get(heading_key(cell)) == "title" for cell in row.cells):
                actions_elsewhere = True
                break
            titles.append(row.line)
            searched += 1
            if searched >= HEADER_SEARCH:
                break
    if found is not None:
        found.actions_elsewhere = actions_elsewhere
    return found


def _match(cells: list[str]) -> dict[int, str] | None:
    """Which field each heading names, if the row is a risk register's header."""
    keys = {heading_key(cell) for cell in cells}
    columns: dict[int, str] = {}
    for index, cell in enumerate(cells):
        name = field_for(cell, RISK_HEADINGS)
        if name is None or (
            name == "owner" and _OWNER_ACCOUNT in keys and heading_key(cell) != _OWNER_ACCOUNT
        ):
            continue
        if name not in columns.values():
            columns[index] = name
    found = set(columns.values())
    described = found & {"description", "event", "cause"}
    # Impact may be headed "Consequence", as in the NHS's likelihood × consequence registers.
    rated = "likelihood" in found and bool(found & {"impact", "consequence"})
    scored = bool(found & {"score", "inherent"}) or rated
    # An action plan's "Description" is not a risk: a register also names a risk or scores.
    explicit = any(heading_key(c).startswith("risk") for c in cells) or "event" in found
    explicit = explicit or rated
    return columns if described and scored and explicit else None


def _not_read(sheet: RiskSheet, cells: list[str], columns: dict[int, str]) -> None:
    """Say which columns were left out: a RAG the bot works out itself, and any it doesn't know."""
    derived = [c for i, c in enumerate(cells) if i not in columns and heading_key(c) in DERIVED]
    unknown = [
        c for i, c in enumerate(cells) if c and i not in columns and heading_key(c) not in DERIVED
    ]
    if derived:
        names = ", ".join(f"“{quote(c)}”" for c in derived)
        sheet.warnings.append(f"Worked out from each risk's score, so not read: {names}.")
    if unknown:
        names = ", ".join(f"“{quote(c)}”" for c in unknown[:10])
        sheet.warnings.append(f"These risk register columns are not imported: {names}.")


def _read_body(sheet: RiskSheet, columns: dict[int, str], header: list[str], rows) -> None:
    wanted = {i for i, name in columns.items() if name in ("ref", "description", "event")}
    for row in rows:
        if not row.cells:
            continue
        filled = {i for i, text in enumerate(row.cells) if text}
        first = row.cells[min(filled)]
        if _FOOTER.match(first):
            sheet.notes.append((row.line, "footer skipped"))
            continue
        if filled <= {0, 1} or not filled & wanted:
            sheet.notes.append((row.line, "section heading skipped"))
            continue
        values = {name: _at(row.cells, i) for i, name in columns.items()}
        if all(_at(row.cells, i) == _at(header, i) for i in wanted):
            sheet.notes.append((row.line, "repeated header row skipped"))
            continue
        sheet.rows.append((row.line, values))
    if not sheet.rows:
        sheet.warnings.append(
            f"The risk register “{quote(sheet.name)}” has a header row but no risks under it."
        )


def _at(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""
