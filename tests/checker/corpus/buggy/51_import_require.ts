// import
const path = require("path"); // <- bug
return path.join("a", "b");
