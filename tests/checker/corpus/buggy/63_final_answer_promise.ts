// missing await: the final answer would be a Promise
const names = ["Hanoi", "Hue"];
final_answer(external_get_population({ city: names[0] })); // <- bug
