"""Reaching each customer: occasions, reminders, contacts, offers, feedback, consent (issue 14)."""
