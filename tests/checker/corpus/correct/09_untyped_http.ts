const data = await external_http_get({ url: "/api/items" });
const heavy = data.items.filter((item) => item.n > 200);
return heavy.map((item) => item.id);
