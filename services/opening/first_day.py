"""The first day's checklist: what a new shop still needs before its first sale.

Each step is done when the shop shows it (products exist, members exist, a
cashier besides the owner, a member has bought something), or when the owner says so; any
step may be skipped.  What the owner ticked or skipped is remembered in the
shop's settings, so the checklist picks up where it was left.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.schema import Card, Member, Product, RuleSet, Sale, Staff
from services.core.storage import write_transaction
from services.shop.settings import get_setting, set_setting

KEY = "first_day"
STEPS = ("shop", "products", "members", "staff", "programme", "cards", "first_sale")
STATES = ("todo", "done", "skipped")


@dataclass(frozen=True)
class Step:
    key: str
    state: str  # todo / done / skipped


def has_products() -> bool:
    return Product.select().where(Product.active == True).exists()  # noqa: E712


def has_members() -> bool:
    return Member.select().exists()


def _seen_done() -> set[str]:
    """Steps the shop itself shows are done."""
    done = {"shop"}  # the shop exists: its name, currency and owner were given
    if has_products():
        done.add("products")
    if has_members():  # imported from the old program, or registered since
        done.add("members")
    if Staff.select().where((Staff.role != "owner") & (Staff.active == True)).exists():  # noqa: E712
        done.add("staff")
    if RuleSet.select().count() > 1:  # the owner published their own beside the starting one
        done.add("programme")
    if Card.select().exists():
        done.add("cards")
    if Sale.select().where(Sale.member.is_null(False)).exists():
        done.add("first_sale")
    return done


def begin() -> None:
    """'New shop' starts the checklist (inside its transaction); the demo has none."""
    set_setting(KEY, {})


def is_open() -> bool:
    """The window shows the checklist to the owner while a new shop's steps are left."""
    return get_setting(KEY) is not None and not is_finished()


def checklist() -> list[Step]:
    marks: dict[str, str] = get_setting(KEY) or {}
    seen = _seen_done()
    return [Step(key, "done" if key in seen else marks.get(key, "todo")) for key in STEPS]


def mark(key: str, state: str) -> None:
    """The owner ticks a step as done, skips it, or puts it back on the list."""
    if key not in STEPS or state not in STATES:
        raise ValueError(f"not a first-day step or state: {key}, {state}")
    with write_transaction():
        marks = dict(get_setting(KEY) or {})
        marks[key] = state
        set_setting(KEY, marks)


def is_finished() -> bool:
    return all(step.state != "todo" for step in checklist())


def put_away() -> None:
    """The owner closed the checklist for good: every step left is skipped."""
    with write_transaction():
        marks = dict(get_setting(KEY) or {})
        for step in checklist():
            if step.state == "todo":
                marks[step.key] = "skipped"
        set_setting(KEY, marks)
