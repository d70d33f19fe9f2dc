// Issue 15, items 5-12: the page's explanatory sentences (cnn/explain.h) say what the engine does,
// with this model's numbers; the claims they make about ReLU at 0 and max-pool ties hold in both
// kernel sets; the wide preset's description matches its analysis; byte sizes over the budget
// never read as the budget.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cnn/explain.h"
#include "cnn/data.h"
#include "cnn/kernels.h"
#include "cnn/nn.h"
#include "cnn/spec.h"
#include "spec_tests.h"

namespace {

using spec_tests::has;
using spec_tests::parse;
using spec_tests::Parsed;

// Restores the kernel set a test switched.
struct KernelSetGuard {
  cnn::KernelSet saved = cnn::kernel_set();
  ~KernelSetGuard() { cnn::set_kernel_set(saved); }
};

}  // namespace

TEST_CASE("explain 15.5: the start column's condition is start - (size - 1)/2 < 0, not start < 0") {
  CHECK(has(cnn::kStartColumnHelp, "start - (size - 1)/2 .. start + (size - 1)/2"));
  // AlexNet with 2 pixels of padding: the start is positive (3), the field (11) still reaches -2.
  const Parsed a = parse("input 224x224x3\nconv 96 k11 s4 p2\n");
  const cnn::ReceptiveField& rf = a.info.layers[0].rf;
  CHECK(rf.start[0] == 3.0);
  CHECK(rf.size[0] == 11);
  const cnn::FieldSpan f = cnn::field_span(rf);
  CHECK(f.first[0] == -2.0);
  CHECK(f.last[0] == 8.0);
  CHECK(f.in_padding);
  CHECK(cnn::field_start_text(rf) ==
        "The first unit's field is centred at row 3, column 3 and spans rows -2..8, columns -2..8:\n"
        "it reaches into the padding, because start - (size - 1)/2 = -2 < 0.");
  // Without padding the same layer's first field starts at row 0: inside the input.
  const Parsed v = parse("input 224x224x3\nconv 96 k11 s4\n");
  CHECK(v.info.layers[0].rf.start[0] == 5.0);
  CHECK_FALSE(cnn::field_span(v.info.layers[0].rf).in_padding);
  CHECK(has(cnn::field_start_text(v.info.layers[0].rf), "spans rows 0..10, columns 0..10:\nit lies inside the input"));
  // A half-pixel start after 2x2 pooling: conv k5 p2 (start 0), maxpool k2 s2: start 0.5, size 6.
  const Parsed l = parse("input 28x28x1\nconv 6 k5 p2\nrelu\nmaxpool k2 s2\n");
  CHECK(l.info.layers[2].rf.start[0] == 0.5);
  CHECK(has(cnn::field_start_text(l.info.layers[2].rf), "centred at row 0.5, column 0.5 and spans rows -2..3"));
  // Only one axis in the padding: rows padded, columns not.
  const Parsed r = parse("input 20x20x1\nconv 2 k3 p1x0\n");
  const cnn::FieldSpan fr = cnn::field_span(r.info.layers[0].rf);
  CHECK(fr.first[0] == -1.0);
  CHECK(fr.first[1] == 0.0);
  CHECK(has(cnn::field_start_text(r.info.layers[0].rf), "start - (size - 1)/2 = -1 < 0"));
}

TEST_CASE("explain 15.6: the AlexNet note's parameter formula is computed from the layer") {
  const Parsed a = parse("input 224x224x3\nconv 96 k11 s4 p2\n");
  const std::string n = cnn::alexnet_size_note(a.m.layers[0], a.info.layers[0]);
  CHECK(has(n, "This layer gives 55x55"));
  CHECK(has(n, "Its 34,944 parameters, (3*11*11 + 1)*96 = 34,944, stay the same whatever the padding"));
  // Other channels, maps and no bias: the note follows the layer, not AlexNet's 34,944.
  const Parsed g = parse("input 224x224x1\nconv 64 k11 s4 same nobias\n");
  const std::string ng = cnn::alexnet_size_note(g.m.layers[0], g.info.layers[0]);
  CHECK(has(ng, "This layer gives 56x56"));
  CHECK(has(ng, "Its 7,744 parameters, 1*11*11*64 = 7,744,"));
  CHECK_FALSE(has(ng, "34,944"));
  // Not an 11x11 stride-4 convolution on 224 rows: no note.
  CHECK(cnn::alexnet_size_note(parse("input 224x224x3\nconv 96 k5 s4\n").m.layers[0],
                               parse("input 224x224x3\nconv 96 k5 s4\n").info.layers[0])
            .empty());
  const Parsed d = parse("input 224x224x3\nconv 96 k11 s4 d2\n");
  CHECK(cnn::alexnet_size_note(d.m.layers[0], d.info.layers[0]).empty());  // dilated: not the paper's layer
}

TEST_CASE("explain 15.7: dilation in the receptive field and in `full` padding (effective kernel d(k-1)+1)") {
  // conv k3 d2: k_eff 5, so the field is 5 (not 3) and `full` pads 4 (not 2) on each side.
  const Parsed p = parse("input 32x32x1\nconv 4 k3 s2\nconv 4 k3 d2 full\n");
  CHECK(p.info.layers[0].rf.size[0] == 3);
  CHECK(p.info.layers[1].rf.size[0] == 3 + (5 - 1) * 2);
  CHECK(p.info.layers[1].pad.top == 4);
  CHECK(p.info.layers[1].pad.left == 4);
  CHECK(p.info.layers[1].out.h == p.info.layers[0].out.h + 2 * 4 - 5 + 1);
  const std::string t = cnn::field_size_text(p.m.layers[1], p.info.layers[0].rf, p.info.layers[1]);
  CHECK(t ==
        "Each unit depends on 11 x 11 input pixels (121 pixels).\n"
        "r = r_prev + (k_eff - 1) * jump_prev = 3 + (5 - 1) * 2 = 11, with k_eff = d(k - 1) + 1 = 2(3 - 1) + 1 = 5");
  CHECK(cnn::field_size_text(p.m.layers[0], cnn::ReceptiveField(), p.info.layers[0]) ==
        "Each unit depends on 3 x 3 input pixels (9 pixels).\n"
        "r = r_prev + (k_eff - 1) * jump_prev = 1 + (3 - 1) * 1 = 3 (k_eff = k = 3: no dilation)");
  // Rows and columns apart when they differ; an activation keeps the field.
  const Parsed q = parse("input 32x32x1\nconv 4 k5x3 d1x2\nrelu\n");
  const std::string tq = cnn::field_size_text(q.m.layers[0], cnn::ReceptiveField(), q.info.layers[0]);
  CHECK(has(tq, "Each unit depends on 5 x 5 input pixels"));
  CHECK(has(tq, "rows: r = r_prev + (k_eff - 1) * jump_prev = 1 + (5 - 1) * 1 = 5 (k_eff = k = 5: no dilation)"));
  CHECK(has(
      tq,
      "columns: r = r_prev + (k_eff - 1) * jump_prev = 1 + (5 - 1) * 1 = 5, with k_eff = d(k - 1) + 1 = 2(3 - 1) + 1 = 5"));
  CHECK(has(cnn::field_size_text(q.m.layers[1], q.info.layers[0].rf, q.info.layers[1]),
            "The same field as the layer below"));
  // The padding tooltip gives `full` for this layer.
  const std::string h = cnn::padding_help(p.m.layers[1]);
  CHECK(has(h, "full: k_eff - 1 on each side, k_eff = d(k - 1) + 1 the dilated kernel: 4 here (dilation 2)"));
  CHECK(has(cnn::padding_help(p.m.layers[0]), ": 2 here (no dilation: k - 1)"));
  CHECK(has(cnn::padding_help(q.m.layers[0]), ": 4 here (dilation 1x2)"));  // k_eff 5 both ways
  CHECK(has(cnn::padding_help(parse("input 32x32x1\nconv 4 k5x3\n").m.layers[0]),
            ": 4 rows, 2 columns here (no dilation: k - 1)"));
}

TEST_CASE(
    "explain 15.8: Backprop steps give dl/dw only for layers with weights; Figure 3's 2D field is rows x columns") {
  const Parsed p = parse("input 28x28x1\nconv 6 k5 p2\nrelu\nmaxpool k2 s2\nflatten\ndense 10\nsoftmax\n");
  const int L = 6;
  CHECK(cnn::backprop_step_text(p.m, p.info, 0, 0, "7") == "Forward: x^(0) = x_n, the input (label 7).");
  CHECK(cnn::backprop_step_text(p.m, p.info, 1, 0, "") ==
        "Forward: x^(1) = h^(1)(x^(0), w^(1)), stored for the backward pass.");
  CHECK(cnn::backprop_step_text(p.m, p.info, 2, 0, "") ==
        "Forward: x^(2) = h^(2)(x^(1)) (relu: no weights), stored for the backward pass.");
  CHECK(cnn::backprop_step_text(p.m, p.info, L + 1, 0.25, "") ==
        "Loss l = 0.2500. Backward starts: g = dl/dp = dl/dx^(6) (equation 4).");
  // Backward, j = L..1 at steps L+2 .. 2L+1.
  auto back = [&](int j) { return cnn::backprop_step_text(p.m, p.info, L + 2 + (L - j), 0, ""); };
  CHECK(back(6) == "Layer 6 (softmax) has no weights, so no dl/dw: only g <- g dx^(6)/dx^(5) = dl/dx^(5) (eq. 3).");
  CHECK(back(5) ==
        "Layer 5 (dense): dl/dw^(5) = g dx^(5)/dw^(5) (eq. 2), then g <- g dx^(5)/dx^(4) = dl/dx^(4) (eq. 3).");
  for (int j : {2, 3, 4}) {
    CHECK(has(back(j), "has no weights, so no dl/dw"));
    CHECK_FALSE(has(back(j), "dl/dw^("));
  }
  CHECK(has(back(1), "Layer 1 (conv): dl/dw^(1) = g dx^(1)/dw^(1) (eq. 2)"));
  CHECK(cnn::backprop_step_text(p.m, p.info, 2 * L + 2, 0, "").empty());  // past the last step
  // Figure 3: a 5x3 kernel has a 5 x 3 = 15 pixel field, not 5^2 = 25.
  const Parsed f = parse("input 28x28x1\nconv 4 k5x3\n");
  const std::string t = cnn::figure3_field_text(f.m.layers[0], f.info.layers[0], 12);
  CHECK(has(
      t,
      "One dimension of the receptive field of unit 12 of conv 4 k5x3 (rows): 5 input pixels; in 2D 5 x 3 = 15 pixels."));
  CHECK_FALSE(has(t, "25"));
}

TEST_CASE("explain 15.9: SIMD lanes per ISA, what the Predict bars are, parameters not weights") {
  const std::string isa = cnn::simd_isa_name();
  const int lanes = cnn::simd_lanes();
  if (isa == "avx2") CHECK(lanes == 8);
  else if (isa == "scalar") CHECK(lanes == 1);
  else CHECK(lanes == 4);  // sse2, neon, wasmsimd: 128-bit vectors
#ifdef __EMSCRIPTEN__
  CHECK(isa == "wasmsimd");  // the page's build, run under node: 4 lanes
#endif
  CHECK(has(cnn::simd_switch_help("avx2", 8), "On: avx2 kernels, 8 floats per instruction (256-bit vectors)"));
  CHECK(has(cnn::simd_switch_help("SIMD128", 4), "On: SIMD128 kernels, 4 floats per instruction (128-bit vectors)"));
  CHECK(std::string(cnn::output_bars_label(parse("input 4x4x1\nflatten\ndense 3\nsoftmax\n").m)) == "softmax scores p");
  CHECK(std::string(cnn::output_bars_label(parse("input 4x4x1\nflatten\ndense 1\nsigmoid\n").m)) == "sigmoid outputs");
  CHECK(std::string(cnn::output_bars_label(parse("input 4x4x1\nflatten\ndense 3\n").m)) == "network outputs");
  // AlexNet's first layer: 34,944 = 34,848 weights + 96 biases, so "parameters".
  const Parsed a = parse("input 224x224x3\nconv 96 k11 s4 p2\n");
  CHECK(a.info.layers[0].params == 34944);
  CHECK(cnn::conv_totals_text(a.info.layers[0].params, a.info.layers[0].fc_weights) ==
        "Its convolutions hold 34,944 parameters (weights and biases); fully connected layers with the same shapes "
        "would need 43,713,331,200 weights.");
}

TEST_CASE(
    "explain 15.10: ReLU'(0) = 1 and max-pool ties to the first maximum, as the kinks note says, in both kernel sets") {
  const std::string n = cnn::kinks_note();
  CHECK(has(n, "ReLU's derivative at 0 as 1, as the notes do (dh/da = 1 for a >= 0)"));
  CHECK(has(n, "a max-pool tie's gradient to the first maximum"));
  CHECK(has(n, "\"say, chosen at random\""));
  KernelSetGuard guard;
  for (cnn::KernelSet ks : {cnn::KernelSet::simd, cnn::KernelSet::reference}) {
    CAPTURE(int(ks));
    cnn::set_kernel_set(ks);
    // ReLU backward at exactly 0 passes the gradient (16 values: SIMD body and tail).
    std::vector<float> x(19, 0.0f), dy(19), dx(19, 0.0f);
    for (int i = 0; i < 19; ++i) dy[size_t(i)] = float(i + 1);
    x[3] = -1.0f;
    cnn::relu_backward(dx.data(), dy.data(), x.data(), 19);
    for (int i = 0; i < 19; ++i) CHECK(dx[size_t(i)] == (i == 3 ? 0.0f : float(i + 1)));
    // Max-pool ties: 2x2 stride 2 (the SIMD kernel's case) and 3x3 stride 1 (the general loop).
    for (int k : {2, 3}) {
      CAPTURE(k);
      const std::string text = "input 6x6x1\nmaxpool k" + std::to_string(k) + " s" + std::to_string(k == 2 ? 2 : 1) +
                               "\n";
      const Parsed p = parse(text.c_str());
      const cnn::PoolDims d = cnn::pool_dims(p.m.layers[0], p.info.layers[0]);
      std::vector<float> in(36, 5.0f);  // every window is one big tie
      std::vector<float> out(size_t(d.oh) * d.ow);
      std::vector<int32_t> arg(out.size());
      cnn::maxpool_forward(out.data(), arg.data(), in.data(), 1, d);
      for (int oy = 0; oy < d.oh; ++oy)
        for (int ox = 0; ox < d.ow; ++ox)
          CHECK(arg[size_t(oy * d.ow + ox)] == (oy * d.sh) * 6 + ox * d.sw);  // top-left
      std::vector<float> g(out.size(), 1.0f), dxin(36, 0.0f);
      cnn::maxpool_backward(dxin.data(), g.data(), arg.data(), 1, d);
      CHECK(dxin[0] >= 1.0f);                               // the first maximum of the first window gets its gradient
      CHECK(dxin[1 + 6] == (k == 2 ? 0.0f : dxin[1 + 6]));  // 2x2: the other tied cells get none
    }
  }
}

TEST_CASE("explain 15.11: layer numbering, ours against the notes', with this network's counts") {
  const Parsed p = parse("input 28x28x1\nconv 6 k5 p2\nrelu\nmaxpool k2 s2\nflatten\ndense 10\nsoftmax\n");
  CHECK(
      cnn::layer_numbering_note(p.m) ==
      "Layer numbers: here j counts every line of the model text, so ReLU, pooling, flatten and softmax are layers of "
      "their own and this network has J = 6. The notes' layer j is \"linear + activation (+ pooling)\": one per "
      "convolution or dense layer, J = 2 for the same network.");
}

TEST_CASE("explain 15.12: the wide preset's description is for learners and its numbers are the analysis's") {
  auto read = [](const char* name) {
    std::vector<uint8_t> b;
    std::string err;
    REQUIRE_MESSAGE(cnn::read_file_bytes(std::string(CNN_SOURCE_DIR) + "/assets/presets/" + name, &b, &err), err);
    return std::string(b.begin(), b.end());
  };
  const std::string wide = read("wide.txt"), lenet = read("lenet5.txt");
  const std::string desc = cnn::model_description(wide);
  CHECK_FALSE(has(desc, "benchmark"));
  CHECK_FALSE(has(desc, "issue"));
  CHECK(has(desc, "11.5 M multiply-accumulates per sample, about 28 times LeNet-5's 0.42 M"));
  cnn::ModelSpec mw, ml;
  cnn::ModelInfo iw, il;
  cnn::SpecError e;
  REQUIRE(cnn::parse_and_analyze(wide, &mw, &iw, &e));
  REQUIRE(cnn::parse_and_analyze(lenet, &ml, &il, &e));
  CHECK(std::round(double(iw.total_macs) / 1e5) == 115);                   // 11.5 M
  CHECK(std::round(double(il.total_macs) / 1e4) == 42);                    // 0.42 M
  CHECK(std::round(double(iw.total_macs) / double(il.total_macs)) == 28);  // 11,466,496 / 416,520 = 27.5
}

TEST_CASE("format_bytes: a size over the 1 GiB budget never reads as the budget") {
  const int64_t gib = int64_t(1) << 30;
  CHECK(cnn::format_bytes(gib) == "1 GiB");
  CHECK(cnn::format_bytes(int64_t(1.04 * double(gib))) == "1.04 GiB");
  CHECK(cnn::format_bytes(gib + (gib >> 10)) == "1.001 GiB");  // 1 GiB + 1 MiB
  CHECK(cnn::format_bytes(gib + 1) == "1.000000001 GiB");
  CHECK(cnn::format_bytes(int64_t(3) << 29) == "1.5 GiB");
  CHECK(cnn::format_bytes(10216) == "9.98 KiB");  // not "10 KiB"
  CHECK(cnn::format_bytes(int64_t(11) * gib + gib / 3) == "11.3 GiB");
  for (int64_t over : {int64_t(1), int64_t(4096), int64_t(1) << 20, int64_t(5) << 20, int64_t(50) << 20, gib / 20}) {
    CAPTURE(over);
    CHECK(cnn::format_bytes(gib + over) != cnn::format_bytes(gib));
    CHECK(cnn::format_bytes(gib - over) != cnn::format_bytes(gib));
  }
}
