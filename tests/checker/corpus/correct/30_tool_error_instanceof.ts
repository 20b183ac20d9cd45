const found: Record<string, number> = {};
for (const city of ["Hanoi", "Atlantis", "Hue"]) {
  try {
    found[city] = await external_get_population({ city });
  } catch (err) {
    if (err instanceof ToolError) {
      console.log(`skipped ${city}: ${err.code} from ${err.tool}`);
    } else {
      throw err;
    }
  }
}
return found;
