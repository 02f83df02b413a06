"""How a benchmark or a script asks the window to say when it is ready.

With this environment variable set, the till's window signs in as the first
cashier, prints "ready" once it has painted, and quits: `main.py bench` times
start-up this way.  The name lives here, below both the window and the bench,
so the product never imports the tooling.
"""
STARTUP_PROBE = "LOYALTILL_STARTUP_PROBE"
