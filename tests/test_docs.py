"""Every verb has --help with an example and a README section; the README opens with the two commands."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_verb_has_help_with_an_example_and_a_readme_section() -> None:
    for name in cli.commands:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, name
        assert f"## nianbao {name}" in README, f"README has no section for nianbao {name}"


def test_readme_opens_with_setup_and_test_commands() -> None:
    block = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert "pip install" in block[0] and "nianbao" in block[0]
    assert "pytest" in block[1]
    assert "pytest" in (Path(__file__).parent.parent / ".ci" / "run").read_text()
