"""Every plain-sentence error the services raise has a translatable UI text."""
import ast
from pathlib import Path

from services.core import storage
from ui.errors import _table

ROOT = Path(__file__).resolve().parents[2]
ERRORS = {"InputError", "NotFound", "PermissionDenied", "RedeemRefused", "StorageError", "PrinterError"}


def raised_codes() -> set[str]:
    codes = set()
    for path in (ROOT / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ERRORS and len(node.args) >= 2:
                code = node.args[1]
                if isinstance(code, ast.Constant) and isinstance(code.value, str):
                    codes.add(code.value)
    return codes | {code for code, _ in storage._ENVIRONMENT.values()}


def test_every_error_code_has_a_ui_text():
    codes = raised_codes()
    assert len(codes) > 40 and "card_check_digit" in codes and "storage_full" in codes
    assert codes - set(_table()) == set()


def test_params_fit_the_templates():
    from services.core.errors import InputError
    from ui.errors import user_message

    message = user_message(InputError("x", "redeem_min_balance", least=100, balance=15))
    assert "100" in message and "15" in message
