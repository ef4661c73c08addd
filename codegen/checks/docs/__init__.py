"""The documentation of every diagnostic code, one module per family; `checks.rules` assembles it.

Each family module declares `RULES`, a tuple of `diagnostics.Rule` records with a bad and a good
example; the docs import the vocabulary only, never the table.
"""
