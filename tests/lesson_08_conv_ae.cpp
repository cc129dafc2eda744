// Tests of lesson 08 (the convolutional autoencoder). They run against your exercise.cpp
// (./workshop check 08) and against the reference solution (./workshop test). References are
// independent of your code: a direct seven-loop convolution and a scatter-loop transposed
// convolution in double precision, and central differences of them for the gradients.
#include <doctest/doctest.h>

#include <unistd.h>

#include "02_deep_ae/lesson.hpp"
#include "ae/checkpoint.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "exercise.hpp"
#ifdef AE_REFERENCE_TESTS
#include "08_conv_ae/exercise_fast.hpp"
#endif
#include "test_util.hpp"

using namespace ae;
using namespace ae::l08;
using test::MatD;

namespace {

ConvGeometry geo(size_t c, size_t h, size_t w, size_t k, size_t s, size_t p) {
    return {c, h, w, k, s, p, "test conv"};
}
size_t out_len(size_t in, size_t k, size_t s, size_t p) {
    return (in + 2 * p - k) / s + 1;
}
// OH * OW: the convolution's output pixels per image, which are the transposed one's input.
size_t out_pixels(const ConvGeometry& g) {
    return out_len(g.h, g.k, g.stride, g.pad) * out_len(g.w, g.k, g.stride, g.pad);
}
MatD to_d(const Matrix& m) {
    return test::to_double(m);
}
Matrix to_f(const MatD& m) {
    Matrix out({m.size(), m.empty() ? 0 : m[0].size()});
    for (size_t i = 0; i < m.size(); ++i)
        for (size_t j = 0; j < m[i].size(); ++j) out(i, j) = float(m[i][j]);
    return out;
}
double dot_d(const Matrix& a, const Matrix& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += double(a.data()[i]) * double(b.data()[i]);
    return s;
}
// sum R * y over every entry: a scalar loss whose gradient with respect to y is R.
double weighted_sum(const MatD& R, const MatD& y) {
    double s = 0;
    for (size_t i = 0; i < y.size(); ++i)
        for (size_t j = 0; j < y[i].size(); ++j) s += R[i][j] * y[i][j];
    return s;
}

// Every (output pixel o = oy*OW + ox, kernel tap t = ky*K + kx, input pixel i = iy*W + ix) of the
// convolution g, by its definition: iy = oy*stride + ky - pad (ix alike), the taps that fall on
// the padding skipped. The three references below are this one walk.
template <class Visit>
void for_each_tap(const ConvGeometry& g, Visit visit) {
    const size_t oh = out_len(g.h, g.k, g.stride, g.pad), ow = out_len(g.w, g.k, g.stride, g.pad);
    for (size_t oy = 0; oy < oh; ++oy)
        for (size_t ox = 0; ox < ow; ++ox)
            for (size_t ky = 0; ky < g.k; ++ky)
                for (size_t kx = 0; kx < g.k; ++kx) {
                    const long iy = long(oy * g.stride + ky) - long(g.pad);
                    const long ix = long(ox * g.stride + kx) - long(g.pad);
                    if (iy < 0 || ix < 0 || iy >= long(g.h) || ix >= long(g.w)) continue;
                    visit(oy * ow + ox, ky * g.k + kx, size_t(iy) * g.w + size_t(ix));
                }
}

// The convolution by its definition, channel-last: y[n][o*F + f] = b[f] + sum over the taps t
// (input pixel i) and channels c of x[n][i*C + c] * W[t*C + c][f].
MatD conv_ref(const MatD& x, const MatD& W, const MatD& b, const ConvGeometry& g) {
    const size_t F = W[0].size();
    MatD y(x.size(), std::vector<double>(out_pixels(g) * F));
    for (size_t n = 0; n < x.size(); ++n) {
        for (size_t o = 0; o < out_pixels(g); ++o)
            for (size_t f = 0; f < F; ++f) y[n][o * F + f] = b[0][f];
        for_each_tap(g, [&](size_t o, size_t t, size_t i) {
            for (size_t c = 0; c < g.c; ++c)
                for (size_t f = 0; f < F; ++f)
                    y[n][o * F + f] += x[n][i * g.c + c] * W[t * g.c + c][f];
        });
    }
    return y;
}

// The transposed convolution by its definition: every input value x[n][o*F + f] spreads through
// the kernel onto the pixels i that the convolution g would have read for output pixel o.
MatD convt_ref(const MatD& x, const MatD& W, const MatD& b, const ConvGeometry& g) {
    const size_t F = W[0].size();
    MatD y(x.size(), std::vector<double>(g.h * g.w * g.c));
    for (size_t n = 0; n < x.size(); ++n) {
        for (size_t p = 0; p < g.h * g.w; ++p)
            for (size_t c = 0; c < g.c; ++c) y[n][p * g.c + c] = b[0][c];
        for_each_tap(g, [&](size_t o, size_t t, size_t i) {
            for (size_t f = 0; f < F; ++f)
                for (size_t c = 0; c < g.c; ++c)
                    y[n][i * g.c + c] += x[n][o * F + f] * W[t * g.c + c][f];
        });
    }
    return y;
}

// im2col by its definition, for the col2im tests (so they do not depend on your im2col).
MatD im2col_ref(const MatD& x, const ConvGeometry& g) {
    MatD cols(x.size() * out_pixels(g), std::vector<double>(g.k * g.k * g.c, 0.0));
    for (size_t n = 0; n < x.size(); ++n)
        for_each_tap(g, [&](size_t o, size_t t, size_t i) {
            for (size_t c = 0; c < g.c; ++c)
                cols[n * out_pixels(g) + o][t * g.c + c] = x[n][i * g.c + c];
        });
    return cols;
}

// Small random shapes: even and uneven sizes, stride 1 and 2, padding 0, 1 and 2, 1-3 channels.
struct Case {
    ConvGeometry g;
    size_t n, f;
};
std::vector<Case> cases() {
    // Batches of N = 3 or 5 (never 2): a gradient divided by N is then told from a missing 2.
    return {{geo(1, 4, 4, 3, 1, 0), 3, 1}, {geo(1, 5, 5, 3, 2, 1), 5, 2},
            {geo(3, 7, 5, 3, 2, 1), 3, 4}, {geo(2, 6, 7, 2, 2, 0), 3, 3},
            {geo(2, 5, 6, 4, 2, 1), 5, 3}, {geo(3, 4, 3, 3, 1, 2), 1, 2},
            {geo(2, 8, 8, 4, 2, 1), 3, 3}};
}
std::string what(const Case& t) {
    return t.g.describe() + ", N = " + std::to_string(t.n) + ", F = " + std::to_string(t.f);
}
// The mistake a layer's gradient invites: dividing by the batch size (the loss already did).
std::vector<test::Mistake> by_batch(const Case& t) {
    if (t.n < 3) return {};
    return {{1.0 / double(t.n), "divided by the batch size N = " + std::to_string(t.n) +
                                    ": a layer's gradient is a sum over the batch (the loss "
                                    "already divided by what it averages over)"}};
}

// A layer's random input x in [-1, 1], weights W and bias b, drawn in that order: for the
// convolution (x of N x H*W*C, b of 1 x F) or the transposed one (x of N x OH*OW*F, b of 1 x C).
struct Inputs {
    Matrix x, W, b;
};
Inputs conv_inputs(Rng& rng, const Case& t) {
    const ConvGeometry& g = t.g;
    return {rng.uniform(t.n, g.h * g.w * g.c, -1, 1), rng.normal(g.k * g.k * g.c, t.f),
            rng.normal(1, t.f)};
}
Inputs convt_inputs(Rng& rng, const Case& t) {
    const ConvGeometry& g = t.g;
    return {rng.uniform(t.n, out_pixels(g) * t.f, -1, 1), rng.normal(g.k * g.k * g.c, t.f),
            rng.normal(1, g.c)};
}

// A layer's dW, db and dx for L = sum R * y, where y = ref(x, W, b) in double, against central
// differences of that L; db may invite more mistakes than the batch size (db_mistakes).
using LayerRef = MatD (*)(const MatD&, const MatD&, const MatD&, const ConvGeometry&);
void check_layer_grads(const ConvGrads& grads, const Inputs& in, const Matrix& R, LayerRef ref,
                       const Case& t, const std::vector<test::Mistake>& db_mistakes) {
    MatD xd = to_d(in.x), Wd = to_d(in.W), bd = to_d(in.b);
    const MatD Rd = to_d(R);
    const auto loss = [&] { return weighted_sum(Rd, ref(xd, Wd, bd, t.g)); };
    test::check_gradient(grads.dW, Wd, loss, what(t) + ": dW", 1e-3, 1e-5, by_batch(t));
    test::check_gradient(grads.db, bd, loss, what(t) + ": db", 1e-3, 1e-5, db_mistakes);
    test::check_gradient(grads.dx, xd, loss, what(t) + ": dx", 1e-3, 1e-5, by_batch(t));
}

}  // namespace

// ---- Step 1: the output size

TEST_CASE("08 step 1 conv_output_size: sizes that divide evenly and sizes that do not") {
    struct Row {
        ConvGeometry g;
        size_t oh, ow;
    };
    for (const Row& r : {Row{geo(1, 28, 28, 3, 2, 1), 14, 14}, Row{geo(16, 14, 14, 3, 2, 1), 7, 7},
                         Row{geo(1, 7, 7, 3, 2, 1), 4, 4}, Row{geo(1, 5, 5, 3, 1, 0), 3, 3},
                         Row{geo(1, 6, 9, 3, 2, 0), 2, 4}, Row{geo(1, 4, 4, 4, 1, 0), 1, 1},
                         Row{geo(1, 28, 28, 4, 2, 1), 14, 14}, Row{geo(2, 3, 8, 3, 3, 2), 2, 4}}) {
        const OutSize o = conv_output_size(r.g);
        INFO(r.g.describe());
        CHECK_MESSAGE(o.h == r.oh, "output height: expected " << r.oh << ", got " << o.h);
        CHECK_MESSAGE(o.w == r.ow, "output width: expected " << r.ow << ", got " << o.w);
    }
}

TEST_CASE("08 step 1 conv_output_size: impossible geometries throw errors naming the layer") {
    for (const ConvGeometry& g : {geo(1, 28, 28, 3, 0, 1), geo(1, 2, 2, 5, 1, 1),
                                  geo(1, 9, 2, 3, 1, 0), geo(3, 3, 3, 4, 2, 0)}) {
        INFO(g.describe());
        bool thrown = false;
        try {
            (void)conv_output_size(g);
        } catch (const ShapeError& e) {
            thrown = true;
            CHECK_MESSAGE(std::string(e.what()).find(g.describe()) != std::string::npos,
                          "the message should start with g.describe(), got: " << e.what());
        }
        CHECK_MESSAGE(thrown,
                      "expected an ae::ShapeError (a stride of 0, or a kernel larger than "
                      "the padded input)");
    }
}

// ---- Step 2a: im2col

TEST_CASE("08 step 2a im2col: the worked 4x4 example of the README") {
    Matrix x({1, 16});
    for (size_t i = 0; i < 16; ++i) x(0, i) = float(i + 1);  // pixels 1..16 row by row
    const Matrix cols = im2col(x, geo(1, 4, 4, 3, 1, 0));
    REQUIRE_MESSAGE(cols.shape()[0] == 4,
                    "expected 4 rows (a 2x2 output), got " << shape_str(cols));
    REQUIRE_MESSAGE(cols.shape()[1] == 9,
                    "expected 9 columns (3x3 patches), got " << shape_str(cols));
    const Matrix expected = {{1, 2, 3, 5, 6, 7, 9, 10, 11},
                             {2, 3, 4, 6, 7, 8, 10, 11, 12},
                             {5, 6, 7, 9, 10, 11, 13, 14, 15},
                             {6, 7, 8, 10, 11, 12, 14, 15, 16}};
    test::check_close(cols, expected, 0, "im2col of the 4x4 image, kernel 3, stride 1");
    const Matrix padded = im2col(x, geo(1, 4, 4, 3, 2, 1));
    const Matrix expected_padded = {{0, 0, 0, 0, 1, 2, 0, 5, 6},
                                    {0, 0, 0, 2, 3, 4, 6, 7, 8},
                                    {0, 5, 6, 0, 9, 10, 0, 13, 14},
                                    {6, 7, 8, 10, 11, 12, 14, 15, 16}};
    test::check_close(padded, expected_padded, 0, "im2col of the 4x4 image, stride 2, pad 1");
}

TEST_CASE("08 step 2a im2col: matches a direct patch copy on random shapes") {
    Rng rng(3);
    for (const Case& t : cases()) {
        const Matrix x = rng.uniform(t.n, t.g.h * t.g.w * t.g.c, -1, 1);
        test::check_close(im2col(x, t.g), to_f(im2col_ref(to_d(x), t.g)), 0, what(t));
    }
}

TEST_CASE("08 step 2a im2col: a channel mismatch throws an error naming the layer and shapes") {
    const ConvGeometry g = {16, 14, 14, 3, 2, 1, "Conv2d(16->32, 3x3, stride 2, pad 1)"};
    const Matrix wrong = xt::zeros<float>({size_t{2}, size_t{14 * 14 * 8}});
    bool thrown = false;
    try {
        (void)im2col(wrong, g);
    } catch (const ShapeError& e) {
        thrown = true;
        const std::string msg = e.what();
        CHECK_MESSAGE(msg.find(g.layer) != std::string::npos, "name the layer: " << msg);
        CHECK_MESSAGE(msg.find("(2, 1568)") != std::string::npos,
                      "name the shape that came: " << msg);
    }
    CHECK_MESSAGE(thrown,
                  "expected an ae::ShapeError for 8 channels where 16 were expected "
                  "(check x with require_images)");
}

// ---- Step 2b: col2im

TEST_CASE("08 step 2b col2im: counts how many patches read each pixel") {
    const ConvGeometry g = geo(1, 4, 4, 3, 1, 0);
    const Matrix counts = col2im(xt::ones<float>({size_t{4}, size_t{9}}), g, 1);
    const Matrix expected = {{1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1}};
    test::check_close(counts, expected, 0, "col2im of ones, 4x4 image, kernel 3, stride 1");
    const Matrix k3s2 = col2im(xt::ones<float>({size_t{4}, size_t{9}}), geo(1, 4, 4, 3, 2, 1), 1);
    const Matrix expected2 = {{1, 2, 1, 1, 2, 4, 2, 2, 1, 2, 1, 1, 1, 2, 1, 1}};
    test::check_close(k3s2, expected2, 0, "col2im of ones, 4x4 image, kernel 3, stride 2, pad 1");
}

TEST_CASE("08 step 2b col2im: is the adjoint of im2col on random shapes") {
    Rng rng(4);
    for (const Case& t : cases()) {
        const ConvGeometry& g = t.g;
        const size_t rows = t.n * out_pixels(g);
        const Matrix x = rng.uniform(t.n, g.h * g.w * g.c, -1, 1);
        const Matrix y = rng.uniform(rows, g.k * g.k * g.c, -1, 1);
        const Matrix back = col2im(y, g, t.n);
        REQUIRE_MESSAGE(back.shape() == x.shape(), what(t) << ": expected shape " << shape_str(x)
                                                           << ", got " << shape_str(back));
        test::check_value(dot_d(x, back), dot_d(to_f(im2col_ref(to_d(x), g)), y), 1e-5,
                          what(t) + ": <x, col2im(y)> against <im2col(x), y>");
    }
}

// ---- Step 3: the convolution

TEST_CASE("08 step 3 conv2d_forward: matches a direct seven-loop convolution on random shapes") {
    Rng rng(5);
    for (const Case& t : cases()) {
        const ConvGeometry& g = t.g;
        const auto [x, W, b] = conv_inputs(rng, t);
        Matrix cols;
        const Matrix y = conv2d_forward(x, W, b, g, cols);
        test::check_close(y, to_f(conv_ref(to_d(x), to_d(W), to_d(b), g)), 1e-5, what(t));
        CHECK_MESSAGE(cols.shape()[1] == g.k * g.k * g.c,
                      what(t) << ": cols should hold im2col(x), got " << shape_str(cols));
    }
}

TEST_CASE(
    "08 step 3 conv2d_forward: a channel mismatch in a Conv2d layer names it and the shapes") {
    Rng rng(6);
    Conv2d conv(16, 32, 3, 2, 1, 14, 14, rng);
    const Matrix wrong = xt::zeros<float>({size_t{2}, size_t{14 * 14 * 8}});
    bool thrown = false;
    try {
        (void)conv.forward(wrong);
    } catch (const ShapeError& e) {
        thrown = true;
        const std::string msg = e.what();
        CHECK_MESSAGE(msg.find("Conv2d(16->32, 3x3, stride 2, pad 1)") != std::string::npos,
                      "name the layer: " << msg);
        CHECK_MESSAGE(msg.find("(2, 1568)") != std::string::npos,
                      "name the shape that came: " << msg);
    }
    CHECK_MESSAGE(thrown, "expected an ae::ShapeError (check x with require_images)");
}

// ---- Step 4: the backward pass

TEST_CASE("08 step 4 conv2d_backward: dW, db and dx match central differences in double") {
    Rng rng(7);
    for (const Case& t : cases()) {
        const ConvGeometry& g = t.g;
        const Inputs in = conv_inputs(rng, t);
        const Matrix& W = in.W;
        Matrix cols;
        const Matrix y = conv2d_forward(in.x, W, in.b, g, cols);
        const Matrix R = rng.normal(y.shape()[0], y.shape()[1]);  // L = sum R * y, dL/dy = R
        const ConvGrads grads = conv2d_backward(R, cols, W, g);
        const double rows = double(t.n * (y.shape()[1] / t.f));  // N*OH*OW output pixels
        std::vector<test::Mistake> db_mistakes = by_batch(t);
        db_mistakes.push_back(
            {1 / rows, "db is a sum over every output pixel of every image, not a mean"});
        check_layer_grads(grads, in, R, conv_ref, t, db_mistakes);
        const ConvGrads no_dx = conv2d_backward(R, cols, W, g, false);
        CHECK_MESSAGE(no_dx.dx.size() == 0, "with input_grad false, dx should stay empty");
        test::check_close(no_dx.dW, grads.dW, 1e-6, what(t) + ": dW without input_grad");
    }
}

// ---- Step 5: the transposed convolution

TEST_CASE("08 step 5a conv_transpose_forward: matches a direct scatter loop on random shapes") {
    Rng rng(8);
    for (const Case& t : cases()) {
        const ConvGeometry& g = t.g;
        const auto [x, W, b] = convt_inputs(rng, t);
        test::check_close(conv_transpose_forward(x, W, b, g),
                          to_f(convt_ref(to_d(x), to_d(W), to_d(b), g)), 1e-5, what(t));
    }
}

TEST_CASE("08 step 5a conv_transpose_forward: is the adjoint of the convolution") {
    Rng rng(9);
    for (const Case& t : cases()) {
        const ConvGeometry& g = t.g;
        const Matrix u = rng.uniform(t.n, g.h * g.w * g.c, -1, 1),
                     v = rng.uniform(t.n, out_pixels(g) * t.f, -1, 1);
        const Matrix W = rng.normal(g.k * g.k * g.c, t.f);
        const Matrix conv_u =
            to_f(conv_ref(to_d(u), to_d(W), MatD(1, std::vector<double>(t.f)), g));
        const Matrix convt_v = conv_transpose_forward(v, W, xt::zeros<float>({size_t{1}, g.c}), g);
        REQUIRE_MESSAGE(convt_v.shape() == u.shape(), what(t) << ": expected shape " << shape_str(u)
                                                              << ", got " << shape_str(convt_v));
        test::check_value(dot_d(u, convt_v), dot_d(conv_u, v), 1e-5,
                          what(t) + ": <u, convT(v)> against <conv(u), v>");
    }
}

TEST_CASE("08 step 5b conv_transpose_backward: dW, db and dx match central differences in double") {
    Rng rng(10);
    for (const Case& t : cases()) {
        const ConvGeometry& g = t.g;
        const Inputs in = convt_inputs(rng, t);
        const Matrix R = rng.normal(t.n, g.h * g.w * g.c);
        const ConvGrads grads = conv_transpose_backward(R, in.x, in.W, g);
        check_layer_grads(grads, in, R, convt_ref, t, by_batch(t));
        CHECK_MESSAGE(conv_transpose_backward(R, in.x, in.W, g, false).dx.size() == 0,
                      "with input_grad false, dx should stay empty");
    }
}

#ifdef AE_REFERENCE_TESTS
// The reference's tuned twins (solutions/08_conv_ae/exercise_fast.cpp) against its plain
// functions (exercise.cpp), on the shapes above and the model's own layers: the same copies and
// the same additions in the same order, so the same floats, exactly. Compiled only into the
// reference's tests: the learner's build has no twins.
TEST_CASE(
    "08 step 5b conv_transpose_backward: the tuned twins give the plain reference's numbers") {
    Rng rng(9);
    const ConvKernels tuned_kernels = fast::kernels();  // the tuned convolution functions
    std::vector<Case> all = cases();
    all.push_back({geo(1, 28, 28, 3, 2, 1), 3, 16});   // the encoder's first layer
    all.push_back({geo(16, 14, 14, 3, 2, 1), 2, 32});  // its second
    all.push_back({geo(16, 14, 14, 4, 2, 1), 2, 32});  // the decoder's first, transposed
    all.push_back({geo(1, 28, 28, 4, 2, 1), 3, 16});   // its last, transposed
    for (const Case& t : all) {
        const ConvGeometry& g = t.g;
        const size_t rows = t.n * out_pixels(g);
        const auto [x, W, b] = conv_inputs(rng, t);
        test::check_close(fast::im2col(x, g), im2col(x, g), 0, what(t) + ": fast::im2col");
        const Matrix y = rng.uniform(rows, g.k * g.k * g.c, -1, 1);
        test::check_close(fast::col2im(y, g, t.n), col2im(y, g, t.n), 0,
                          what(t) + ": fast::col2im");
        // fast_cols holds stale numbers of the right shape: its memory is reused, and every
        // entry must be written again (the padding's zeros too).
        Matrix cols, fast_cols = rng.uniform(rows, g.k * g.k * g.c, 5, 6);
        const Matrix out = conv2d_forward(x, W, b, g, cols);
        test::check_close(tuned_kernels.conv2d_forward(x, W, b, g, fast_cols), out, 0,
                          what(t) + ": fast::conv2d_forward");
        test::check_close(fast_cols, cols, 0, what(t) + ": fast::conv2d_forward's cols");
        const Matrix grad = rng.uniform(out.shape()[0], out.shape()[1], -1, 1);
        const ConvGrads plain = conv2d_backward(grad, cols, W, g),
                        tuned = tuned_kernels.conv2d_backward(grad, cols, W, g, true);
        test::check_close(tuned.dW, plain.dW, 0, what(t) + ": fast::conv2d_backward dW");
        test::check_close(tuned.db, plain.db, 0, what(t) + ": fast::conv2d_backward db");
        test::check_close(tuned.dx, plain.dx, 0, what(t) + ": fast::conv2d_backward dx");
        // The transposed convolution: its input is the convolution's output.
        const Matrix bc = rng.normal(1, g.c);
        const Matrix up = conv_transpose_forward(out, W, bc, g);
        test::check_close(tuned_kernels.conv_transpose_forward(out, W, bc, g), up, 0,
                          what(t) + ": fast::conv_transpose_forward");
        const Matrix grad_up = rng.uniform(up.shape()[0], up.shape()[1], -1, 1);
        const ConvGrads plain_t = conv_transpose_backward(grad_up, out, W, g),
                        tuned_t = tuned_kernels.conv_transpose_backward(grad_up, out, W, g, true);
        test::check_close(tuned_t.dW, plain_t.dW, 0,
                          what(t) + ": fast::conv_transpose_backward dW");
        test::check_close(tuned_t.db, plain_t.db, 0,
                          what(t) + ": fast::conv_transpose_backward db");
        test::check_close(tuned_t.dx, plain_t.dx, 0,
                          what(t) + ": fast::conv_transpose_backward dx");
    }
}
#endif

// ---- Step 6: the model

TEST_CASE("08 step 6 build_conv_autoencoder: the layers and parameter count of the default model") {
    Rng rng(11);
    ConvAutoencoder m = build_conv_autoencoder(ConvAeConfig{}, rng);
    CHECK(m.encoder.name() ==
          "Conv2d(1->16, 3x3, stride 2, pad 1) -> ReLU -> Conv2d(16->32, 3x3, stride 2, pad 1) -> "
          "ReLU -> Dense(1568, 32)");
    CHECK(m.decoder.name() ==
          "Dense(32, 1568) -> ReLU -> ConvT2d(32->16, 4x4, stride 2, pad 1) -> ReLU -> "
          "ConvT2d(16->1, 4x4, stride 2, pad 1) -> Sigmoid");
    test::check_value(double(count_parameters(m.params())), 115217, 0, "parameters");
}

TEST_CASE("08 step 6 build_conv_autoencoder: shapes through a small model, pixels in (0, 1)") {
    Rng rng(12);
    ConvAeConfig c;
    c.height = c.width = 8, c.channels = {2, 3}, c.latent = 4;
    ConvAutoencoder m = build_conv_autoencoder(c, rng);
    const Matrix x = rng.uniform(5, 64);
    const Matrix codes = m.encoder.forward(x);
    REQUIRE_MESSAGE(codes.shape()[1] == 4, "codes: expected (5, 4), got " << shape_str(codes));
    const Matrix y = m.decoder.forward(codes);
    REQUIRE_MESSAGE(y.shape() == x.shape(), "output: expected (5, 64), got " << shape_str(y));
    test::check_in_range(y, 0, 1, "decoder output", "the decoder should end in a Sigmoid");
    c.height = c.width = 6;  // 6 -> 3 -> 2: the second level does not halve evenly
    CHECK_THROWS_AS(build_conv_autoencoder(c, rng), ShapeError);
}

TEST_CASE("08 step 6 build_conv_autoencoder: a few Adam steps lower the training loss") {
    Rng rng(13);
    ConvAeConfig c;
    c.height = c.width = 8, c.channels = {4, 8}, c.latent = 8;
    ConvAutoencoder m = build_conv_autoencoder(c, rng);
    const Matrix protos = rng.uniform(4, 64);  // four patterns to learn, 16 copies each
    Matrix x({64, 64});
    for (size_t i = 0; i < 64; ++i) xt::row(x, i) = xt::row(protos, i % 4);
    const double before = test_mse(m, x);
    TrainSpec spec;
    spec.optimizer = OptimizerSpec::adam(3e-3f);
    spec.fit.epochs = 20, spec.fit.batch_size = 16, spec.fit.progress = false;
    spec.fit.verbose = false;
    train_conv_autoencoder(m, x, spec);
    const double after = test_mse(m, x);
    CHECK_MESSAGE(after < 0.7 * before, "MSE before " << before << ", after 80 steps " << after);
}
