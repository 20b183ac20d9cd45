const cities = await external_search_cities({ country: "Vietnam", limit: 3 });
final_answer(cities.map((c) => c.name));
