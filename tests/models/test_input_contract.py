"""Bad input to the code generators and builders says what was given and what is expected (gaps
a mutation run found: errors whose wording or bounds could change without a test noticing).
"""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.errors import ConfigurationError, InvalidIdentifierError
from onestop.models import DossierCodeGenerator, InMemorySequenceStore, SqliteSequenceStore, TaxCode


def test_a_generator_without_a_sequence_store_says_what_a_store_is():
    with pytest.raises(ConfigurationError) as info:
        DossierCodeGenerator(store={})  # type: ignore[arg-type]
    error = info.value
    assert error.field == "store"
    assert "a dict is not a sequence store" in error.message
    assert "expected an object with next_value(agency: str, day: date) -> int, such as" in (
        error.message
    )


def test_a_receipt_date_outside_2000_2099_is_reported_as_given():
    gen = DossierCodeGenerator(InMemorySequenceStore())
    # 20:00 UTC on 31/12/2099 is already 2100 in Vietnam: the message shows the caller's value
    given = dt.datetime(2099, 12, 31, 20, 0, tzinfo=dt.UTC)
    with pytest.raises(InvalidIdentifierError) as info:
        gen.next("H56", given)
    assert info.value.field == "received_on"
    assert repr(given) in info.value.message


def test_an_unusable_sequence_database_asks_for_a_writable_file(tmp_path):
    with pytest.raises(ConfigurationError) as info:
        SqliteSequenceStore(tmp_path)  # a directory
    assert info.value.field == "path"
    assert info.value.message.endswith("; expected a writable SQLite file path")


@pytest.mark.parametrize("branch", [0, 1000, True, "1"])
def test_a_branch_number_is_001_to_999(branch):
    with pytest.raises(InvalidIdentifierError) as info:
        TaxCode.build("010010910", branch=branch)
    assert (info.value.field, info.value.reason) == ("branch", "branch")
    assert str(TaxCode.build("010010910", branch=999)) == "0100109106-999"
