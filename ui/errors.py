"""The two kinds of error, as the cashier meets them.

An InputError is a plain sentence (its `code` worded by the catalogue,
services.core.messages, with its `params`); anything else is a bug: logged
with its traceback and shown as one.
"""
from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from services.core.errors import InputError
from services.core.messages import _, error_text

log = logging.getLogger("loyaltill.ui")


def problem_text(problem: object) -> str:
    """A rules problem (services.programme.rules.Problem) as a sentence for the owner."""
    return error_text(InputError(problem.code, **problem.params))  # type: ignore[attr-defined]


def user_message(exc: InputError) -> str:
    """The sentence for the cashier, in the window's language (services/core/error_texts.py)."""
    return error_text(exc)


def report_bug(parent: QWidget | None, exc: BaseException) -> None:
    """A bug: keep the traceback in the log and tell the person it was not their fault."""
    log.error("Unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("Unexpected error"))
    box.setText(_("Unexpected error. The sale on screen is kept; please tell the shop's support."))
    box.setDetailedText("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    box.open()
