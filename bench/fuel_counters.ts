// Which fuel-counter shape costs least in V8 (deno 2.9.8)?  Results and analysis:
// bench/fuel_counters.md.  Run one strategy per fresh process, the way tsact runs a script:
//
//   deno run --no-config --v8-flags=--disallow-code-generation-from-strings \
//     bench/fuel_counters.ts <strategy>
//
// prints {"name", "top_ms", "fn_ms"}.  `bench/fuel_pass.py --counters` runs every strategy
// several times and prints medians and ratios against "off".
//
// Every strategy mimics a wrapped user script: a module holding an async function whose body
// is the user's code.  The "user code" is the same in each:
//   top: a tight loop of 10^7 iterations at the top level of the body (reached by on-stack
//        replacement, as a one-shot script's loop is), one tick per iteration;
//   fn:  the same loop inside a nested sync function, calling a tiny arrow helper each
//        iteration: two ticks per iteration (loop + helper entry), inlined by TurboFan.
// Ticks sit exactly where the instrumentation pass puts them (tsact/_scripts/fuel.py).

const N = 1e7;
// Largest Smi with pointer compression is 2^30 - 1: a counter that stays a Smi is updated in
// place; anything above (or any non-integer) is a HeapNumber, re-allocated at every tick.
const SMI_BUDGET = 2 ** 30 - 1;
let sink = 0;
const out = (): never => {
  throw new Error("fuel");
};
const mk = (): Error => new Error("fuel");
let modBig = 1e15;
let modF = SMI_BUDGET;
const modO = { f: SMI_BUDGET };

// off: no counter at all
async function off(): Promise<number[]> {
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (x * 3) | 0;
  function inner(): number {
    let t = 0;
    for (let i = 0; i < N; i++) {
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// modlet_big: module-level `let`, budget 1e15 (a HeapNumber: the known 13-16x case)
async function modlet_big(): Promise<number[]> {
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    --modBig < 0 && out();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (--modBig < 0 && out(), (x * 3) | 0);
  function inner(): number {
    --modBig < 0 && out();
    let t = 0;
    for (let i = 0; i < N; i++) {
      --modBig < 0 && out();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// modlet: module-level `let`, budget < 2^30 (a Smi)
async function modlet(): Promise<number[]> {
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    --modF < 0 && out();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (--modF < 0 && out(), (x * 3) | 0);
  function inner(): number {
    --modF < 0 && out();
    let t = 0;
    for (let i = 0; i < N; i++) {
      --modF < 0 && out();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// modobj: property of a module-level const object
async function modobj(): Promise<number[]> {
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    --modO.f < 0 && out();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (--modO.f < 0 && out(), (x * 3) | 0);
  function inner(): number {
    --modO.f < 0 && out();
    let t = 0;
    for (let i = 0; i < N; i++) {
      --modO.f < 0 && out();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// wvar_big: `var` in the wrapper async function, budget 1e15 (HeapNumber)
async function wvar_big(): Promise<number[]> {
  var f = 1e15;
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    --f < 0 && out();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (--f < 0 && out(), (x * 3) | 0);
  function inner(): number {
    --f < 0 && out();
    let t = 0;
    for (let i = 0; i < N; i++) {
      --f < 0 && out();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// wvar: `var` in the wrapper async function, Smi budget
async function wvar(): Promise<number[]> {
  var f = SMI_BUDGET;
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    --f < 0 && out();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (--f < 0 && out(), (x * 3) | 0);
  function inner(): number {
    --f < 0 && out();
    let t = 0;
    for (let i = 0; i < N; i++) {
      --f < 0 && out();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// wvar_if: same, as `if (--f < 0) out();` statements
async function wvar_if(): Promise<number[]> {
  var f = SMI_BUDGET;
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    if (--f < 0) out();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => {
    if (--f < 0) out();
    return (x * 3) | 0;
  };
  function inner(): number {
    if (--f < 0) out();
    let t = 0;
    for (let i = 0; i < N; i++) {
      if (--f < 0) out();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// wvar_throw: same, `if (--f < 0) throw mk();` (no refill possible: out() cannot resume)
async function wvar_throw(): Promise<number[]> {
  var f = SMI_BUDGET;
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    if (--f < 0) throw mk();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => {
    if (--f < 0) throw mk();
    return (x * 3) | 0;
  };
  function inner(): number {
    if (--f < 0) throw mk();
    let t = 0;
    for (let i = 0; i < N; i++) {
      if (--f < 0) throw mk();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// wlet: `let` in the wrapper async function (TDZ hole checks?)
async function wlet(): Promise<number[]> {
  let f = SMI_BUDGET;
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    --f < 0 && out();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (--f < 0 && out(), (x * 3) | 0);
  function inner(): number {
    --f < 0 && out();
    let t = 0;
    for (let i = 0; i < N; i++) {
      --f < 0 && out();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// wup: count up against a limit var: `++f > lim && out()`
async function wup(): Promise<number[]> {
  var f = 0;
  var lim = SMI_BUDGET;
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    ++f > lim && out();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (++f > lim && out(), (x * 3) | 0);
  function inner(): number {
    ++f > lim && out();
    let t = 0;
    for (let i = 0; i < N; i++) {
      ++f > lim && out();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// i32: Int32Array slot held in a wrapper `var`  <- CHOSEN (tsact/_scripts/fuel.py DEFAULT_TICK)
async function i32(): Promise<number[]> {
  var F = new Int32Array(1);
  F[0] = SMI_BUDGET;
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    --F[0] < 0 && out();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (--F[0] < 0 && out(), (x * 3) | 0);
  function inner(): number {
    --F[0] < 0 && out();
    let t = 0;
    for (let i = 0; i < N; i++) {
      --F[0] < 0 && out();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// f64: Float64Array slot held in a wrapper const
async function f64(): Promise<number[]> {
  const F = new Float64Array(1);
  F[0] = SMI_BUDGET;
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    --F[0] < 0 && out();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (--F[0] < 0 && out(), (x * 3) | 0);
  function inner(): number {
    --F[0] < 0 && out();
    let t = 0;
    for (let i = 0; i < N; i++) {
      --F[0] < 0 && out();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

// call: a tick function in the wrapper (relies on TurboFan inlining it)
async function call(): Promise<number[]> {
  var f = SMI_BUDGET;
  const tick = () => {
    if (--f < 0) out();
  };
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    tick();
    s = (s + i) | 0;
  }
  const t1 = performance.now();
  const h = (x: number) => (tick(), (x * 3) | 0);
  function inner(): number {
    tick();
    let t = 0;
    for (let i = 0; i < N; i++) {
      tick();
      t = (t + h(i)) | 0;
    }
    return t;
  }
  sink = s + inner();
  return [t1 - t0, performance.now() - t1];
}

const strategies: Record<string, () => Promise<number[]>> = {
  off,
  modlet_big,
  modlet,
  modobj,
  wvar_big,
  wvar,
  wvar_if,
  wvar_throw,
  wlet,
  wup,
  i32,
  f64,
  call,
};

const name = Deno.args[0] ?? "off";
const run = strategies[name];
if (run === undefined) throw new Error(`unknown strategy ${name}: ${Object.keys(strategies)}`);
const [top, fn] = await run();
console.log(JSON.stringify({ name, top_ms: top, fn_ms: fn, sink }));
