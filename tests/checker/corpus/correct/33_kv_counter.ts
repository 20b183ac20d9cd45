const current = await external_kv_get({ key: "counter" });
const next = current + 1;
await external_kv_set({ key: "counter", value: next });
return next;
