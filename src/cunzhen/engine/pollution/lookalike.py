"""Look-alike characters from other scripts standing for Han characters."""

from __future__ import annotations

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.pollution.base import Repair


def lookalike_repairs(text: str, lm: LanguageModel, script_model, script: str) -> list[Repair]:
    return []
