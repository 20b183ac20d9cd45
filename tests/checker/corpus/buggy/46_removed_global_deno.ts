// removed global
const text = await Deno.readTextFile("/etc/hosts"); // <- bug
return text.split("\n").length;
