// Lesson 08, reference solution: im2col/col2im, the convolution and its transpose as one GEMM
// each, their backward passes, and the model builder. Images are channel-last rows (HWC), so
// im2col copies the C contiguous floats of a tap at once and GEMM outputs need no transpose.
// The tuned twins (one copy per run of taps, used by bench_conv) are in exercise_fast.cpp.
// Check with: ./workshop test 08
#include <algorithm>

#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "exercise.hpp"

namespace ae::l08 {

OutSize conv_output_size(const ConvGeometry& g) {
    if (g.stride == 0) throw ShapeError(g.describe() + ": the stride must be at least 1, got 0");
    if (g.k == 0 || g.k > g.h + 2 * g.pad || g.k > g.w + 2 * g.pad)
        throw ShapeError(g.describe() + ": a " + std::to_string(g.k) + "x" + std::to_string(g.k) +
                         " kernel does not fit in the padded input of " +
                         std::to_string(g.h + 2 * g.pad) + "x" + std::to_string(g.w + 2 * g.pad));
    return {(g.h + 2 * g.pad - g.k) / g.stride + 1, (g.w + 2 * g.pad - g.k) / g.stride + 1};
}

Matrix im2col(const Matrix& x, const ConvGeometry& g) {
    require_images(x, g, "im2col input");
    const OutSize o = conv_output_size(g);
    const size_t n = x.shape()[0], kkc = g.k * g.k * g.c;
    const long h = long(g.h), w = long(g.w), k = long(g.k), s = long(g.stride), p = long(g.pad);
    Matrix cols = xt::zeros<float>({n * o.h * o.w, kkc});  // zeros: the padding
    for (size_t img = 0, r = 0; img < n; ++img)
        for (long oy = 0; oy < long(o.h); ++oy)
            for (long ox = 0; ox < long(o.w); ++ox, ++r)
                for (long ky = 0; ky < k; ++ky) {
                    const long iy = oy * s + ky - p;  // the input row of tap (ky, kx)
                    if (iy < 0 || iy >= h) continue;
                    for (long kx = 0; kx < k; ++kx) {
                        const long ix = ox * s + kx - p;  // and its column
                        if (ix < 0 || ix >= w) continue;
                        // The C channels of one tap are contiguous in both matrices.
                        const float* from =
                            x.data() + (img * g.h * g.w + size_t(iy * w + ix)) * g.c;
                        std::copy(from, from + g.c,
                                  cols.data() + r * kkc + size_t(ky * k + kx) * g.c);
                    }
                }
    return cols;
}

Matrix col2im(const Matrix& cols, const ConvGeometry& g, size_t n) {
    const OutSize o = conv_output_size(g);
    const size_t kkc = g.k * g.k * g.c;
    require_shape(cols, n * o.h * o.w, kkc, g.describe() + ": col2im input");
    const long h = long(g.h), w = long(g.w), k = long(g.k), s = long(g.stride), p = long(g.pad);
    Matrix x = xt::zeros<float>({n, g.h * g.w * g.c});
    // The loops of im2col with the copy reversed: where windows overlap, their entries add up.
    for (size_t img = 0, r = 0; img < n; ++img)
        for (long oy = 0; oy < long(o.h); ++oy)
            for (long ox = 0; ox < long(o.w); ++ox, ++r)
                for (long ky = 0; ky < k; ++ky) {
                    const long iy = oy * s + ky - p;
                    if (iy < 0 || iy >= h) continue;
                    for (long kx = 0; kx < k; ++kx) {
                        const long ix = ox * s + kx - p;
                        if (ix < 0 || ix >= w) continue;
                        float* to = x.data() + (img * g.h * g.w + size_t(iy * w + ix)) * g.c;
                        const float* from = cols.data() + r * kkc + size_t(ky * k + kx) * g.c;
                        for (size_t c = 0; c < g.c; ++c) to[c] += from[c];
                    }
                }
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
    cols = im2col(x, g);
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
    if (input_grad) out.dx = col2im(matmul(G, W, false, true), g, n);
    return out;
}

Matrix conv_transpose_forward(const Matrix& x, const Matrix& W, const Matrix& b,
                              const ConvGeometry& g) {
    const OutSize o = conv_output_size(g);
    require_shape(W, g.k * g.k * g.c, 0, g.describe() + ": W");
    const size_t f = W.shape()[1], n = x.shape()[0];
    require_shape(x, 0, o.h * o.w * f, g.describe() + ": transposed-convolution input");
    require_shape(b, 1, g.c, g.describe() + ": b");
    Matrix y = col2im(matmul(as_rows(x, n * o.h * o.w, f), W, false, true), g, n);
    y.reshape({n * g.h * g.w, g.c});
    add_row(y, b);
    y.reshape({n, g.h * g.w * g.c});
    return y;
}

ConvGrads conv_transpose_backward(const Matrix& grad_out, const Matrix& x, const Matrix& W,
                                  const ConvGeometry& g, bool input_grad) {
    const OutSize o = conv_output_size(g);
    const size_t f = W.shape()[1], n = x.shape()[0];
    const Matrix gcols = im2col(grad_out, g);  // (N*OH*OW, K*K*C): the convolution of dL/dy
    ConvGrads out;
    out.dW = matmul(gcols, as_rows(x, n * o.h * o.w, f), true, false);
    out.db = column_sums(as_rows(grad_out, n * g.h * g.w, g.c));
    if (input_grad) {
        out.dx = matmul(gcols, W);
        out.dx.reshape({n, o.h * o.w * f});
    }
    return out;
}

ConvAutoencoder build_conv_autoencoder(const ConvAeConfig& cfg, Rng& rng) {
    ConvAutoencoder m;
    m.config = cfg;
    std::vector<OutSize> sizes{{cfg.height, cfg.width}};  // image size at each level
    size_t c = cfg.channels_in;
    for (size_t f : cfg.channels) {
        const OutSize in = sizes.back();
        auto& conv = m.encoder.add<Conv2d>(c, f, cfg.enc_kernel, cfg.stride, 1, in.h, in.w, rng);
        if (conv.out_size().h * cfg.stride != in.h || conv.out_size().w * cfg.stride != in.w)
            throw ShapeError(conv.geometry().describe() +
                             ": the size does not divide by the stride, the decoder could not "
                             "mirror it");
        m.encoder.add<ReLU>();
        sizes.push_back(conv.out_size());
        c = f;
    }
    const size_t flat = sizes.back().h * sizes.back().w * c;
    m.encoder.add<Dense>(flat, cfg.latent, rng, Init::Xavier);

    m.decoder.add<Dense>(cfg.latent, flat, rng, Init::He);
    m.decoder.add<ReLU>();
    for (size_t level = cfg.channels.size(); level-- > 0;) {
        const size_t out_c = level == 0 ? cfg.channels_in : cfg.channels[level - 1];
        const bool last = level == 0;
        m.decoder.add<ConvTranspose2d>(c, out_c, cfg.dec_kernel, cfg.stride, 1, sizes[level].h,
                                       sizes[level].w, rng, last ? ConvInit::Xavier : ConvInit::He);
        if (last)
            m.decoder.add<Sigmoid>();
        else
            m.decoder.add<ReLU>();
        c = out_c;
    }
    return m;
}

}  // namespace ae::l08
