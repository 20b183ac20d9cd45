class Money {
  constructor(public amount: number, private currency: string) {}
  in(rate: number, currency: string): Money {
    return new Money(Math.round(this.amount * rate * 100) / 100, currency);
  }
  toString() {
    return `${this.amount} ${this.currency}`;
  }
}
const rate = await external_exchange_rate({ base: "USD", quote: "EUR" });
return new Money(120, "USD").in(rate, "EUR").toString();
