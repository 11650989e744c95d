"""docs/cli.md is generated from the argparse parsers (scripts/cli_reference.py):
regenerating it must give the committed page, so the reference cannot drift
from pipeline/cli.py. After changing an option: make docs."""

import importlib.util
import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def reference():
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_cli_md_is_what_the_parser_generates(reference):
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == reference.render(), "docs/cli.md is out of date with pipeline/cli.py: run make docs"


def test_every_command_and_option_is_in_the_reference(reference):
    from pipeline import cli
    page = reference.render()
    for name, _, sub in reference.subcommands(cli.make_parser()):
        assert f"## `{name}`" in page
        for action in sub._actions:
            for flag in action.option_strings:
                assert flag in page, (name, flag)


def test_a_changed_option_makes_the_check_fail(reference, monkeypatch):
    """The check is not vacuous: a new option changes the page and --check says so (exit 1)."""
    from pipeline import cli
    real = cli.add_init

    def add_init_with_option(sub, common):
        real(sub, common)
        sub.choices["init"].add_argument("--brand-new-option", help="an option docs/cli.md lacks")

    monkeypatch.setattr(cli, "COMMANDS", (add_init_with_option, *cli.COMMANDS[1:]))
    assert "--brand-new-option" in reference.render()
    assert reference.main(["--check"]) == 1


def test_the_script_checks_from_the_command_line():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 0, r.stderr
