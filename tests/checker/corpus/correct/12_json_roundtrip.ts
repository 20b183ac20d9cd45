const settings = await external_get_settings();
const copy = JSON.parse(JSON.stringify(settings));
copy.locale = "fr";
copy.theme.accent = "orange";
await external_kv_set({ key: "settings", value: copy });
console.log(JSON.stringify(copy, null, 2));
return Object.keys(copy).length;
