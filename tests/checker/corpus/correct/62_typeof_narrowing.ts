const value = await external_kv_get({ key: "greeting" });
if (typeof value === "string") {
  return value.toUpperCase();
}
return String(value);
