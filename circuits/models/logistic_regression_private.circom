pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../lib/fixedpoint.circom";
include "../lib/vectorhash.circom";

// LogisticRegression with private weights: W and B are private inputs (one constraint per multiply-accumulate), and
// the proof commits to them with weightsHash = VectorHash(W ‖ B), which settlement matches against the
// ModelRegistry's weights commitment. The rescale range-checks the accumulator, so any weights keep the arithmetic
// sound; the commitment pins which weights they are.
//
// Public signals, in this order: inputHash = Poseidon(x), outputHash = Poseidon(p), weightsHash, requestId.
template LogisticRegressionPrivate(N, F, ACC) {
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
    component scale = Rescale(ACC, F);
    scale.in <== acc;
    component sigmoid = HardSigmoid(ACC - F, F);
    sigmoid.in <== scale.out;

    inputHash <== VectorHash(N)(x);
    outputHash <== Poseidon(1)([sigmoid.out]);

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
