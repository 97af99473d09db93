"""Every ``onestop`` command, registered explicitly in one place, in help order.

The command modules only define functions; nothing registers itself when imported. The root
application comes from :func:`onestop.cli._app.make_app` (global options, error and JSON
conventions).
"""

from __future__ import annotations

import typer

from onestop.cli import (
    _calendar,
    _clock,
    _deadlines,
    _demo,
    _forms,
    _holidays,
    _ids,
    _models,
    _payment,
    _portal,
    _postal,
    _reports,
    _rules,
)
from onestop.cli import _signatures as _sign
from onestop.cli._app import make_app

__all__ = ["build_app"]


def build_app() -> typer.Typer:
    """The ``onestop`` application with every command and group registered."""
    app = make_app()
    app.command("demo")(_demo.demo)
    app.command("check-id")(_ids.check_id)
    app.command("provinces")(_ids.list_provinces)
    app.command("schema")(_models.schema)
    app.command("lunar")(_calendar.lunar)
    app.command("holidays")(_holidays.holidays_command)
    app.command("due")(_deadlines.due_command)
    app.command("working-days")(_deadlines.working_days_command)
    app.command("clock")(_clock.clock_command)
    app.command("sign")(_sign.sign_command)
    app.command("verify")(_sign.verify_command)
    app.command("cert-info")(_sign.cert_info_command)
    app.command("form")(_forms.form_command)
    app.command("report")(_reports.report_command)
    app.command("audit")(_reports.audit_command)
    app.command("check-rules")(_rules.check_rules_command)

    portal = typer.Typer(name="portal", help=_portal.PORTAL_HELP, no_args_is_help=True)
    portal.command("push")(_portal.push)
    portal.command("enqueue")(_portal.enqueue)
    portal.command("sync")(_portal.sync)
    portal.command("status")(_portal.status)
    portal.command("fake")(_portal.fake_portal)
    app.add_typer(portal, name="portal")

    postal = typer.Typer(name="postal", help=_postal.POSTAL_HELP, no_args_is_help=True)
    postal.command("send")(_postal.send)
    postal.command("track")(_postal.track)
    postal.command("fake")(_postal.fake_postal)
    app.add_typer(postal, name="postal")

    payment = typer.Typer(name="payment", help=_payment.PAYMENT_HELP, no_args_is_help=True)
    payment.command("verify-ipn")(_payment.verify_ipn)
    payment.command("fake")(_payment.fake_payment)
    app.add_typer(payment, name="payment")
    # Deprecated name of `portal fake`, hidden from the help; removed in the next release.
    app.command("fake-portal", hidden=True)(_portal.fake_portal_deprecated)
    return app
