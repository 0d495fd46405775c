"""Echo: once a string is known to be injected on a page, its other occurrences on the page go too."""

from __future__ import annotations

from cunzhen.engine.spam.types import SpamSpan


class EchoDetector:
    """SpamDetector's echo of found strings."""

    # -- echo ---------------------------------------------------------------------------------------------

    def _echo_spans(self, text: str, spans: list[SpamSpan]) -> list[SpamSpan]:
        strings = {text[s.start : s.end]: s.kind for s in spans if s.reason != "lexicon"}
        found = []
        for string, kind in strings.items():
            if len(string.strip()) < self.config.echo_min_chars:
                continue
            at = text.find(string)
            while at >= 0:
                found.append(SpamSpan(at, at + len(string), kind, "echo", 0.0))
                at = text.find(string, at + 1)
        return found
