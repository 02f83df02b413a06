"""Reaching each customer: occasions, reminders, offers, feedback, consent, campaigns, personal data (issue 14)."""
