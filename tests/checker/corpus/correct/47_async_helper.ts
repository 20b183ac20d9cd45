async function populationOf(city) {
  try {
    return await external_get_population({ city });
  } catch {
    return 0;
  }
}

const values = await Promise.all(["Hanoi", "Atlantis", "Hue"].map(populationOf));
return values;
