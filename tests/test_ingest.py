"""Ingestion on real files and a real DuckDB: idempotent, incremental, nothing lost."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from decimal import Decimal

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.assets.ingestion import raw_objects
from orchestration.home import contract_file
from orchestration.ingest import LandingError, load_object, load_objects, text_expression
from orchestration.landing import BY_TABLE, OBJECTS
from orchestration.resources import WarehouseResource
from orchestration.status import warehouse_status
from orchestration.warehouse import connect

LEAD = BY_TABLE["salesforce__lead"]
API_HEADER = (
    "Id,CreatedDate,LastModifiedDate,IsDeleted,OwnerId,Email,FirstName,LastName,Company,Title,"
    "Industry,NumberOfEmployees,Country,LeadSource,Status,IsConverted,ConvertedDate,"
    "ConvertedAccountId,ConvertedContactId,ConvertedOpportunityId,Lead_Score__c"
)
SNAKE_HEADER = (
    "id,created_date,last_modified_date,is_deleted,owner_id,email,first_name,last_name,company,"
    "title,industry,number_of_employees,country,lead_source,status,is_converted,converted_date,"
    "converted_account_id,converted_contact_id,converted_opportunity_id,lead_score_c,"
    "_fivetran_synced"
)


def lead_row(lead_id: str, created: str = "2025-03-04T10:15:00.000+0000",
             employees: str = "250", score: str = "42") -> str:
    return (f"{lead_id},{created},2025-03-05T08:00:00.000+0000,false,005A, Ann@Acme.COM ,Анна,"
            f"Иванова,Acme,VP Marketing,Software,{employees},DE,Web,Open - Not Contacted,false,"
            f",,,,{score}")


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")


def load(home, table: str):
    with connect(home) as con:
        return load_object(con, BY_TABLE[table], home.landing)


def query(home, sql: str):
    with connect(home, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_file_is_loaded_once_and_a_rerun_loads_nothing(home):
    write(home.landing / "salesforce/Lead/Lead_1.csv",
          "\n".join([API_HEADER, lead_row("00Q1"), lead_row("00Q2")]) + "\n")

    first = load(home, "salesforce__lead")
    second = load(home, "salesforce__lead")

    assert (first.rows_loaded, len(first.files), first.skipped) == (2, 1, 0)
    assert (second.rows_loaded, len(second.files), second.skipped) == (0, 0, 1)
    assert query(home, "select count(*) from raw.salesforce__lead") == [(2,)]
    assert query(home, "select count(*) from raw.load_manifest") == [(1,)]


def test_the_raw_step_loads_the_objects_asked_for_each_its_own_asset(home):
    write(home.landing / "salesforce/Lead/Lead_1.csv",
          "\n".join([API_HEADER, lead_row("00Q1"), lead_row("00Q2")]) + "\n")
    resources = {"warehouse": WarehouseResource(home=str(home.root),
                                                contract=str(contract_file()))}
    lead = dg.AssetKey(["raw", "salesforce__lead"])

    alone = dg.materialize([raw_objects], selection=[lead], resources=resources)
    every = dg.materialize([raw_objects], resources=resources)

    # picked alone (as in the UI), the lead object loads and no other is touched
    assert [(e.asset_key, e.materialization.metadata["rows_loaded"].value)
            for e in alone.get_asset_materialization_events()] == [(lead, 2)]
    assert query(home, "select object from raw.load_manifest") == [("salesforce/Lead",)]
    # the whole step materializes every object; the lead file is not read twice
    loaded = {e.asset_key: e.materialization.metadata
              for e in every.get_asset_materialization_events()}
    assert set(loaded) == {dg.AssetKey(["raw", obj.table]) for obj in OBJECTS}
    assert (loaded[lead]["rows_loaded"].value, loaded[lead]["files_already_loaded"].value,
            loaded[lead]["dagster/row_count"].value) == (0, 1, 2)


def test_only_new_files_are_read_and_a_changed_reexport_loads_again(home):
    path = home.landing / "salesforce/Lead/Lead_1.csv"
    write(path, "\n".join([API_HEADER, lead_row("00Q1")]) + "\n")
    load(home, "salesforce__lead")
    write(home.landing / "salesforce/Lead/Lead_2.csv",
          "\n".join([API_HEADER, lead_row("00Q2")]) + "\n")
    write(path, "\n".join([API_HEADER, lead_row("00Q1", score="99")]) + "\n")

    result = load(home, "salesforce__lead")

    assert sorted(f.file for f in result.files) == ["salesforce/Lead/Lead_1.csv",
                                                     "salesforce/Lead/Lead_2.csv"]
    # Both versions of 00Q1 are kept; staging keeps the later load.
    assert query(home, "select id, lead_score_c, _load_id from raw.salesforce__lead "
                       "order by _load_id, id") == [
        ("00Q1", "42", 1), ("00Q1", "99", 2), ("00Q2", "42", 3)]


def test_a_file_is_hashed_once_while_its_size_and_times_stay_and_forgotten_once_removed(home):
    path = home.landing / "salesforce/Lead/Lead_1.csv"
    write(path, "\n".join([API_HEADER, lead_row("00Q1")]) + "\n")
    # Changed within the last second: hashed, not kept (its times could repeat).
    load(home, "salesforce__lead")
    assert query(home, "select count(*) from raw.landing_digests") == [(0,)]
    time.sleep(1.1)
    load(home, "salesforce__lead")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert query(home, "select file, size_bytes, sha256 from raw.landing_digests") == [
        ("salesforce/Lead/Lead_1.csv", path.stat().st_size, sha)]

    # The kept digest stands for the file's content: a wrong one, kept, makes the unchanged
    # file look new, which shows the file was not read again.
    with connect(home) as con:
        con.execute("update raw.landing_digests set sha256 = 'not read'")
    assert [f.rows_loaded for f in load(home, "salesforce__lead").files] == [1]

    # Rewritten with its size and modification time put back: the change time still tells.
    stat = path.stat()
    write(path, "\n".join([API_HEADER, lead_row("00Q1", score="99")]) + "\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert [f.rows_loaded for f in load(home, "salesforce__lead").files] == [1]
    assert query(home, "select lead_score_c, _load_id from raw.salesforce__lead "
                       "order by _load_id") == [("42", 1), ("42", 2), ("99", 3)]
    # Settled, the new content's digest replaces the old one's, and nothing loads again.
    time.sleep(1.1)
    assert load(home, "salesforce__lead").files == ()
    assert query(home, "select file, sha256 from raw.landing_digests") == [
        ("salesforce/Lead/Lead_1.csv", hashlib.sha256(path.read_bytes()).hexdigest())]

    # Archived once loaded, the file leaves no digest; its loads stay in the manifest.
    path.unlink()
    assert load(home, "salesforce__lead").files == ()
    assert query(home, "select count(*) from raw.landing_digests") == [(0,)]
    assert query(home, "select count(*) from raw.load_manifest") == [(3,)]


def test_bad_rows_are_quarantined_and_reconcile_with_the_manifest(home):
    write(home.landing / "salesforce/Lead/Lead_1.csv", "\n".join([
        API_HEADER,
        lead_row("00Q1"),
        lead_row("00Q2", created="not-a-date", employees="many"),  # two bad values, one row
        lead_row(""),  # no key
        lead_row("00Q4") + ",one too many",  # the CSV reader cannot split it
        lead_row("00Q5", created="1741083300000"),  # epoch milliseconds are a timestamp
    ]) + "\n")

    result = load(home, "salesforce__lead")

    manifest = query(home, "select rows_read, rows_loaded, rows_quarantined "
                           "from raw.load_manifest")
    assert manifest == [(5, 2, 3)]
    assert (result.rows_loaded, result.rows_quarantined) == (2, 3)
    assert query(home, "select record, line, column_name, value, reason from raw.quarantine "
                       "order by line nulls first, record, column_name") == [
        (2, None, "created_date", "not-a-date", "not a timestamp"),
        (2, None, "number_of_employees", "many", "not a whole number"),
        (3, None, "id", None, "missing key id"),
        (4, 5, None, None,
         "unreadable CSV record (TOO MANY COLUMNS: Expected Number of Columns: 21 Found: 22)"),
    ]
    # 00Q5 is the fifth record, after the one the reader could not read
    assert query(home, "select id, _row, created_date::varchar, email, number_of_employees "
                       "from raw.salesforce__lead order by id") == [
        ("00Q1", 1, "2025-03-04 10:15:00", " Ann@Acme.COM ", 250),
        ("00Q5", 5, "2025-03-04 10:15:00", " Ann@Acme.COM ", 250),
    ]


def test_an_unreadable_record_is_quarantined_under_its_own_file_only(home):
    # DuckDB's reader appends every file's rejects to one table per connection: the second
    # file, clean, must not inherit the first one's.
    write(home.landing / "salesforce/Lead/Lead_1.csv", "\n".join([
        API_HEADER, lead_row("00Q1"), lead_row("00Q2") + ",one too many"]) + "\n")
    write(home.landing / "salesforce/Lead/Lead_2.csv",
          "\n".join([API_HEADER, lead_row("00Q3"), lead_row("00Q4")]) + "\n")

    load(home, "salesforce__lead")

    assert query(home, "select file, rows_read, rows_loaded, rows_quarantined "
                       "from raw.load_manifest order by load_id") == [
        ("salesforce/Lead/Lead_1.csv", 2, 1, 1), ("salesforce/Lead/Lead_2.csv", 2, 2, 0)]
    assert query(home, "select file, line from raw.quarantine") == [
        ("salesforce/Lead/Lead_1.csv", 3)]


def test_a_record_the_reader_rejects_is_quarantined_with_its_physical_line(home):
    # Line breaks inside quoted fields (CRLF between records): the reader counts records,
    # the quarantine names the physical line, and every record keeps its place among all.
    write(home.landing / "salesforce/Lead/Lead_1.csv", "\r\n".join([
        API_HEADER,
        lead_row("00Q1").replace(",Acme,", ',"Acme\r\nGmbH",'),  # lines 2-3
        lead_row("00Q2") + ",one too many",  # line 4
        lead_row("00Q3", created="not-a-date").replace(",Acme,", ',"Ac\nme",'),  # lines 5-6
        lead_row("00Q4") + ",one too many",  # line 7
        lead_row("00Q5"),  # line 8
    ]) + "\r\n")

    load(home, "salesforce__lead")

    assert query(home, "select line, record, column_name from raw.quarantine "
                       "order by record") == [(4, 2, None), (None, 3, "created_date"),
                                               (7, 4, None)]
    assert query(home, "select id, _row from raw.salesforce__lead order by id") == [
        ("00Q1", 1), ("00Q5", 5)]


def test_a_mac_csv_and_sub_folders_load_hidden_files_are_left_an_empty_one_named(home):
    # Excel for Mac ends lines with \r alone; a copy from a Mac leaves ._<name> files
    write(home.landing / "salesforce/Lead/Lead_1.csv",
          "\r".join([API_HEADER, lead_row("00Q1"), lead_row("00Q2")]) + "\r")
    write(home.landing / "salesforce/Lead/._Lead_1.csv", "\x00\x05\x16\x07 Mac OS X")
    write(home.landing / "salesforce/Lead/.snapshot/Lead_1.csv", "not, a, lead")
    # a dated sub-folder is part of the object's files, in path order
    write(home.landing / "salesforce/Lead/2026/12/Lead.csv",
          "\n".join([API_HEADER, lead_row("00Q3")]) + "\n")

    result = load(home, "salesforce__lead")

    assert [(f.file, f.rows_loaded) for f in result.files] == [
        ("salesforce/Lead/2026/12/Lead.csv", 1), ("salesforce/Lead/Lead_1.csv", 2)]
    write(home.landing / "salesforce/Lead/Lead_2.csv", "\r")
    with pytest.raises(LandingError, match=r"Lead_2.csv: line 1 \(the header\) is empty"):
        load(home, "salesforce__lead")


def test_json_lines_give_every_key_and_any_line_length(home):
    # An export that leaves out empty properties: the campaign first after the reader's
    # sample of 20,480 records; and one line of 3 MB (an e-mail body).
    event = {"id": "e0", "type": "OPEN", "recipient": "a@b.com", "created": 1735725600000}
    lines = [json.dumps({**event, "id": f"e{n}"}) for n in range(20_481)]
    lines.append(json.dumps({**event, "id": "late", "email_campaign_id": "c1"}))
    lines.append(json.dumps({**event, "id": "long", "body": "x" * 3_000_000}))
    write(home.landing / "hubspot/email_events/events.jsonl", "\n".join(lines) + "\n")

    result = load(home, "hubspot__email_events")

    assert (result.rows_loaded, result.rows_quarantined) == (20_483, 0)
    assert query(home, "select id, email_campaign_id, length(body) from raw.hubspot__email_events "
                       "where email_campaign_id is not null or body is not null order by id") == [
        ("late", "c1", None), ("long", None, 3_000_000)]


def test_a_gzipped_json_lines_file_loads_within_a_small_memory_limit(home):
    # the reader's buffer for a compressed file is sixteen of its longest lines
    write(home.landing / "hubspot/email_campaigns/campaigns.jsonl.gz",
          '{"id": "c1", "name": "Launch"}\n{"id": "c2", "name": "Webinar"}\n')

    with connect(home) as con:
        con.execute("set memory_limit = '500MB'")
        result = load_object(con, BY_TABLE["hubspot__email_campaigns"], home.landing)

    assert result.rows_loaded == 2


def test_a_json_lines_file_without_records_loads_nothing(home):
    # of 0 bytes, as an export of no records writes it, or of blank lines
    write(home.landing / "hubspot/email_events/events_1.jsonl", "")
    write(home.landing / "hubspot/email_events/events_2.jsonl", "\n \n")

    result = load(home, "hubspot__email_events")

    assert [(f.file, f.rows_read, f.rows_loaded) for f in result.files] == [
        ("hubspot/email_events/events_1.jsonl", 0, 0),
        ("hubspot/email_events/events_2.jsonl", 0, 0)]


def test_a_broken_quote_among_the_first_rows_is_quarantined_not_the_whole_file(home):
    # Among the rows a sniffer would sample, it once failed the file; no option is sniffed.
    write(home.landing / "salesforce/Lead/Lead_1.csv", "\n".join([
        API_HEADER, lead_row("00Q1"), lead_row("00Q2").replace(",Acme,", ',"Acme "Best" Inc",'),
        lead_row("00Q3")]) + "\n")

    result = load(home, "salesforce__lead")

    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert query(home, "select line, reason from raw.quarantine") == [
        (3, "unreadable CSV record (UNQUOTED VALUE: Value with unterminated quote found.)")]
    assert query(home, "select id from raw.salesforce__lead order by id") == [("00Q1",), ("00Q3",)]


def test_a_row_in_another_encoding_is_quarantined_and_a_header_in_one_names_the_file(home):
    path = home.landing / "salesforce/Lead/Lead_1.csv"
    path.parent.mkdir(parents=True)
    latin1 = lead_row("00Q2").replace("Анна", "José").encode("utf-8").replace(
        "é".encode(), "é".encode("latin-1"))
    path.write_bytes(b"\n".join([API_HEADER.encode(), latin1, lead_row("00Q3").encode()]) + b"\n")

    result = load(home, "salesforce__lead")

    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert query(home, "select line, starts_with(reason, 'unreadable CSV record (INVALID "
                       "ENCODING') from raw.quarantine") == [(2, True)]

    (home.landing / "salesforce/Lead/Lead_2.csv").write_bytes(
        API_HEADER.replace("Lead_Score__c", "Größe__c").encode("latin-1") + b"\n"
        + lead_row("00Q4").encode() + b"\n")
    with pytest.raises(LandingError, match=r"Lead_2\.csv: line 1 \(the header\) is not UTF-8: "
                                           r"byte 0xf6 at position 232"):
        load(home, "salesforce__lead")


def test_a_column_a_reexport_lacks_keeps_each_record_s_earlier_value(home):
    without_score = API_HEADER.removesuffix(",Lead_Score__c")
    write(home.landing / "salesforce/Lead/Lead_1.csv", "\n".join([
        API_HEADER + ",Phone", lead_row("00Q1") + ",+49 1", lead_row("00Q2", score="7") + ",+49 2",
    ]) + "\n")
    # a re-export without the custom score nor the optional phone: one known lead, one new
    write(home.landing / "salesforce/Lead/Lead_2.csv", "\n".join([
        without_score, lead_row("00Q1").removesuffix(",42"), lead_row("00Q3").removesuffix(",42"),
    ]) + "\n")
    # a file that has the columns and leaves them empty clears them
    write(home.landing / "salesforce/Lead/Lead_3.csv", "\n".join([
        API_HEADER + ",Phone", lead_row("00Q2", score="") + ",",
    ]) + "\n")

    result = load(home, "salesforce__lead")

    assert [file.columns_carried for file in result.files] == [(), ("phone", "lead_score_c"), ()]
    assert query(home, "select id, lead_score_c, phone, _load_id from raw.salesforce__lead "
                       "order by _load_id, _row") == [
        ("00Q1", "42", "+49 1", 1), ("00Q2", "7", "+49 2", 1),
        ("00Q1", "42", "+49 1", 2), ("00Q3", None, None, 2),
        ("00Q2", None, None, 3)]
    assert query(home, "select load_id, file, column_name, records_carried "
                       "from raw.carried_columns order by load_id, column_name") == [
        (2, "salesforce/Lead/Lead_2.csv", "lead_score_c", 1),
        (2, "salesforce/Lead/Lead_2.csv", "phone", 1)]  # not system_modstamp: no file gave it
    status = warehouse_status(home)
    assert [[cell.strip() for cell in line.split("│")[1:-1]] for line in status.splitlines()
            if "Lead_2.csv" in line] == [
        ["salesforce/Lead", "lead_score_c", "1", "1", "salesforce/Lead/Lead_2.csv"],
        ["salesforce/Lead", "phone", "1", "1", "salesforce/Lead/Lead_2.csv"]]
    assert query(home, "select load_id, len(string_split(columns, ',')), "
                       "list_contains(string_split(columns, ','), 'phone') "
                       "from raw.load_manifest order by load_id") == [
        (1, 22, True), (2, 20, False), (3, 22, True)]


def test_a_history_row_naming_no_record_is_quarantined(home):
    # the staging models' not-null test on lead_id would otherwise stop every mart
    write(home.landing / "salesforce/LeadHistory/LeadHistory.csv", "\n".join([
        "Id,LeadId,CreatedDate,Field,OldValue,NewValue",
        "017A,00Q1,2025-03-04T10:15:00Z,Status,Open,Working",
        "017B, ,2025-03-04T10:16:00Z,Status,Working,Qualified",
    ]) + "\n")

    load(home, "salesforce__lead_history")

    assert query(home, "select id from raw.salesforce__lead_history") == [("017A",)]
    assert query(home, "select record, column_name, value, reason from raw.quarantine") == [
        (2, "lead_id", " ", "missing lead_id")]


def test_a_trailing_delimiter_names_its_blank_column_by_position(home):
    # Spreadsheets save a trailing delimiter: a column with no name, kept, not a SQL error.
    write(home.landing / "salesforce/Lead/Lead_1.csv",
          "\n".join([API_HEADER + ",", lead_row("00Q1") + ",", lead_row("00Q2") + ",x"]) + "\n")

    load(home, "salesforce__lead")

    assert query(home, "select id, column_22 from raw.salesforce__lead order by id") == [
        ("00Q1", None), ("00Q2", "x")]


def test_keys_are_trimmed_so_a_padded_reexport_is_the_same_record(home):
    write(home.landing / "salesforce/Lead/Lead_1.csv",
          "\n".join([API_HEADER, lead_row("00Q1")]) + "\n")
    write(home.landing / "salesforce/Lead/Lead_2.csv",
          "\n".join([API_HEADER, lead_row("00Q1 ", score="99")]) + "\n")

    load(home, "salesforce__lead")

    # Staging ranks a record's versions by key: `00Q1 ` would be a second record.
    assert query(home, "select id, lead_score_c from raw.salesforce__lead order by _load_id") == [
        ("00Q1", "42"), ("00Q1", "99")]


def test_salesforce_ids_of_15_characters_load_as_the_18_the_api_exports(home):
    # 00QAB00000CdEfG: upper case at places 3-5 of the first five (bits 4+8+16 = 28: "2"),
    # none of the next five ("A"), places 1, 3, 5 of the last (1+4+16 = 21: "V").
    write(home.landing / "salesforce/Lead/Lead_1.csv",
          "\n".join([API_HEADER, lead_row("00QAB00000CdEfG2AV")]) + "\n")
    write(home.landing / "salesforce/Lead/Lead_2.csv", "\n".join([
        API_HEADER, lead_row(" 00QAB00000CdEfG", score="99").replace(",005A,", ",005000000000ABC,"),
        lead_row("00Q-not-15-chars")]) + "\n")

    load(home, "salesforce__lead")

    # the report's re-export is the same lead; its owner's Id completed too (00ABC: bits
    # 4+8+16, "2"); other values as they were (staging trims text)
    assert query(home, "select id, owner_id, lead_score_c from raw.salesforce__lead "
                       "order by _load_id, _row") == [
        ("00QAB00000CdEfG2AV", "005A", "42"), ("00QAB00000CdEfG2AV", "005000000000ABCAA2", "99"),
        ("00Q-not-15-chars", "005A", "42")]


def test_a_whole_number_with_a_decimal_point_loads_and_a_fraction_is_quarantined(home):
    write(home.landing / "salesforce/Lead/Lead_1.csv", "\n".join([
        API_HEADER, lead_row("00Q1", employees="250.0"), lead_row("00Q2", employees="1.5")])
          + "\n")

    load(home, "salesforce__lead")

    assert query(home, "select id, number_of_employees from raw.salesforce__lead") == [
        ("00Q1", 250)]
    assert query(home, "select record, column_name, value, reason from raw.quarantine") == [
        (2, "number_of_employees", "1.5", "not a whole number")]


def test_a_whole_float_s_text_is_its_integer_s_and_other_values_keep_duckdb_s():
    cases = [  # (value, its type as DuckDB names it, its text)
        ("1001.0::double", "DOUBLE", "1001"), ("-3.0::double", "DOUBLE", "-3"),
        ("-0.0::double", "DOUBLE", "0"), ("82.5::double", "DOUBLE", "82.5"),
        ("9007199254740991.0::double", "DOUBLE", "9007199254740991"),
        ("9007199254740992.0::double", "DOUBLE", "9007199254740992.0"),
        ("1e300::double", "DOUBLE", "1e+300"), ("'nan'::double", "DOUBLE", "nan"),
        ("'inf'::double", "DOUBLE", "inf"), ("'-inf'::double", "DOUBLE", "-inf"),
        ("null::double", "DOUBLE", None), ("82.0::float", "FLOAT", "82"),
        ("0.1::float", "FLOAT", "0.1"), ("82.0::decimal(9, 2)", "DECIMAL(9,2)", "82.00"),
        ("82::bigint", "BIGINT", "82"), ("'82.0'", "VARCHAR", "82.0"),
    ]
    with duckdb.connect() as con:
        rendered = con.execute("select " + ", ".join(
            text_expression(value, source_type) for value, source_type, _ in cases)).fetchone()

    assert list(rendered) == [text for *_, text in cases]


def test_json_numbers_written_as_floats_load_the_text_of_their_integers(home):
    # pandas writes a nullable integer column as floats; a string stays as the export wrote it
    events = [
        {"id": 1001.0, "type": "OPEN", "recipient": "a@b.com", "created": 1735725600000,
         "email_campaign_id": 310000002.0, "score": 82.5},
        {"id": 1002.0, "type": "CLICK", "recipient": "a@b.com", "created": 1735725600000.0,
         "email_campaign_id": 310000002.0, "score": -0.0, "note": "1003.0"},
        {"id": 1003, "type": "OPEN", "recipient": "b@b.com", "created": 1735725600000,
         "email_campaign_id": None, "score": 1e300},
    ]
    write(home.landing / "hubspot/email_events/events.jsonl",
          "\n".join(json.dumps(event) for event in events) + "\n")

    result = load(home, "hubspot__email_events")

    assert (result.rows_loaded, result.rows_quarantined) == (3, 0)
    assert query(home, "select id, email_campaign_id, score, note, created::varchar "
                       "from raw.hubspot__email_events order by id") == [
        ("1001", "310000002", "82.5", None, "2025-01-01 10:00:00"),
        ("1002", "310000002", "0", "1003.0", "2025-01-01 10:00:00"),
        ("1003", None, "1e300", None, "2025-01-01 10:00:00")]


def test_a_parquet_double_column_gives_the_text_the_csv_export_gives(home):
    write(home.landing / "salesforce/Lead/Lead_1.csv",
          "\n".join([API_HEADER, lead_row("00Q1", score="82")]) + "\n")
    # the re-export as Parquet: its custom columns are doubles and floats
    rows = [lead_row(lead).split(",") for lead in ("00Q1", "00Q2")]
    fields = {name: [row[i] for row in rows] for i, name in enumerate(API_HEADER.split(","))}
    fields["Lead_Score__c"] = pa.array([82.0, 82.5], pa.float64())
    fields["Rating__c"] = pa.array([4.0, 0.1], pa.float32())
    fields["Amount__c"] = pa.array([Decimal("82.00"), None], pa.decimal128(9, 2))
    pq.write_table(pa.table(fields), home.landing / "salesforce/Lead/Lead_2.parquet")

    load(home, "salesforce__lead")

    assert query(home, "select _file, id, lead_score_c, rating_c, amount_c "
                       "from raw.salesforce__lead order by _load_id, _row") == [
        ("salesforce/Lead/Lead_1.csv", "00Q1", "82", None, None),
        ("salesforce/Lead/Lead_2.parquet", "00Q1", "82", "4", "82.00"),
        ("salesforce/Lead/Lead_2.parquet", "00Q2", "82.5", "0.1", None)]


@pytest.mark.parametrize("name", ["Lead_2.csv", "Lead_2.csv.gz", "Lead_2.parquet",
                                  "Lead_2.jsonl.gz"])
def test_a_file_of_0_bytes_stops_its_object_naming_the_file(home, name):
    write(home.landing / "salesforce/Lead/Lead_1.csv",
          "\n".join([API_HEADER, lead_row("00Q1")]) + "\n")
    (home.landing / "salesforce/Lead" / name).write_bytes(b"")

    with pytest.raises(LandingError) as error:
        load(home, "salesforce__lead")

    assert str(error.value) == (f"{home.landing / 'salesforce/Lead' / name}: "
                                "the file is empty (0 bytes); export it again")
    assert query(home, "select count(*) from raw.salesforce__lead") == [(0,)]


def test_timestamps_load_as_utc_whatever_the_machine_s_time_zone(home):
    # Objects load on cursors, sessions of their own: each must be told the zone too.
    write(home.landing / "salesforce/Lead/Lead_1.csv",
          "\n".join([API_HEADER, lead_row("00Q1", created="2025-03-04T10:15:00.000+0100")])
          + "\n")
    load_in_new_york = "\n".join([
        "import sys",
        "from orchestration.home import Home",
        "from orchestration.ingest import load_objects",
        "from orchestration.landing import BY_TABLE",
        "from orchestration.warehouse import connect",
        "home = Home.resolve(sys.argv[1])",
        "with connect(home) as con:",
        "    for _, loaded in load_objects(con, [BY_TABLE['salesforce__lead']], home.landing):",
        "        assert not isinstance(loaded, Exception), loaded"])
    subprocess.run([sys.executable, "-c", load_in_new_york, str(home.root)], check=True,
                   env={**os.environ, "TZ": "America/New_York"})

    assert query(home, "select created_date::varchar, abs(date_diff('minute', _loaded_at, "
                       "now()::timestamptz at time zone 'UTC')) < 60 "
                       "from raw.salesforce__lead") == [("2025-03-04 09:15:00", True)]


def test_objects_load_side_by_side_with_load_ids_in_object_and_file_order(home):
    write(home.landing / "salesforce/Lead/Lead_1.csv",
          "\n".join([API_HEADER, lead_row("00Q1")]) + "\n")
    write(home.landing / "salesforce/Lead/Lead_2.csv",
          "\n".join([API_HEADER, lead_row("00Q1", score="99")]) + "\n")
    write(home.landing / "salesforce/Account/Account.csv", "\n".join([
        "Id,Name,Industry,NumberOfEmployees,BillingCountry,OwnerId,CreatedDate",
        "001A,Acme,Software,250,DE,005A,2025-01-01T00:00:00Z",
        "001B,Initech,Software,many,US,005A,2025-01-01T00:00:00Z"]) + "\n")
    write(home.landing / "salesforce/User/User.csv", "Id,Name\n005A,Ann\n")  # no Title
    events = home.landing / "hubspot/email_events/events.jsonl"
    write(events, json.dumps({"id": "e1", "type": "OPEN", "recipient": "a@b.com",
                              "created": 1735725600000, "email_campaign_id": "c1"}) + "\n")
    objects = [BY_TABLE[t] for t in ("salesforce__user", "salesforce__account",
                                     "salesforce__lead", "hubspot__email_events")]

    with connect(home) as con:
        outcomes = {obj.table: outcome for obj, outcome in
                    load_objects(con, objects, home.landing, workers=2)}

    assert isinstance(outcomes["salesforce__user"], LandingError)
    # in whichever order they ended
    assert sorted((table, load.rows_loaded, load.rows_quarantined)
                  for table, load in outcomes.items() if not isinstance(load, Exception)) == [
        ("hubspot__email_events", 1, 0), ("salesforce__account", 1, 1),
        ("salesforce__lead", 2, 0)]
    # the ids a one-at-a-time load gives: object by object in the given order, file by file;
    # the broken object takes none
    assert query(home, "select load_id, file from raw.load_manifest order by load_id") == [
        (1, "salesforce/Account/Account.csv"), (2, "salesforce/Lead/Lead_1.csv"),
        (3, "salesforce/Lead/Lead_2.csv"), (4, "hubspot/email_events/events.jsonl")]
    assert query(home, "select id, lead_score_c, _load_id from raw.salesforce__lead "
                       "order by _load_id") == [("00Q1", "42", 2), ("00Q1", "99", 3)]
    assert query(home, "select count(*) from raw.salesforce__user") == [(0,)]
    assert query(home, "select object, record, column_name, value from raw.quarantine") == [
        ("salesforce/Account", 2, "number_of_employees", "many")]


def test_api_names_and_fivetran_snake_case_land_in_the_same_columns(home):
    write(home.landing / "salesforce/Lead/api.csv",
          "\n".join([API_HEADER, lead_row("00Q1", score="7")]) + "\n")
    write(home.landing / "salesforce/Lead/fivetran.csv.gz",
          "\n".join([SNAKE_HEADER, lead_row("00Q2", score="8") + ",2025-03-06 00:00:00"]) + "\n")

    load(home, "salesforce__lead")

    # Leading underscores go too, so no file column can collide with raw's _file, _row, ...
    assert query(home, "select id, number_of_employees, lead_score_c, fivetran_synced "
                       "from raw.salesforce__lead order by id") == [
        ("00Q1", 250, "7", None), ("00Q2", 250, "8", "2025-03-06 00:00:00")]


def test_a_missing_required_column_stops_the_object_naming_file_and_column(home):
    write(home.landing / "salesforce/Lead/a_good.csv",
          "\n".join([API_HEADER, lead_row("00Q1")]) + "\n")
    write(home.landing / "salesforce/Lead/b_bad.csv",
          API_HEADER.replace(",Status,", ",LeadStatus__c,") + "\n" + lead_row("00Q2") + "\n")

    with pytest.raises(LandingError, match=r"b_bad\.csv: required column 'status' of "
                                           r"salesforce/Lead is missing"):
        load(home, "salesforce__lead")
    # Checked before any file of the object loads: the good file waits for the next run.
    assert query(home, "select count(*) from raw.salesforce__lead") == [(0,)]


def test_a_missing_object_leaves_an_empty_table_with_the_contract_columns(home):
    result = load(home, "salesforce__opportunity_contact_role")

    assert result.files == ()
    assert query(home, "select count(*) from raw.salesforce__opportunity_contact_role") == [(0,)]
    columns = query(home, "select column_name, data_type from information_schema.columns "
                          "where table_name = 'salesforce__opportunity_contact_role' "
                          "and column_name in ('is_primary', 'role')")
    assert sorted(columns) == [("is_primary", "BOOLEAN"), ("role", "VARCHAR")]


def test_json_lines_keep_a_broken_line_with_its_number(home):
    events = [
        {"id": "e1", "type": "OPEN", "recipient": "a@b.com", "created": 1735725600000,
         "email_campaign_id": "c1"},
        {"id": "e2", "type": "CLICK", "recipient": "a@b.com", "created": "2025-01-01T10:00:00Z",
         "email_campaign_id": "c1"},
    ]
    # blank lines count, those the file starts with too
    write(home.landing / "hubspot/email_events/events.jsonl",
          "\n\n" + json.dumps(events[0]) + "\n{broken\n\n" + json.dumps(events[1]) + "\n")

    result = load(home, "hubspot__email_events")

    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert query(home, "select line, reason from raw.quarantine") == [(4, "not a JSON object")]
    assert query(home, "select id, _row from raw.hubspot__email_events order by id") == [
        ("e1", 3), ("e2", 6)]
    assert query(home, "select id, created::varchar from raw.hubspot__email_events "
                       "order by id") == [("e1", "2025-01-01 10:00:00"),
                                          ("e2", "2025-01-01 10:00:00")]


def test_ad_spend_keeps_the_platform_folder_as_a_column(home):
    folder = home.landing / "ads/linkedin_ads"
    folder.mkdir(parents=True)
    with connect(home) as con:
        con.execute(
            "copy (select date '2025-01-01' as date, 'li-1' as campaign_id, 'ABM' as "
            "campaign_name, 'abm_q1' as utm_campaign, 99.5 as spend, 'EUR' as currency, "
            f"1000 as impressions, 12 as clicks) to '{folder / 'spend.parquet'}'")

    load(home, "ads__spend")

    assert query(home, "select platform, campaign_id, spend, clicks from raw.ads__spend") == [
        ("linkedin_ads", "li-1", 99.5, 12)]


def test_a_column_a_reexport_lacks_is_carried_by_the_whole_record_key(home):
    # Spend is one record per platform, day and campaign: the same campaign and day on
    # another platform is another record, and so is a home loaded before the manifest kept
    # each file's columns (its files may have given any column).
    spend = ("'li-1' as campaign_id, 'ABM' as campaign_name, 'abm_q1' as utm_campaign, "
             "99.5 as spend, 'EUR' as currency, 1000 as impressions, 12 as clicks")
    with connect(home) as con:
        for platform, day, region in [("linkedin_ads", "2025-01-01", "'EMEA' as region"),
                                      ("meta_ads", "2025-01-01", "'US' as region")]:
            folder = home.landing / "ads" / platform
            folder.mkdir(parents=True)
            con.execute(f"copy (select date '{day}' as date, {spend}, {region}) "
                        f"to '{folder / 'spend_1.parquet'}'")
    load(home, "ads__spend")
    with connect(home) as con:
        con.execute("alter table raw.load_manifest drop column columns")
        con.execute(f"copy (select * from (values (date '2025-01-01'), (date '2025-01-02')) "
                    f"as days(date), (select {spend})) "
                    f"to '{home.landing / 'ads/linkedin_ads/spend_2.parquet'}'")

    load(home, "ads__spend")

    assert query(home, "select platform, date, region from raw.ads__spend "
                       "order by _load_id, date") == [
        ("linkedin_ads", dt.date(2025, 1, 1), "EMEA"), ("meta_ads", dt.date(2025, 1, 1), "US"),
        ("linkedin_ads", dt.date(2025, 1, 1), "EMEA"), ("linkedin_ads", dt.date(2025, 1, 2), None)]
    assert query(home, "select object, column_name, records_carried from raw.carried_columns"
                 ) == [("ads/spend", "region", 1)]


def test_a_file_without_is_deleted_holds_live_records_whatever_an_earlier_file_said(home):
    header = "Id,Name,Industry,NumberOfEmployees,BillingCountry,OwnerId,CreatedDate"
    account = "001A,Acme,Software,250,DE,005A,2025-03-04T10:15:00Z"
    write(home.landing / "salesforce/Account/Account_1_all.csv",
          f"{header},IsDeleted,Tier__c\n{account},true,Gold\n")
    # restored from the recycle bin, exported without IsDeleted (nor the tier)
    write(home.landing / "salesforce/Account/Account_2.csv", f"{header}\n{account}\n")

    result = load(home, "salesforce__account")

    assert [file.columns_carried for file in result.files] == [(), ("tier_c",)]
    assert query(home, "select is_deleted, tier_c from raw.salesforce__account "
                       "order by _load_id") == [(True, "Gold"), (None, "Gold")]
