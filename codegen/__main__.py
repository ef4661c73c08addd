"""`python -m codegen`: the same as the `golem-codegen` command."""

from .cli import main

main(prog_name="golem-codegen")
