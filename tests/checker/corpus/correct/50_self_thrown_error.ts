function parseOrZero(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    console.log(e.name, e.message.slice(0, 20));
    return 0;
  }
}
return [parseOrZero("{bad"), parseOrZero("42")];
