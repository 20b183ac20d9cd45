type Summary = { city: string; temp: number };
const w = await external_get_weather({ city: "Hanoi" });
const s = { city: w.city, temp: Math.round(w.temp) } satisfies Summary;
const data = (await external_http_get({ url: "/api/items" })) as { items: { id: number; n: number }[] };
return { s, ids: data.items.map((i) => i.id) };
