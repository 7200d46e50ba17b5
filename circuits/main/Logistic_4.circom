// GENERATED FILE: do not edit. Written by scripts/circuits/build.ts from circuits/circuits.json
// instance Logistic_4.
pragma circom 2.1.0;

include "../models/logistic_regression.circom";

component main {public [requestId]} = LogisticRegression(4, [-547,-295,1750,1626], -13782, 8, 32);
