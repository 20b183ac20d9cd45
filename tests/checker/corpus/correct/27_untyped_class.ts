class Stats {
  values = [];
  add(v) {
    this.values.push(v);
    return this;
  }
  mean() {
    return this.values.reduce((a, b) => a + b, 0) / this.values.length;
  }
}

const stats = new Stats();
for (const city of ["Hanoi", "Hue"]) stats.add(await external_get_population({ city }));
return stats.mean();
