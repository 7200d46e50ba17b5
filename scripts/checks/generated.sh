#!/usr/bin/env bash
# Regenerates the committed ZK artifacts (verifying keys, Solidity verifiers, main components) from the committed
# zkeys and fails on any difference. The typechain bindings are not committed: every build regenerates them (their
# export order varies between builds), and `npm run lint:ts` type-checks the SDK, scripts and tests against them.
# Run through npm (`npm run check:generated`) so that tsx comes from node_modules/.bin.
set -euo pipefail
cd "$(dirname "$0")/../.."

tsx scripts/circuits/check-generated.ts
