import { InboundSpec, OutboundSpec } from "./platform/spec";

// Who talks to whom inside the stack, declared by the services themselves (ServiceSpec `inbound`
// and `outbound`); the platform derives NetworkPolicies from these and knows no service by name.

/** Prometheus scrapes this service on the ports it publishes. */
export const SCRAPED_BY_PROMETHEUS: InboundSpec = { from: "prometheus", why: "scrape" };

/** A log shipper pushes to Loki. */
export const PUSHES_TO_LOKI: OutboundSpec = { service: "loki", why: "log push" };
