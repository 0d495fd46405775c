"""cunzhen (存真): repair polluted Chinese web text for pretraining.

``cunzhen.restore(text)`` restores one text with the bundled engine and returns a RestoreResult (text, spun,
spin_score, edits); ``cunzhen.make_restorer(lm=..., tables=[...])`` builds an engine once for reuse.
"""

from cunzhen.api import load_lm, make_restorer, restore
from cunzhen.engine.restore import RestoreConfig, Restorer
from cunzhen.engine.types import Edit, RestoreResult

__all__ = ["restore", "make_restorer", "load_lm", "Restorer", "RestoreConfig", "RestoreResult", "Edit"]
__version__ = "0.1.0"
