"""Conformance of typegen against the JSON-Schema-Test-Suite (draft 2020-12).

For every test group in scope, the group's schema is emitted as ``type T`` inside its own
``namespace G<n>`` and each instance becomes ``const v<i>: T = <instance>;`` on one line.
Everything goes into one file and one ``deno check`` run:

* coverage (asserted): every group's schema is translated (a reference that cannot be
  resolved, such as a remote metaschema, widens to ``unknown`` instead of failing);
* soundness (asserted, 100%): no error on any declaration line or valid-instance line;
* precision (measured): the share of invalid core instances whose line has an error. A
  per-file table and both figures are printed, and precision must stay above the floor
  measured when this was written, so regressions show.

The suite is read in place from ``../shared/conformance/json-schema-test-suite`` next to the
repository; the test is skipped when it is absent.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from typegen import SchemaError, schema_to_typescript

SUITE = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "conformance"
    / "json-schema-test-suite"
    / "tests"
    / "draft2020-12"
)

OUT_OF_SCOPE = {
    "refRemote.json": "every group needs remote documents served from localhost:1234",
    "vocabulary.json": "needs a custom metaschema with $vocabulary (remote)",
    "optional/cross-draft.json": "needs remote schemas of other drafts",
    "optional/format-assertion.json": "needs the format-assertion vocabulary metaschema",
}
"""Files not run at all, with the reason."""

# Floors for the share of invalid instances rejected (see typegen/README.md).
CORE_FLOOR = 0.80  # measured 414/517 = 80.1% (before: 351/507 = 69.2%, 7 groups not covered)
OPTIONAL_FLOOR = 0.06  # measured 29/460 = 6.3% (mostly format assertions: inexpressible)


def _safe_number(value: Any) -> bool:
    """False for JSON numbers a JS number cannot hold exactly.

    ``12345678901234567890`` and ``1e400`` parse to the same JS number as a neighbour (or to
    Infinity), so the TypeScript literal no longer says what the JSON instance says: such
    instances (only in optional/bignum.json) are counted as "unsafe numbers" and not run.
    """
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) <= 2**53
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_safe_number(v) for v in value)
    if isinstance(value, dict):
        return all(_safe_number(v) for v in value.values())
    return True


@dataclass
class FileStats:
    """Counts for one suite file."""

    groups: int = 0
    skipped_groups: list[str] = field(default_factory=list)
    valid: int = 0
    invalid: int = 0
    rejected: int = 0
    unsafe: int = 0


@dataclass(frozen=True)
class Line:
    """What one line of the generated file holds."""

    file: str
    group: str
    test: str
    valid: bool | None  # None: a declaration line


def _suite_files() -> list[str]:
    files = sorted(p.relative_to(SUITE).as_posix() for p in SUITE.rglob("*.json"))
    return [f for f in files if f not in OUT_OF_SCOPE]


def _build(files: list[str]) -> tuple[str, dict[int, Line], dict[str, FileStats]]:
    lines: list[str] = []
    where: dict[int, Line] = {}
    stats: dict[str, FileStats] = defaultdict(FileStats)
    for rel in files:
        groups = json.loads((SUITE / rel).read_text(encoding="utf-8"))
        for group in groups:
            st = stats[rel]
            st.groups += 1
            try:
                ts = schema_to_typescript(group["schema"], "T")
            except SchemaError as exc:
                st.skipped_groups.append(f"{group['description']}: {exc}")
                continue
            n = len(where)
            gid = f"{rel} / {group['description']}"
            lines.append(f"namespace G{n} {{")
            where[len(lines)] = Line(rel, gid, "", None)
            for decl in ts.splitlines():
                lines.append(decl)
                where[len(lines)] = Line(rel, gid, "", None)
            for i, test in enumerate(group["tests"]):
                if not _safe_number(test["data"]):
                    st.unsafe += 1
                    continue
                literal = json.dumps(test["data"], ensure_ascii=True)
                lines.append(f"const v{i}: T = {literal};")
                where[len(lines)] = Line(rel, gid, test["description"], test["valid"])
                if test["valid"]:
                    st.valid += 1
                else:
                    st.invalid += 1
            lines.append("}")
            where[len(lines)] = Line(rel, gid, "", None)
    return "\n".join(lines) + "\n", where, stats


def _table(stats: dict[str, FileStats]) -> tuple[str, dict[str, tuple[int, int]]]:
    rows = [f"{'file':<44} {'groups':>6} {'valid':>6} {'invalid':>7} {'rejected':>8} {'%':>6}"]
    totals: dict[str, tuple[int, int]] = {}
    for section in ("core", "optional"):
        tv = ti = tr = 0
        for rel, st in sorted(stats.items()):
            if (section == "optional") != rel.startswith("optional/"):
                continue
            pct = f"{100 * st.rejected / st.invalid:.0f}" if st.invalid else "-"
            note = f"  ({len(st.skipped_groups)} groups skipped)" if st.skipped_groups else ""
            note += f"  ({st.unsafe} unsafe numbers)" if st.unsafe else ""
            rows.append(
                f"{rel:<44} {st.groups:>6} {st.valid:>6} {st.invalid:>7} {st.rejected:>8}"
                f" {pct:>6}{note}"
            )
            tv, ti, tr = tv + st.valid, ti + st.invalid, tr + st.rejected
        totals[section] = (ti, tr)
        pct_total = 100 * tr / max(ti, 1)
        rows.append(f"{'TOTAL ' + section:<44} {'':>6} {tv:>6} {ti:>7} {tr:>8} {pct_total:>6.1f}")
        rows.append("")
    return "\n".join(rows), totals


def test_conformance(ts_check: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """All valid instances type-check; enough invalid ones are rejected."""
    if not SUITE.is_dir():
        pytest.skip(f"JSON-Schema-Test-Suite not found at {SUITE}")
    started = time.monotonic()
    source, where, stats = _build(_suite_files())
    diagnostics = ts_check(source)
    unsound: list[str] = []
    rejected: set[int] = set()
    for d in diagnostics:
        line = where.get(d.line)
        if line is None or line.valid is None or line.valid:
            label = f"{line.group} / {line.test}" if line else "?"
            unsound.append(f"line {d.line}: {label}: {d.code} {d.message}")
        else:
            rejected.add(d.line)
    for number in rejected:
        stats[where[number].file].rejected += 1
    table, totals = _table(stats)
    skipped = [f"  {rel}: {g}" for rel, st in sorted(stats.items()) for g in st.skipped_groups]
    groups = sum(st.groups for st in stats.values())
    valid = sum(st.valid for st in stats.values())
    core_invalid, core_rejected = totals["core"]
    opt_invalid, opt_rejected = totals["optional"]
    with capsys.disabled():
        print("\n\ntypegen conformance (JSON-Schema-Test-Suite draft2020-12)\n" + table)
        print("out of scope files:\n" + "\n".join(f"  {k}: {v}" for k, v in OUT_OF_SCOPE.items()))
        print("skipped groups:\n" + "\n".join(skipped))
        refused = {d.line for d in diagnostics if (w := where.get(d.line)) and w.valid}
        accepted = valid - len(refused)
        print(
            f"soundness: {accepted}/{valid} valid instances type-check "
            f"({100 * accepted / max(valid, 1):.1f}%), "
            f"{groups - len(skipped)}/{groups} schemas translated\n"
            f"precision: {core_rejected}/{core_invalid} invalid core instances rejected "
            f"({100 * core_rejected / max(core_invalid, 1):.1f}%)"
        )
        print(f"elapsed {time.monotonic() - started:.1f}s\n")
    assert not skipped, "schemas that were not translated:\n" + "\n".join(skipped)
    assert not unsound, "emitted TypeScript rejects valid instances or is invalid:\n" + "\n".join(
        unsound[:40]
    )
    assert core_rejected / core_invalid >= CORE_FLOOR
    assert opt_rejected / max(opt_invalid, 1) >= OPTIONAL_FLOOR
