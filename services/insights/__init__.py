"""The owner's figures: what the programme brings, customer by customer (issue 13).

basis: periods on the shop's clock, a receipt (a sale net of its returns) and a visit (a
customer's day), as SQL the other modules build on.
"""
