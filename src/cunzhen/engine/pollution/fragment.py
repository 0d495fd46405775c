"""Title fragments interleaved into the article (今年的主力军国庆节, 周边周边城市): a farm cuts its page's title
into pieces and wedges them between words, so that the copy reads as a new page to a duplicate detector.

The model: a piece (2..``max_chars`` Han characters) of the page's title, found in the body where the
sentence reads far likelier without it (the character model's gain of the cut, less ``token_cost`` per
character a genuine cut would also gain, reaches ``min_gain``). The model alone cannot tell a wedged piece from
the page's topic (a name in the title, 吴秀波, is as surprising in every sentence that names him), but the
cutter can: it cuts the title across its words (周边游|自驾游 gives 游自, and 驾游 out of 自驾游), and a piece
whose edge falls inside a word of the title (as the word model segments it) and which is no word itself is no
unit a writer would reuse (自驾 of 自驾游 is a word: it proves nothing and is never cut).
Each occurrence is judged as the longest piece of the title it is (继民 inside 武继民 is 武继民). So a page must
show ``min_per_page`` such cross pieces before any piece is cut; then the title's whole
words go too where the sentence reads at least as well without them (``proven_gain``: 主力军国庆节).
The title is the page's (HTML ``<title>``) or its first line
if short. Needs the word model.
"""

from __future__ import annotations

import re

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.pollution.base import Cut, Page, cut_gain

_HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")


def _title(page: Page, max_title: int = 40) -> tuple[str, int]:
    """The title, in the page's reading, and where the body starts: the first line, when it is the page's
    title (the cleaner puts a given title first) or short enough to be one."""
    text = page.simple
    first_end = text.find("\n")
    first_end = len(text) if first_end < 0 else first_end
    first = text[:first_end].strip()
    if first and (page.title or len(first) <= max_title):
        return first, first_end
    return "", 0


def fragment_cuts(
    page: Page,
    lm: LanguageModel,
    word_lm=None,
    max_chars: int = 4,
    token_cost: float = 2.0,
    min_gain: float = 2.0,
    min_per_page: int = 3,
    proven_gain: float = 0.5,
) -> list[Cut]:
    title, body_start = _title(page)
    if not title or word_lm is None:
        return []
    text = page.simple
    known = word_lm.knows if hasattr(word_lm, "knows") else (lambda w: word_lm._unigram(w) is not None)
    # Pieces of the title: "cross" pieces have an edge inside a word of the title and are no word themselves
    # (游自, 驾游): the proof of interleaving; "words" are the title's own words (主力军, 周边). A piece that
    # cuts a title word but is a word itself (自驾 of 自驾游) is neither: a writer uses it.
    cross, words = set(), set()
    for run in _HAN_RUN.findall(title):
        inside, at, segmented = set(), 0, word_lm.segment(run)
        for word in segmented:
            inside.update(range(at + 1, at + len(word)))
            at += len(word)
        words.update(w for w in segmented if 2 <= len(w) <= max_chars)
        for n in range(2, max_chars + 1):
            for i in range(len(run) - n + 1):
                piece = run[i : i + n]
                if (i in inside or i + n in inside) and not known(piece):
                    cross.add(piece)

    def occurrences(pieces: set[str], floor: float) -> list[tuple[float, int, int]]:
        found = []
        for piece in pieces:
            at = text.find(piece, body_start)
            while at >= 0:
                end = at + len(piece)
                # Part of a longer piece of the title here (继民 of 武继民): that one is judged.
                if not (text[at - 1 : end] in title or text[at : end + 1] in title):
                    gain = cut_gain(lm, text, at, end) - token_cost * len(piece)
                    if gain >= floor:
                        found.append((gain, at, end))
                at = text.find(piece, at + 1)
        return found

    # The cross pieces first: on most pages there are none in the body, and nothing else is scored.
    scored = occurrences(cross, proven_gain)
    if sum(gain >= min_gain for gain, _, _ in scored) < min_per_page:
        return []
    scored += occurrences(words - cross, proven_gain)
    # Proven interleaving: a piece is cut where the sentence reads at least as well without it.
    cuts: list[tuple[int, int]] = []
    for _, start, end in sorted(scored, reverse=True):
        if all(end < a or start > b for a, b in cuts):  # neither overlapping nor touching a cut piece
            cuts.append((start, end))
    return [Cut(a, b, "fragment", "title_fragment") for a, b in sorted(cuts)]
