"""The pytest plugin seen from a user's test-suite (run with pytester, in a fresh directory)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SAMPLE = """id,received,amount,unit,expected_due,note
tet-2026,13/02/2026 10:00,5,working-days,27/02/2026,Tết 16-20/2 skipped
wrong,13/02/2026 10:00,5,working-days,26/02/2026,forgot a Tết day
"""


def test_rule_cases_make_one_test_per_row_with_readable_ids(pytester):
    pytester.makefile(".csv", cases=SAMPLE)
    pytester.makepyfile(
        """
        import pytest
        from onestop.testing import check_case, rule_cases

        @pytest.mark.parametrize("case", rule_cases("cases.csv"))
        def test_rules(case):
            check_case(case).assert_agrees()
        """
    )
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_rules?row 1: tet-2026? PASSED*",
            "*test_rules?row 2: wrong? FAILED*",
            "*due: expected 2026-02-26, onestop 2026-02-27T17:00:00+07:00 [[]DIFFERS[]]*",
            "*note: forgot a Tết day*",
            "*basis: NĐ 118/2025/NĐ-CP Điều 40 khoản 1;*Thông báo 9441/TB-BNV*",
            "*Thứ Hai 16/02/2026: Tết Nguyên đán — ngày nghỉ, không tính (Thông báo 9441/TB-BNV)*",
            "*explanation (en):*",
        ]
    )


def test_a_malformed_table_fails_the_collection(pytester):
    pytester.makefile(".csv", cases="received,expected_due\nyesterday,27/02/2026\n")
    pytester.makepyfile(
        """
        import pytest
        from onestop.testing import check_case, rule_cases

        @pytest.mark.parametrize("case", rule_cases("cases.csv"))
        def test_rules(case):
            check_case(case).assert_agrees()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*row 1, received: 'yesterday' is not a date-time*"])


def test_markers_are_registered_for_strict_suites(pytester):
    pytester.makepyfile(
        """
        import datetime as dt
        import pytest

        NOTICE = {
            "sources": {"X": {"title": "Quyết định 1/QĐ-UBND (giả định)"}},
            "year": [{"year": 2026, "days": [{"date": "2026-03-10", "kind": "extra_day_off",
                      "source": "X", "name_vi": "Nghỉ", "name_en": "Closure"}]}],
        }

        @pytest.mark.work_calendar(notices=[NOTICE])
        def test_closure(work_calendar):
            assert not work_calendar.is_working_day(dt.date(2026, 3, 10))

        def test_official(work_calendar):
            assert work_calendar.is_working_day(dt.date(2026, 3, 10))

        def test_same_official_object(work_calendar):
            from onestop.testing.pytest_plugin import DEFAULT_FROZEN_AT
            assert DEFAULT_FROZEN_AT.startswith("2026-02-13")

        @pytest.mark.frozen_clock("2025-06-30T16:00+07:00")
        def test_clock(frozen_clock):
            assert frozen_clock().day == 30
        """
    )
    result = pytester.runpytest("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_the_official_calendar_is_one_object_per_run(pytester):
    pytester.makepyfile(
        """
        SEEN = []

        def test_a(work_calendar):
            SEEN.append(work_calendar)

        def test_b(work_calendar):
            assert SEEN and SEEN[0] is work_calendar
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("work_calendar('07:00-17:00')", "keyword options only"),
        ("frozen_clock()", "takes one argument"),
        ("frozen_clock('2026-01-01', '2026-01-02')", "takes one argument"),
    ],
)
def test_marker_misuse_is_a_usage_error(pytester, marker, message):
    fixture = marker.split("(")[0]
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.{marker}
        def test_it({fixture}):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines([f"*{message}*"])
