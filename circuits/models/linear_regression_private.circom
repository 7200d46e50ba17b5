pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../lib/vectorhash.circom";

// LinearRegression with private weights: W and B are private inputs, so each multiply-accumulate costs one
// constraint, and the proof commits to them with weightsHash = VectorHash(W ‖ B), which settlement matches against
// the ModelRegistry's weights commitment. Same fixed point and output as LinearRegression (exact in the field).
//
// Public signals, in this order: inputHash = Poseidon(x), outputHash = Poseidon(y), weightsHash, requestId.
template LinearRegressionPrivate(N) {
    signal input x[N];
    signal input w[N];
    signal input b;
    signal input requestId;
    signal output inputHash;
    signal output outputHash;
    signal output weightsHash;

    signal products[N];
    var acc = b;
    for (var i = 0; i < N; i++) {
        products[i] <== w[i] * x[i];
        acc += products[i];
    }

    inputHash <== VectorHash(N)(x);
    outputHash <== Poseidon(1)([acc]);

    component weightsHasher = VectorHash(N + 1);
    for (var i = 0; i < N; i++) {
        weightsHasher.in[i] <== w[i];
    }
    weightsHasher.in[N] <== b;
    weightsHash <== weightsHasher.out;

    // Bind requestId with a constraint (as Semaphore does) so no optimiser can drop it from the proof.
    signal requestIdSquared;
    requestIdSquared <== requestId * requestId;
}
