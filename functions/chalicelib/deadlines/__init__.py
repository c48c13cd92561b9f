"""The time promise kept: timers on an application's due time, reminders and escalation by mail."""
