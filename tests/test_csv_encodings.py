"""A CSV file as Excel saves it (SPEC §7, "UTF-8 or Excel's older encodings"): "CSV UTF-8" with
its byte order mark, plain "CSV (Comma delimited)" in Windows-1252, and "Unicode Text" (UTF-16,
tab-separated) all import with every £, é, curly quote and dash as written, and the report says
which encoding was read. The files here are bytes written in those encodings, as Excel writes."""

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.models import Action, Risk
from tests.support.cli import operator_settings
from tests.support.preloaded import run_sendbot

TITLE = "Fund £40,000 of respite – the “short breaks” offer for Zoë’s café group"
ROWS = [
    ["Ref", "Action", "Workstream", "Lead officer", "By when", "RAG"],
    ["1.1", TITLE, "1", "Chloé Durand (Head of SEND)", "31/03/2027", "G"],
]
CP1252_NOTE = "the file was read as Windows-1252 text (Excel's older “CSV” encoding), not UTF-8"


@pytest.fixture
def env(database_url: str, standin) -> dict[str, str]:
    return operator_settings(database_url, standin)


def stored(database_url: str) -> tuple[str, str]:
    db = Database(database_url)
    try:
        with db.session() as session:
            (action,) = session.scalars(select(Action))
            return action.title, action.owner.name
    finally:
        db.dispose()


def comma_text(rows: list[list[str]]) -> str:
    return "".join(
        ",".join(f'"{cell}"' if "," in cell else cell for cell in row) + "\r\n" for row in rows
    )


def test_a_csv_saved_by_excel_in_windows_1252_imports_as_written(tmp_path, env, database_url):
    path = tmp_path / "tracker.csv"
    path.write_bytes(comma_text(ROWS).encode("cp1252"))
    assert "£".encode("cp1252") == b"\xa3"  # one byte, not UTF-8: the file is truly cp1252

    done = run_sendbot("import", str(path), cwd=tmp_path, **env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"The file: {CP1252_NOTE}" in done.stdout
    assert f"1 row: {CP1252_NOTE}" in done.stdout
    assert stored(database_url) == (TITLE, "Chloé Durand")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_utf8_with_or_without_a_byte_order_mark_needs_no_note(tmp_path, env, database_url, bom):
    path = tmp_path / "tracker.csv"
    path.write_bytes(bom + comma_text(ROWS).encode("utf-8"))

    done = run_sendbot("import", str(path), cwd=tmp_path, **env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Windows-1252" not in done.stdout and "UTF-16" not in done.stdout
    assert stored(database_url) == (TITLE, "Chloé Durand")


def test_excel_unicode_text_utf16_with_tabs_imports(tmp_path, env, database_url):
    path = tmp_path / "tracker.csv"
    text = "".join("\t".join(row) + "\r\n" for row in ROWS)
    path.write_bytes(text.encode("utf-16"))  # with its byte order mark, as Excel writes it

    done = run_sendbot("import", str(path), cwd=tmp_path, **env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "read as UTF-16 text with tabs between columns" in done.stdout
    assert stored(database_url) == (TITLE, "Chloé Durand")


def test_a_risk_register_in_windows_1252_says_so_too(tmp_path, env, database_url):
    path = tmp_path / "risks.csv"
    path.write_bytes(
        "Risk No.,Risk description,Risk owner,Residual risk\r\n"
        "R1,£2m high-needs overspend – “safety valve” missed,Head of SEND,4x5\r\n".encode("cp1252")
    )

    done = run_sendbot("import", str(path), cwd=tmp_path, **env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"The file: {CP1252_NOTE}." in done.stdout
    db = Database(database_url)
    try:
        with db.session() as session:
            (risk,) = session.scalars(select(Risk))
            assert risk.description == "£2m high-needs overspend – “safety valve” missed"
    finally:
        db.dispose()


def test_bytes_in_no_encoding_excel_writes_are_refused_not_mangled(tmp_path, env, database_url):
    path = tmp_path / "tracker.csv"
    path.write_bytes(comma_text(ROWS).encode("cp1252") + b"\x81\x8d\x90\r\n")

    done = run_sendbot("import", str(path), cwd=tmp_path, **env)

    assert done.returncode == 1
    assert done.stderr.strip() == (
        "sendbot import: “tracker.csv” is not text in UTF-8 or in Excel's older encoding — "
        "in Excel choose Save As › “CSV UTF-8”."
    )
