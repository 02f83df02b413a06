"""A member's personal data export (services/reach/privacy.py) as files: the JSON as it is,
and a PDF a person can read: one section per kind of record, in the shop's language, in
the receipts' font (DejaVu Sans: Cyrillic and the Romanian ș ț ă â î print as they are)."""
from __future__ import annotations

import datetime as dt
import errno
import io
import json
import os
from pathlib import Path
from typing import Any

from services.core.error_texts import N_
from services.core.errors import InputError
from services.core.messages import _
from services.core.money import format_money
from services.shop.settings import local_time, shop_info


# The stored codes, worded for the customer who reads the file.
WORDS = {
    "active": N_("active"), "blocked": N_("blocked"), "reserved": N_("reserved"),
    "cash": N_("cash"), "card": N_("card"),
    "earn": N_("earned"), "redeem": N_("spent"), "reverse": N_("taken back (return)"),
    "restore": N_("given back (return)"), "adjust": N_("adjusted"), "expire": N_("expired"),
    "transfer": N_("transferred"), "welcome": N_("welcome bonus"), "birthday": N_("birthday bonus"),
    "referral": N_("referral bonus"), "release": N_("became spendable"), "import": N_("from the old system"),
}


def word(code: Any) -> str:
    text = WORDS.get(str(code))
    return _(text) if text else ("" if code is None else str(code))


def render(data: dict[str, Any], resources: Path) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    from services.printing.fonts import FONT, FONT_BOLD, register_fonts

    register_fonts(resources)
    info = shop_info()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#52606d"))
    bold = ParagraphStyle("bold", parent=body, fontName=FONT_BOLD)
    title = ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20)
    heading = ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=10,
                             spaceAfter=3)

    def p(text: Any, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape("" if text is None else str(text)), style)

    def money(minor: Any) -> str:
        return format_money(int(minor or 0), info.currency, info.locale)

    def when(text: Any) -> str:
        if not text:
            return ""
        try:
            moment = dt.datetime.fromisoformat(str(text))
        except ValueError:
            return str(text)
        return local_time(moment, info).strftime("%d.%m.%Y %H:%M")

    def tier_name(code: Any) -> str:
        from services.programme.rules import active_rules

        tier = active_rules().tier(code) if code else None
        return tier.name if tier else (code or "")

    def day(text: Any) -> str:
        try:
            return dt.date.fromisoformat(str(text)).strftime("%d.%m.%Y") if text else ""
        except ValueError:
            return str(text)

    def table(header: list[str], rows: list[list[Any]], widths: list[float]) -> Table:
        cells = [[p(h, bold) for h in header]] + [[c if isinstance(c, (Paragraph, list)) else p(c) for c in row]
                                                  for row in rows]
        out = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1)
        out.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d9e2ec")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
        ]))
        return out

    def section(name: str, rows: list[Any], make: Any) -> None:
        story.append(p(name, heading))
        if not rows:
            story.append(p(_("None."), small))
        else:
            story.append(make(rows))

    def held_part(held: Any) -> list[Any]:
        """What another module holds (its own keys): a list of records as a table, else key: value."""
        out: list[Any] = []
        items = held.items() if isinstance(held, dict) else [("", held)]
        for key, value in items:
            label = str(key).replace("_", " ").capitalize()
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                keys = list(dict.fromkeys(k for v in value for k in v))
                if label:
                    out.append(p(label, bold))
                width = 178 / max(1, len(keys))
                out.append(table([k.replace("_", " ") for k in keys],
                                 [[plain_text(v.get(k)) for k in keys] for v in value], [width] * len(keys)))
            else:
                out.append(p(f"{label}: {plain_text(value)}" if label else plain_text(value)))
        return out

    def plain_text(value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    member = data.get("member") or {}
    story: list[Any] = [p(_("Personal data held about a member"), title),
                        p(_("{shop}, exported {when}").format(shop=data.get("shop", ""), when=when(data.get("exported_at"))),
                          small), Spacer(1, 3 * mm)]

    story.append(p(_("The member"), heading))
    fields = [
        (_("Name"), member.get("name")), (_("Phone"), member.get("phone")), (_("E-mail"), member.get("email")),
        (_("Birthday"), day(member.get("birthday"))), (_("Note"), member.get("note")),
        (_("Marketing consent"), _("yes") if member.get("marketing_consent") else _("no")),
        (_("Tier"), tier_name(member.get("tier"))), (_("Registered"), when(member.get("created_at"))),
        (_("Came from"), member.get("origin")), (_("Old system's id"), member.get("external_ref")),
        (_("Member id"), member.get("id")),
    ]
    if member.get("erased_at"):
        fields.append((_("Personal data erased"), when(member.get("erased_at"))))
    story.append(table([_("Field"), _("Value")], [[k, v or "—"] for k, v in fields], [50, 128]))

    balance = data.get("balance") or {}
    story.append(Spacer(1, 2 * mm))
    story.append(p(_("Points balance: {points}").format(points=balance.get("points", 0)), bold))

    section(_("Cards"), data.get("cards") or [], lambda rows: table(
        [_("Number"), _("Status"), _("Given"), _("Blocked")],
        [[c.get("number"), word(c.get("status")), when(c.get("created_at")), when(c.get("blocked_at"))] for c in rows],
        [45, 30, 50, 53]))

    def sale_rows(rows: list[dict[str, Any]]) -> Table:
        out = []
        for s in rows:
            goods = [p(f"{line.get('name')} × {line.get('qty')} = {money(line.get('gross'))}", small)
                     for line in s.get("lines") or []]
            paid = ", ".join(f"{word(pay.get('method'))} {money(pay.get('amount'))}" for pay in s.get("payments") or [])
            out.append([s.get("receipt_no"), when(s.get("created_at")), [p(money(s.get("total"))), *goods],
                        paid, f"+{s.get('points_earned') or 0} / −{s.get('points_redeemed') or 0}"])
        return table([_("Receipt"), _("Time"), _("Total and goods"), _("Paid"), _("Points")], out, [25, 28, 70, 32, 23])

    section(_("Sales"), data.get("sales") or [], sale_rows)
    section(_("Returns"), data.get("returns") or [], lambda rows: table(
        [_("Time"), _("Refund"), _("Points taken back")],
        [[when(r.get("created_at")), money(r.get("refund")), r.get("points_reversed")] for r in rows], [50, 60, 68]))
    section(_("Points ledger"), data.get("ledger") or [], lambda rows: table(
        [_("Time"), _("Kind"), _("Points"), _("Note")],
        [[when(e.get("created_at")), word(e.get("kind")), e.get("delta"), e.get("note")] for e in rows], [35, 30, 25, 88]))
    section(_("Points not yet spendable"), data.get("pending_points") or [], lambda rows: table(
        [_("Points"), _("Spendable from"), _("Released")],
        [[r.get("points"), when(r.get("available_at")), when(r.get("released_at"))] for r in rows], [40, 69, 69]))
    coupons = ([[c.get("code"), c.get("promotion"), _("issued"), when(c.get("created_at"))]
                for c in data.get("coupons_issued") or []]
               + [[c.get("code"), c.get("promotion"), _("redeemed"), when(c.get("created_at"))]
                  for c in data.get("coupons_redeemed") or []])
    section(_("Coupons"), coupons, lambda rows: table([_("Code"), _("Promotion"), "", _("Time")], rows, [40, 60, 30, 48]))
    section(_("Bonuses"), data.get("bonuses") or [], lambda rows: table(
        [_("Kind"), _("Points"), _("Time")], [[word(b.get("kind")), b.get("points"), when(b.get("created_at"))] for b in rows],
        [60, 50, 68]))
    referrals = data.get("referrals") or {}
    ref_rows = ([[_("Brought by member"), r] for r in referrals.get("referred_by") or []]
                + [[_("Brought member"), r] for r in referrals.get("brought") or []])
    section(_("Referrals"), ref_rows, lambda rows: table([_("Relation"), _("Member id")], rows, [50, 128]))
    section(_("Audit log entries about the member"), data.get("audit") or [], lambda rows: table(
        [_("Time"), _("Action"), _("By"), _("About")],
        [[when(e.get("created_at")), e.get("action"), e.get("staff_name"), e.get("target")] for e in rows],
        [35, 45, 40, 58]))
    for name, held in (data.get("held_elsewhere") or {}).items():
        story.append(p(name.replace("_", " ").capitalize(), heading))
        story.extend(held_part(held) if held else [p(_("None."), small)])

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                                 bottomMargin=14 * mm, title=_("Personal data held about a member"),
                                 author=str(data.get("shop", "")))
    document.build(story)
    return buffer.getvalue()


def write_export(data: dict[str, Any], out: Path, resources: Path) -> tuple[Path, Path]:
    """The export as FILE.json and FILE.pdf beside each other (`out` with either suffix, or none)."""
    base = out.with_suffix("") if out.suffix.lower() in (".json", ".pdf") else out
    json_path, pdf_path = base.with_name(base.name + ".json"), base.with_name(base.name + ".pdf")
    if not json_path.parent.is_dir():
        raise InputError("privacy_write", path=str(json_path), reason=os.strerror(errno.ENOENT))
    pdf = render(data, resources)  # laid out first: nothing is written if it fails
    _write_whole(json_path, json.dumps(data, ensure_ascii=False, indent=2).encode())
    _write_whole(pdf_path, pdf)
    return json_path, pdf_path


def _write_whole(path: Path, content: bytes) -> None:
    part = path.with_name(path.name + ".part")
    try:
        part.write_bytes(content)
        part.replace(path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise InputError("privacy_write", path=str(path), reason=exc.strerror or str(exc)) from None
