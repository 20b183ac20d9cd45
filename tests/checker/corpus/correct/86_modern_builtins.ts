const a = [3, 1, 2];
const r1 = a.toSorted(); const r2 = a.toReversed(); const r3 = a.with(0, 9); const r4 = a.findLast((x) => x > 1); const r5 = a.at(-1);
const s = "abc"; const r6 = s.isWellFormed(); const r7 = s.at(0); const r8 = s.replaceAll("a", "b");
const r9 = new Set([1]).union(new Set([2])); const r10 = Object.groupBy(a, (x) => (x > 1 ? "big" : "small"));
const r11 = Map.groupBy(a, (x) => x % 2); const r12 = a.values().map((x) => x * 2).toArray();
const { promise, resolve } = Promise.withResolvers(); resolve(1); await promise;
const r13 = await Array.fromAsync([Promise.resolve(1)]);
const r14 = a.flat(); const r15 = Object.hasOwn({ a: 1 }, "a"); const r16 = structuredClone(a);
return [r1, r2, r3, r4, r5, r6, r7, r8, [...r9], r10, [...r11], r12, r13, r14, r15, r16];
