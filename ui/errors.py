"""The two kinds of error, as the cashier meets them.

An InputError is a plain sentence (translated here by its `code`, with its
`params`); anything else is a bug: logged with its traceback and shown as one.
"""
from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from services.core.errors import InputError

log = logging.getLogger("loyaltill.ui")


translate = QCoreApplication.translate


def _table() -> dict[str, str]:
    # Built at call time so the installed translator is used; {name} are the error's params.
    return {
        "card_shape": translate("Errors", "{card} is not a card number (13 digits)."),
        "card_check_digit": translate("Errors", "Card misread (wrong check digit): scan it again or type it."),
        "card_unknown": translate("Errors", "Card {card} is not one of this shop's cards."),
        "card_blocked": translate("Errors", "Card {card} is blocked (reported lost). Ask for the new card or find the member by phone."),
        "card_unassigned": translate("Errors", "Card {card} has not been given to anyone yet. Register a member with it (F3)."),
        "card_not_ours": translate("Errors", "{card} is not one of this shop's cards."),
        "card_taken": translate("Errors", "Card {card} already belongs to someone."),
        "cards_exhausted": translate("Errors", "This till has used up its card numbers."),
        "product_unknown": translate("Errors", "No product with barcode {barcode}."),
        "pin_wrong": translate("Errors", "Wrong PIN."),
        "pin_shape": translate("Errors", "A PIN is 4 to 8 digits."),
        "pin_taken": translate("Errors", "Another person already uses this PIN; choose another."),
        "needs_role": translate("Errors", "This needs a manager's PIN."),
        "needs_owner": translate("Errors", "Only the shop's owner can do this: sign in with the owner's PIN."),
        "qty_range": translate("Errors", "Quantity must be 1 to {max}."),
        "discount_range": translate("Errors", "A discount is between 0 and 100 %."),
        "sale_empty": translate("Errors", "The sale has no items."),
        "park_empty": translate("Errors", "There is nothing to park."),
        "park_gone": translate("Errors", "That parked sale was already recalled."),
        "park_busy": translate("Errors", "Pay or park the sale on screen first."),
        "no_line": translate("Errors", "There is no line to change."),
        "pay_method": translate("Errors", "Pay by cash or card."),
        "pay_negative": translate("Errors", "A payment cannot be negative."),
        "pay_card_over": translate("Errors", "The card payment is more than the bill."),
        "pay_short": translate("Errors", "More money is needed to pay the bill."),
        "redeem_negative": translate("Errors", "Points to redeem cannot be negative."),
        "redeem_no_member": translate("Errors", "Scan a member's card to pay with points."),
        "redeem_over_cap": translate("Errors", "At most {points} points can be used on this sale."),
        "redeem_step": translate("Errors", "Points are redeemed in steps of {step}."),
        "name_empty": translate("Errors", "Enter the member's name."),
        "phone_empty": translate("Errors", "Enter a phone number."),
        "phone_invalid": translate("Errors", "{phone} is not a phone number we can use."),
        "phone_taken": translate("Errors", "A member with phone {phone} already exists: find them instead."),
        "birthday_bad": translate("Errors", "That birthday cannot be right."),
        "sale_unknown": translate("Errors", "No sale with receipt {ref}."),
        "return_nothing": translate("Errors", "Everything on this receipt was already returned."),
        "return_qty": translate("Errors", "Return at least one of each item."),
        "return_not_on_receipt": translate("Errors", "Item {barcode} is not on this receipt."),
        "return_too_many": translate("Errors", "More of item {barcode} than is left to return on this receipt."),
        "shop_name_empty": translate("Errors", "Give the shop a name."),
        "receipt_write": translate("Errors", "Cannot write the receipt there: choose another folder or a USB stick."),
        "no_till": translate("Errors", "This till is not set up yet."),
        "demo_not_empty": translate("Errors", "The demo goes into an empty database; this one already has a shop."),
        "bad_currency": translate("Errors", "Currency must be one of RUB, MDL, RON, EUR."),
        "bad_language": translate("Errors", "Language must be Russian, Romanian or English."),
        "bad_prefix": translate("Errors", "The card prefix must be two digits from 20 to 29."),
        "bad_role": translate("Errors", "Role must be cashier, manager or owner."),
        "bad_till_number": translate("Errors", "A till number must be 0–999."),
        "owner_name_empty": translate("Errors", "Enter the owner's name."),
        "demo_interrupted": translate("Errors", "An earlier demo build into this file was interrupted: delete the file and build the demo again."),
        "redeem_off": translate("Errors", "Paying with points is switched off in this programme."),
        "redeem_owes": translate("Errors", "This member owes points; paying with points is blocked until new purchases cover it."),
        "redeem_min_balance": translate("Errors", "Points can be used from a balance of {least}; this member has {balance}."),
        "redeem_no_items": translate("Errors", "No points can be used on these items."),
        "member_gone": translate("Errors", "This member is no longer on this till."),
        "adjust_zero": translate("Errors", "An adjustment of zero points changes nothing."),
        "adjust_note": translate("Errors", "Say why the balance is adjusted."),
        "card_bad_number": translate("Errors", "{card} is not a valid card number (check digit)."),
        "cards_count": translate("Errors", "Print between 1 and {max} blank cards at a time."),
        "cards_none_chosen": translate("Errors", "Choose whose cards to print."),
        "cards_none": translate("Errors", "There are no cards to print."),
        "cards_layout": translate("Errors", "Choose an A4 sheet or single cards."),
        "member_unknown": translate("Errors", "No member {ref}: give a member id or a card number."),
        "logo_bad": translate("Errors", "{file} is not a picture LoyalTill can read (PNG or JPEG)."),
        "logo_big": translate("Errors", "The logo file is over 2 MB: save it smaller."),
        "receipt_width": translate("Errors", "Receipt width must be 58 mm, 80 mm or A4."),
        "printer_setting": translate("Errors", "Unknown printer setting."),
        "printer_codepage": translate("Errors", "Choose one of the code pages in the list."),
        "printer_usb_ids": translate("Errors", "USB printer: give vendor:product in hex, like 0416:5011."),
        "printer_host": translate("Errors", "Network printer: give its address, like 192.168.1.50."),
        "printer_port": translate("Errors", "Network printer: the port is a number from 1 to 65535 (usually 9100)."),
        "printer_serial": translate("Errors", "Serial printer: give the port, like /dev/ttyUSB0 or COM3."),
        "printer_baud": translate("Errors", "Serial printer: the speed is 9600, 19200, 38400, 57600 or 115200."),
        "printer_missing": translate("Errors", "The receipt printer is not answering. Check that it is on and connected."),
        "printer_not_installed": translate("Errors", "The printer {name} is not installed on this computer: choose another under More… (F10) → Receipt printer."),
        "printer_width": translate("Errors", "A thermal printer takes 58 or 80 mm rolls, not A4."),
        "printer_none": translate("Errors", "This computer has no printer set up."),
        "printer_no_paper": translate("Errors", "The receipt printer is out of paper. Load a new roll and print again."),
        "printer_failed": translate("Errors", "The printer stopped or refused the job. Check it, then reprint."),
        "printer_not_set": translate("Errors", "No receipt printer is set up: save the receipt as PDF, or set a printer up."),
        "sync_unreachable": translate("Errors", "The hub cannot be reached: sales are kept on this till and sent when it is back."),
        "sync_unauthorised": translate("Errors", "The hub does not accept this till's token: ask the owner for a new one."),
        "sync_hub_error": translate("Errors", "The hub had a problem; sales are kept on this till and sent later."),
        "sync_not_configured": translate("Errors", "This till is not connected to a hub."),
        "redeem_offline_cap": translate("Errors", "Offline, at most {points} points can be used now (the balance may be out of date)."),
        "redeem_over_hold": translate("Errors", "Only {points} points were set aside at the hub."),
        "redeem_hub_refused": translate("Errors", "The chain's records show only {points} points available."),
        "storage_full": translate("Errors", "Nothing was saved: the disk is full. Free some space, then try again; the sale stays on screen."),
        "storage_io": translate("Errors", "Nothing was saved: the disk failed to read or write. Check the drive, then try again; the sale stays on screen."),
        "storage_locked": translate("Errors", "Nothing was saved: another program holds the till's file. Close it, then try again."),
        "storage_readonly": translate("Errors", "Nothing was saved: the till's file is read-only. Check its permissions, then try again."),
        "storage_open": translate("Errors", "Nothing was saved: the till's file cannot be opened. Check the drive, then try again."),
        # The owner's programme: rule sets, promotions, coupons, what-if.
        "no_rules": translate("Errors", "No loyalty programme is set up yet: open the owner's settings first."),
        "rules_version_unknown": translate("Errors", "There is no programme version {version}."),
        "rules_file_bad": translate("Errors", "The programme file cannot be read: {detail}"),
        "rules_unknown_key": translate("Errors", "The programme file has settings this LoyalTill does not know: {keys}."),
        "rules_value_type": translate("Errors", "The programme file's setting {key} has the wrong kind of value ({value}): amounts and points are whole numbers."),
        "rule_percent_range": translate("Errors", "{field} must be 0–100 %, not {value} %."),
        "rule_point_value": translate("Errors", "A point must be worth at least 0.01."),
        "rule_redeem_step": translate("Errors", "Points are used in steps of at least one."),
        "rule_negative": translate("Errors", "{field} cannot be negative."),
        "rule_window": translate("Errors", "Tiers must count spend over at least one day."),
        "rule_birthday_days": translate("Errors", "The birthday window is 0 to 31 days."),
        "rule_welcome_on": translate("Errors", "The welcome bonus comes on registration or with the first purchase."),
        "rule_pending_expiry": translate("Errors", "Points would expire before they can be spent: make the waiting time shorter than the expiry."),
        "rule_timezone": translate("Errors", "Unknown time zone {zone}."),
        "rule_timezone_needed": translate("Errors", "Promotion {promotion} keeps hours or weekdays: give the shop's time zone (e.g. Europe/Moscow), or its hours would run on UTC."),
        "tier_code_empty": translate("Errors", "Every tier needs a code."),
        "tier_code_taken": translate("Errors", "Two tiers have the code {tier}."),
        "tier_spend_negative": translate("Errors", "Tier {tier}: the spend it starts from cannot be negative."),
        "tier_overlap": translate("Errors", "Tiers {other} and {tier} start at the same spend: they overlap."),
        "tier_percent_range": translate("Errors", "Tier {tier}: a percentage must be 0–100 %."),
        "promo_code_empty": translate("Errors", "Every promotion needs a code."),
        "promo_code_taken": translate("Errors", "Two promotions have the code {name}."),
        "promo_kind": translate("Errors", "{name}: unknown kind of promotion."),
        "promo_percent_range": translate("Errors", "{name}: the discount must be over 0 and at most 100 %."),
        "promo_multiplier_range": translate("Errors", "{name}: the multiplier must be over ×1 and at most ×10."),
        "promo_points": translate("Errors", "{name}: give at least one point."),
        "promo_buy_get": translate("Errors", "{name}: buy and get must both be at least 1."),
        "promo_hours": translate("Errors", "{name}: the hours must run from 0–23 to a later hour, up to 24."),
        "promo_weekdays": translate("Errors", "{name}: weekdays run from Monday to Sunday."),
        "promo_minimum_negative": translate("Errors", "{name}: a minimum cannot be negative."),
        "promo_tier_unknown": translate("Errors", "{name}: there is no tier {tier}."),
        "promo_date_bad": translate("Errors", "{name}: a date must be written YYYY-MM-DD."),
        "promo_dates_order": translate("Errors", "{name} ends before it starts."),
        "promo_expired": translate("Errors", "{name} ended on {ends}: it would never apply."),
        "coupon_code_empty": translate("Errors", "Every coupon needs a code."),
        "coupon_code_taken": translate("Errors", "Two coupons have the code {coupon}."),
        "coupon_promotion_unknown": translate("Errors", "Coupon {coupon} names no promotion of this programme ({promotion})."),
        "coupon_limit_negative": translate("Errors", "Coupon {coupon}: limits cannot be negative."),
        "coupon_date_bad": translate("Errors", "Coupon {name}: a date must be written YYYY-MM-DD."),
        "coupon_dates_order": translate("Errors", "Coupon {name} ends before it starts."),
        "coupon_expired": translate("Errors", "Coupon {coupon} is not valid today."),
        "next_visit_unknown": translate("Errors", "The next-visit coupon names no promotion of this programme ({promotion})."),
        "next_visit_days": translate("Errors", "A next-visit coupon must be valid for at least one day."),
        "percent_bad": translate("Errors", "{field}: “{text}” is not a percentage."),
        "amount_bad": translate("Errors", "{field}: “{text}” is not an amount."),
        "file_write": translate("Errors", "Cannot write {path}: choose another folder."),
        "file_read": translate("Errors", "Cannot read {path}."),
        "no_row": translate("Errors", "Choose a row first."),
        "coupon_empty": translate("Errors", "Enter the coupon's code."),
        "coupon_used_up": translate("Errors", "Coupon {coupon} has been used up."),
        "coupon_needs_member": translate("Errors", "Coupon {coupon} is for members: scan the card first."),
        "coupon_member_limit": translate("Errors", "This member has already used coupon {coupon}."),
        "coupon_unknown": translate("Errors", "There is no coupon {coupon}."),
        "coupon_other_member": translate("Errors", "Coupon {coupon} belongs to another member's card."),
        "coupon_twice": translate("Errors", "Coupon {coupon} is already on this sale."),
        "referral_self": translate("Errors", "A member cannot refer themselves."),
        "referrer_unknown": translate("Errors", "No member with card or phone {ref} to credit the referral to."),
        "whatif_no_sales": translate("Errors", "There are no sales to replay yet."),
        "whatif_period": translate("Errors", "The period ends before it starts."),
    }


def _field_labels() -> dict[str, str]:
    """The programme's settings as the owner's screen names them (for messages)."""
    return {
        "discount_bp": translate("Errors", "Member discount"),
        "earn_bp": translate("Errors", "Points for each purchase"),
        "redeem_cap_bp": translate("Errors", "Points pay at most"),
        "max_discount_bp": translate("Errors", "All discounts together"),
        "birthday_discount_bp": translate("Errors", "Birthday discount"),
        "redeem_min_balance": translate("Errors", "Minimum balance for points"),
        "welcome_points": translate("Errors", "Welcome bonus"),
        "birthday_points": translate("Errors", "Birthday bonus"),
        "referral_points": translate("Errors", "Referral points"),
        "referral_new_points": translate("Errors", "Referral points for the new member"),
        "expiry_days": translate("Errors", "Points expiry"),
        "pending_days": translate("Errors", "Waiting time for new points"),
        "next_visit_min_bill": translate("Errors", "Next-visit coupon minimum bill"),
    }


def problem_text(problem: object) -> str:
    """A rules problem (services.rules.Problem) as a sentence for the owner."""
    return user_message(InputError(problem.message, problem.code, **problem.params))  # type: ignore[attr-defined]


def user_message(exc: InputError) -> str:
    """The sentence for the cashier: translated by code, else the service's own words."""
    code = "needs_owner" if exc.code == "needs_role" and exc.params.get("role") == "owner" else exc.code
    template = _table().get(code)
    if template is None:
        return str(exc)
    params = dict(exc.params)
    if "field" in params:
        params["field"] = _field_labels().get(params["field"], params["field"])
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return str(exc)


def report_bug(parent: QWidget | None, exc: BaseException) -> None:
    """A bug: keep the traceback in the log and tell the person it was not their fault."""
    log.error("Unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(translate("Errors", "Unexpected error"))
    box.setText(translate("Errors", "Unexpected error. The sale on screen is kept; please tell the shop's support."))
    box.setDetailedText("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    box.open()
