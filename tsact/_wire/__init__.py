"""The wire, the channel and tool calls: how a script and the host talk.

The route of one execution, and of one tool call within it, module by module:

1. ``tsact._sandbox.Sandbox.run`` has the script vetted, instrumented and wrapped by
   ``tsact._scripts.prepare`` (fuel ticks from ``tsact._scripts.fuel``); with type
   checking on, ``tsact._scripts.checker`` checks it first.
2. ``tsact._execution.execute.execute`` takes a booted process from
   ``tsact._execution.spares`` or spawns one (``tsact._execution.process``, the command
   line from ``tsact._deno``; the process's stdin and stdout are pipes only the host
   holds the other ends of). In it, ``deno_runtime/prelude.ts``, the main module, has
   locked the global scope down and written its ``ready`` line.
3. The host writes the ``start`` frame (``protocol``) through ``channel`` to the
   process's stdin; the prelude's ``link.ts`` reads it there and splits the line, and
   the prelude defines ``external_*`` and evaluates the script (or imports it, for
   TypeScript that Deno transpiles).
4. The script calls ``external_lookup({...})``: ``deno_runtime/tools.ts`` builds a
   ``tool_call`` frame and ``link.ts`` writes it to the process's stdout, the host's pipe.
5. ``channel.FrameChannel`` reads the line in the event loop's reader callback and, in
   the same callback, hands it to the session's frame handler
   (``tsact._execution.execute._on_frame``), which checks its seal and decodes it
   (``protocol.decode_frame``), records a ``ToolCallRecord`` and hands the call to
   ``dispatcher.ToolDispatcher``, which bounds how many run at once: a sync tool on a
   pool thread (``threads``), an async tool in a worker task on the event loop.
6. ``answers`` checks the arguments against the tool (``tsact._tools.tool``), calls it,
   checks and serialises the result, and builds the reply frame, which goes to the
   process's stdin (from the tool's own thread for a sync tool).
7. ``link.ts`` reads the reply from stdin and splits it, and ``tools.ts`` settles the
   script's Promise (or throws a ``ToolError`` into it).
   When a sync call is the only one in flight, the loop lends its pool thread the
   reading (``FrameChannel.lend_reading``): that thread reads the script's next frame
   and, while it is another sync call, does steps 5 and 6 itself (the record through a
   queue the loop drains); anything else goes back to the loop with the reading.
8. When the script ends, the prelude writes the ``final`` frame and the process exits;
   ``execute`` builds the ``ExecutionRecord``
   (``tsact._records.record``) and the process is reaped.

Imports ``tsact._records`` and ``tsact._tools``.
"""
