"""How the browser test and the review benchmark start Debian's Chromium: headless, and with everything that
would reach for the network switched off (this machine's network is closed, and browsers are never downloaded)."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
