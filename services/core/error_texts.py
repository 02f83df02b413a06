"""Every error's sentence, once: the code a service raises -> its English template.

These English texts are the catalogue's msgids (marked with N_ so `pybabel extract`
finds them); `{name}` are the error's params.  InputError prints them as they are
(the command line); services.core.messages words them in the shop's language.
Nothing here imports anything: errors.py and messages.py both stand on it.
"""
from __future__ import annotations

from typing import Any, Callable


def N_(text: str) -> str:
    """Mark a msgid for extraction; the translation happens where it is shown."""
    return text


TEXTS: dict[str, str] = {
    "card_shape": N_("{card} is not a card number (13 digits)."),
    "card_check_digit": N_("Card misread (wrong check digit): scan it again or type it."),
    "card_unknown": N_("Card {card} is not known to this shop."),
    "card_blocked": N_("Card {card} is blocked (reported lost). Ask for the new card or find the member by phone."),
    "card_unassigned": N_("Card {card} has not been given to anyone yet. Register a member with it (F3)."),
    "card_not_ours": N_("{card} is not one of this shop's cards."),
    "card_taken": N_("Card {card} already belongs to someone."),
    "cards_exhausted": N_("This till has used up its card numbers."),
    "product_unknown": N_("No product with barcode {barcode}."),
    "pin_wrong": N_("Wrong PIN."),
    "pin_shape": N_("A PIN is 4 to 8 digits."),
    "pin_taken": N_("Another person already uses this PIN; choose another."),
    "needs_role": N_("This needs a manager's PIN."),
    "needs_owner": N_("Only the shop's owner can do this: sign in with the owner's PIN."),
    "qty_range": N_("Quantity must be 1 to {max}."),
    "discount_range": N_("A discount is between 0 and 100 %."),
    "sale_empty": N_("The sale has no items."),
    "park_empty": N_("There is nothing to park."),
    "park_gone": N_("That parked sale was already recalled."),
    "pay_method": N_("Pay by cash or card."),
    "pay_negative": N_("A payment cannot be negative."),
    "pay_card_over": N_("The card payment is more than the bill."),
    "pay_short": N_("Not enough money: more is needed to pay the bill."),
    "redeem_negative": N_("Points to redeem cannot be negative."),
    "redeem_no_member": N_("Scan a member's card to pay with points."),
    "redeem_over_cap": N_("At most {points} points can be used on this sale."),
    "redeem_step": N_("Points are redeemed in steps of {step}."),
    "name_empty": N_("Enter the member's name."),
    "phone_empty": N_("Enter a phone number."),
    "phone_invalid": N_("{phone} is not a phone number we can use."),
    "phone_taken": N_("A member with phone {phone} already exists: find them instead."),
    "phone_other_member": N_("Phone {phone} belongs to another member."),
    "birthday_bad": N_("That birthday cannot be right."),
    "sale_unknown": N_("No sale with receipt {ref}."),
    "return_nothing": N_("Everything on this receipt was already returned."),
    "return_qty": N_("Return at least one of each item."),
    "return_not_on_receipt": N_("Item {barcode} is not on this receipt."),
    "return_too_many": N_("More of item {barcode} than is left to return on this receipt."),
    "shop_name_empty": N_("Give the shop a name."),
    "receipt_write": N_("Cannot write the receipt there: choose another folder or a USB stick."),
    "no_till": N_("This till is not set up yet."),
    "demo_not_empty": N_("The demo goes into an empty database; this one already has a shop."),
    "bad_currency": N_("Currency must be one of RUB, MDL, RON, EUR."),
    "bad_language": N_("Language must be Russian, Romanian or English."),
    "bad_prefix": N_("The card prefix must be two digits from 20 to 29."),
    "bad_role": N_("Role must be cashier, manager or owner."),
    # staff management (the owner) and training mode
    "staff_unknown": N_("No one called {name} works here."),
    "staff_name_empty": N_("Enter the person's name."),
    "staff_name_long": N_("A name is at most 60 characters."),
    "staff_name_taken": N_("{name} already works here: give a surname or an initial too."),
    "staff_disable_self": N_("You cannot disable yourself: another owner must do it."),
    "last_owner": N_("{name} is the shop's only owner: make someone else owner first."),
    "pin_mismatch": N_("The two PINs differ: type the same PIN twice."),
    "training_nested": N_("This till is already in training mode."),
    "training_copy_failed": N_("The training copy could not be made ({reason}): free some disk space and try again."),
    "training_no_sync": N_("Training mode never talks to the hub."),
    "bad_till_number": N_("A till number must be 0–999."),
    "owner_name_empty": N_("Enter the owner's name."),
    "demo_interrupted": N_("An earlier demo build into this file was interrupted: delete the file and build the demo again."),
    "redeem_off": N_("Paying with points is switched off in this programme."),
    "redeem_owes": N_("This member owes points; paying with points is blocked until new purchases cover it."),
    "redeem_min_balance": N_("Points can be used from a balance of {least}; this member has {balance}."),
    "redeem_no_items": N_("No points can be used on these items."),
    "member_gone": N_("This member is no longer on this till."),
    "adjust_zero": N_("An adjustment of zero points changes nothing."),
    "adjust_note": N_("Say why the balance is adjusted."),
    "card_bad_number": N_("{card} is not a valid card number (check digit)."),
    "cards_count": N_("Print between 1 and {max} blank cards at a time."),
    "cards_none_chosen": N_("Choose whose cards to print."),
    "cards_none": N_("There are no cards to print."),
    "cards_layout": N_("Choose an A4 sheet or single cards."),
    "cards_reserved_not_printed": N_(
        "{count} card numbers ({first} to {last}) are reserved, but their sheet could not be saved or printed: "
        "check the folder, the free space or the printer. No other card will get these numbers."),
    "member_phone_unknown": N_("No member with phone {phone}."),
    "member_unknown": N_("No member {ref}: give a member id or a card number."),
    "logo_bad": N_("{file} is not a picture LoyalTill can read (PNG or JPEG)."),
    "logo_big": N_("The logo file is over 2 MB: save it smaller."),
    "receipt_width": N_("Receipt width must be 58 mm, 80 mm or A4."),
    "printer_setting": N_("Unknown printer setting."),
    "printer_codepage": N_("Choose one of the code pages in the list."),
    "printer_usb_ids": N_("USB printer: give vendor:product in hex, like 0416:5011."),
    "printer_host": N_("Network printer: give its address, like 192.168.1.50."),
    "printer_port": N_("Network printer: the port is a number from 1 to 65535 (usually 9100)."),
    "printer_serial": N_("Serial printer: give the port, like /dev/ttyUSB0 or COM3."),
    "printer_baud": N_("Serial printer: the speed is 9600, 19200, 38400, 57600 or 115200."),
    "printer_missing": N_("The receipt printer is not answering. Check that it is on and connected."),
    "printer_not_installed": N_("The printer {name} is not installed on this computer: choose another under More… (F10) → Receipt printer."),
    "printer_width": N_("A thermal printer takes 58 or 80 mm rolls, not A4."),
    "printer_none": N_("This computer has no printer set up."),
    "printer_no_paper": N_("The receipt printer is out of paper. Load a new roll and print again."),
    "printer_failed": N_("The printer stopped or refused the job. Check it, then reprint."),
    "printer_not_set": N_("No receipt printer is set up: save the receipt as PDF, or set a printer up."),
    "sync_unreachable": N_("The hub cannot be reached: sales are kept on this till and sent when it is back."),
    "sync_unauthorised": N_("The hub does not accept this till's token: ask the owner for a new one."),
    "sync_hub_error": N_("The hub had a problem; sales are kept on this till and sent later."),
    "sync_not_configured": N_("This till is not connected to a hub."),
    "sync_token_shape": N_("That is not a till token: copy the token 'hub add-till' printed (letters, digits, - and _)."),
    "sync_url_bad": N_("That is not a hub address: give one like http://10.0.0.5:8765."),
    "redeem_offline_cap": N_("Offline, at most {points} points can be used now (the balance may be out of date)."),
    "redeem_over_hold": N_("Only {points} points were set aside at the hub."),
    "redeem_hub_refused": N_("The chain's records show only {points} points available."),
    "storage_full": N_("Nothing was saved: the disk is full. Free some space, then try again; the sale stays on screen."),
    "storage_io": N_("Nothing was saved: the disk failed to read or write. Check the drive, then try again; the sale stays on screen."),
    "storage_locked": N_("Nothing was saved: another program holds the till's file. Close it, then try again."),
    "storage_readonly": N_("Nothing was saved: the till's file is read-only. Check its permissions, then try again."),
    "storage_open": N_("Nothing was saved: the till's file cannot be opened. Check the drive, then try again."),
    # Backups, restore and damaged files (services/care).
    "file_damaged": N_("The till's file {path} is damaged; nothing was written to it. Restore the latest backup (More… → Backups and restore, or main.py restore)."),
    "backup_out_folder": N_("{path} is a folder: give the backup a file name."),
    "backup_no_folder": N_("The folder {path} does not exist: choose another place for the backup."),
    "backup_onto_itself": N_("{path} is the till's own file: a backup must go to another file."),
    "backup_source_damaged": N_("No backup was made: the till's file is damaged ({problems}). Restore the latest backup."),
    "backup_write_failed": N_("The backup could not be written to {path} ({reason}). Check the drive, then try again."),
    "restore_no_file": N_("There is no file {path}."),
    "restore_unreadable": N_("{path} cannot be read ({reason})."),
    "restore_not_backup": N_("{path} is not a LoyalTill backup; nothing was changed."),
    "restore_not_till": N_("{path} is a database, but not a LoyalTill backup; nothing was changed."),
    "restore_damaged": N_("The backup {path} is damaged; nothing was changed. Choose an older backup."),
    "restore_too_new": N_("The backup {path} was written by a newer LoyalTill; nothing was changed. Update LoyalTill first."),
    "restore_demo_unfinished": N_("The backup {path} holds a demo that never finished building; nothing was changed."),
    "restore_onto_itself": N_("{path} is the till's own file, not a backup."),
    "restore_other_till": N_("The backup {path} belongs to another till of the chain; nothing was changed."),
    "restore_write_failed": N_("The backup could not be put in place of {path} ({reason}); nothing was changed."),
    # The owner's programme: rule sets, promotions, coupons, what-if.
    "no_rules": N_("No loyalty programme is set up yet: open the owner's settings first."),
    "rules_version_unknown": N_("There is no programme version {version}."),
    "rules_file_bad": N_("The programme file cannot be read: {detail}"),
    "rules_unknown_key": N_("The programme file has settings this LoyalTill does not know: {keys}."),
    "rules_value_type": N_("The programme file's setting {key} has the wrong kind of value ({value}): amounts and points are whole numbers."),
    "rule_percent_range": N_("{field} must be 0–100 %, not {value} %."),
    "rule_point_value": N_("A point must be worth at least 0.01."),
    "rule_redeem_step": N_("Points are used in steps of at least one."),
    "rule_negative": N_("{field} cannot be negative."),
    "rule_days_range": N_("{field} can be at most {max} days."),
    "rule_number_range": N_("{field} can be at most {max}."),
    "promo_number_range": N_("{name}: a number is far too large (points, amounts or units)."),
    "rules_format": N_("The programme file's format {format} is not one this LoyalTill reads ({known})."),
    "rules_effective_range": N_("The date the programme takes effect is out of range."),
    "rule_window": N_("Tiers must count spend over at least one day."),
    "rule_birthday_days": N_("The birthday window is 0 to 31 days."),
    "rule_welcome_on": N_("The welcome bonus comes on registration or with the first purchase."),
    "rule_pending_expiry": N_("Points would expire before they can be spent: make the waiting time shorter than the expiry."),
    "rule_timezone": N_("Unknown time zone {zone}."),
    "rule_timezone_needed": N_("Promotion {promotion} keeps hours or weekdays: give the shop's time zone (e.g. Europe/Moscow), or its hours would run on UTC."),
    "tier_code_empty": N_("Every tier needs a code."),
    "tier_code_taken": N_("Two tiers have the code {tier}."),
    "tier_spend_negative": N_("Tier {tier}: the spend it starts from cannot be negative."),
    "tier_overlap": N_("Tiers {other} and {tier} start at the same spend: they overlap."),
    "tier_percent_range": N_("Tier {tier}: a percentage must be 0–100 %."),
    "promo_code_empty": N_("Every promotion needs a code."),
    "promo_code_taken": N_("Two promotions have the code {name}."),
    "promo_kind": N_("{name}: unknown kind of promotion."),
    "promo_percent_range": N_("{name}: the discount must be over 0 and at most 100 %."),
    "promo_multiplier_range": N_("{name}: the multiplier must be over ×1 and at most ×10."),
    "promo_points": N_("{name}: give at least one point."),
    "promo_buy_get": N_("{name}: buy and get must both be at least 1."),
    "promo_hours": N_("{name}: the hours must run from 0–23 to a later hour, up to 24."),
    "promo_weekdays": N_("{name}: weekdays run from Monday to Sunday."),
    "promo_minimum_negative": N_("{name}: a minimum cannot be negative."),
    "promo_tier_unknown": N_("{name}: there is no tier {tier}."),
    "promo_date_bad": N_("{name}: a date must be written YYYY-MM-DD."),
    "promo_dates_order": N_("{name} ends before it starts."),
    "promo_expired": N_("{name} ended on {ends}: it would never apply."),
    "coupon_code_empty": N_("Every coupon needs a code."),
    "coupon_code_taken": N_("Two coupons have the code {coupon}."),
    "coupon_promotion_unknown": N_("Coupon {coupon} names no promotion of this programme ({promotion})."),
    "coupon_limit_negative": N_("Coupon {coupon}: limits cannot be negative."),
    "coupon_date_bad": N_("Coupon {name}: a date must be written YYYY-MM-DD."),
    "coupon_dates_order": N_("Coupon {name} ends before it starts."),
    "coupon_expired": N_("Coupon {coupon} is not valid today."),
    "next_visit_unknown": N_("The next-visit coupon names no promotion of this programme ({promotion})."),
    "next_visit_days": N_("A next-visit coupon must be valid for at least one day."),
    "percent_bad": N_("{field}: “{text}” is not a percentage."),
    "amount_bad": N_("{field}: “{text}” is not an amount."),
    "file_write": N_("Cannot write {path}: choose another folder."),
    "file_read": N_("Cannot read {path}."),
    "no_row": N_("Choose a row first."),
    # The cashier's screen.
    "no_line": N_("There is no line to change."),
    "no_member": N_("Find the member first (F2)."),
    "park_busy": N_("Pay or park the sale on screen first."),
    "coupon_empty": N_("Enter the coupon's code."),
    "coupon_used_up": N_("Coupon {coupon} has been used up."),
    "coupon_needs_member": N_("Coupon {coupon} is for members: scan the card first."),
    "coupon_member_limit": N_("This member has already used coupon {coupon}."),
    "coupon_unknown": N_("There is no coupon {coupon}."),
    "coupon_other_member": N_("Coupon {coupon} belongs to another member's card."),
    "coupon_twice": N_("Coupon {coupon} is already on this sale."),
    "referral_self": N_("A member cannot refer themselves."),
    "referrer_unknown": N_("No member with card or phone {ref} to credit the referral to."),
    "whatif_no_sales": N_("There are no sales to replay yet."),
    "whatif_period": N_("The period ends before it starts."),
    # Shop settings (firstday)
    "setting_too_long": N_("Keep it under {limit} characters."),
    "bad_scan_affix": N_("A scanner's prefix or suffix is at most {limit} characters, no digits or spaces."),
    "currency_after_sales": N_("The currency cannot change once the till has sales: every amount in it is in the old currency."),
    "card_prefix_in_use": N_("The card prefix cannot change once cards exist: the till would no longer recognise them."),
}

# The programme's settings as the owner's screen names them (for `field` params).
FIELD_LABELS: dict[str, str] = {
    "discount_bp": N_("Member discount"),
    "earn_bp": N_("Points for each purchase"),
    "redeem_cap_bp": N_("Points pay at most"),
    "max_discount_bp": N_("All discounts together"),
    "birthday_discount_bp": N_("Birthday discount"),
    "redeem_min_balance": N_("Minimum balance for points"),
    "welcome_points": N_("Welcome bonus"),
    "birthday_points": N_("Birthday bonus"),
    "referral_points": N_("Referral points"),
    "referral_new_points": N_("Referral points for the new member"),
    "expiry_days": N_("Points expiry"),
    "pending_days": N_("Waiting time for new points"),
    "tier_window_days": N_("Tier window"),
    "next_visit_days": N_("Next-visit coupon life"),
    "redeem_step": N_("Points step"),
    "point_value": N_("Point value"),
    "next_visit_min_bill": N_("Next-visit coupon minimum bill"),
}


def render(code: str, params: dict[str, Any], translate: Callable[[str], str] | None = None) -> str | None:
    """The sentence for an error code with its params, through `translate`; None if the
    code has no template.  A translation whose {names} do not fit falls back to English.
    Without `translate` (str() of the error: the command line, the logs) a `field` stays
    the setting's own name, as the rules file spells it; with it, the owner's screen label."""
    if code == "needs_role" and params.get("role") == "owner":
        code = "needs_owner"
    template = TEXTS.get(code)
    if template is None:
        return None
    values = dict(params)
    if translate is None:
        translate = str
    elif isinstance(values.get("field"), str):
        values["field"] = translate(FIELD_LABELS.get(values["field"], values["field"]))
    for candidate in (translate(template), template):
        try:
            return candidate.format(**values)
        except (KeyError, IndexError, ValueError, AttributeError):
            continue
    return template
