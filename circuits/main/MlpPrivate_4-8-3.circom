// GENERATED FILE: do not edit. Written by scripts/circuits/build.ts from circuits/circuits.json
// instance MlpPrivate_4-8-3.
pragma circom 2.1.0;

include "../models/mlp_private.circom";

component main {public [requestId]} = MlpPrivate(4, 8, 3, 8, 32);
