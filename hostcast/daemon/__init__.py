"""The scheduling daemon: channels on air by the clock, with state that survives restarts."""
