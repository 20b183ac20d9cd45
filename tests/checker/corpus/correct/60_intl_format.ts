const pop = await external_get_population({ city: "Ho Chi Minh City" });
const fmt = new Intl.NumberFormat("en-US");
const today = new Date(Date.UTC(2026, 2, 14)).toISOString().slice(0, 10);
return `${today}: ${fmt.format(pop)} people`;
