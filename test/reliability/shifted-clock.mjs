// Preloaded into a child process (NODE_OPTIONS=--import=<this file>) to run it as if it started
// LANYARD_TEST_CLOCK_SHIFT_MS later: Date.now(), `new Date()` and `Date()` run that far ahead; dates built from a
// value are as given. Plain JavaScript, so the built CLI loads it without a TypeScript loader.
const shift = Number(process.env.LANYARD_TEST_CLOCK_SHIFT_MS ?? 0);
if (shift) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  const now = () => realNow() + shift;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) =>
      Reflect.construct(target, args.length ? args : [now()], newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, property, receiver) => (property === 'now' ? now : Reflect.get(target, property, receiver)),
  });
}
