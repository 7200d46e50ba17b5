#!/usr/bin/env bash
# Regenerates every generated file and fails on any difference from what is committed: the ZK artifacts (verifying
# keys, Solidity verifiers, main components) from the committed zkeys, and the typechain bindings from the contracts.
# Run through npm (`npm run check:generated`) so that tsx and hardhat come from node_modules/.bin.
set -euo pipefail
cd "$(dirname "$0")/../.."

tsx scripts/circuits/check-generated.ts

rm -rf typechain-types
hardhat build --quiet
stale=$(git status --porcelain -- typechain-types)
if [ -n "$stale" ]; then
  echo "typechain-types is stale (regenerate with 'npx hardhat build' and commit):" >&2
  echo "$stale" >&2
  git --no-pager diff --stat -- typechain-types >&2
  exit 1
fi
echo "typechain-types is fresh."
