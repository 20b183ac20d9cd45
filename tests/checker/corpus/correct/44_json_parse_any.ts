const raw = '{"a": [1, 2, 3], "b": {"c": "x"}}';
const obj = JSON.parse(raw);
const doubled = obj.a.map((x) => x * 2);
return { doubled, c: obj.b.c.toUpperCase() };
