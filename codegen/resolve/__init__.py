"""Resolve: the ModuleScans of a tree -> Project, every annotation followed across modules.

`symbols` is the tree-wide symbol table and class hierarchy, `types` decides "serializable, and why
not" (SPEC §4) with the standard names of `typenames`, and `project` assembles the agents.
"""
