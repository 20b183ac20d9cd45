const [rate, cities] = await Promise.all([
  external_exchange_rate({ base: "USD", quote: "VND" }),
  external_search_cities({ country: "Vietnam", limit: 2 }),
]);
final_answer({ rate, cities: cities.map((c) => c.name), at: new Date(0) });
