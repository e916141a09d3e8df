"""bench/run.py's command line: options before the command do not swallow it."""

import pytest

from bench.common import BACKENDS, SIZES
from bench.run import build_parser


def _parse(*argv: str):
    return build_parser().parse_args(list(argv))


def test_sizes_then_report_runs_the_report_for_those_sizes():
    args = _parse("--sizes", "10000", "report")
    assert args.command == "report"
    assert args.sizes == [10_000]
    assert args.backends == BACKENDS


def test_several_sizes_and_backends_before_a_command():
    args = _parse("--sizes", "10000,100000", "--backends", "sqlite", "report")
    assert args.command == "report"
    assert args.sizes == [10_000, 100_000]
    assert args.backends == ["sqlite"]


def test_no_command_runs_everything_with_the_defaults():
    args = _parse()
    assert args.command is None
    assert (args.sizes, args.backends) == (SIZES, BACKENDS)


def test_a_quick_look_without_a_command():
    args = _parse("--sizes", "10000", "--backends", "sqlite")
    assert args.command is None
    assert (args.sizes, args.backends) == ([10_000], ["sqlite"])


def test_measure_keeps_its_own_options():
    args = _parse("measure", "--students", "500", "--out", "x.json")
    assert (args.command, args.students, args.out) == ("measure", 500, "x.json")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sizes", "ten", "report"], "whole numbers separated by commas"),
        (["--sizes", "0", "report"], "at least 1"),
        (["--backends", "mysql", "report"], "mysql: not a backend"),
    ],
)
def test_bad_values_are_refused_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as refused:
        _parse(*argv)
    assert refused.value.code == 2
    assert message in capsys.readouterr().err
