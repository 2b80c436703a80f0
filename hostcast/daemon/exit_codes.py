"""How a channel process tells the supervisor why it ended."""

# EX_TEMPFAIL: the config changed what only a fresh process can apply (outputs, size, avatar,
# the state file). The supervisor starts the channel again at once; it is not a crash.
RESTART_EXIT = 75
