const doc = await external_read_document({ doc_id: "q3-report" });
if (doc.tags.includes("finance")) {
  console.log(`"${doc.title}" is a finance document`);
}
return doc.tags.length;
