const samples = await external_metrics({ service: "api" });
const peak = Math.max(...samples.map((s) => s.rps));
const errors = samples.reduce((sum, s) => sum + s.errors, 0);
return { peak, errors };
