"""Reaching each customer (issue 14): occasions, reminders, offers, feedback, consent, campaigns."""
