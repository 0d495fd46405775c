"""Mining a spinner's table from its pages alone (issue 15): decipherment against reference frequencies.

Stages, one module each: ``reference`` (how often clean Chinese writes a form), ``counts`` (the batch's
candidates: forms in excess, originals in deficit), ``channel`` (the language model's likelihood ratio of a
form read as an original), ``decode`` (rounds that learn the key, chains included), ``table`` (entries,
composed and reviewable).
"""

from cunzhen.engine.decipher.decode import DecipherConfig, Decipherer
from cunzhen.engine.decipher.reference import Reference, reference

__all__ = ["DecipherConfig", "Decipherer", "Reference", "reference"]
