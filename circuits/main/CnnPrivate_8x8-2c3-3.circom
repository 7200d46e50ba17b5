// GENERATED FILE: do not edit. Written by scripts/circuits/build.ts from circuits/circuits.json
// instance CnnPrivate_8x8-2c3-3.
pragma circom 2.1.0;

include "../models/cnn_private.circom";

component main {public [requestId]} = CnnPrivate(8, 3, 2, 3, 8, 32);
