"""cunzhen (存真): repair polluted Chinese web text for pretraining.

import cunzhen
result = cunzhen.restore(text)   # RestoreResult(text, spun, spin_score, edits)
"""

from cunzhen.api import load_lm, make_restorer, restore
from cunzhen.engine.restore import RestoreConfig, Restorer
from cunzhen.engine.types import Edit, RestoreResult

__all__ = ["restore", "make_restorer", "load_lm", "Restorer", "RestoreConfig", "RestoreResult", "Edit"]
__version__ = "0.1.0"
