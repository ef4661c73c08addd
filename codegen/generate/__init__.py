"""Generate: Project -> golem_agents.py text and the file changes that write it (SPEC §7).

`wiring` is the model of one module (with `codecs`, `records` and `names` deciding every name and
expression), `render` lays it out through `templates/` and `pysource`, `plan` plans and applies.
"""
