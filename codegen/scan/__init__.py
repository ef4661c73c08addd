"""Scan: file bytes -> ModuleScan, statically (libcst), with the anchors later stages locate.

`text` decodes (every file), `parse` parses or says why not (GLM900/GLM901), `module` walks one
module with `classes`, `calls`, `annotations`, `aliases` and `names` (the import table) sharing a
`context`; `positions` turns anchors into spans for the files that have diagnostics.
"""
