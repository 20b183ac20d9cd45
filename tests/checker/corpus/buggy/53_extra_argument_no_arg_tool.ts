// extra argument: the tool takes none
const s = await external_get_settings({ section: "theme" }); // <- bug
return s;
