// undefined variable: from a previous execution
return results.map((r) => r.name); // <- bug
