const logs = await external_fetch_logs({ service: "gateway" });
const latencies = logs.map((l) => l.latency_ms).filter((x) => x != null);
const avg = latencies.reduce((a, b) => a + b, 0) / latencies.length;
const worst = Math.max(...latencies);
return { avg: Number(avg.toFixed(1)), worst };
