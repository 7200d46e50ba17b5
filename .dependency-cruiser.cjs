/**
 * The SDK's zones and who may import whom (docs/architecture.md), checked by `npm run lint:boundaries`
 * (dependency-cruiser). Paths are relative to the repository root; `import type` counts as a dependency.
 */
const NPM_OR_CORE = { dependencyTypesNot: ["core", "npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg"] };

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "lib-imports-only-lib",
      comment:
        "The library (what clients and providers import) depends on nothing of the repository but itself and the contract bindings.",
      severity: "error",
      from: { path: "^sdk/lib/" },
      to: { pathNot: "^(sdk/lib/|typechain-types/)", ...NPM_OR_CORE },
    },
    {
      name: "lib-and-services-without-hardhat",
      comment: "The library and the services run outside Hardhat: no hardhat or @nomicfoundation package.",
      severity: "error",
      from: { path: "^sdk/(lib|services)/" },
      to: { path: "(^|/)node_modules/(hardhat|@nomicfoundation/)" },
    },
    {
      name: "services-import-lib-and-services",
      comment:
        "Services (gateway, facilitator, indexer) depend on the library and on each other, never on tooling or fixtures.",
      severity: "error",
      from: { path: "^sdk/services/" },
      to: { pathNot: "^(sdk/(lib|services)/|typechain-types/)", ...NPM_OR_CORE },
    },
    {
      name: "tooling-imports-lib-and-tooling",
      comment: "Build tooling (ONNX, training, verifier rendering, gas snapshot) depends on the library and itself.",
      severity: "error",
      from: { path: "^sdk/tooling/" },
      to: { pathNot: "^(sdk/(lib|tooling)/|typechain-types/)", ...NPM_OR_CORE },
    },
    {
      name: "testing-only-for-tests-scripts-bench-ignition",
      comment:
        "Fixtures (local deployment, simulators, scenarios) are imported only by tests, scripts, benches and ignition/.",
      severity: "error",
      from: { pathNot: "^(sdk/testing/|test/|scripts/|bench/|ignition/)" },
      to: { path: "^sdk/testing/" },
    },
    {
      name: "only-testing-imports-ignition",
      comment: "Deployment modules are deployed through sdk/testing; tests may import a module to inspect it.",
      severity: "error",
      from: { pathNot: "^(sdk/testing/|test/|ignition/)" },
      to: { path: "^ignition/" },
    },
    {
      name: "ignition-imports-only-testing",
      comment: "Ignition modules import nothing of the SDK but its testing zone.",
      severity: "error",
      from: { path: "^ignition/" },
      to: { pathNot: "^(ignition/|sdk/testing/)", ...NPM_OR_CORE },
    },
    {
      name: "sdk-never-imports-tests-scripts-bench",
      severity: "error",
      from: { path: "^sdk/" },
      to: { path: "^(test|scripts|bench)/" },
    },
    {
      name: "no-cycle-through-ignition",
      comment: "sdk/testing deploys the Ignition modules, so the modules must not depend back on what deploys them.",
      severity: "error",
      from: { path: "^(sdk|ignition)/" },
      to: { circular: true, path: "^ignition/" },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to no file (run `npx hardhat build` first: typechain-types/ is generated).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // Packages with an "exports" map (hardhat, @x402/*) resolve through it, as Node resolves them.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "types", "default"],
    },
  },
};
