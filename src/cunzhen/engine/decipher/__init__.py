"""Mining a spinner's table from its pages alone (issue 15): decipherment against reference frequencies.

Stages, one module each: ``reference`` (how often clean Chinese writes a form), ``counts`` (the batch's
candidates: forms in excess, originals in deficit, and how far the batch's genre spreads a word's rate),
``swaps`` (real-word swaps: forms nominated by an original in deficit), ``channel`` (the language model's
likelihood ratio of a form read as an original, and the restored batch's counts under the reference),
``decode`` (rounds that learn the key, one way, chains included), ``table`` (entries, composed and reviewable).
"""

from cunzhen.engine.decipher.decode import DecipherConfig, Decipherer
from cunzhen.engine.decipher.reference import Reference, reference

__all__ = ["DecipherConfig", "Decipherer", "Reference", "reference"]
