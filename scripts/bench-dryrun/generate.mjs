// Writes a realistic LoanPro portfolio as NDJSON: `node generate.mjs COUNT > FILE`.
// About 270 bytes a loan (200,000 loans ≈ 54 MB); the same file for the same COUNT.
const count = Number(process.argv[2] ?? 200000);
const statuses = ["Open", "Open - Repaying", "Collections", "Pending", "Closed", "Paid Off", "Charged Off", "Bankruptcy"];
const first = ["Douglas", "Moira", "Ana", "Kofi", "Mei", "Luis", "Priya", "Sam", "Olga", "Tariq"];
const last = ["McCallagher", "Okafor", "Silva", "Chen", "Novak", "Haddad", "Park", "Reyes"];
// xorshift32: deterministic, no dependency.
let x = 2463534242;
const rand = (n) => {
  x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
  return x % n;
};
const cents = () => String(rand(100)).padStart(2, "0");
let out = "";
for (let i = 0; i < count; i++) {
  const r = rand(100);
  const status = r < 60 ? "Open" : r < 75 ? "Open - Repaying" : r < 85 ? "Collections" : statuses[rand(8)];
  const d = rand(10);
  const dpd = d < 6 ? 0 : d === 6 ? 5 : 1 + rand(120);
  const principal = 500 + rand(24500);
  const payment = Math.floor(principal / 30) + rand(50);
  const due = dpd === 0 ? "0.00" : `${payment + rand(40)}.${cents()}`;
  const day = String(1 + rand(28)).padStart(2, "0");
  const name = `${first[rand(first.length)]} ${last[rand(last.length)]}`;
  out += `{"loan-id":${100000 + i},"loan-status":"${status}","current-date":"2022-09-26","status-days-past-due":${dpd},"status-amount-due":${due},"status-principal-balance":${principal}.${cents()},"next-scheduled-payment-date":"2022-10-${day}","next-scheduled-payment-amount":${payment}.${cents()},"customer":{"primary":{"full-name":"${name}"}}}\n`;
  if (out.length > 1 << 20) {
    process.stdout.write(out);
    out = "";
  }
}
process.stdout.write(out);
