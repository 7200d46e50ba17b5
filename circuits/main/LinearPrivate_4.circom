// GENERATED FILE: do not edit. Written by scripts/circuits/build.ts from circuits/circuits.json
// instance LinearPrivate_4.
pragma circom 2.1.0;

include "../models/linear_regression_private.circom";

component main {public [requestId]} = LinearRegressionPrivate(4);
