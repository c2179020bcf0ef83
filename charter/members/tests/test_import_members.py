"""Importing an existing register from CSV: all or nothing, one record entry naming no one."""

from __future__ import annotations

import hashlib
import json

import pytest

from charter.members import importing
from charter.members.importing import (
    BadFile,
    ImportRejected,
    RowError,
    import_members,
    main,
    validate,
)
from charter.members.models import Member, Status, StatusChange
from charter.org.models import Unit
from charter.record import log as record
from charter.record.models import Entry

pytestmark = pytest.mark.django_db

HEADER = "name,branch,phone,email,language,status,joined_on,dues_paid_until,number\n"


@pytest.fixture
def org(cast, at):  # type: ignore[no-untyped-def]
    at("2026-11-01T10:00:00")
    return cast


def write(tmp_path, text: str, name: str = "register.csv", *, bom: bool = False):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def good_file(tmp_path, org, **kw):  # type: ignore[no-untyped-def]
    return write(tmp_path, HEADER + (
        "Amna Khoso,Karachi Central,+92 300 1112223,amna@example.org,sd,member,2014-05-01,2026-09-30,\n"
        f'"Lakhani, Yusuf",{org.hyderabad.pk},0300-7654321,,ur,lapsed,2010-02-03,2023-01-31,K/0042\n'
        "Nasreen Bibi,Hyderabad City,,,,applicant,,,\n"
        "Gul Hassan,Karachi Central,,gul@example.org,EN,Suspended,2018-08-08,,OLD-7\n"
    ), **kw)


def errors_of(path) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(e.line, e.column) for e in validate(path).errors]


def test_a_good_file_imports_every_row(org, tmp_path):
    path = good_file(tmp_path, org)
    members_before = Member.objects.count()
    entries_before = Entry.objects.count()
    top_id = Member.objects.order_by("-id").values_list("id", flat=True)[0]

    result = import_members(path)

    assert (result.rows, result.skipped) == (4, 0)
    assert Member.objects.count() == members_before + 4
    assert Entry.objects.count() == entries_before + 1
    amna = Member.objects.get(name="Amna Khoso")
    assert amna.id > top_id and amna.number == f"WDA-{amna.id:06d}"
    assert (amna.branch, amna.status, amna.language, amna.phone, amna.email) == (org.karachi, Status.MEMBER, "sd", "+92 300 1112223", "amna@example.org")
    assert str(amna.joined_on) == "2014-05-01" and str(amna.applied_on) == "2014-05-01" and str(amna.status_since) == "2014-05-01"
    assert str(amna.dues_paid_until) == "2026-09-30"
    yusuf = Member.objects.get(number="K/0042")
    assert (yusuf.name, yusuf.branch, yusuf.status, yusuf.language) == ("Lakhani, Yusuf", org.hyderabad, Status.LAPSED, "ur")
    assert str(yusuf.status_since) == "2026-11-01"  # the register gives no date for the lapse
    nasreen = Member.objects.get(name="Nasreen Bibi")
    assert (nasreen.status, nasreen.joined_on, nasreen.dues_paid_until, nasreen.language) == (Status.APPLICANT, None, None, "en")
    gul = Member.objects.get(number="OLD-7")
    assert (gul.status, gul.language) == (Status.SUSPENDED, "en")

    entry = Entry.objects.get(index=result.entry_index)
    assert (entry.act, entry.outcome) == ("import_members", "done")
    body = json.loads(entry.body)
    assert body["detail"] == {"rows": 4, "skipped": 0, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    assert body["subjects"] == [] and body["articles"] == [] and body["actor"] == "charter"
    for m in (amna, yusuf, nasreen, gul):
        changes = list(StatusChange.objects.filter(member=m).values_list("status_from", "status_to", "on", "reason", "entry_index"))
        assert changes == [("", m.status, m.status_since, "imported", entry.index)]
    assert record.verify() is None


def test_new_members_after_an_import_get_the_next_numbers(org, tmp_path):
    from charter.members.actions import apply_for_membership

    import_members(good_file(tmp_path, org))
    newest = Member.objects.order_by("-id").first()
    later = apply_for_membership(name="Later Person", branch=org.karachi)
    assert later.id == newest.id + 1 and later.number == f"WDA-{later.id:06d}"


def test_the_record_entry_names_no_one_from_the_file(org, tmp_path):
    path = good_file(tmp_path, org)
    result = import_members(path)
    body = Entry.objects.get(index=result.entry_index).body
    for secret in ["Amna", "Khoso", "Lakhani", "Yusuf", "Nasreen", "Gul", "amna@example.org", "gul@example.org",
                   "1112223", "7654321", "K/0042", "OLD-7", "Karachi", "Hyderabad"]:
        assert secret not in body


def test_a_byte_order_mark_is_ignored(org, tmp_path):
    path = good_file(tmp_path, org, bom=True)
    assert validate(path).errors == []
    assert import_members(path).rows == 4
    assert Member.objects.filter(name="Amna Khoso").exists()


def test_the_portable_bulk_create_path_gives_the_same_result(org, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "_FAST_PATHS", False)
    monkeypatch.setattr(importing, "BATCH_ROWS", 3)
    seen: list[int] = []
    result = import_members(good_file(tmp_path, org), progress=seen.append)
    assert result.rows == 4 and seen == [3, 1]
    amna = Member.objects.get(name="Amna Khoso")
    assert amna.number == f"WDA-{amna.id:06d}" and amna.status_history.get().entry_index == result.entry_index
    assert record.verify() is None


def test_progress_is_reported_per_batch(org, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    seen: list[int] = []
    import_members(good_file(tmp_path, org), progress=seen.append)
    assert seen == [2, 2]


# --- bad rows -------------------------------------------------------------------------------------

ROW = "Good Person,Karachi Central,,,,,,,"


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (",Karachi Central,,,,,,,", "name", "name is missing"),
        ("No Branch,,,,,,,,", "branch", "branch is missing"),
        ("Lost Person,Atlantis,,,,,,,", "branch", "unknown branch 'Atlantis'"),
        ("Lost Person,99999,,,,,,,", "branch", "unknown branch '99999'"),
        ("Area Person,Karachi,,,,,,,", "branch", "'Karachi' is an area, not a branch"),
        ("Region Person,Sindh,,,,,,,", "branch", "'Sindh' is a region, not a branch"),
        ("Bad Phone,Karachi Central,call me,,,,,,", "phone", "does not look like a phone number"),
        ("Short Phone,Karachi Central,12345,,,,,,", "phone", "does not look like a phone number"),
        ("Bad Email,Karachi Central,,not-an-email,,,,,", "email", "not a valid email address"),
        ("Bad Email,Karachi Central,,a@b,,,,,", "email", "not a valid email address"),
        ("Bad Lang,Karachi Central,,,fr,,,,", "language", "unknown language 'fr'"),
        ("Bad Status,Karachi Central,,,,emeritus,,,", "status", "unknown status 'emeritus'"),
        ("Refused,Karachi Central,,,,refused,,,", "status", "unknown status 'refused'"),
        ("Bad Date,Karachi Central,,,,,01/02/2015,,", "joined_on", "'01/02/2015' is not a date in the form YYYY-MM-DD"),
        ("Bad Date,Karachi Central,,,,,2015-02-30,,", "joined_on", "'2015-02-30' is not a date"),
        ("Future,Karachi Central,,,,,2030-01-01,,", "joined_on", "2030-01-01 is in the future"),
        ("Applicant,Karachi Central,,,,applicant,2020-01-01,,", "joined_on", "an applicant has not joined yet"),
        ("Bad Dues,Karachi Central,,,,,,June 2026,", "dues_paid_until", "'June 2026' is not a date"),
        ("Own Form,Karachi Central,,,,,,,WDA-999999", "number", "would clash with a number assigned later"),
        ("Too,Many,Fields,,,,,,,,", "", "has 11 fields; the header has 9"),
        ("Too Few,Karachi Central", "", "has 2 fields; the header has 9"),
    ],
)
def test_each_bad_row_is_reported_with_its_line_and_column(org, tmp_path, row, column, words):
    path = write(tmp_path, HEADER + ROW + "\n" + ROW.replace("Good", "Also Good") + "\n" + row + "\n")
    report = validate(path)
    assert report.rows_ok == 2
    assert [(e.line, e.column) for e in report.errors] == [(4, column)]
    assert words in report.errors[0].reason


def test_a_number_already_on_the_register_or_twice_in_the_file(org, tmp_path):
    path = write(tmp_path, HEADER + (
        f"Copy Of Alice,Karachi Central,,,,,,,{org.alice.number}\n"
        "First,Karachi Central,,,,,,,L-1\n"
        "Second,Karachi Central,,,,,,,L-1\n"
    ))
    report = validate(path)
    assert [(e.line, e.column) for e in report.errors] == [(2, "number"), (4, "number")]
    assert "already on the register" in report.errors[0].reason
    assert "already appears on line 3" in report.errors[1].reason
    assert report.rows_ok == 1


def test_a_dissolved_branch(org, tmp_path):
    # Test set-up only: the branch is marked dissolved directly (dissolving needs a long procedure).
    Unit.objects.filter(name="Lahore Central").update(dissolved_on="2026-06-01")
    lahore = Unit.objects.get(name="Lahore Central")
    path = write(tmp_path, HEADER + "A,Lahore Central,,,,,,,\n" + f"B,{lahore.pk},,,,,,,\n")
    report = validate(path)
    assert [(e.line, e.column) for e in report.errors] == [(2, "branch"), (3, "branch")]
    assert all("has been dissolved" in e.reason for e in report.errors)


def test_a_branch_name_shared_by_two_branches_must_be_given_by_id(org, tmp_path):
    twin = Unit.objects.create(parent=org.area, level="branch", name="Karachi Central", created_on="2026-01-01", path="")
    Unit.objects.filter(pk=twin.pk).update(path=f"{org.area.path}{twin.pk}/")
    path = write(tmp_path, HEADER + "A,Karachi Central,,,,,,,\n" + f"B,{twin.pk},,,,,,,\n")
    report = validate(path)
    assert [(e.line, e.column) for e in report.errors] == [(2, "branch")]
    assert f"ids {org.karachi.pk}, {twin.pk}" in report.errors[0].reason


def test_header_problems_are_reported_on_line_1(org, tmp_path):
    path = write(tmp_path, "name,branch,nickname,Name\nA,Karachi Central,Al,A\n")
    report = validate(path)
    assert report.fatal
    assert [(e.line, e.column) for e in report.errors] == [(1, "name"), (1, "nickname")]
    assert "appears twice" in report.errors[0].reason and "unknown column 'nickname'" in report.errors[1].reason

    path = write(tmp_path, "name,phone\nA,0300 1234567\n", "nobranch.csv")
    report = validate(path)
    assert report.fatal and [(e.line, e.column) for e in report.errors] == [(1, "branch")]
    assert "no branch column" in report.errors[0].reason


def test_line_numbers_count_physical_lines(org, tmp_path):
    path = write(tmp_path, HEADER + '"Multi\nLine Name",Karachi Central,,,,,,,\n\n' + "Bad,Atlantis,,,,,,,\n")
    assert errors_of(path) == [(5, "branch")]


def test_one_bad_row_means_nothing_is_imported(org, tmp_path):
    path = write(tmp_path, HEADER + ROW + "\n" + "Bad,Atlantis,,,,,,,\n" + ROW.replace("Good", "Third") + "\n")
    members = Member.objects.count()
    entries = Entry.objects.count()
    with pytest.raises(ImportRejected) as exc:
        import_members(path)
    assert exc.value.errors == [RowError(3, "branch", exc.value.errors[0].reason)]
    assert Member.objects.count() == members and Entry.objects.count() == entries

    result = import_members(path, skip_bad_rows=True)
    assert (result.rows, result.skipped) == (2, 1)
    assert Member.objects.count() == members + 2 and Entry.objects.count() == entries + 1
    assert json.loads(Entry.objects.get(index=result.entry_index).body)["detail"]["skipped"] == 1
    assert record.verify() is None


def test_a_bad_header_is_never_skipped(org, tmp_path):
    path = write(tmp_path, "name,branch,nickname\nA,Karachi Central,Al\n")
    with pytest.raises(ImportRejected):
        import_members(path, skip_bad_rows=True)
    assert not Member.objects.filter(name="A").exists()


def test_unreadable_files(org, tmp_path):
    with pytest.raises(BadFile, match="no such file"):
        validate(tmp_path / "missing.csv")
    with pytest.raises(BadFile, match="is empty"):
        validate(write(tmp_path, ""))
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(HEADER.encode() + "Zoë,Karachi Central,,,,,,,\n".encode("latin-1"))
    with pytest.raises(BadFile, match="not UTF-8"):
        validate(latin)
    with pytest.raises(BadFile, match="is empty"):
        validate(write(tmp_path, "\n\n", "blank.csv"))
    with pytest.raises(BadFile, match="header but no rows"):
        validate(write(tmp_path, HEADER))


# --- the command ----------------------------------------------------------------------------------


def test_cli_imports_and_says_how_many(org, tmp_path, capsys):
    path = good_file(tmp_path, org)
    assert main([str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == "imported 4 members (skipped 0 bad rows)\n"


def test_cli_lists_problems_and_imports_nothing(org, tmp_path, capsys):
    path = write(tmp_path, HEADER + ROW + "\n" + "Bad,Atlantis,,not-mail,,,,,\n")
    members = Member.objects.count()
    assert main([str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{path}:3: branch: unknown branch 'Atlantis'" in err
    assert f"{path}:3: email: 'not-mail' is not a valid email address" in err
    assert err.rstrip().endswith("nothing was imported (use --skip-bad-rows to import the good rows)")
    assert Member.objects.count() == members

    assert main([str(path), "--skip-bad-rows"]) == 0
    out, err = capsys.readouterr()
    assert out == "imported 1 members (skipped 1 bad rows)\n"
    assert f"{path}:3: branch: unknown branch 'Atlantis'" in err


def test_cli_shows_at_most_50_problems(org, tmp_path, capsys):
    path = write(tmp_path, HEADER + "".join(f"P{i},Atlantis,,,,,,,\n" for i in range(60)))
    assert main([str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("unknown branch") == 50
    assert "… and 10 more" in err


def test_cli_unreadable_files_exit_2(org, tmp_path, capsys):
    assert main([str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err
    assert main([str(write(tmp_path, "", "empty.csv"))]) == 2
    assert "empty.csv: is empty" in capsys.readouterr().err
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(HEADER.encode() + "Zoë,Karachi Central,,,,,,,\n".encode("latin-1"))
    assert main([str(latin)]) == 2
    assert "is not UTF-8" in capsys.readouterr().err


def test_cli_import_leaves_a_progress_row_that_ends_done(org, tmp_path, capsys, settings):
    from charter.progress.models import Operation

    settings.PROGRESS_INTERVAL = 0
    assert main([str(good_file(tmp_path, org))]) == 0
    op = Operation.objects.get(kind="import_members")
    assert (op.state, op.step, op.done, op.total, op.result) == ("done", "writing", 4, 4, {"rows": 4, "skipped": 0})
    assert op.by is None and op.finished_at is not None


def test_cli_import_rejected_ends_its_progress_row_failed_with_the_reason(org, tmp_path, capsys):
    from charter.progress.models import Operation

    path = write(tmp_path, HEADER + ROW + "\n" + "Bad,Atlantis,,not-mail,,,,,\n")
    assert main([str(path)]) == 1
    op = Operation.objects.get(kind="import_members")
    assert op.state == "failed" and op.error == "2 problem(s) in the file; nothing was imported"
    assert main([str(tmp_path / "missing.csv")]) == 2
    assert Operation.objects.filter(kind="import_members", state="failed", error__endswith="missing.csv: no such file").exists()
