"""The README is an entry point and the documentation stays inside the repository.

Checks, on the files as committed (no dbt run, no warehouse):
- README.md has at most 300 lines and names the two commands, `./run build` and
  `./run test`;
- every relative link in README.md and docs/*.md resolves to a file or folder inside the
  repository (docs/inputs.md included: it is generated from the input contract and must
  be committed), and no link leaves the repository;
- the marts the README lists as public (the first table under "What it computes") are
  exactly the public layer (models/public/bi_<mart>, built as bi.<mart>), and every
  restricted mart it lists (the table under "Restricted marts") is a model in
  models/marts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
README = PROJECT_DIR / "README.md"
DOCS_DIR = PROJECT_DIR / "docs"
MARTS_DIR = PROJECT_DIR / "models" / "marts"
PUBLIC_DIR = PROJECT_DIR / "models" / "public"

MAX_README_LINES = 300
COMMANDS = ("./run build", "./run test")

# [text](target) and [text](target "title"); images too. Targets with a scheme
# (https:, mailto:) point outside on purpose and are not files.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
FENCE = re.compile(r"^\s*(```|~~~)")
# A table row whose first cell is one model name in backticks: | `customer_rfm` | ...
MART_ROW = re.compile(r"^\|\s*`([a-z][a-z0-9_]*)`\s*\|")


def markdown_files() -> list[Path]:
    """README.md and every Markdown file under docs/, sorted."""
    return [README, *sorted(DOCS_DIR.rglob("*.md"))]


def relative_links(text: str) -> list[tuple[int, str]]:
    """(line number, target) of every relative link outside fenced code blocks.

    Anchors are cut off (`scores.md#rfm` -> `scores.md`); links that are only an anchor or
    carry a URL scheme are left out.
    """
    links = []
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for match in LINK.finditer(line):
            target = match.group(1)
            if SCHEME.match(target) or target.startswith("#"):
                continue
            links.append((number, target.split("#", 1)[0]))
    return links


def broken_links(path: Path, root: Path = PROJECT_DIR) -> list[str]:
    """Relative links of `path` that do not resolve to an existing file inside `root`."""
    problems = []
    for number, target in relative_links(path.read_text(encoding="utf-8")):
        resolved = (path.parent / target).resolve()
        where = f"{path.relative_to(root)}:{number}: {target}"
        if not resolved.is_relative_to(root.resolve()):
            problems.append(f"{where} (outside the repository)")
        elif not resolved.exists():
            problems.append(f"{where} (no such file)")
    return problems


def _listed(readme_text: str, heading: str) -> list[str]:
    """Mart names of the table(s) under `heading`, up to the next heading."""
    section = readme_text.split(f"\n{heading}\n", 1)
    if len(section) < 2:
        return []
    body = re.split(r"\n#{2,3} ", section[1], maxsplit=1)[0]
    return [m.group(1) for line in body.splitlines() if (m := MART_ROW.match(line))]


def public_marts(readme_text: str) -> list[str]:
    """Mart names of the table in the README section "What it computes" (the public layer)."""
    return _listed(readme_text, "## What it computes")


def restricted_marts(readme_text: str) -> list[str]:
    """Mart names of the table under "### Restricted marts"."""
    return _listed(readme_text, "### Restricted marts")


def mart_models() -> set[str]:
    """Names of the SQL and Python models under models/marts/."""
    return {p.stem for p in MARTS_DIR.rglob("*") if p.suffix in {".sql", ".py"}}


def public_models() -> set[str]:
    """Relation names of the public layer: models/public/bi_<mart>.sql is built as bi.<mart>."""
    return {p.stem.removeprefix("bi_") for p in PUBLIC_DIR.rglob("bi_*.sql")}


def test_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, (
        f"README.md has {len(lines)} lines; an entry point has at most {MAX_README_LINES}: "
        "move the details to docs/."
    )


def test_readme_names_the_two_commands():
    text = README.read_text(encoding="utf-8")
    missing = [command for command in COMMANDS if command not in text]
    assert not missing, f"README.md does not name {missing}"


def test_docs_folder_has_the_guides():
    names = {p.name for p in DOCS_DIR.glob("*.md")}
    expected = {
        "inputs.md",
        "bring-your-own.md",
        "scores.md",
        "operations.md",
        "engines.md",
        "benchmark.md",
        "testing.md",
    }
    assert expected <= names, f"docs/ lacks {sorted(expected - names)}"


def test_every_relative_link_resolves_inside_the_repository():
    problems = [problem for path in markdown_files() for problem in broken_links(path)]
    assert not problems, "broken or outside links:\n" + "\n".join(problems)


def test_no_reference_outside_the_repository():
    # A path to a sibling folder (../shared/DOMAIN.md) in prose or code is a dependency
    # on a file the repository does not hold, link or not.
    offenders = [
        f"{path.relative_to(PROJECT_DIR)}:{number}"
        for path in markdown_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "../shared" in line
    ]
    assert not offenders, f"references outside the repository: {offenders}"


def test_the_public_marts_listed_are_the_public_layer():
    listed = public_marts(README.read_text(encoding="utf-8"))
    assert sorted(listed) == sorted(public_models()), (
        "the README's public marts (under 'What it computes') differ from models/public: "
        f"listed {sorted(listed)}, built {sorted(public_models())}"
    )


def test_restricted_marts_exist():
    listed = restricted_marts(README.read_text(encoding="utf-8"))
    assert len(listed) >= 15, f"the README lists too few restricted marts: {listed}"
    missing = sorted(set(listed) - mart_models())
    assert not missing, f"README lists marts that are not models in models/marts/: {missing}"


def test_the_checks_catch_what_they_should(tmp_path):
    """The helpers above on a small tree with one good and two bad links."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "good.md").write_text("# good\n", encoding="utf-8")
    page = tmp_path / "README.md"
    page.write_text(
        "\n".join(
            [
                "[good](docs/good.md#part) [web](https://example.org) [anchor](#top)",
                "[gone](docs/missing.md)",
                "[outside](../elsewhere/DOMAIN.md)",
                "```",
                "[in code](not/checked.md)",
                "```",
                "## What it computes",
                "| mart | what |",
                "| `customer_scores` | scores |",
                "### Restricted marts",
                "| mart | what |",
                "| `customer_rfm` | RFM |",
                "| `no_such_mart` | nothing |",
                "## Next",
                "| `not_in_section` | |",
            ]
        ),
        encoding="utf-8",
    )
    problems = broken_links(page, root=tmp_path)
    assert problems == [
        "README.md:2: docs/missing.md (no such file)",
        "README.md:3: ../elsewhere/DOMAIN.md (outside the repository)",
    ]
    assert public_marts(page.read_text(encoding="utf-8")) == ["customer_scores"]
    listed = restricted_marts(page.read_text(encoding="utf-8"))
    assert listed == ["customer_rfm", "no_such_mart"]
    assert "customer_rfm" in mart_models()
    assert "no_such_mart" not in mart_models()
    assert "customer_scores" in public_models() and "customer_rfm" not in public_models()


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_markdown_file_is_not_empty(path):
    assert path.read_text(encoding="utf-8").strip(), f"{path} is empty"
