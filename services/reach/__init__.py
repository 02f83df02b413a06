"""Reaching each customer: occasions, offers, feedback, consent, campaigns (issue 14)."""
