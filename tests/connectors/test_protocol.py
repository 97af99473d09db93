"""The pure protocol: answers to typed errors, chunking, the upsert flow."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.connectors import HoSoRecord, TienTrinhRecord
from onestop.connectors._protocol import (
    PROGRESS_CHUNK,
    SERVICE_LOOKUP,
    SERVICE_SYNC,
    Envelope,
    encode_body,
    is_session_error,
    parse_lookup,
    parse_procedure,
    parse_response,
    progress_calls,
    request_body,
    upsert_flow,
)
from onestop.errors import (
    APIStatusError,
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
)


def body(**kw):
    return json.dumps(kw, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitedError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (400, APIStatusError),
    ],
)
def test_http_status_maps_to_typed_error(status, error):
    with pytest.raises(error) as info:
        parse_response(status, {}, b"<html>oops</html>", service="TraCuuHoSo")
    assert type(info.value) is error
    assert info.value.status_code == status
    assert "TraCuuHoSo" in info.value.message


def test_429_carries_retry_after():
    with pytest.raises(RateLimitedError) as info:
        parse_response(429, {"Retry-After": "7"}, b"", service="TraCuuHoSo")
    assert info.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("error_code", "message", "error"),
    [
        (-3, "Hồ sơ H56-1 đã tồn tại trên hệ thống", ConflictError),
        (-4, "Hồ sơ H56-1 không tồn tại", NotFoundError),
        ("-1", "Session không hợp lệ hoặc đã hết hạn", AuthenticationError),
        ("2", "Thiếu mã đơn vị (madonvi)", APIStatusError),
    ],
)
def test_error_envelope_maps_to_typed_error(error_code, message, error):
    with pytest.raises(error) as info:
        parse_response(200, {}, body(error_code=error_code, message=message), service=SERVICE_SYNC)
    assert type(info.value) is error
    assert info.value.error_code == str(int(error_code))
    assert info.value.status_code == 200


@pytest.mark.parametrize("content", [b"thanh cong", b"[]", b'{"message": "no code"}'])
def test_non_envelope_success_is_unexpected(content):
    with pytest.raises(UnexpectedResponseError):
        parse_response(200, {}, content, service=SERVICE_LOOKUP)


def test_session_error_detection():
    assert is_session_error(401, b"")
    assert is_session_error(200, body(error_code=-1, message="Session hết hạn"))
    assert not is_session_error(200, body(error_code=0, message="ok"))
    assert not is_session_error(200, body(error_code=-3, message="Hồ sơ đã tồn tại"))
    assert not is_session_error(503, b"")


def test_request_body_and_encoding_keep_vietnamese():
    from onestop.connectors._protocol import lookup_call

    data = request_body(lookup_call(" H56-1 "), unit_code="H56")
    assert data == {"madonvi": "H56", "service": "TraCuuHoSo", "mahoso": "H56-1"}
    assert "Hồ sơ".encode() in encode_body({"m": "Hồ sơ"})
    with pytest.raises(InvalidInputError):
        lookup_call("  ")


rows_strategy = st.lists(st.integers(0, 10**6), max_size=60)


@settings(max_examples=60, deadline=None)
@given(rows_strategy, st.integers(1, 15))
def test_progress_chunking_preserves_rows_in_order(stamps, chunk):
    rows = [TienTrinhRecord(MaHoSo="X", ThoiDiemXuLy=str(s), TrangThai="4") for s in stamps]
    calls = progress_calls(rows, chunk_size=chunk)
    assert len(calls) == math.ceil(len(rows) / chunk)
    assert all(1 <= len(c.params["data"]) <= chunk for c in calls)
    flat = [r["ThoiDiemXuLy"] for c in calls for r in c.params["data"]]
    assert flat == [str(s) for s in stamps]
    assert all(c.idempotent for c in calls)


def test_progress_default_chunk_is_ten():
    assert PROGRESS_CHUNK == 10
    with pytest.raises(InvalidInputError):
        progress_calls([], chunk_size=0)


RECORD = HoSoRecord(MaHoSo="H56-1", TrangThaiHoSo="2")
OK_EMPTY = Envelope(error_code="0", result=[])
OK_FOUND = Envelope(error_code="0", result=[RECORD.to_wire()])


def drive(flow, answers):
    """Run a flow against scripted answers; return (services called, result)."""
    called = []
    call = next(flow)
    try:
        while True:
            called.append((call.service, call.params.get("isUpdating")))
            answer = answers.pop(0)
            call = flow.throw(answer) if isinstance(answer, Exception) else flow.send(answer)
    except StopIteration as stop:
        return called, stop.value


def test_upsert_creates_when_absent():
    called, result = drive(upsert_flow(RECORD), [OK_EMPTY, OK_EMPTY])
    assert called == [("TraCuuHoSo", None), ("DongBoHoSoMC", "False")]
    assert result.created is True


def test_upsert_updates_when_present():
    called, result = drive(upsert_flow(RECORD), [OK_FOUND, OK_EMPTY])
    assert called == [("TraCuuHoSo", None), ("DongBoHoSoMC", "True")]
    assert result.created is False


def test_upsert_falls_back_to_update_on_already_exists():
    conflict = ConflictError("đã tồn tại", status_code=200, error_code="-3")
    called, result = drive(upsert_flow(RECORD), [OK_EMPTY, conflict, OK_EMPTY])
    assert called == [("TraCuuHoSo", None), ("DongBoHoSoMC", "False"), ("DongBoHoSoMC", "True")]
    assert result.created is False


def test_upsert_known_to_exist_updates_first_and_falls_back():
    called, _ = drive(upsert_flow(RECORD, known_to_exist=True), [OK_EMPTY])
    assert called == [("DongBoHoSoMC", "True")]
    missing = NotFoundError("không tồn tại", status_code=200, error_code="-4")
    called, result = drive(upsert_flow(RECORD, known_to_exist=True), [missing, OK_EMPTY, OK_EMPTY])
    assert called == [("DongBoHoSoMC", "True"), ("TraCuuHoSo", None), ("DongBoHoSoMC", "False")]
    assert result.created is True


def test_create_call_is_not_idempotent_but_update_is():
    flow = upsert_flow(RECORD)
    lookup = next(flow)
    create = flow.send(OK_EMPTY)
    assert lookup.idempotent
    assert not create.idempotent


def test_parse_lookup_and_procedure():
    assert parse_lookup(OK_EMPTY) is None
    assert parse_lookup(OK_FOUND) == RECORD
    with pytest.raises(NotFoundError) as info:
        parse_procedure(OK_EMPTY, code="9.999999")
    assert info.value.field == "code"
    with pytest.raises(UnexpectedResponseError):
        parse_lookup(Envelope(error_code="0", result=[{"no": "code"}]))


# ---------------------------------------------------------------- fuzzing

json_scalars = st.none() | st.booleans() | st.integers(-10, 10) | st.text(max_size=5)
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "error_code": json_scalars,
        "message": json_scalars,
        "result": json_scalars | st.lists(st.dictionaries(st.text(max_size=4), json_scalars)),
        "session": json_scalars,
    },
)


@settings(max_examples=200, deadline=None)
@given(
    status=st.integers(100, 599),
    content=st.binary(max_size=64) | envelopes.map(lambda d: json.dumps(d).encode()),
)
def test_any_answer_gives_an_envelope_or_a_onestop_error(status, content):
    from onestop.errors import OneStopError

    try:
        env = parse_response(status, {"Retry-After": "x"}, content, service="TraCuuHoSo")
    except OneStopError:
        return
    assert 200 <= status < 300
    assert env.ok


def test_unexpected_answer_message_never_quotes_json_values():
    name = "Nguyễn Văn A"
    content = json.dumps({"result": [{"ChuHoSo": name}]}, ensure_ascii=False).encode()
    with pytest.raises(UnexpectedResponseError) as info:
        parse_response(200, {}, content, service=SERVICE_LOOKUP)
    assert "Nguy" not in info.value.message
    assert "keys [result]" in info.value.message
    with pytest.raises(UnexpectedResponseError) as info:
        parse_response(200, {}, b"Cap nhat thanh cong", service=SERVICE_LOOKUP)
    assert "Cap nhat thanh cong" in info.value.message  # plain text is shown to help debugging


def test_portal_messages_echoing_id_numbers_are_masked():
    message = (
        "Số định danh 001099012345 của công dân, SĐT 0912345678 không hợp lệ "
        "(hồ sơ H56-260315-0001)"
    )
    with pytest.raises(APIStatusError) as info:
        parse_response(200, {}, body(error_code=2, message=message), service=SERVICE_SYNC)
    text = info.value.message
    assert "001099012345" not in text
    assert "0912345678" not in text
    assert "0010******45" in text  # onestop.errors.mask_id
    assert "H56-260315-0001" in text  # dossier codes stay readable
