pragma circom 2.1.0;

include "../lib/fixedpoint.circom";
include "../lib/vectorhash.circom";

// Cnn with private weights: the filters, filter biases, dense weights and dense biases are private inputs (one
// constraint per multiply-accumulate), and the proof commits to them with
// weightsHash = VectorHash(filters ‖ filterBias ‖ dense ‖ denseBias) (each array row by row), which settlement
// matches against the ModelRegistry's weights commitment. Same fixed point, rescales, ReLU and argmax as Cnn: the
// rescales range-check every accumulator, so any weights keep the arithmetic sound; the commitment pins which
// weights they are.
//
// Public signals, in this order: inputHash = VectorHash(x), outputHash = VectorHash(class, logits...), weightsHash,
// requestId.
template CnnPrivate(S, K, C, NC, F, ACC) {
    var O = S - K + 1;
    signal input x[S * S];
    signal input filters[C][K][K];
    signal input filterBias[C];
    signal input dense[NC][C * O * O];
    signal input denseBias[NC];
    signal input requestId;
    signal output inputHash;
    signal output outputHash;
    signal output weightsHash;

    signal convProducts[C * O * O][K * K];
    component convScale[C * O * O];
    component convRelu[C * O * O];
    for (var c = 0; c < C; c++) {
        for (var y = 0; y < O; y++) {
            for (var x0 = 0; x0 < O; x0++) {
                var n = (c * O + y) * O + x0;
                var acc = filterBias[c];
                for (var i = 0; i < K; i++) {
                    for (var j = 0; j < K; j++) {
                        convProducts[n][i * K + j] <== filters[c][i][j] * x[(y + i) * S + x0 + j];
                        acc += convProducts[n][i * K + j];
                    }
                }
                convScale[n] = Rescale(ACC, F);
                convScale[n].in <== acc;
                convRelu[n] = ReLU(ACC - F);
                convRelu[n].in <== convScale[n].out;
            }
        }
    }

    signal denseProducts[NC][C * O * O];
    component logitScale[NC];
    component classOf = ArgMax(NC, ACC - F);
    for (var k = 0; k < NC; k++) {
        var acc = denseBias[k];
        for (var n = 0; n < C * O * O; n++) {
            denseProducts[k][n] <== dense[k][n] * convRelu[n].out;
            acc += denseProducts[k][n];
        }
        logitScale[k] = Rescale(ACC, F);
        logitScale[k].in <== acc;
        classOf.in[k] <== logitScale[k].out;
    }

    inputHash <== VectorHash(S * S)(x);

    component outputHasher = VectorHash(NC + 1);
    outputHasher.in[0] <== classOf.index;
    for (var k = 0; k < NC; k++) {
        outputHasher.in[k + 1] <== logitScale[k].out;
    }
    outputHash <== outputHasher.out;

    var weightCount = C * K * K + C + NC * C * O * O + NC;
    component weightsHasher = VectorHash(weightCount);
    var at = 0;
    for (var c = 0; c < C; c++) {
        for (var i = 0; i < K; i++) {
            for (var j = 0; j < K; j++) {
                weightsHasher.in[at] <== filters[c][i][j];
                at++;
            }
        }
    }
    for (var c = 0; c < C; c++) {
        weightsHasher.in[at] <== filterBias[c];
        at++;
    }
    for (var k = 0; k < NC; k++) {
        for (var n = 0; n < C * O * O; n++) {
            weightsHasher.in[at] <== dense[k][n];
            at++;
        }
    }
    for (var k = 0; k < NC; k++) {
        weightsHasher.in[at] <== denseBias[k];
        at++;
    }
    weightsHash <== weightsHasher.out;

    // Bind requestId with a constraint (as Semaphore does) so no optimiser can drop it from the proof.
    signal requestIdSquared;
    requestIdSquared <== requestId * requestId;
}
