// removed global
const key = process.env.API_KEY; // <- bug
return key ? "configured" : "missing";
