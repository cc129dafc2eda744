// Lesson 08, the reference's tuned twins (exercise_fast.hpp says why they are kept): im2col and
// col2im that copy a run of taps at a time, and the four convolution functions on them with
// their products on the buffers as they are (no reshaping copies) and im2col's buffer reused.
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

namespace {
// im2col into cols, reusing its memory when it already has the shape. Only the rows of patches
// that reach into the padding are zeroed first: every other entry is copied over.
void im2col_into(const Matrix& x, const ConvGeometry& g, Matrix& cols) {
    require_images(x, g, "im2col input");
    const OutSize o = conv_output_size(g);
    const size_t n = x.shape()[0], kkc = g.k * g.k * g.c;
    if (cols.shape()[0] != n * o.h * o.w || cols.shape()[1] != kkc)
        cols.resize({n * o.h * o.w, kkc});
    const long inside_y = long(g.h) - long(g.k), inside_x = long(g.w) - long(g.k);
    for (size_t r = 0; r < cols.shape()[0]; ++r) {
        const long oy = long(r / o.w % o.h), ox = long(r % o.w);
        const long y0 = oy * long(g.stride) - long(g.pad), x0 = ox * long(g.stride) - long(g.pad);
        if (y0 < 0 || x0 < 0 || y0 > inside_y || x0 > inside_x)
            std::fill_n(cols.data() + r * kkc, kkc, 0.f);
    }
    const float* src = x.data();
    float* dst = cols.data();
    for_each_run(g, n, o, [&](size_t r, size_t col, size_t from, size_t len) {
        std::copy(src + from, src + from + len, dst + r * kkc + col);
    });
}
}  // namespace

Matrix im2col(const Matrix& x, const ConvGeometry& g) {
    Matrix cols;
    im2col_into(x, g, cols);
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

Matrix conv2d_forward(const Matrix& x, const Matrix& W, const Matrix& b, const ConvGeometry& g,
                      Matrix& cols) {
    require_images(x, g, "conv2d input");
    require_shape(W, g.k * g.k * g.c, 0, g.describe() + ": W");
    const size_t f = W.shape()[1], n = x.shape()[0];
    require_shape(b, 1, f, g.describe() + ": b");
    im2col_into(x, g, cols);
    Matrix y({cols.shape()[0], f});
    gemm(false, false, y.shape()[0], f, cols.shape()[1], cols.data(), W.data(), y.data());
    add_row(y, b);
    y.reshape({n, y.size() / n});
    return y;
}

ConvGrads conv2d_backward(const Matrix& grad_out, const Matrix& cols, const Matrix& W,
                          const ConvGeometry& g, bool input_grad) {
    const OutSize o = conv_output_size(g);
    const size_t f = W.shape()[1], rows = cols.shape()[0], kkc = cols.shape()[1];
    const size_t n = rows / (o.h * o.w);
    require_shape(grad_out, n, o.h * o.w * f, g.describe() + ": grad_out");
    ConvGrads out;
    out.dW = Matrix({kkc, f});
    gemm(true, false, kkc, f, rows, cols.data(), grad_out.data(), out.dW.data());
    out.db = column_sums(grad_out.data(), rows, f);
    if (input_grad) {
        Matrix gcols({rows, kkc});
        gemm(false, true, rows, kkc, f, grad_out.data(), W.data(), gcols.data());
        out.dx = fast::col2im(gcols, g, n);
    }
    return out;
}

Matrix conv_transpose_forward(const Matrix& x, const Matrix& W, const Matrix& b,
                              const ConvGeometry& g) {
    const OutSize o = conv_output_size(g);
    require_shape(W, g.k * g.k * g.c, 0, g.describe() + ": W");
    const size_t f = W.shape()[1], n = x.shape()[0], rows = n * o.h * o.w;
    require_shape(x, 0, o.h * o.w * f, g.describe() + ": transposed-convolution input");
    require_shape(b, 1, g.c, g.describe() + ": b");
    Matrix cols({rows, W.shape()[0]});
    gemm(false, true, rows, W.shape()[0], f, x.data(), W.data(), cols.data());
    Matrix y = fast::col2im(cols, g, n);
    y.reshape({n * g.h * g.w, g.c});
    add_row(y, b);
    y.reshape({n, g.h * g.w * g.c});
    return y;
}

ConvGrads conv_transpose_backward(const Matrix& grad_out, const Matrix& x, const Matrix& W,
                                  const ConvGeometry& g, bool input_grad) {
    const OutSize o = conv_output_size(g);
    const size_t f = W.shape()[1], n = x.shape()[0], kkc = W.shape()[0];
    const Matrix gcols = fast::im2col(grad_out, g);  // (N*OH*OW, K*K*C): the convolution of dL/dy
    const size_t rows = gcols.shape()[0];
    ConvGrads out;
    out.dW = Matrix({kkc, f});
    gemm(true, false, kkc, f, rows, gcols.data(), x.data(), out.dW.data());
    out.db = column_sums(grad_out.data(), n * g.h * g.w, g.c);
    if (input_grad) {
        out.dx = Matrix({n, o.h * o.w * f});
        gemm(false, false, rows, f, kkc, gcols.data(), W.data(), out.dx.data());
    }
    return out;
}

}  // namespace

ConvKernels kernels() {
    return {conv2d_forward, conv2d_backward, conv_transpose_forward, conv_transpose_backward};
}

}  // namespace ae::l08::fast
