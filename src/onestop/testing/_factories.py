"""Deterministic factories of realistic procedures and dossiers, for tests, docs and examples.

``make_procedure(seed)`` and ``make_dossier(seed)`` build valid objects from a small catalogue
of common commune-level procedures (civil status, residence, certification, household
business) with Vietnamese names, agency codes of TP Hồ Chí Minh (H29), Thanh Hóa (H56) and
Hà Nội (H24), and amounts in VND. The same seed always gives the same object; only
``random.Random(seed)`` is used (no global state, no clock).

The catalogue is *test data*: procedure codes follow a public third-party snapshot of the
national database, and processing times and fees follow the sector texts cited on each entry,
but neither is authoritative; field (lĩnh vực) codes, component codes and agency sub-codes are
made up in the official shapes. Submissions fall on official working days and due dates are
those :func:`onestop.deadlines.compute_due` gives on the civil-service calendar (default counting
policy of the procedure's unit).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from typing import Any

from onestop.deadlines.calendar import default_calendar
from onestop.deadlines.policies import compute_due
from onestop.errors import InvalidIdentifierError, InvalidInputError
from onestop.models import (
    AdministrativeLevel,
    AgencyCode,
    AgencyRef,
    Applicant,
    ApplicantKind,
    Channel,
    ChannelProcessingTime,
    CitizenId,
    Contact,
    DeliveryMethod,
    Dossier,
    DossierResult,
    DossierStatus,
    FeeItem,
    FeeKind,
    FieldOfActivity,
    FormTemplate,
    LegalBasis,
    Payment,
    PaymentMethod,
    Procedure,
    ProcedureRef,
    ProcedureResult,
    ProcessingTime,
    RequiredDocument,
    ResultDelivery,
    ResultDocument,
    ServiceLevel,
    SubmittedDocument,
    TaxCode,
    TimeUnit,
)
from onestop.models._identity import mst_check_digit
from onestop.tz import VN_TZ

__all__ = [
    "EXTENDABLE_STATUSES",
    "dossier_status",
    "lifecycle_path",
    "make_dossier",
    "make_procedure",
]

_S = DossierStatus
_ALL_CHANNELS = (Channel.DIRECT, Channel.ONLINE, Channel.POSTAL)


@dataclass(frozen=True)
class _Entry:
    code: str
    name_vi: str
    name_en: str
    field: tuple[str, str]
    time: ProcessingTime
    fees: tuple[tuple[str, int, FeeKind], ...]
    documents: tuple[tuple[str, int, int, str | None], ...]
    result: str
    basis: tuple[tuple[str, str], ...]
    level: ServiceLevel
    channels: tuple[Channel, ...]
    applicant: ApplicantKind


_HO_TICH = ("G15-TP06", "Hộ tịch")
_CU_TRU = ("G01-CA02", "Đăng ký, quản lý cư trú")
_CHUNG_THUC = ("G15-TP07", "Chứng thực")
_HKD = ("G12-TC03", "Thành lập và hoạt động của hộ kinh doanh")

_HO_TICH_LAW = ("60/2014/QH13", "Luật Hộ tịch")
_HO_TICH_DECREE = ("123/2015/NĐ-CP", "Nghị định quy định chi tiết một số điều của Luật Hộ tịch")
_CU_TRU_LAW = ("68/2020/QH14", "Luật Cư trú")

#: A small catalogue; the first entry is what ``seed=0`` gives.
_CATALOGUE: tuple[_Entry, ...] = (
    _Entry(
        code="1.000894",
        name_vi="Đăng ký kết hôn",
        name_en="Marriage registration",
        field=_HO_TICH,
        time=ProcessingTime.same_day(),
        fees=(("Lệ phí đăng ký kết hôn", 0, FeeKind.CHARGE),),
        documents=(
            ("Tờ khai đăng ký kết hôn", 1, 0, "Tờ khai đăng ký kết hôn (TT 04/2020/TT-BTP)"),
            ("Giấy xác nhận tình trạng hôn nhân", 1, 0, None),
        ),
        result="Giấy chứng nhận kết hôn",
        basis=(_HO_TICH_LAW, _HO_TICH_DECREE),
        level=ServiceLevel.FULL,
        channels=_ALL_CHANNELS,
        applicant=ApplicantKind.CITIZEN,
    ),
    _Entry(
        code="1.001193",
        name_vi="Đăng ký khai sinh",
        name_en="Birth registration",
        field=_HO_TICH,
        time=ProcessingTime.same_day(),
        fees=(("Lệ phí đăng ký khai sinh (miễn, đăng ký đúng hạn)", 0, FeeKind.CHARGE),),
        documents=(
            ("Tờ khai đăng ký khai sinh", 1, 0, "Tờ khai đăng ký khai sinh (TT 04/2020/TT-BTP)"),
            ("Giấy chứng sinh", 1, 0, None),
        ),
        result="Giấy khai sinh",
        basis=(_HO_TICH_LAW, _HO_TICH_DECREE),
        level=ServiceLevel.FULL,
        channels=_ALL_CHANNELS,
        applicant=ApplicantKind.CITIZEN,
    ),
    _Entry(
        code="1.000656",
        name_vi="Đăng ký khai tử",
        name_en="Death registration",
        field=_HO_TICH,
        time=ProcessingTime.same_day(),
        fees=(("Lệ phí đăng ký khai tử", 0, FeeKind.CHARGE),),
        documents=(
            ("Tờ khai đăng ký khai tử", 1, 0, "Tờ khai đăng ký khai tử (TT 04/2020/TT-BTP)"),
            ("Giấy báo tử", 1, 0, None),
        ),
        result="Trích lục khai tử",
        basis=(_HO_TICH_LAW, _HO_TICH_DECREE),
        level=ServiceLevel.FULL,
        channels=_ALL_CHANNELS,
        applicant=ApplicantKind.CITIZEN,
    ),
    _Entry(
        code="1.004222",
        name_vi="Đăng ký thường trú",
        name_en="Permanent residence registration",
        field=_CU_TRU,
        time=ProcessingTime(amount=7, unit=TimeUnit.WORKING_DAYS),
        fees=(("Lệ phí đăng ký cư trú", 20_000, FeeKind.CHARGE),),
        documents=(
            ("Tờ khai thay đổi thông tin cư trú (CT01)", 1, 0, "Mẫu CT01"),
            ("Giấy tờ chứng minh chỗ ở hợp pháp", 0, 1, None),
        ),
        result="Thông báo kết quả đăng ký thường trú",
        basis=(_CU_TRU_LAW, ("62/2021/NĐ-CP", "Nghị định hướng dẫn Luật Cư trú")),
        level=ServiceLevel.FULL,
        channels=_ALL_CHANNELS,
        applicant=ApplicantKind.CITIZEN,
    ),
    _Entry(
        code="1.004194",
        name_vi="Đăng ký tạm trú",
        name_en="Temporary residence registration",
        field=_CU_TRU,
        time=ProcessingTime(amount=3, unit=TimeUnit.WORKING_DAYS),
        fees=(("Lệ phí đăng ký cư trú", 15_000, FeeKind.CHARGE),),
        documents=(
            ("Tờ khai thay đổi thông tin cư trú (CT01)", 1, 0, "Mẫu CT01"),
            ("Hợp đồng thuê nhà hoặc văn bản cho ở nhờ", 0, 1, None),
        ),
        result="Thông báo kết quả đăng ký tạm trú",
        basis=(_CU_TRU_LAW, ("62/2021/NĐ-CP", "Nghị định hướng dẫn Luật Cư trú")),
        level=ServiceLevel.FULL,
        channels=_ALL_CHANNELS,
        applicant=ApplicantKind.CITIZEN,
    ),
    _Entry(
        code="2.000815",
        name_vi="Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        name_en="Certification of copies from originals",
        field=_CHUNG_THUC,
        time=ProcessingTime.same_day(),
        fees=(("Phí chứng thực bản sao (2.000 đồng/trang)", 2_000, FeeKind.FEE),),
        documents=(("Bản chính giấy tờ cần chứng thực", 1, 1, None),),
        result="Bản sao được chứng thực",
        basis=(("23/2015/NĐ-CP", "Nghị định về cấp bản sao từ sổ gốc, chứng thực"),),
        level=ServiceLevel.NONE,
        channels=(Channel.DIRECT,),
        applicant=ApplicantKind.CITIZEN,
    ),
    _Entry(
        code="1.001612",
        name_vi="Đăng ký thành lập hộ kinh doanh",
        name_en="Household business registration",
        field=_HKD,
        time=ProcessingTime(amount=3, unit=TimeUnit.WORKING_DAYS),
        fees=(("Lệ phí đăng ký hộ kinh doanh", 100_000, FeeKind.CHARGE),),
        documents=(
            ("Giấy đề nghị đăng ký hộ kinh doanh", 1, 0, "Phụ lục III-1 (TT 02/2023/TT-BKHĐT)"),
            ("Biên bản họp thành viên hộ gia đình", 0, 1, None),
        ),
        result="Giấy chứng nhận đăng ký hộ kinh doanh",
        basis=(("01/2021/NĐ-CP", "Nghị định về đăng ký doanh nghiệp"),),
        level=ServiceLevel.PARTIAL,
        channels=(Channel.DIRECT, Channel.ONLINE),
        applicant=ApplicantKind.ENTERPRISE,
    ),
)

#: (agency code, agency name) of receiving commune-level units, legacy and QĐ 20/2020 forms.
_AGENCIES: tuple[tuple[str, str], ...] = (
    ("000.21.29.H29", "UBND Phường Sài Gòn, TP Hồ Chí Minh"),
    ("000.34.29.H29", "UBND Phường Bến Thành, TP Hồ Chí Minh"),
    ("000.11.30.H56", "UBND Phường Hạc Thành, tỉnh Thanh Hóa"),
    ("H56.30.12", "UBND Xã Hoằng Hóa, tỉnh Thanh Hóa"),
    ("000.05.01.H24", "UBND Phường Hoàn Kiếm, TP Hà Nội"),
)

#: Birth-registration codes (first 3 digits of a CCCD) used for generated citizens.
_CCCD_PROVINCES = ("001", "079", "038", "031", "048", "040", "092")

_FAMILY = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
)  # fmt: skip
_MIDDLE_M = ("Văn", "Minh", "Đức", "Hữu", "Quốc", "Thanh", "Gia")
_MIDDLE_F = ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Bảo", "Khánh")
_GIVEN_M = ("An", "Bình", "Cường", "Dũng", "Hùng", "Khoa", "Long", "Nam", "Phúc", "Quân", "Tuấn")
_GIVEN_F = ("Anh", "Hà", "Hạnh", "Hoa", "Lan", "Linh", "Mai", "Thảo", "Trang", "Vy", "Yến")
_STREETS = ("Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Hàm Nghi")
_BUSINESS = ("Tạp hóa", "Quán cà phê", "Tiệm bánh mì", "Cửa hàng điện thoại", "Tiệm may")
_OFFICERS = ("cb.tiepnhan01", "cb.tiepnhan02", "cb.hotich", "cb.tuphap", "cb.vanthu")

_FIRST_DAY = dt.date(2025, 7, 1)
_DAYS_SPAN = 480


def _entry(seed: int) -> _Entry:
    return _CATALOGUE[seed % len(_CATALOGUE)]


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInputError(
            f"seed: expected an int >= 0, got {seed!r}"
            if isinstance(seed, int)
            else f"seed: expected an int >= 0, got a {type(seed).__name__}",
            field="seed",
        )
    return seed


def _procedure_data(entry: _Entry, rng: random.Random) -> dict[str, Any]:
    agency_code, agency_name = _AGENCIES[rng.randrange(len(_AGENCIES))]
    unit = AgencyRef(name=agency_name, code=AgencyCode(agency_code))
    return {
        "code": entry.code,
        "name_vi": entry.name_vi,
        "name_en": entry.name_en,
        "field": FieldOfActivity(code=entry.field[0], name=entry.field[1]),
        "levels": (AdministrativeLevel.COMMUNE,),
        "implementing_agencies": (unit,),
        "competent_agencies": (AgencyRef(name="Chủ tịch UBND cấp xã"),),
        "channels": entry.channels,
        "processing_times": tuple(
            ChannelProcessingTime(channel=c, time=entry.time) for c in entry.channels
        ),
        "fees": tuple(FeeItem(name=n, amount=a, kind=k) for n, a, k in entry.fees),
        "documents": tuple(
            RequiredDocument(
                name=name,
                code=f"{entry.code}-TP{i + 1:02d}",
                originals=orig,
                copies=cop,
                template=FormTemplate(name=tpl) if tpl else None,
            )
            for i, (name, orig, cop, tpl) in enumerate(entry.documents)
        ),
        "results": (ProcedureResult(name=entry.result, code=f"KQ.{entry.code}"),),
        "legal_basis": tuple(LegalBasis(number=num, title=title) for num, title in entry.basis),
        "service_level": entry.level,
    }


def make_procedure(seed: int = 0, **overrides: Any) -> Procedure:
    """Build a valid, realistic :class:`~onestop.models.Procedure`, the same for the same seed.

    ``seed=0`` gives 1.000894 Đăng ký kết hôn (same day, 15:00 cut-off). Overriding
    ``channels`` alone also adapts ``processing_times``, ``fees`` and ``service_level``.

    Args:
        seed: selects the catalogue entry and the agency.
        **overrides: any :class:`~onestop.models.Procedure` field.

    Returns:
        The procedure.

    Raises:
        InvalidInputError: ``seed`` is not an int >= 0, or an override names no Procedure
            field.
        InvalidDossierError: the overrides make the procedure invalid.
    """
    _check_keys(overrides, Procedure.model_fields, "make_procedure")
    rng = random.Random(_check_seed(seed))
    entry = _entry(seed)
    data = _procedure_data(entry, rng)
    if "channels" in overrides:
        channels = tuple(Channel(c) for c in overrides["channels"])
        data["processing_times"] = tuple(
            ChannelProcessingTime(channel=c, time=entry.time) for c in channels
        )
        if "service_level" not in overrides:
            data["service_level"] = (
                (entry.level if entry.level is not ServiceLevel.NONE else ServiceLevel.PARTIAL)
                if Channel.ONLINE in channels
                else ServiceLevel.NONE
            )
    data.update(overrides)
    return Procedure.model_validate(data)


def _check_keys(overrides: dict[str, Any], fields: Any, who: str) -> None:
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise InvalidInputError(
            f"{unknown[0]}: {who}() has no field {unknown[0]!r}; valid overrides: "
            f"{', '.join(sorted(fields))}",
            field=unknown[0],
        )


def _citizen(rng: random.Random, *, on: dt.date) -> Applicant:
    female = rng.random() < 0.5
    year = rng.randint(1950, min(on.year - 18, 2006))
    century_digit = (0 if year < 2000 else 2) + (1 if female else 0)
    province = _CCCD_PROVINCES[rng.randrange(len(_CCCD_PROVINCES))]
    number = f"{province}{century_digit}{year % 100:02d}{rng.randrange(10**6):06d}"
    family = _FAMILY[rng.randrange(len(_FAMILY))]
    middle = (_MIDDLE_F if female else _MIDDLE_M)[rng.randrange(7)]
    given = (_GIVEN_F if female else _GIVEN_M)[rng.randrange(11)]
    return Applicant(
        kind=ApplicantKind.CITIZEN,
        name=f"{family} {middle} {given}",
        citizen_id=CitizenId(number),
        contact=_contact(rng),
    )


#: Random 10-digit candidates drawn before building one from its check digit. A candidate is
#: valid about once in 11 draws, so the bound is never reached in practice; it keeps the
#: factory's output per seed as it was (the same draws) while bounding the work.
_TAX_CODE_DRAWS = 200


def _tax_code(rng: random.Random) -> TaxCode:
    """A valid 10-digit MST, in at most :data:`_TAX_CODE_DRAWS` draws and two checks more."""
    candidate = ""
    for _ in range(_TAX_CODE_DRAWS):
        candidate = f"{rng.choice('0123458')}{rng.randrange(10**9):09d}"
        with contextlib.suppress(InvalidIdentifierError):
            return TaxCode(candidate)
    # Build one from the last draw: raising the ninth digit by one (9 → 0 wrapping) changes the
    # weighted sum by 3 (or −27) modulo 11, never by 0, so one of two consecutive ninth digits
    # has a check digit. Digits 3–8 are made not all zero.
    head = candidate[:2] + (candidate[2:8] if candidate[2:8] != "000000" else "000001")
    for step in (0, 1):
        first_nine = f"{head}{(int(candidate[8]) + step) % 10}"
        check = mst_check_digit(first_nine)
        if check is not None:
            return TaxCode(f"{first_nine}{check}")
    raise AssertionError("unreachable: two consecutive ninth digits")  # pragma: no cover


def _enterprise(rng: random.Random, *, on: dt.date) -> Applicant:
    owner = _citizen(rng, on=on)
    business = _BUSINESS[rng.randrange(len(_BUSINESS))]
    return Applicant(
        kind=ApplicantKind.ENTERPRISE,
        name=f"Hộ kinh doanh {business} {owner.name.split()[-1]}",
        tax_code=_tax_code(rng),
        contact=owner.contact,
    )


def _contact(rng: random.Random) -> Contact:
    prefix = rng.choice(("090", "091", "093", "097", "098", "086", "088"))
    return Contact(
        phone=f"{prefix}{rng.randrange(10**7):07d}",
        email=f"nguoidan{rng.randrange(10**5):05d}@example.vn",
        address=f"{rng.randint(1, 300)} {_STREETS[rng.randrange(len(_STREETS))]}",
    )


def _weekday_at(rng: random.Random, start: dt.date) -> dt.datetime:
    """A time within office hours on a working day of the official calendar."""
    day = start + dt.timedelta(days=rng.randrange(_DAYS_SPAN))
    calendar = default_calendar()
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    minutes = rng.randint(7 * 60 + 30, 16 * 60 + 30)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=VN_TZ)


def _approx_due(received: dt.datetime, time: ProcessingTime) -> dt.datetime:
    """The due date by the default counting policy on the official civil-service calendar."""
    return compute_due(received, time).due_at


def _later(rng: random.Random, at: dt.datetime, low: int, high: int) -> dt.datetime:
    """``at`` plus ``low``-``high`` minutes."""
    return at + dt.timedelta(minutes=rng.randint(low, high))


def _document(rng: random.Random, name: str, code: str | None) -> SubmittedDocument:
    content = rng.randbytes(64)
    return SubmittedDocument(
        name=name,
        component_code=code,
        sha256=hashlib.sha256(content).hexdigest(),
        digitized=rng.random() < 0.5,
        reused=rng.random() < 0.2,
    )


#: The lifecycle path that reaches each status (after submission).
_PATHS: dict[DossierStatus, tuple[str, ...]] = {
    _S.NEW: (),
    _S.RECEIVED: ("accept",),
    _S.REFUSED: ("refuse",),
    _S.PROCESSING: ("accept", "process"),
    _S.SUPPLEMENT_REQUESTED: ("accept", "process", "supplement"),
    _S.FINANCIAL_OBLIGATION: ("accept", "process", "payment"),
    _S.WITHDRAWN: ("accept", "process", "withdraw"),
    _S.STOPPED: ("accept", "process", "stop"),
    _S.COMPLETED: ("accept", "process", "pay", "complete"),
    _S.RETURNED: ("accept", "process", "pay", "complete", "return"),
}


def make_dossier(
    seed: int = 0, *, extended: bool = False, closed: bool = False, **overrides: Any
) -> Dossier:
    """Build a valid, realistic :class:`~onestop.models.Dossier`, the same for the same seed.

    The dossier is submitted on an official working day between July 2025 and October 2026
    (Asia/Ho_Chi_Minh time), for a procedure of :func:`make_procedure`, by a generated citizen
    (or household business) with a well-formed CCCD (or MST), and carries a history of events
    that reaches its status (``RETURNED`` by default) through the transition methods.

    Any :class:`~onestop.models.Dossier` field can be overridden. ``status=`` picks the
    lifecycle path, so ``status=DossierStatus.PROCESSING`` gives a dossier submitted, accepted
    and in processing, with a consistent history. ``code``, ``procedure`` (a
    :class:`~onestop.models.Procedure` or :class:`~onestop.models.ProcedureRef`),
    ``applicant``, ``channel``, ``submitted_at``, ``documents``, ``fees`` and ``summary`` are
    used to build the history; every other override replaces the field on the result, which is
    validated again.

    Two points of the lifecycle are not statuses of their own:

    * ``extended=True``: once accepted (and in processing, when the path goes through it), the
      dossier is re-appointed once with an apology letter (:meth:`Dossier.extend
      <onestop.models.Dossier.extend>`, NĐ 61/2018 Art. 19(9), NĐ 118/2025 Art. 19(6)), 1–10
      working days later; any status reached after acceptance can be extended.
    * ``closed=True``: the dossier waits for an appraisal-stage supplement that never comes
      and is closed 15–20 days after the request (:meth:`Dossier.close
      <onestop.models.Dossier.close>`, NĐ 118/2025 Art. 19(5)); its status is ``STOPPED``
      (the default status when ``closed`` is set).

    Args:
        seed: the seed of ``random.Random``.
        extended: re-appoint the dossier once.
        closed: close the dossier for a supplement never received.
        **overrides: Dossier fields.

    Returns:
        The dossier.

    Raises:
        InvalidInputError: ``seed`` is not an int >= 0, an override names no Dossier field,
            ``status`` is unknown, or the flags do not fit the status (a dossier never
            accepted cannot be extended; a closed dossier is ``STOPPED``).
        InvalidDossierError: the overrides make the dossier invalid.
    """
    _check_keys(overrides, Dossier.model_fields, "make_dossier")
    rng = random.Random(_check_seed(seed))
    status = dossier_status(overrides.pop("status", _S.STOPPED if closed else _S.RETURNED))
    path = lifecycle_path(status, extended=extended, closed=closed)

    # Defaults are always drawn, in a fixed order, so that overriding one field does not
    # change the others.
    default_procedure = make_procedure(seed)
    default_at = _weekday_at(rng, _FIRST_DAY)
    citizen = _citizen(rng, on=default_at.date())
    business = _enterprise(rng, on=default_at.date())
    channel_draw = rng.random()
    sequence = rng.randint(1, 350)

    procedure: Procedure | ProcedureRef = overrides.pop("procedure", None) or default_procedure
    allowed = procedure.channels if isinstance(procedure, Procedure) else _ALL_CHANNELS
    channel = Channel(overrides.pop("channel", None) or allowed[int(channel_draw * len(allowed))])
    submitted_at = overrides.pop("submitted_at", None) or default_at
    national = procedure.code.national
    applicant = overrides.pop("applicant", None) or (
        business if national == "1.001612" else citizen
    )
    agency = _dossier_agency(procedure, rng)
    dossier_code = overrides.pop("code", None) or f"{agency}-{submitted_at:%y%m%d}-{sequence:04d}"
    docs = overrides.pop("documents", None)
    if docs is None:
        names = (
            [(d.name, d.code) for d in procedure.documents]
            if isinstance(procedure, Procedure)
            else [("Tờ khai", None)]
        )
        docs = tuple(_document(rng, name, comp) for name, comp in names)
    fees = overrides.pop("fees", None)
    name = procedure.name_vi if isinstance(procedure, Procedure) else procedure.name
    summary = overrides.pop("summary") if "summary" in overrides else f"Hồ sơ {name.lower()}"
    submitter = "cong.dvcqg" if channel is Channel.ONLINE else _OFFICERS[rng.randrange(5)]
    steps = path
    on_the_spot = channel is Channel.DIRECT and steps[:1] == ("accept",)
    if on_the_spot:
        # Counter dossiers are checked and accepted while the applicant waits.
        ref = (
            ProcedureRef.from_procedure(procedure, channel)
            if isinstance(procedure, Procedure)
            else procedure
        )
        due_at: dt.datetime | None = _approx_due(submitted_at, ref.processing_time)
        steps = steps[1:]
    else:
        due_at = None
    dossier = Dossier.submit(
        code=dossier_code,
        procedure=procedure,
        applicant=applicant,
        channel=channel,
        at=submitted_at,
        by=submitter,
        due_at=due_at,
        documents=tuple(docs),
        fees=fees,
        summary=summary,
    )
    dossier = _walk(dossier, steps, rng)
    if overrides:
        data = {name: getattr(dossier, name) for name in Dossier.model_fields}
        data.update(overrides)
        dossier = Dossier.model_validate(data)
    return dossier


def dossier_status(value: Any) -> DossierStatus:
    """``value`` as a :class:`~onestop.models.DossierStatus` (the enum or its value).

    Raises:
        InvalidInputError: an unknown status (field ``status``), listing the known ones.
    """
    try:
        return DossierStatus(value)
    except ValueError:
        raise InvalidInputError(
            f"status: unknown dossier status {str(value)[:40]!r}; expected one of "
            f"{', '.join(s.value for s in DossierStatus)}",
            field="status",
        ) from None


#: The statuses a re-appointed dossier can have: every status reached after acceptance.
EXTENDABLE_STATUSES = frozenset(s for s, path in _PATHS.items() if "accept" in path)


def lifecycle_path(status: DossierStatus, *, extended: bool, closed: bool) -> tuple[str, ...]:
    """The steps after submission that reach ``status`` (with an extension, or closed).

    Raises:
        InvalidInputError: ``extended`` for a dossier never accepted, ``closed`` with a status
            other than ``STOPPED``, or a flag that is not a bool.
    """
    for name, flag in (("extended", extended), ("closed", closed)):
        if not isinstance(flag, bool):
            raise InvalidInputError(
                f"{name}: expected True or False, got {type(flag).__name__}", field=name
            )
    if closed and status is not _S.STOPPED:
        raise InvalidInputError(
            f"closed: a closed dossier (đóng hồ sơ) has status stopped (8), not {status.value}",
            field="closed",
        )
    path = ("accept", "process", "supplement", "close") if closed else _PATHS[status]
    if not extended:
        return path
    if status not in EXTENDABLE_STATUSES:
        raise InvalidInputError(
            f"extended: a {status.value} dossier was never accepted, so it has no appointment to "
            "re-set; choose a status reached after acceptance",
            field="extended",
        )
    after = path.index("process") if "process" in path else path.index("accept")
    return (*path[: after + 1], "extend", *path[after + 1 :])


def _dossier_agency(procedure: Procedure | ProcedureRef, rng: random.Random) -> str:
    if isinstance(procedure, Procedure):
        for unit in procedure.implementing_agencies:
            if unit.code is not None:
                return str(unit.code)
    return _AGENCIES[rng.randrange(len(_AGENCIES))][0]


def _walk(dossier: Dossier, steps: tuple[str, ...], rng: random.Random) -> Dossier:
    officer = _OFFICERS[rng.randrange(len(_OFFICERS))]
    at = dossier.submitted_at
    for step in steps:
        if step == "accept":
            at = _later(rng, at, 1, 90)
            due = _approx_due(at, dossier.procedure.processing_time)
            dossier = dossier.accept(at=at, by=officer, due_at=due)
        elif step == "refuse":
            at = _later(rng, at, 5, 240)
            dossier = dossier.refuse(
                at=at, by=officer, reason="Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan"
            )
        elif step == "process":
            at = _later(rng, at, 1, 30)
            dossier = dossier.start_processing(at=at, by=officer)
        elif step == "supplement":
            at = _later(rng, at, 10, 120)
            dossier = dossier.request_supplement(
                at=at, by=officer, reason="Bổ sung bản sao giấy tờ chứng minh chỗ ở hợp pháp"
            )
        elif step == "payment":
            at = _later(rng, at, 10, 120)
            fee = FeeItem(name="Tiền sử dụng dịch vụ công", amount=rng.randint(1, 50) * 10_000)
            dossier = dossier.request_payment(at=at, by=officer, fees=(fee,))
        elif step == "pay":
            if dossier.amount_due > 0:
                at = _later(rng, at, 1, 60)
                method = (
                    PaymentMethod.NATIONAL_PORTAL
                    if dossier.channel is Channel.ONLINE
                    else PaymentMethod.CASH
                )
                payment = Payment(
                    at=at,
                    amount=dossier.amount_due,
                    method=method,
                    reference=f"BL{rng.randrange(10**8):08d}",
                )
                dossier = dossier.record_payment(payment, by=officer)
        elif step == "extend":
            assert dossier.due_at is not None  # noqa: S101 - accepted dossiers have one
            at = _later(rng, at, 10, 240)
            calendar = default_calendar()
            due_day = dossier.due_at.astimezone(VN_TZ).date()
            new_due = calendar.closing_time(calendar.add_working_days(due_day, rng.randint(1, 10)))
            dossier = dossier.extend(
                at=at,
                by=officer,
                new_due_at=new_due,
                reason="Hồ sơ cần xác minh thêm với cơ quan liên quan",
            )
        elif step == "close":
            # in office hours, 15 to 20 days after the request (NĐ 118/2025 Art. 19(5): after
            # 15 days), moved to the next working day when that is a day off
            calendar = default_calendar()
            day = at.astimezone(VN_TZ).date() + dt.timedelta(days=rng.randint(16, 20))
            if not calendar.is_working_day(day):
                day = calendar.next_working_day(day)
            minutes = rng.randint(8 * 60, 16 * 60)
            at = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=VN_TZ)
            dossier = dossier.close(at=at, by=officer, note="Quá hạn bổ sung hồ sơ")
        elif step == "withdraw":
            at = _later(rng, at, 30, 600)
            dossier = dossier.withdraw(at=at, by="nguoi.nop", reason="Công dân xin rút hồ sơ")
        elif step == "stop":
            at = _later(rng, at, 30, 600)
            dossier = dossier.stop(at=at, by=officer, reason="Công dân đề nghị dừng giải quyết")
        elif step == "complete":
            assert dossier.due_at is not None  # noqa: S101 - accepted dossiers have one
            at = min(_later(rng, at, 15, 240), dossier.due_at)
            at = max(at, dossier.events[-1].at)
            results = (
                ResultDocument(
                    name=_result_name(dossier),
                    code=f"KQ.{dossier.procedure.code.national}",
                    number=f"{rng.randint(1, 999)}/{at:%Y}",
                    sha256=hashlib.sha256(rng.randbytes(64)).hexdigest(),
                ),
            )
            dossier = dossier.complete(at=at, by=officer, result=DossierResult(documents=results))
        elif step == "return":
            at = _later(rng, at, 5, 120)
            delivery = _delivery(dossier, rng)
            dossier = dossier.return_result(at=at, by=officer, delivery=delivery)
    return dossier


def _result_name(dossier: Dossier) -> str:
    for entry in _CATALOGUE:
        if entry.code == dossier.procedure.code.national:
            return entry.result
    return f"Kết quả giải quyết {dossier.procedure.name}"


def _delivery(dossier: Dossier, rng: random.Random) -> ResultDelivery:
    if dossier.channel is Channel.POSTAL:
        return ResultDelivery(
            method=DeliveryMethod.POSTAL,
            tracking_number=f"EB{rng.randrange(10**9):09d}VN",
            address=dossier.applicant.contact.address,
        )
    if dossier.channel is Channel.ONLINE and rng.random() < 0.5:
        return ResultDelivery(method=DeliveryMethod.ONLINE)
    return ResultDelivery(method=DeliveryMethod.COUNTER)
