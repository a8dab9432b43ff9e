"""References that resolve: every citation in the repository points at something inside it.

Code and docs cite `docs/<file>.md#<anchor>` sections or AroFlo's own zone documentation, never notes kept
outside the repository; every relative link of the README and the docs leads to a file that exists, and every
anchor to a heading of its file (GitHub's anchors: `## Daily budget` -> `#daily-budget`).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Citations of the research notes kept outside the repository, by the forms they took.
OUTSIDE_REFERENCES = {
    "a section of the notes": re.compile("\u00a7"),
    "a numbered quirk of the notes": re.compile(r"\bquirk\s+\d", re.IGNORECASE),
    "the notes by name": re.compile(r"\bAPI\s+notes\b|aroflo-api\.md", re.IGNORECASE),
    "a source tag of the notes (name AroFlo's zone documentation instead)": re.compile(r"\bD:[a-z]"),
    "a path outside the repository": re.compile(r"\.\./shared|/work/"),
}
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()  # it spells out what it looks for
DOC_CITATION = re.compile(r"\bdocs/([\w.-]+\.md)(?:#([\w-]+))?")
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def github_anchor(heading: str) -> str:
    """A heading's anchor as GitHub makes it: `AroFlo's API as the connector uses it` ->
    `aroflos-api-as-the-connector-uses-it`, `Shared: bill_line` -> `shared-bill_line`."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every heading anchor of a markdown text, outside code blocks; a repeated one gets `-1`, `-2`, ...:
    `# A` / `## B c` / `## B c` -> {"a", "b-c", "b-c-1"}."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    in_code = False
    for line in markdown.splitlines():
        if FENCE.match(line):
            in_code = not in_code
            continue
        heading = None if in_code else HEADING.match(line)
        if heading:
            anchor = github_anchor(heading.group(1))
            count = seen.get(anchor, 0)
            seen[anchor] = count + 1
            found.add(f"{anchor}-{count}" if count else anchor)
    return found


def broken_links(path: Path, text: str) -> list[str]:
    """The relative links of one markdown file that lead nowhere: a missing file or a missing heading."""
    problems = []
    for target in MARKDOWN_LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, ...
            continue
        file_part, _, anchor = target.partition("#")
        linked = path.parent / file_part
        if file_part and not linked.exists():
            problems.append(f"{target}: no file {file_part}")
        elif anchor and not file_part and anchor not in anchors(text):
            problems.append(f"{target}: no heading with anchor #{anchor} in {path.name}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text()):
            problems.append(f"{target}: no heading with anchor #{anchor} in {file_part}")
    return problems


def broken_doc_citations(text: str, docs: Path) -> list[str]:
    """The `docs/<file>.md#<anchor>` citations of a text that do not resolve."""
    problems = []
    for name, anchor in DOC_CITATION.findall(text):
        doc = docs / name
        if not doc.exists():
            problems.append(f"docs/{name}: no such file")
        elif anchor and anchor not in anchors(doc.read_text()):
            problems.append(f"docs/{name}#{anchor}: no such heading")
    return problems


def _tracked_texts() -> dict[str, str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    texts = {}
    for name in filter(None, listed):
        path = ROOT / name
        if name == THIS_FILE:
            continue
        if path.is_file():  # a file deleted in the working tree but not yet in git's index is skipped
            try:
                texts[name] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # binary: nothing to cite
    return texts


@pytest.fixture(scope="module")
def tracked() -> dict[str, str]:
    texts = _tracked_texts()
    assert "README.md" in texts and "docs/aroflo.md" in texts
    return texts


def test_no_file_cites_anything_outside_the_repository(tracked):
    problems = [
        f"{name}:{number}: {what}: {line.strip()}"
        for name, text in tracked.items()
        for number, line in enumerate(text.splitlines(), start=1)
        for what, pattern in OUTSIDE_REFERENCES.items()
        if pattern.search(line)
    ]
    assert not problems, "\n".join(problems)


def test_every_cited_docs_section_exists(tracked):
    cited = sum(len(DOC_CITATION.findall(text)) for text in tracked.values())
    assert cited > 20  # the code does cite the docs: the pattern still finds the citations
    problems = [
        f"{name}: {problem}"
        for name, text in tracked.items()
        for problem in broken_doc_citations(text, ROOT / "docs")
    ]
    assert not problems, "\n".join(problems)


def test_every_relative_link_of_the_readme_and_docs_resolves(tracked):
    pages = [name for name in tracked if name == "README.md" or re.fullmatch(r"docs/[^/]+\.md", name)]
    assert len(pages) >= 5
    problems = [
        f"{name}: {problem}" for name in pages for problem in broken_links(ROOT / name, tracked[name])
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "heading, anchor",
    [
        ("How the connector spends AroFlo's daily budget", "how-the-connector-spends-aroflos-daily-budget"),
        ("Troubleshooting: AroFlo status codes", "troubleshooting-aroflo-status-codes"),
        ("Shared: bill_line", "shared-bill_line"),
        ("The 30-day default filter", "the-30-day-default-filter"),
        ("`last_update` and [links](x.md)", "last_update-and-links"),
    ],
)
def test_anchors_follow_githubs_rules(heading, anchor):
    assert github_anchor(heading) == anchor


def test_anchors_skip_code_blocks_and_number_repeats():
    text = "# Top\n```bash\n# not a heading\n```\n## Same\n## Same\n"
    assert anchors(text) == {"top", "same", "same-1"}


def test_the_checks_find_what_does_not_resolve(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("# Guide\n## Daily budget\n")
    code = "see docs/guide.md#daily-budget, docs/guide.md#weekly-budget and docs/gone.md"
    assert broken_doc_citations(code, docs) == [
        "docs/guide.md#weekly-budget: no such heading",
        "docs/gone.md: no such file",
    ]
    page = tmp_path / "README.md"
    links = "[ok](docs/guide.md#guide) [anchor](docs/guide.md#nope) [file](docs/none.md) [web](https://x.org)"
    assert broken_links(page, links) == [
        "docs/guide.md#nope: no heading with anchor #nope in docs/guide.md",
        "docs/none.md: no file docs/none.md",
    ]
    assert broken_links(page, "# Top\n[up](#top) [down](#bottom)") == [
        "#bottom: no heading with anchor #bottom in README.md"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "# blank datetimes (\u00a73.3)",
        "# a never-updated record (Quirk 25)",
        '"""Signing (API notes \u00a72)."""',
        "see aroflo-api.md",
        "# a one-element list (D:tasktypes)",
        "open('.." + "/shared/aroflo-docs/tasks.md')",  # split, so no tool reads this file as citing it
        "/work/shared/aroflo-docs",
    ],
)
def test_each_form_of_an_outside_citation_is_found(line):
    assert any(pattern.search(line) for pattern in OUTSIDE_REFERENCES.values())


def test_citations_of_the_repository_itself_pass():
    fine = "(docs/aroflo.md#data-types; AroFlo's Tasks zone documentation, WHERE table; D_BLANK; work/)"
    assert not any(pattern.search(fine) for pattern in OUTSIDE_REFERENCES.values())
