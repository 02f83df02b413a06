"""The two kinds of error.

InputError and its children are what the world did or the person typed: a
card that is not ours, a printer out of paper, a redemption over the cap.
They reach the cashier as one plain sentence (the UI translates it by its
`code`, with `params` filled in).  Anything else is a bug and is logged with
its traceback.
"""
from __future__ import annotations

from typing import Any


class InputError(Exception):
    """Something the person at the till can understand and act on."""

    def __init__(self, message: str, code: str = "", **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class NotFound(InputError):
    pass


class PermissionDenied(InputError):
    pass


class RedeemRefused(InputError):
    pass
