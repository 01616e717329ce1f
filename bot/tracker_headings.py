"""The headings councils give their tracker's columns, and a board's own map file for the rest.

Published trackers (WSoA, Accelerated Progress Plan, Priority Action Plan) each name the same
columns differently: "Lead officer", "Responsible officer", "Action lead" are all the owner. A
heading is matched on its letters and digits only, so "By when?", "By_When" and "BY WHEN" are one.
"""

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from bot import redate_import
from bot.plan_file import ImportFileError, file_name, quote

# Every field a heading may name (SPEC §7). Fields the import can't store yet are still named
# here, so that their columns are reported as "not kept yet" rather than as unknown.
FIELDS = (
    "ref",
    "title",
    "working_group",
    "owner",
    "due",
    "area",
    "status",
    "description",
    "outcome",
    "success_measures",
    "evidence",
    "progress",
    "sro",
    "co_owner",
    "start",
    "source",
    *redate_import.FIELDS,
)
IGNORE = "ignore"  # a map file's word for a column to leave out

_SYNONYMS = {
    "ref": "ref reference refno no number actionno actionnumber actionref actionreference id",
    "title": "action actions actiondescription actiontitle title keyaction keyactions "
    "actionrequired whatwewilldo whatwillwedo",
    "owner": "lead leads leadofficer leadofficers responsibleofficer responsibleofficers "
    "actionlead actionowner owner responsible responsibleperson leadperson whoisresponsible",
    "sro": "sro seniorresponsibleofficer seniorresponsibleowner accountableofficer "
    "accountablelead accountable executivelead strategiclead",
    "due": "due duedate timescale timescales bywhen enddate deadline targetdate completiondate "
    "targetcompletiondate timeframe datedue",
    "status": "status rag brag ragrating bragrating ragstatus bragstatus progressrag currentrag "
    "currentstatus currentbrag overallrag",
    "working_group": "workinggroup workinggroups workstream workstreams theme group wg subgroup",
    "area": "area areas areaofweakness areasofweakness aow aows priority priorities "
    "priorityarea areaforimprovement areasforimprovement",
    "success_measures": "successmeasures successcriteria measuresofsuccess measures kpi kpis "
    "keyperformanceindicators measuresofimpact impactmeasures",
    "evidence": "evidence evidenceandimpact evidenceofimpact impactevidence evidenceofprogress",
    "source": "source sourceofaction",
    "start": "start startdate datestarted",
    "description": "description detail details actiondetail furtherdetail",
    "outcome": "outcome outcomes intendedoutcome intendedoutcomes expectedoutcome "
    "expectedoutcomes intendedimpact",
    "progress": "progress progressupdate progressupdates update latestupdate commentary "
    "progresscommentary latestprogressupdate progresstodate",
    "co_owner": "coowner coowners colead coleads coleadofficer jointlead jointleads "
    "jointowner secondlead secondowner secondleadofficer",
} | redate_import.SYNONYMS
HEADINGS: dict[str, str] = {
    key: column for column, keys in _SYNONYMS.items() for key in keys.split()
} | {re.sub(r"_", "", column): column for column in FIELDS}
HEADINGS |= dict.fromkeys(redate_import.EXPORT_ONLY, IGNORE)


def heading_key(heading: str) -> str:
    """A heading as it is matched: its letters and digits, in one case."""
    return re.sub(r"[\W_]+", "", heading).casefold()


def field_for(heading: str, known: Mapping[str, str]) -> str | None:
    """The field a heading names, if any; "Timescale (by when)" is also tried as "Timescale"."""
    key = heading_key(heading)
    if not key:
        return None
    if key in known:
        return known[key]
    bare = heading_key(re.sub(r"\([^)]*\)|\[[^\]]*\]", "", heading))
    return known.get(bare) if bare else None


def load_heading_map(path: Path) -> dict[str, str]:
    """A board's map file: a TOML `[map]` table of "their heading" = "our field" (or "ignore"),
    as {their heading: our field}.

    Raises ImportFileError, in one line, when the file can't be used."""
    where = file_name(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ImportFileError(f"Can't open the map file {where}: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"The map file {where} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as error:
        raise ImportFileError(f"The map file {where} can't be read: {error}.") from None
    table = data.get("map")
    if not isinstance(table, dict) or not table:
        raise ImportFileError(
            f'The map file {where} needs a [map] table, like: [map] "Lead officer" = "owner".'
        )
    fields = {heading_key(f): f for f in FIELDS} | {IGNORE: IGNORE}
    found: dict[str, str] = {}
    for heading, value in table.items():
        column = fields.get(heading_key(value)) if isinstance(value, str) else None
        if column is None:
            raise ImportFileError(
                f"The map file {where} maps “{quote(heading)}” to “{quote(str(value))}”, which "
                f"is not a field. Use one of: {', '.join(FIELDS)}, or {IGNORE}."
            )
        if not heading_key(heading):
            raise ImportFileError(f"The map file {where} has an empty heading.")
        found[heading] = column
    return found
