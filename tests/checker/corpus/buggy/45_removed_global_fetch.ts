// removed global
const response = await fetch("https://api.example.com/cities"); // <- bug
const cities = await response.json();
return cities.length;
