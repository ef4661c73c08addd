"""locate(): anchors recorded by the scanner -> 1-based spans, columns counted in characters."""

from __future__ import annotations

import textwrap

from codegen.model import NO_ANCHOR, ClassDef, Span
from codegen.scan.module import ScannedFile, scan_source
from codegen.scan.positions import locate

SOURCE = textwrap.dedent(
    """\
    from runtime_stub import agent, endpoint
    import time


    @agent(mount="/c/{name}")
    class Counter:
        def __init__(self, name: str) -> None:
            self.name = name

        @endpoint(post="/tick")
        def tick(self, by: int = 1) -> float:
            ünïcödé = "日本語"; return time.time()
    """
)


def scanned(source: str) -> ScannedFile:
    result = scan_source(source.encode(), "pkg/agents.py", "pkg.agents")
    assert isinstance(result, ScannedFile), result
    return result


def agent_class(found: ScannedFile) -> ClassDef:
    return next(c for c in found.scan.classes if c.agent is not None)


def test_class_decorator_option_and_method_spans() -> None:
    found = scanned(SOURCE)
    c = agent_class(found)
    assert c.agent is not None
    tick = c.methods[1]
    spans = locate(found, [c.anchor, c.agent.anchor, c.agent.options[0].anchor, tick.anchor])
    assert spans[c.anchor] == Span(6, 7, 6, 14)  # `Counter`
    assert spans[c.agent.anchor] == Span(5, 2, 5, 26)  # `agent(mount="/c/{name}")`, after `@`
    assert spans[c.agent.options[0].anchor] == Span(5, 14, 5, 25)  # the string value
    assert spans[tick.anchor] == Span(11, 9, 11, 13)  # `tick`


def test_parameter_and_endpoint_spans() -> None:
    found = scanned(SOURCE)
    init, tick = agent_class(found).methods
    (name,) = init.params
    (by,) = tick.params
    (endpoint,) = tick.endpoints
    spans = locate(found, [name.anchor, by.anchor, endpoint.anchor])
    assert spans[name.anchor] == Span(7, 24, 7, 28)
    assert spans[by.anchor] == Span(11, 20, 11, 22)
    assert spans[endpoint.anchor] == Span(10, 6, 10, 28)


def test_columns_count_characters_after_non_ascii_text() -> None:
    found = scanned(SOURCE)
    (call,) = agent_class(found).methods[1].calls
    assert call.name == "time.time"
    line = SOURCE.splitlines()[11]
    column = line.index("time.time()") + 1
    assert locate(found, [call.anchor])[call.anchor] == Span(12, column, 12, column + 11)
    assert column == 33
    assert len(line[: column - 1].encode()) + 1 == 43  # what a byte-based column would have said


def test_multi_line_nodes_end_on_their_last_line() -> None:
    source = (
        "from runtime_stub import agent, durable_call\n"
        "@agent\nclass A:\n    def m(self) -> None:\n"
        "        durable_call(\n            print,\n            1,\n        )\n"
    )
    found = scanned(source)
    (call,) = found.scan.classes[0].methods[0].calls
    assert locate(found, [call.anchor])[call.anchor] == Span(5, 9, 8, 10)


def test_tabs_and_crlf_line_endings() -> None:
    source = "class A:\r\n\tdef m(self, x: int) -> None:\r\n\t\tpass\r\n"
    found = scanned(source)
    method = found.scan.classes[0].methods[0]
    spans = locate(found, [method.anchor, method.params[0].anchor])
    assert spans[method.anchor] == Span(2, 6, 2, 7)
    assert spans[method.params[0].anchor] == Span(2, 14, 2, 15)


def test_unknown_anchors_fall_back_to_the_start_of_the_file() -> None:
    found = scanned(SOURCE)
    spans = locate(found, [NO_ANCHOR, len(found.nodes) + 5])
    assert set(spans.values()) == {Span(1, 1, 1, 1)}


def test_a_rescan_locates_the_same_spans() -> None:
    first, second = scanned(SOURCE), scanned(SOURCE)
    everything = range(len(first.nodes))
    assert locate(first, everything) == locate(second, everything)
    assert len(locate(first, everything)) == len(first.nodes)
