"""Per-execution limits.

Every limit is enforced per execution and, when hit, ends that execution with a
normal record whose ``error.kind`` names it (``timeout``, ``memory``, ``fuel``,
``limit``); nothing escapes to the caller as an exception.
"""

from __future__ import annotations

import msgspec
import msgspec.structs

MiB = 1024 * 1024


class Limits(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The budget of one execution; the record carries the limits that were in force.

    Attributes:
        timeout_s: wall-clock budget from spawn to result; the whole process group is
            killed when it runs out (kind ``timeout``).
        memory_mb: bound on the sandbox process: V8's heap limit and an RSS watchdog that
            also catches off-heap memory such as ArrayBuffers (kind ``memory``).
        fuel: deterministic work budget, or ``None`` for no metering (kind ``fuel``): one unit
            at every loop iteration and function entry of the script, so a script stops at
            the same point on any machine. The default (10^8) is far above what orchestration
            scripts use and stops ``while (true) {}`` in well under a second. Work inside
            built-ins (``"x".repeat(1e9)``, a catastrophic regex) is not metered: the timeout
            and memory limits stop it.
        fuel_per_tool_call: fuel charged for every tool call the script makes.
        max_tool_calls: tool calls allowed per execution (kind ``limit`` past it).
        max_source_bytes: largest script accepted, in UTF-8 bytes (kind ``limit``).
        max_output_bytes: console text and each of raw stdout/stderr kept per execution;
            past it the head and tail are kept with a marker saying what was left out.
            One console line keeps at most half of it (cut in the middle, with a marker);
            an error's name, message and stack share that half, or 64 KiB if more.
        max_result_bytes: largest JSON text, in UTF-8 bytes, of the script's result (kind
            ``limit``) and of one tool call's arguments (a ``ToolError`` with code ``limit``).
        max_tool_data_bytes: JSON bytes of tool-call arguments and results the record keeps
            per execution; past it each further value is kept as a marker saying how many
            bytes were left out (the call itself is not affected).
        tool_concurrency: tool calls that run at the same time (``Promise.all``).
        max_state_bytes: JSON bytes of the variables a session carries to its next
            script; past it that step's variables are not kept (the record says so) and
            the previous ones stay.
    """

    timeout_s: float = 30.0
    memory_mb: int = 512
    fuel: int | None = 100_000_000
    fuel_per_tool_call: int = 100
    max_tool_calls: int = 1_000
    max_source_bytes: int = 200_000
    max_output_bytes: int = 1_000_000
    max_result_bytes: int = 10_000_000
    max_tool_data_bytes: int = 16_000_000
    tool_concurrency: int = 8
    max_state_bytes: int = 64_000_000

    def __post_init__(self) -> None:
        # One spelling for one value: 10 and 10.0 must give the same JSON.
        msgspec.structs.force_setattr(self, "timeout_s", float(self.timeout_s))
        if not self.timeout_s > 0:
            raise ValueError(f"Limits.timeout_s must be > 0, got {self.timeout_s!r}")
        if self.memory_mb < 64:
            raise ValueError(f"Limits.memory_mb must be at least 64, got {self.memory_mb!r}")
        if self.fuel is not None and self.fuel < 1:
            raise ValueError(f"Limits.fuel must be >= 1 or None, got {self.fuel!r}")
        for name in (
            "fuel_per_tool_call",
            "max_tool_calls",
            "max_source_bytes",
            "max_output_bytes",
            "max_result_bytes",
            "max_tool_data_bytes",
            "tool_concurrency",
            "max_state_bytes",
        ):
            value = getattr(self, name)
            minimum = (
                0 if name in ("fuel_per_tool_call", "max_tool_calls", "max_tool_data_bytes") else 1
            )
            if value < minimum:
                raise ValueError(f"Limits.{name} must be >= {minimum}, got {value!r}")
