"""Run: one pass over a tree -> located Diagnostics and a Project, each file read once.

`pipeline` drives scan, resolve, checks and locate; `cache` keeps scan and render results between
runs; `pool`, `sharing` and `prerender` spread scanning and rendering over worker processes;
`dependencies` says which files a generated module depends on.
"""
