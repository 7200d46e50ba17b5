pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// A linear model y = W·x + B with public weights (circuit constants), so each multiply-accumulate is linear and
// costs no constraint. Fixed point: x at scale 2^f, W at 2^f, B and y at 2^(2f); signed values are field elements
// (v < 0 is p - |v|) and the arithmetic is exact in the field, which is what the TypeScript reference computes.
//
// Public signals, in this order: inputHash = Poseidon(x), outputHash = Poseidon(y), requestId.
template LinearRegression(N, W, B) {
    signal input x[N];
    signal input requestId;
    signal output inputHash;
    signal output outputHash;

    // y is a linear combination of x: no constraint needed to compute it.
    var acc = B;
    for (var i = 0; i < N; i++) {
        acc += W[i] * x[i];
    }

    component inputHasher = Poseidon(N);
    for (var i = 0; i < N; i++) {
        inputHasher.inputs[i] <== x[i];
    }
    inputHash <== inputHasher.out;

    component outputHasher = Poseidon(1);
    outputHasher.inputs[0] <== acc;
    outputHash <== outputHasher.out;

    // Bind requestId with a constraint (as Semaphore does) so no optimiser can drop it from the proof.
    signal requestIdSquared;
    requestIdSquared <== requestId * requestId;
}
