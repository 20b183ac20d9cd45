const s = await external_get_settings();
const daily = s.limits?.daily ?? 10;
const accent = s.theme?.accent || "blue";
return `${accent}/${daily}`;
