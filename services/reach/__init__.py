"""Reaching each customer: occasions, reminders, contacts, offers, feedback, consent, campaigns, privacy (issue 14)."""
