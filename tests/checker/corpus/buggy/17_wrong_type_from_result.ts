// wrong argument type: a name passed where an id goes
const cities = await external_search_cities({ country: "Vietnam" });
const first = cities[0];
const user = await external_get_user({ user_id: first.name }); // <- bug
return user;
