"""The two kinds of error.

InputError and its children are what the world did or the person typed: a
card that is not ours, a printer out of paper, a redemption over the cap.
A service raises a `code` with named values (`InputError("card_unknown",
card=number)`); the sentence for each code is written once, in
services/core/error_texts.py.  str() of the error is that sentence in English
(what the command line prints); services.core.messages.error_text words it
in the shop's language.  Anything else is a bug and is logged with its
traceback.
"""
from __future__ import annotations

from typing import Any

from services.core.error_texts import render


class InputError(Exception):
    """Something the person at the till can understand and act on."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return render(self.code, self.params) or self.code


class NotFound(InputError):
    pass


class PermissionDenied(InputError):
    pass


class RedeemRefused(InputError):
    pass
