"""Reminders when a check-in is due: web push to the carer's devices, email as the fallback."""
