import type { Params } from "./http-body.js";
import type { Simulation } from "./sim.js";

/** A simulated Bot API method: gets validated parameters, returns the `result` or throws ApiError. */
export type Handler = (sim: Simulation, params: Params, signal: AbortSignal) => unknown;
