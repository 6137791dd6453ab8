"""lstmgrad: the numbers behind "why RNN gradients vanish and how LSTM fixes it".

Every table on the lstmgrad site is returned by a function in this package and
printed by a snippet in ``snippets/``.
"""

__version__ = "0.1.0"
