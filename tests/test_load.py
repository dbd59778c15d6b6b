"""The loader's pieces without processes: the published schema, the nesting bound,
the number and path checks, the display caps."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import pytest

from labkit import load, preflight, safe_text
from labkit.errors import UsageError
from labkit.observation import Observation, OutputLine, ProcessRecord, write


def _observation(**change: object) -> Observation:
    o = Observation(lab="03", variant="base", script="labs/03_join.py", start_method="fork",
                    requested_start_method="fork", default_start_method="fork",
                    available_start_methods=("fork", "spawn"), python={"version": "3.11.7"},
                    platform={"system": "Linux", "image": None}, exit_code=0, timed_out=False,
                    duration_s=1.5, output=(OutputLine(0.1, 7, "stdout", "hi"),),
                    processes=(ProcessRecord(7, 1, "MainProcess", "main"),),
                    kit_version="0.1.0", run_id="abc")
    return dataclasses.replace(o, **change)  # type: ignore[arg-type]


def test_the_schema_describes_every_field_the_kit_writes() -> None:
    schema = load.schema()
    assert set(schema["properties"]) == {f.name for f in dataclasses.fields(Observation)}
    assert set(schema["$defs"]["process"]["properties"]) == {
        f.name for f in dataclasses.fields(ProcessRecord)}
    assert set(schema["$defs"]["output_line"]["properties"]) == {
        f.name for f in dataclasses.fields(OutputLine)}
    no_default = {f.name for f in dataclasses.fields(Observation)
                  if f.default is dataclasses.MISSING and f.name not in ("output", "processes",
                                                                         "available_start_methods")}
    assert no_default <= set(schema["required"])


def test_a_kit_observation_is_valid_and_a_wrong_one_is_not() -> None:
    good = json.loads(_observation().to_json())
    load.validate(good, "good.json")  # no error
    bad = dict(good, exit_code="0")
    with pytest.raises(UsageError, match=r"bad.json: field exit_code must be an integer or null"):
        load.validate(bad, "bad.json")


def test_an_error_never_echoes_a_huge_value() -> None:
    bad = json.loads(_observation().to_json())
    bad["duration_s"] = "x" * 1_000_000
    with pytest.raises(UsageError) as e:
        load.validate(bad, "big.json")
    assert len(str(e.value)) < 200


@pytest.mark.parametrize(
    ("text", "deeper"),
    [
        (b"[" * 32 + b"]" * 32, False),
        (b"[" * 33 + b"]" * 33, True),
        (b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', False),  # inside a string
        (b'{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', False),  # escaped quote
        (b'[{"a": [{"b": [' * 9 + b"1" + b"]}]}]" * 9, True),  # 36 levels of mixed brackets
        (b"[[[[", False),  # unbalanced: the parser says where
    ],
)
def test_nesting_is_measured_without_parsing(text: bytes, deeper: bool) -> None:
    assert load.nesting_exceeds(text) is deeper


def test_the_kit_s_own_files_load(tmp_path: Path) -> None:
    write([_observation(), _observation(lab="/x/tool", run_id="def")], tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["03.base.fork.0.abc.json", "tool.base.fork.0.def.json"]
    assert len(load.load([tmp_path]).observations) == 2


@pytest.mark.parametrize("text", ["1", "0.5", "86400", "1e3"])
def test_seconds_in_range_are_accepted(text: str) -> None:
    assert preflight.seconds(text) == float(text)


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e20", "0", "-5", "86401", "x", ""])
def test_seconds_out_of_range_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        preflight.seconds(text)


def test_counts_take_whole_numbers_in_range() -> None:
    assert preflight.repeats("3") == 3
    for bad in ("0", "1001", "2.5", "x", "1e2"):
        with pytest.raises(argparse.ArgumentTypeError):
            preflight.repeats(bad)


def test_cells_are_capped_and_escaped() -> None:
    assert safe_text.cap("abc", 5) == "abc"
    assert safe_text.cap("x" * 10, 4) == "xxxx… (6 more chars)"
    assert safe_text.cell("[bold]x[/]") == "\\[bold]x\\[/]"
    from rich.console import Console

    console = Console(record=True, width=80)
    console.print(safe_text.cell("[/]x and [bold]y"))  # would raise MarkupError unescaped
    assert "[/]x and [bold]y" in console.export_text()


def test_the_schema_s_enums_are_the_kit_s() -> None:
    from labkit.observation import EndSource, Role, Stream

    defs = load.schema()["$defs"]
    assert defs["process"]["properties"]["role"]["enum"] == [r.value for r in Role]
    assert defs["process"]["properties"]["ended_by"]["enum"] == [
        e.value for e in EndSource] + [None]
    assert defs["output_line"]["properties"]["stream"]["enum"] == [s.value for s in Stream]
