"""`python -m codegen`: the same as the `golem-codegen` command."""

from .cli import run

run()
