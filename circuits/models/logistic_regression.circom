pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../lib/fixedpoint.circom";

// Logistic regression with public weights: p = HardSigmoid(floor((W·x + B) / 2^F)), a piecewise-linear sigmoid
// (clamp(z/4 + 1/2, 0, 1)) at scale 2^F. x and W at 2^F, B at 2^(2F); the accumulator must fit in signed ACC bits.
// p >= 2^(F-1) exactly when W·x + B >= 0, so the decision is the same as with the exact sigmoid.
//
// Public signals, in this order: inputHash = Poseidon(x), outputHash = Poseidon(p), requestId.
template LogisticRegression(N, W, B, F, ACC) {
    signal input x[N];
    signal input requestId;
    signal output inputHash;
    signal output outputHash;

    var acc = B;
    for (var i = 0; i < N; i++) {
        acc += W[i] * x[i];
    }
    component scale = Rescale(ACC, F);
    scale.in <== acc;
    component sigmoid = HardSigmoid(ACC - F, F);
    sigmoid.in <== scale.out;

    component inputHasher = Poseidon(N);
    for (var i = 0; i < N; i++) {
        inputHasher.inputs[i] <== x[i];
    }
    inputHash <== inputHasher.out;

    component outputHasher = Poseidon(1);
    outputHasher.inputs[0] <== sigmoid.out;
    outputHash <== outputHasher.out;

    // Bind requestId with a constraint (as Semaphore does) so no optimiser can drop it from the proof.
    signal requestIdSquared;
    requestIdSquared <== requestId * requestId;
}
