// positional argument
const pop = await external_get_population("Hanoi"); // <- bug
return pop;
