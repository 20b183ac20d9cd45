const csv = "3,14,15,92,65";
const nums = csv.split(",").map(Number);
const evens = nums.filter((n) => n % 2 === 0);
return { sum: nums.reduce((a, b) => a + b), evens };
