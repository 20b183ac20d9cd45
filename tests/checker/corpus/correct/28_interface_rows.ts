interface Row {
  city: string;
  pop: number;
}

const rows: Row[] = [];
for (const city of ["Hanoi", "Hue", "Da Nang"]) {
  rows.push({ city, pop: await external_get_population({ city }) });
}
rows.sort((a, b) => b.pop - a.pop);
return rows;
