// A realistic ~200-line tsact script body (top-level await and return allowed), used to time the
// fuel pass and to check that instrumented code still runs and meters deterministically.
// Tools are declared by the host as external_* globals; tests provide deterministic stubs.

interface Hit {
  id: string;
  title: string;
  score: number;
  tags: string[];
}

interface Page {
  id: string;
  words: number;
  links: string[];
}

type Summary = { id: string; title: string; words: number; rank: number };

const QUERIES = ["deno workers", "v8 smi", "tree-sitter", "fuel meter", "json rpc"];
const MIN_SCORE = 0.25;

class RateLimiter {
  #inFlight = 0;
  readonly max: number;
  private waits = 0;

  constructor(max: number) {
    this.max = max;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    while (this.#inFlight >= this.max) {
      this.waits++;
      await Promise.resolve();
    }
    this.#inFlight++;
    try {
      return await task();
    } finally {
      this.#inFlight--;
    }
  }

  static describe(limiter: RateLimiter): string {
    return `limiter(max=${limiter.max}, waits=${limiter.waits})`;
  }
}

class Stats {
  private values: number[] = [];

  add(value: number): this {
    this.values.push(value);
    return this;
  }

  get count(): number {
    return this.values.length;
  }

  mean(): number {
    if (this.values.length === 0) return 0;
    let total = 0;
    for (const v of this.values) total += v;
    return total / this.values.length;
  }

  median(): number {
    const sorted = [...this.values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}

function normalise(title: string): string {
  return title
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(" ");
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) {
    yield items.slice(i, i + size);
  }
}

async function* pages(ids: string[], limiter: RateLimiter): AsyncGenerator<Page> {
  for (const batch of chunks(ids, 3)) {
    const fetched = await Promise.all(
      batch.map((id) => limiter.run(() => external_fetch_page({ id }))),
    );
    for (const page of fetched) {
      yield page;
    }
  }
}

const dedupe = <T extends { id: string }>(items: T[]): T[] => {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  });
};

const byScore = (a: Hit, b: Hit) => b.score - a.score || a.id.localeCompare(b.id);

function tagHistogram(hits: Hit[]): Map<string, number> {
  const histogram = new Map<string, number>();
  for (const hit of hits) {
    for (const tag of hit.tags) {
      histogram.set(tag, (histogram.get(tag) ?? 0) + 1);
    }
  }
  return histogram;
}

function topTags(histogram: Map<string, number>, n: number): string[] {
  return [...histogram.entries()]
    .sort(([ta, ca], [tb, cb]) => cb - ca || ta.localeCompare(tb))
    .slice(0, n)
    .map(([tag]) => tag);
}

function fibonacci(n: number): number {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

const limiter = new RateLimiter(4);
const stats = new Stats();
const allHits: Hit[] = [];

for (const query of QUERIES) {
  const hits = await external_search({ query, limit: 5 });
  let kept = 0;
  for (const hit of hits) {
    if (hit.score < MIN_SCORE) continue;
    allHits.push({ ...hit, title: normalise(hit.title) });
    stats.add(hit.score);
    kept++;
  }
  console.log(`query ${JSON.stringify(query)}: kept ${kept}/${hits.length}`);
}

const unique = dedupe(allHits).sort(byScore);
const histogram = tagHistogram(unique);
console.log("top tags:", topTags(histogram, 3).join(", "));

const summaries: Summary[] = [];
let rank = 0;
for await (const page of pages(unique.map((hit) => hit.id), limiter)) {
  rank++;
  const hit = unique.find((h) => h.id === page.id);
  if (!hit) continue;
  summaries.push({ id: page.id, title: hit.title, words: page.words, rank });
}

let retries = 0;
let report = "";
do {
  try {
    report = await external_summarize({ items: summaries.map((s) => s.title) });
  } catch (error) {
    retries++;
    console.warn(`summarize failed (${retries}):`, String(error));
  }
} while (!report && retries < 3);

const lengths = new Stats();
summaries.forEach((s) => lengths.add(s.words));

let checksum = 0;
scan: for (const s of summaries) {
  for (let i = 0; i < s.title.length; i++) {
    if (s.title[i] === "#") continue scan;
    checksum = (checksum * 31 + s.title.charCodeAt(i)) | 0;
  }
}

const keyed = Object.fromEntries(summaries.map((s) => [s.id, s.rank] as const));
let index = 0;
while (index < summaries.length && summaries[index].words > 10) index++;

return {
  report,
  retries,
  checksum,
  firstShort: index,
  queries: QUERIES.length,
  hits: unique.length,
  meanScore: Number(stats.mean().toFixed(3)),
  medianWords: lengths.median(),
  fib: fibonacci(12),
  ranks: Object.keys(keyed).length,
  limiter: RateLimiter.describe(limiter),
};
