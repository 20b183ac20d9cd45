let message = "";
try {
  await external_get_population({ city: "Atlantis" });
} catch (e) {
  message = e.message;
  console.log("lookup failed:", e.message);
}
return message;
