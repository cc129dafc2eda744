// Lesson 08, the reference's tuned twins (exercise_fast.hpp says why they are kept): im2col and
// col2im that copy a run of taps at a time, and the four convolution functions on them.
// Tested equal to the plain reference (tests/lesson_08_conv_ae.cpp, AE_REFERENCE_TESTS); timed
// against it by build/bin/bench_conv --kernels.
#include "08_conv_ae/exercise_fast.hpp"

#include <algorithm>

#include "ae/error.hpp"
#include "ae/linalg.hpp"

namespace ae::l08::fast {

namespace {
// Visits every run of taps that lies inside the image: for patch row r and kernel row ky, the
// taps kx0..kx1-1 read input pixels (iy, ix0..) that are contiguous in the channel-last layout,
// and so are their columns in cols. f(r, first column, first input float, floats in the run).
// One copy per run instead of one per tap: im2col of a 1-channel image moves 3 floats at once.
template <class F>
void for_each_run(const ConvGeometry& g, size_t n, const OutSize& o, F&& f) {
    const long h = long(g.h), w = long(g.w), k = long(g.k), s = long(g.stride), p = long(g.pad);
    size_t r = 0;
    for (size_t img = 0; img < n; ++img)
        for (long oy = 0; oy < long(o.h); ++oy)
            for (long ox = 0; ox < long(o.w); ++ox, ++r) {
                const long x0 = ox * s - p;  // input column of tap kx = 0
                const long kx0 = std::max(0L, -x0), kx1 = std::min(k, w - x0);
                if (kx1 <= kx0) continue;
                for (long ky = 0; ky < k; ++ky) {
                    const long iy = oy * s + ky - p;
                    if (iy < 0 || iy >= h) continue;
                    const size_t pixel = (img * g.h + size_t(iy)) * g.w + size_t(x0 + kx0);
                    f(r, size_t(ky * k + kx0) * g.c, pixel * g.c, size_t(kx1 - kx0) * g.c);
                }
            }
}
}  // namespace

Matrix im2col(const Matrix& x, const ConvGeometry& g) {
    require_images(x, g, "im2col input");
    const OutSize o = conv_output_size(g);
    const size_t n = x.shape()[0], kkc = g.k * g.k * g.c;
    Matrix cols = xt::zeros<float>({n * o.h * o.w, kkc});  // zeros: the padding
    const float* src = x.data();
    float* dst = cols.data();
    for_each_run(g, n, o, [&](size_t r, size_t col, size_t from, size_t len) {
        std::copy(src + from, src + from + len, dst + r * kkc + col);
    });
    return cols;
}

Matrix col2im(const Matrix& cols, const ConvGeometry& g, size_t n) {
    const OutSize o = conv_output_size(g);
    const size_t kkc = g.k * g.k * g.c;
    require_shape(cols, n * o.h * o.w, kkc, g.describe() + ": col2im input");
    Matrix x = xt::zeros<float>({n, g.h * g.w * g.c});
    const float* src = cols.data();
    float* dst = x.data();
    for_each_run(g, n, o, [&](size_t r, size_t col, size_t to, size_t len) {
        const float* s = src + r * kkc + col;
        float* d = dst + to;
        for (size_t j = 0; j < len; ++j) d[j] += s[j];
    });
    return x;
}

namespace {
// The same numbers viewed as (rows, cols) (a copy: ae::gemm takes matrices).
Matrix as_rows(const Matrix& m, size_t rows, size_t cols) {
    Matrix r = m;
    r.reshape({rows, cols});
    return r;
}
}  // namespace

Matrix conv2d_forward(const Matrix& x, const Matrix& W, const Matrix& b, const ConvGeometry& g,
                      Matrix& cols) {
    require_images(x, g, "conv2d input");
    require_shape(W, g.k * g.k * g.c, 0, g.describe() + ": W");
    const size_t f = W.shape()[1], n = x.shape()[0];
    require_shape(b, 1, f, g.describe() + ": b");
    const OutSize o = conv_output_size(g);
    cols = fast::im2col(x, g);
    Matrix y({n * o.h * o.w, f});
    gemm(cols, false, W, false, y);  // one row per output pixel, one column per filter
    add_row(y, b);
    y.reshape({n, o.h * o.w * f});  // channel-last: already the layout of the next layer
    return y;
}

ConvGrads conv2d_backward(const Matrix& grad_out, const Matrix& cols, const Matrix& W,
                          const ConvGeometry& g, bool input_grad) {
    const OutSize o = conv_output_size(g);
    const size_t f = W.shape()[1], rows = cols.shape()[0], n = rows / (o.h * o.w);
    require_shape(grad_out, n, o.h * o.w * f, g.describe() + ": grad_out");
    const Matrix G = as_rows(grad_out, rows, f);
    ConvGrads out;
    out.dW = matmul(cols, G, true, false);
    out.db = column_sums(G);
    if (input_grad) out.dx = fast::col2im(matmul(G, W, false, true), g, n);
    return out;
}

Matrix conv_transpose_forward(const Matrix& x, const Matrix& W, const Matrix& b,
                              const ConvGeometry& g) {
    const OutSize o = conv_output_size(g);
    require_shape(W, g.k * g.k * g.c, 0, g.describe() + ": W");
    const size_t f = W.shape()[1], n = x.shape()[0];
    require_shape(x, 0, o.h * o.w * f, g.describe() + ": transposed-convolution input");
    require_shape(b, 1, g.c, g.describe() + ": b");
    Matrix y = fast::col2im(matmul(as_rows(x, n * o.h * o.w, f), W, false, true), g, n);
    y.reshape({n * g.h * g.w, g.c});
    add_row(y, b);
    y.reshape({n, g.h * g.w * g.c});
    return y;
}

ConvGrads conv_transpose_backward(const Matrix& grad_out, const Matrix& x, const Matrix& W,
                                  const ConvGeometry& g, bool input_grad) {
    const OutSize o = conv_output_size(g);
    const size_t f = W.shape()[1], n = x.shape()[0];
    const Matrix gcols = fast::im2col(grad_out, g);  // (N*OH*OW, K*K*C): the convolution of dL/dy
    ConvGrads out;
    out.dW = matmul(gcols, as_rows(x, n * o.h * o.w, f), true, false);
    out.db = column_sums(as_rows(grad_out, n * g.h * g.w, g.c));
    if (input_grad) {
        out.dx = matmul(gcols, W);
        out.dx.reshape({n, o.h * o.w * f});
    }
    return out;
}

ConvKernels kernels() {
    return {fast::conv2d_forward, fast::conv2d_backward, fast::conv_transpose_forward,
            fast::conv_transpose_backward};
}

}  // namespace ae::l08::fast
