"""Online payments of a dossier's fees through the national payment platform (DVCQG PayGov).

A citizen pays the fees and charges of a dossier on the platform of Cổng DVCQG: the one-stop
system opens a transaction (message ``INIT``) under a reference of its own (``MaThamChieu``)
with its fee lines (``PhiLePhi``), the platform answers with the payment page, and reports the
outcome by a callback (IPN) or when asked (``QUERY``). The platform's transaction states are
``TrangThaiGD`` ``1`` success, ``3`` pending (the platform itself is unsure: a bank or gateway
timeout) and ``4`` failure (TD.DichVuCongApi ``DvcPayment``, OpenCPS ``pay-gate-integration``).

A :class:`~onestop.models.Dossier` records its transactions (:class:`OnlinePayment`); the
money received is recorded, as for every channel, with
:meth:`~onestop.models.Dossier.record_payment` once a transaction succeeded.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import Field, model_validator

from onestop.errors import InvalidDossierError, InvalidInputError
from onestop.models._base import FrozenModel, Instant, Text
from onestop.models._procedure import FeeItem
from onestop.models._status import ModelEnum
from onestop.tz import require_aware

__all__ = ["REFERENCE_PATTERN", "OnlinePayment", "OnlinePaymentState"]

#: A transaction reference (``MaThamChieu``): letters, digits, ``_``, ``-`` and ``.``, 1 to
#: 100 of them (TD mints ``"dvc"`` + the dossier code without punctuation + a timestamp).
REFERENCE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z_.\-]{0,99}$"


class OnlinePaymentState(ModelEnum):
    """The state of an online payment transaction, with the platform's ``TrangThaiGD`` code."""

    PENDING = "pending"
    """Opened, or the platform is not sure yet (``TrangThaiGD`` 3)."""
    SUCCEEDED = "succeeded"
    """The citizen paid (``TrangThaiGD`` 1)."""
    FAILED = "failed"
    """The payment failed or was abandoned (``TrangThaiGD`` 4)."""

    @property
    def code(self) -> int:
        """The platform's ``TrangThaiGD``: 1 success, 3 pending, 4 failure."""
        return _CODES[self]

    @classmethod
    def from_code(cls, code: int | str) -> OnlinePaymentState:
        """The state of a ``TrangThaiGD`` code (``1``, ``"3"``…).

        Raises:
            InvalidInputError: not 1, 3 or 4.
        """
        text = str(code).strip()
        for state, value in _CODES.items():
            if text == str(value):
                return state
        raise InvalidInputError(
            f"TrangThaiGD: {text[:10]!r} is not a transaction state; expected 1 (success), "
            "3 (pending) or 4 (failure)",
            field="TrangThaiGD",
        )

    @property
    def is_final(self) -> bool:
        """Succeeded or failed."""
        return self is not OnlinePaymentState.PENDING

    def can_become(self, other: OnlinePaymentState) -> bool:
        """Whether a transaction in this state may move to ``other``.

        Pending may become anything; a failure may still turn into a success (the money was
        taken after all: a late confirmation of the bank); a success never changes.
        """
        if self is other or self is OnlinePaymentState.PENDING:
            return True
        return self is OnlinePaymentState.FAILED and other is OnlinePaymentState.SUCCEEDED


_CODES = {
    OnlinePaymentState.SUCCEEDED: 1,
    OnlinePaymentState.PENDING: 3,
    OnlinePaymentState.FAILED: 4,
}


class OnlinePayment(FrozenModel):
    """One transaction on the national payment platform for a dossier's fees.

    Attributes:
        reference: this system's transaction reference (``MaThamChieu``), unique.
        amount: the amount in VND (``SoTien``), an integer above 0.
        currency: ``MaTienTe``; the platform works in ``"VND"``.
        fees: the fee lines paid (``PhiLePhi``); their amounts add up to ``amount`` when given.
        state: pending, succeeded or failed.
        initiated_at: when the transaction was opened (``ThoiGianGD`` of the INIT).
        settled_at: when it succeeded or failed; set exactly when ``state`` is final.
        transaction_id: the platform's transaction number (``MaGiaoDich``), once known.
        bank_code: the bank or wallet that took the payment (``MaNganHang``), once known.
    """

    reference: Annotated[str, Field(pattern=REFERENCE_PATTERN)]
    amount: Annotated[int, Field(gt=0, le=10**15, strict=True)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "VND"
    fees: tuple[FeeItem, ...] = ()
    state: OnlinePaymentState = OnlinePaymentState.PENDING
    initiated_at: Instant
    settled_at: Instant | None = None
    transaction_id: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    bank_code: Annotated[Text, Field(min_length=1, max_length=50)] | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.fees and sum(f.amount for f in self.fees) != self.amount:
            raise InvalidDossierError(
                "fees: the fee lines (PhiLePhi) must add up to amount (SoTien)", field="fees"
            )
        if (self.settled_at is None) == self.state.is_final:
            raise InvalidDossierError(
                "settled_at: set exactly when the state is succeeded or failed",
                field="settled_at",
            )
        if self.settled_at is not None and self.settled_at < self.initiated_at:
            raise InvalidDossierError("settled_at: earlier than initiated_at", field="settled_at")
        return self

    def settle(
        self,
        state: OnlinePaymentState,
        *,
        at: dt.datetime,
        transaction_id: str | None = None,
        bank_code: str | None = None,
    ) -> Self:
        """A copy in ``state``; the same final state again returns this transaction unchanged.

        Args:
            state: the new state.
            at: when the platform reported it (timezone-aware).
            transaction_id: ``MaGiaoDich``, if reported.
            bank_code: ``MaNganHang``, if reported.

        Raises:
            InvalidDossierError: the move is not allowed (a success never changes).
            InvalidInputError: ``at`` is naive.
        """
        require_aware(at, field="at")
        state = OnlinePaymentState(state)
        if state is self.state and (state.is_final or state is OnlinePaymentState.PENDING):
            return self
        if not self.state.can_become(state):
            raise InvalidDossierError(
                f"state: a {self.state.value} transaction cannot become {state.value}",
                field="state",
            )
        return self._evolve(
            state=state,
            settled_at=max(at, self.initiated_at) if state.is_final else None,
            transaction_id=transaction_id or self.transaction_id,
            bank_code=bank_code or self.bank_code,
        )
