// positional argument to a tool that takes none
const theme = await external_get_settings("theme"); // <- bug
return theme;
