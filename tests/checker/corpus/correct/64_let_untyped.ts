let x;
x = await external_get_population({ city: "Hue" });
let label = "population";
label += ": " + x.toLocaleString("en-US");
var count = 0;
for (var i = 0; i < 3; i++) count += i;
return { label, count };
