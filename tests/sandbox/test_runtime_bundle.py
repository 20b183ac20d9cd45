"""The bundles sandboxes run (deno_runtime/bundled) are built from the sources as they are now."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

RUNTIME = Path(__file__).resolve().parents[2] / "deno_runtime"
NOT_RUNTIME = {"test_assert.ts", "bundle.ts"}


def sources_hash(folder: Path) -> str:
    """The hash deno_runtime/bundle.ts writes into each bundle (same definition)."""
    digest = hashlib.sha256()
    names = sorted(
        path.name
        for path in folder.iterdir()
        if path.is_file()
        and path.suffix in (".ts", ".json")
        and not path.name.endswith("_test.ts")
        and path.name not in NOT_RUNTIME
    )
    for name in names:
        digest.update(name.encode() + b"\n" + (folder / name).read_bytes() + b"\n")
    return digest.hexdigest()


def test_bundle_is_built_from_the_current_sources() -> None:
    bundle = "prelude.js"
    header = (RUNTIME / "bundled" / bundle).read_text().split("\n", 2)[:2]
    found = re.search(r"sources sha256 ([0-9a-f]{64})", header[1])
    assert found is not None, f"deno_runtime/bundled/{bundle} has no sources hash: {header}"
    assert found[1] == sources_hash(RUNTIME), (
        f"deno_runtime/bundled/{bundle} is stale: a runtime source changed since it was built; "
        "run `deno task bundle`"
    )


def test_hash_covers_every_runtime_source(tmp_path: Path) -> None:
    """Editing any runtime file changes the hash; tests and the build script do not count."""
    for path in RUNTIME.iterdir():
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    before = sources_hash(tmp_path)
    (tmp_path / "worker_test.ts").write_text("// a test changes nothing\n")
    assert sources_hash(tmp_path) == before
    with (tmp_path / "console_format.ts").open("a") as source:
        source.write("\n")
    assert sources_hash(tmp_path) != before
