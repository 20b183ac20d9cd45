// missing await
for (const c of external_search_cities({ country: "Vietnam" })) { // <- bug
  console.log(c.name);
}
