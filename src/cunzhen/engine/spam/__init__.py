"""Find strings injected into a page: porn and gambling keywords in titles, between paragraphs and mid-sentence.

Detectors, cheapest first:
1. **Lexicon.** An Aho-Corasick scan for the phrases of ``data/spam_lexicon.tsv`` (or the caller's list).
2. **Look.** Injected strings look alike: 在线播放, 性爱, 娱乐, 彩票 recur across keywords that no list holds.
   ``SpamLook`` is a character bigram model of the lexicon's phrases; per LM token it gives the log-likelihood
   ratio of "spam phrase" against "clean text" (the KenLM model's own bigram probability). Runs of positive ratio
   are candidates. Cheap: dictionary look-ups, no LM query, on every line of every page.
3. **Sentence break.** A candidate is removed only if cutting it out makes its sentence *more* fluent than a
   genuine span of that length would: the language model scores the sentence with and without the candidate.
   Injected text is off topic and breaks the sentence it sits in; genuine words that merely look spammy
   (在线, 视频, 美女 in a report) fit their sentence and stay.
4. **Break scan.** Keywords that share no look with the lexicon (an actress's name, a lottery brand) are found
   by the language model alone: per-token log-probabilities of each line (one C++ call) show where a run of
   tokens is far less likely than genuine text; each such run is judged by how much more fluent its sentence is
   without it, its look, and whether its characters recur elsewhere on the page (genuine rare words are usually
   the topic of the page; injected strings are not). Segments set apart by spaces or line edges (a keyword
   line, a keyword before the title) are judged alone. Both cost an LM pass over the page, so they run on
   pages that show evidence of injection (a lexicon, learned or look cut).
4c. **Page recurrence.** A string that breaks its sentence in two unrelated places of one page, starting
   inside a clause wherever it stands (``recur.py``): the batch memory's test over one page. It also runs on
   pages the caller says are a farm's (spun) though they carry no known keyword.
5. **Batch memory.** The same injected strings recur across pages of a crawl, genuine rare words rarely do:
   ``SpamMemory`` counts break candidates (a looser threshold than a cut) over a first pass, and strings that
   were candidates on several pages are cut everywhere in the second pass (``SpamDetector.learn``).
Then **edges**: each cut's edges are moved to the likeliest split of the stretch around it into article
(read by the language model with the keyword out) and keyword (read alone): a known part of a longer keyword
(伦理片 of 日本伦理片) widens over the rest, a look cut that took an article word along (做爱图片|药物) gives it
back. Then **echo**: once a string is known to be injected on a page, its other occurrences on the page go too.

One file per detector: ``lexicon.py`` (1, and the learned strings of 5), ``look.py`` (2 and 3), ``apart.py``
(set-apart segments), ``breaks.py`` (4), ``clause.py`` (4b), ``recur.py`` (4c), ``memory.py`` (5),
``edges.py``, ``echo.py``; ``detector.py`` runs them cheapest first, ``types.py`` holds the span, the thresholds and the
helpers they share. The kinds of pollution that are not injected keywords (pinyin glosses, noise, script
slips, ...) are ``engine/pollution``'s.
"""

from __future__ import annotations

from cunzhen.engine.spam.detector import SpamDetector
from cunzhen.engine.spam.lexicon import SpamPhrase, load_spam_lexicon, normalize_phrase
from cunzhen.engine.spam.look import SpamLook
from cunzhen.engine.spam.memory import SpamMemory
from cunzhen.engine.spam.types import SpamConfig, SpamFindings, SpamSpan

__all__ = [
    "SpamConfig",
    "SpamDetector",
    "SpamFindings",
    "SpamLook",
    "SpamMemory",
    "SpamPhrase",
    "SpamSpan",
    "load_spam_lexicon",
    "normalize_phrase",
]
