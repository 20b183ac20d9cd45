const xs = [3, 1, 2, 10, 7];
xs.sort((a, b) => a - b);
const median = xs[Math.floor(xs.length / 2)];
return { xs, median };
