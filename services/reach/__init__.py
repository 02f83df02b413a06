"""Reaching each customer: occasions, offers, feedback, consent, campaigns and their personal data."""
