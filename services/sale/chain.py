"""Completing a sale on a till that may belong to a chain.

checkout.complete_sale writes the sale; this decides how a redemption is
covered first: a hold at the hub (services.sale.permits) when the hub answers
quickly, else the offline caps.  It sits above both checkout and permits.
"""
from __future__ import annotations

from typing import Callable

from services.sale import checkout
from services.sale.checkout import Cart, SaleResult, Tender
from services.sale.permits import finish, in_chain, reserve
from services.sync import client as sync

HOLD_TIMEOUT_S = 2.0  # a hub slower than this counts as offline for the sale


def _hub_from_settings(timeout: float) -> sync.HubClient:
    return sync.client_from_settings(timeout=timeout)


def complete_sale_in_chain(
    cart: Cart, tenders: list[Tender], *, hub_client: Callable[[float], sync.HubClient] = _hub_from_settings,
    **kwargs: object,
) -> SaleResult:
    """checkout.complete_sale with the chain's rule for points: a hold at the hub
    when it answers within HOLD_TIMEOUT_S, else the offline caps.  Runs on a
    worker thread (the hold is a network call).  `hub_client(timeout)` opens the
    connection to the hub (the settings' hub; tests pass a fake one)."""
    points = cart.redeem + cart.reward_points()  # the bill's points and the gifts' are held together
    if not points or cart.member is None or not in_chain():
        return checkout.complete_sale(cart, tenders, **kwargs)
    client = hub_client(HOLD_TIMEOUT_S)
    try:
        permit = reserve(client, cart.member, points)
        try:
            result = checkout.complete_sale(cart, tenders, permit=permit, **kwargs)
        except BaseException:
            finish(client, permit, None)
            raise
        finish(client, permit, result.sale_id)
        return result
    finally:
        client.close()
