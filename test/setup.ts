import fc from "fast-check";

// Property tests run from a fixed seed so CI is repeatable; FC_SEED=random explores new cases locally, and a
// failure prints its seed so the case can be replayed.
if (process.env.FC_SEED !== "random") fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261125) });
