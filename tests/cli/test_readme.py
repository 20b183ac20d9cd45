"""The README's agent example runs as pasted, against an OpenAI-compatible endpoint."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .helpers import REPO, cli_env

sys.path.insert(0, str(REPO / "tests" / "agent"))
from fake_openai import FakeOpenAI, code

ANSWER_SCRIPT = """\
const cities = await external_search_cities({ country: "Vietnam", limit: 3 });
const pops = await Promise.all(cities.map((city) => external_get_population({ city })));
final_answer(pops.reduce((a, b) => a + b, 0));
"""


def readme_block(heading: str) -> str:
    """The first python block after ``heading`` in the README."""
    text = (REPO / "README.md").read_text()
    after = text[text.index(heading) :]
    match = re.search(r"```python\n(.*?)```", after, re.S)
    assert match is not None, f"no python block after {heading}"
    return match.group(1)


def test_the_agent_example_runs_as_pasted(tmp_path: Path) -> None:
    program = tmp_path / "example.py"
    program.write_text(readme_block("### The agent"))
    with FakeOpenAI([code(ANSWER_SCRIPT)]) as fake:
        done = subprocess.run(
            [sys.executable, str(program)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=cli_env(OPENAI_BASE_URL=fake.url, OPENAI_API_KEY="sk-readme"),
            timeout=120,
            check=False,
        )
        (request,) = fake.requests
    assert done.returncode == 0, done.stderr
    assert request.body["model"] == "gpt-4o"
    lines = done.stdout.splitlines()
    assert lines[0] == f"final_answer {8_993_082 + 8_053_663 + 2_028_514}"
    assert lines[1].startswith("Usage(model_calls=1")
    assert lines[2] == "{" and lines[3] == '  "format": 1,'
