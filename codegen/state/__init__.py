"""State: Project + golem-state.lock -> the schema gate's Findings and the lock to write (SPEC §10).

`schema` is the JSON Schema (2020-12) of an agent's automatic-JSON state, `diff` classifies the
difference between two schemas (identical, backward compatible, incompatible: each change named),
`lock` reads and writes `golem-state.lock`, `chain` checks the `@migration` functions, and `gate`
decides GLM050-GLM055 and the lock `generate` writes.
"""
