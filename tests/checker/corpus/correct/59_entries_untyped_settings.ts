const settings = await external_get_settings();
const flat = [];
for (const [k, v] of Object.entries(settings)) {
  if (typeof v === "object" && v !== null) {
    for (const [k2, v2] of Object.entries(v)) flat.push(`${k}.${k2}=${v2}`);
  } else {
    flat.push(`${k}=${v}`);
  }
}
return flat.sort();
