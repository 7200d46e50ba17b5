// GENERATED FILE: do not edit. Written by scripts/circuits/build.ts from circuits/circuits.json
// instance Linear_4.
pragma circom 2.1.0;

include "../models/linear_regression.circom";

component main {public [requestId]} = LinearRegression(4, [128,-320,512,192], 6554);
