// The pack's entry: `pulumi preview --policy-pack policy` runs this file, which starts the policy
// server. Tests import ./policies instead.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("monitoring-policies", { policies: allPolicies });
