"""How LoyalTill's process ends, by name: scripts and the till's launcher read these."""
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    # The work did not finish: sync left operations waiting for the hub, or the
    # window could not open the shop's database (the reason was shown).
    NOT_DONE = 1
    # A bad argument or input (a wrong card, a missing file): one line on
    # stderr, nothing changed.
    USAGE = 2
