// Lesson 08, the code the lesson gives you (declared in lesson.hpp): the convolution layers
// around your functions, the model's helpers and the training loop (checkpoints:
// given_checkpoint.cpp). It calls the functions you write in exercise.cpp.
#include <algorithm>
#include <cmath>
#include <functional>

#include "ae/autoencoder.hpp"  // forward_in_chunks
#include "ae/error.hpp"
#include "ae/loss.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l08 {

std::string ConvGeometry::describe() const {
    return layer + " on a " + std::to_string(c) + "x" + std::to_string(h) + "x" +
           std::to_string(w) + " input (kernel " + std::to_string(k) + "x" + std::to_string(k) +
           ", stride " + std::to_string(stride) + ", pad " + std::to_string(pad) + ")";
}

void require_images(const Matrix& x, const ConvGeometry& g, const std::string& what) {
    const size_t d = g.h * g.w * g.c;
    if (x.shape()[0] >= 1 && x.shape()[1] == d) return;
    std::string why = "";
    if (x.shape()[1] % (g.h * g.w) == 0 && x.shape()[1] != d)
        why = " (" + std::to_string(x.shape()[1] / (g.h * g.w)) + " channels of " +
              std::to_string(g.h) + "x" + std::to_string(g.w) + " instead of " +
              std::to_string(g.c) + ": do the channels match?)";
    throw ShapeError(g.describe() + ": " + what + " must be (N, H*W*C) = (N, " + std::to_string(d) +
                     ") with N >= 1, got " + shape_str(x) + why);
}

namespace {
std::string conv_name(const char* kind, size_t in, size_t out, size_t k, size_t s, size_t p) {
    return std::string(kind) + "(" + std::to_string(in) + "->" + std::to_string(out) + ", " +
           std::to_string(k) + "x" + std::to_string(k) + ", stride " + std::to_string(s) +
           ", pad " + std::to_string(p) + ")";
}
// He: Var = 2 / fan_in (ReLU follows); Xavier: Var = 2 / (fan_in + fan_out).
Matrix init_weights(size_t rows, size_t cols, double fan_in, double fan_out, ConvInit init,
                    Rng& rng) {
    const double var = init == ConvInit::He ? 2.0 / fan_in : 2.0 / (fan_in + fan_out);
    return rng.normal(rows, cols, 0.f, float(std::sqrt(var)));
}
}  // namespace

Matrix ConvLayer::backward(const Matrix& grad_out) {
    ConvGrads g = gradients(grad_out, true);
    dW += g.dW, db += g.db;
    return std::move(g.dx);
}

void ConvLayer::backward_params_only(const Matrix& grad_out) {
    const ConvGrads g = gradients(grad_out, false);
    dW += g.dW, db += g.db;
}

std::vector<Param> ConvLayer::params() {
    return {{"W", &W, &dW}, {"b", &b, &db}};
}

std::string ConvLayer::name() const {
    return g_.layer;
}

ConvKernels& conv_kernels() {
    static ConvKernels yours{conv2d_forward, conv2d_backward, conv_transpose_forward,
                             conv_transpose_backward};
    return yours;
}

Conv2d::Conv2d(size_t in_channels, size_t out_channels, size_t kernel, size_t stride, size_t pad,
               size_t in_h, size_t in_w, Rng& rng, ConvInit init) {
    g_ = {in_channels,
          in_h,
          in_w,
          kernel,
          stride,
          pad,
          conv_name("Conv2d", in_channels, out_channels, kernel, stride, pad)};
    out_ = conv_output_size(g_);
    const size_t kkc = kernel * kernel * in_channels;
    W = init_weights(kkc, out_channels, double(kkc), double(kernel * kernel * out_channels), init,
                     rng);
    b = xt::zeros<float>({size_t{1}, out_channels});
    dW = xt::zeros<float>(W.shape());
    db = xt::zeros<float>(b.shape());
}

Matrix Conv2d::forward(const Matrix& x) {
    return conv_kernels().conv2d_forward(x, W, b, g_, cols_);
}

ConvGrads Conv2d::gradients(const Matrix& grad_out, bool input_grad) {
    return conv_kernels().conv2d_backward(grad_out, cols_, W, g_, input_grad);
}

ConvTranspose2d::ConvTranspose2d(size_t in_channels, size_t out_channels, size_t kernel,
                                 size_t stride, size_t pad, size_t out_h, size_t out_w, Rng& rng,
                                 ConvInit init) {
    g_ = {out_channels,
          out_h,
          out_w,
          kernel,
          stride,
          pad,
          conv_name("ConvT2d", in_channels, out_channels, kernel, stride, pad)};
    in_ = conv_output_size(g_);
    const size_t kkc = kernel * kernel * out_channels;
    // Each output pixel sums K*K/stride^2 taps of every input channel.
    const double fan_in = double(kernel * kernel * in_channels) / double(stride * stride);
    W = init_weights(kkc, in_channels, fan_in, double(out_channels), init, rng);
    b = xt::zeros<float>({size_t{1}, out_channels});
    dW = xt::zeros<float>(W.shape());
    db = xt::zeros<float>(b.shape());
}

Matrix ConvTranspose2d::forward(const Matrix& x) {
    const size_t d = in_.h * in_.w * W.shape()[1];
    if (x.shape()[1] != d)
        throw ShapeError(g_.layer + ": input must be (N, " + std::to_string(d) + ") = " +
                         std::to_string(W.shape()[1]) + " channels of " + std::to_string(in_.h) +
                         "x" + std::to_string(in_.w) + ", got " + shape_str(x));
    x_ = x;
    return conv_kernels().conv_transpose_forward(x, W, b, g_);
}

ConvGrads ConvTranspose2d::gradients(const Matrix& grad_out, bool input_grad) {
    return conv_kernels().conv_transpose_backward(grad_out, x_, W, g_, input_grad);
}

std::string ConvAeConfig::describe() const {
    std::string s =
        std::to_string(channels_in) + "x" + std::to_string(height) + "x" + std::to_string(width);
    for (size_t c : channels) s += " -conv-> " + std::to_string(c);
    if (stride != 2) s += " (stride " + std::to_string(stride) + ")";
    return s + " -> " + std::to_string(latent) + ", transposed back";
}

std::vector<Param> ConvAutoencoder::params() {
    auto all = named("enc.", encoder.params());
    for (auto& p : named("dec.", decoder.params())) all.push_back(p);
    return all;
}

Matrix reconstruct(ConvAutoencoder& model, const Matrix& x) {
    return forward_in_chunks(x, 512, x.shape()[1], [&](const Matrix& b) {
        return model.decoder.forward(model.encoder.forward(b));
    });
}

Matrix encode(ConvAutoencoder& model, const Matrix& x) {
    return forward_in_chunks(x, 512, model.config.latent,
                             [&](const Matrix& b) { return model.encoder.forward(b); });
}

double test_mse(ConvAutoencoder& model, const Matrix& x) {
    return mean_squared_error(reconstruct(model, x), x);
}

FeatureMaps feature_maps(ConvAutoencoder& model, const Matrix& x) {
    FeatureMaps fm;
    Matrix a = x;
    for (size_t i = 0; i < model.encoder.size(); ++i) {
        a = model.encoder[i].forward(a);
        if (auto* conv = dynamic_cast<Conv2d*>(&model.encoder[i])) {
            fm.sizes.push_back(conv->out_size());
            fm.channels.push_back(conv->out_channels());
        } else if (dynamic_cast<ReLU*>(&model.encoder[i]) && fm.maps.size() < fm.sizes.size()) {
            fm.maps.push_back(a);
        }
    }
    return fm;
}

History train_conv_autoencoder(ConvAutoencoder& model, const Matrix& x, const TrainSpec& spec,
                               const EpochFn& on_epoch) {
    const std::vector<Param> params = model.params();
    return ae::train(
        x, spec,
        [&](const Matrix& batch, const std::vector<size_t>&, Optimizer& opt, Rng&) {
            zero_grad(params);
            const Matrix out = model.decoder.forward(model.encoder.forward(batch));
            const LossValue loss = mse_loss(out, batch);
            model.encoder.backward_params_only(model.decoder.backward(loss.grad));
            opt.step(params);
            return loss.value;
        },
        on_epoch);
}

}  // namespace ae::l08
