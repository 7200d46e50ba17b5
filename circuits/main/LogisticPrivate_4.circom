// GENERATED FILE: do not edit. Written by scripts/circuits/build.ts from circuits/circuits.json
// instance LogisticPrivate_4.
pragma circom 2.1.0;

include "../models/logistic_regression_private.circom";

component main {public [requestId]} = LogisticRegressionPrivate(4, 8, 32);
