const s = await external_get_settings();
if (s.theme.dark) {
  console.log("dark theme, accent", s.theme.accent);
}
return { locale: s.locale, daily: s.limits.daily };
