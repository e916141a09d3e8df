"""wapiti 3.0.4 with one fix: on Python 3.11 it puts (?ms) at the end of each -x pattern, which
the re module refuses, so any exclusion crashes it. Run with Debian's /usr/bin/python3."""

import re
import sys

from wapitiCore.net import crawler


def wildcard_translate(pattern: str) -> re.Pattern[str]:
    body = "".join(".*" if char == "*" else re.escape(char) for char in pattern)
    return re.compile("(?ms)" + body + r"\Z")


crawler.wildcard_translate = wildcard_translate
from wapitiCore.main.wapiti import wapiti_main  # noqa: E402

sys.exit(wapiti_main())
