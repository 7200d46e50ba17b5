pragma circom 2.1.0;

include "../lib/fixedpoint.circom";

// Layers for models imported from ONNX that fit none of the fixed templates (sdk/onnx/sequential.ts composes them
// into a generated template per model). Public weights, as in mlp.circom and cnn.circom: values and weights at scale
// 2^F, biases at 2^(2F), every multiply-accumulate linear (no constraint), each layer's output rescaled back to 2^F by
// a range-checked floor division within signed ACC bits. The TypeScript reference is sdk/onnx/sequential.ts.

// out[j] = floor((Σ W[j][i]·in[i] + B[j]) / 2^F). NO·(ACC + 2) constraints.
template DenseLayer(NI, NO, W, B, F, ACC) {
    signal input in[NI];
    signal output out[NO];
    component scale[NO];
    for (var j = 0; j < NO; j++) {
        var acc = B[j];
        for (var i = 0; i < NI; i++) {
            acc += W[j][i] * in[i];
        }
        scale[j] = Rescale(ACC, F);
        scale[j].in <== acc;
        out[j] <== scale[j].out;
    }
}

// A valid (no padding), stride-1 convolution of a CI-channel S×S input (channel first) with CO filters of CI×K×K:
// out[c][y][x] = floor((Σ FILTERS[c][ch][i][j]·in[ch][y+i][x+j] + BIAS[c]) / 2^F), channel first.
template Conv2dLayer(CI, S, K, CO, FILTERS, BIAS, F, ACC) {
    var O = S - K + 1;
    signal input in[CI * S * S];
    signal output out[CO * O * O];
    component scale[CO * O * O];
    for (var c = 0; c < CO; c++) {
        for (var y = 0; y < O; y++) {
            for (var x = 0; x < O; x++) {
                var acc = BIAS[c];
                for (var ch = 0; ch < CI; ch++) {
                    for (var i = 0; i < K; i++) {
                        for (var j = 0; j < K; j++) {
                            acc += FILTERS[c][ch][i][j] * in[(ch * S + y + i) * S + x + j];
                        }
                    }
                }
                var n = (c * O + y) * O + x;
                scale[n] = Rescale(ACC, F);
                scale[n].in <== acc;
                out[n] <== scale[n].out;
            }
        }
    }
}

// out[i] = max(in[i], 0) for signed inputs of B bits. N·(B + 1) constraints.
template ReluLayer(N, B) {
    signal input in[N];
    signal output out[N];
    component relu[N];
    for (var i = 0; i < N; i++) {
        relu[i] = ReLU(B);
        relu[i].in <== in[i];
        out[i] <== relu[i].out;
    }
}

// out[i] = HardSigmoid(in[i]) = floor(clamp(in/4 + 1/2, 0, 1)) at scale 2^F, for signed inputs of B bits.
template HardSigmoidLayer(N, B, F) {
    signal input in[N];
    signal output out[N];
    component sigmoid[N];
    for (var i = 0; i < N; i++) {
        sigmoid[i] = HardSigmoid(B, F);
        sigmoid[i].in <== in[i];
        out[i] <== sigmoid[i].out;
    }
}
