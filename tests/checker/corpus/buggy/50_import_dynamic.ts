// import
const fs = await import("node:fs"); // <- bug
return fs.readFileSync("/etc/hostname", "utf8");
