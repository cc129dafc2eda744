// Layers and Sequential (see ae/nn.hpp). Products go to BLAS through ae::gemm; elementwise work
// is written as the formulas (xtensor expressions or plain loops); the one fast kernel a layer
// runs, the output's sigmoid, is loss.cpp's. Speed: bench/README.md.
#include "ae/nn.hpp"

#include <cmath>
#include <cstdio>
#include <xtensor/xnoalias.hpp>

#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "ae/loss.hpp"

namespace ae {

Dense::Dense(size_t in, size_t out, Rng& rng, Init init) {
    // He: Var(W) = 2 / in (keeps ReLU activations' scale); Xavier: Var(W) = 2 / (in + out).
    const float stddev = init == Init::He ? std::sqrt(2.f / static_cast<float>(in))
                                          : std::sqrt(2.f / static_cast<float>(in + out));
    W = rng.normal(in, out, 0.f, stddev);
    b = xt::zeros<float>({size_t{1}, out});
    dW = xt::zeros<float>({in, out});
    db = xt::zeros<float>({size_t{1}, out});
}

Matrix Dense::forward(const Matrix& x) {
    if (x.shape()[1] != in()) {
        throw ShapeError(name() + ": input must have " + std::to_string(in()) + " columns, got " +
                         shape_str(x));
    }
    x_ = x;  // same shape as last time: the buffer is reused, only the values are copied
    Matrix y({x.shape()[0], out()});
    gemm(x, false, W, false, y);  // (N, in) (in, out)
    add_row(y, b);
    return y;
}

void Dense::accumulate_param_grads(const Matrix& grad_out) {
    require_shape(grad_out, x_.shape()[0], out(), name() + " backward: grad_out");
    gemm(x_, true, grad_out, false, dW, 1.f, 1.f);  // dW += x^T g: (in, N) (N, out)
    // db += sum over the rows of g, row by row (contiguous, vectorised), without a temporary.
    const size_t n = grad_out.shape()[0], d = out();
    float* db_ = db.data();
    for (size_t i = 0; i < n; ++i) {
        const float* g = grad_out.data() + i * d;
        for (size_t j = 0; j < d; ++j) db_[j] += g[j];
    }
}

Matrix Dense::backward(const Matrix& grad_out) {
    accumulate_param_grads(grad_out);
    Matrix grad_in({grad_out.shape()[0], in()});
    gemm(grad_out, false, W, true, grad_in);  // g W^T: (N, out) (out, in)
    return grad_in;
}

void Dense::backward_params_only(const Matrix& grad_out) {
    accumulate_param_grads(grad_out);
}

std::vector<Param> Dense::params() {
    return {{"W", &W, &dW}, {"b", &b, &db}};
}

std::string Dense::name() const {
    return "Dense(" + std::to_string(in()) + ", " + std::to_string(out()) + ")";
}

// The activations: xtensor expressions of the formulas (vectorised with xsimd). Each caches what
// its derivative needs (the output where f' is a function of it). The output layer's sigmoid
// (N x 784) is split over the cores; the hidden layers' matrices are too small to pay for it.

Matrix ReLU::forward(const Matrix& x) {
    xt::noalias(y_) = xt::maximum(x, 0.f);  // y = max(x, 0)
    return y_;
}

Matrix ReLU::backward(const Matrix& grad_out) {
    require_shape(grad_out, y_.shape()[0], y_.shape()[1], "ReLU backward: grad_out");
    return xt::where(y_ > 0.f, grad_out, 0.f);  // relu'(x) = 1 where x > 0 (same as y > 0), else 0
}

Matrix LeakyReLU::forward(const Matrix& x) {
    x_ = x;
    return xt::where(x > 0.f, x, slope_ * x);
}

Matrix LeakyReLU::backward(const Matrix& grad_out) {
    require_shape(grad_out, x_.shape()[0], x_.shape()[1], "LeakyReLU backward: grad_out");
    return xt::where(x_ > 0.f, grad_out, slope_ * grad_out);
}

Matrix Sigmoid::forward(const Matrix& x) {
    Matrix y = sigmoid(x);
    y_ = y;  // a copy into the buffer of the last call: no allocation, no page faults
    return y;
}

Matrix Sigmoid::backward(const Matrix& grad_out) {
    require_shape(grad_out, y_.shape()[0], y_.shape()[1], "Sigmoid backward: grad_out");
    // s' = s (1 - s). One expression on one thread: split over the cores it was no faster, even
    // on 10,000 x 784 (bench/README.md, "Plain twins").
    return grad_out * y_ * (1.f - y_);
}

Matrix Tanh::forward(const Matrix& x) {
    xt::noalias(y_) = xt::tanh(x);
    return y_;
}

Matrix Tanh::backward(const Matrix& grad_out) {
    require_shape(grad_out, y_.shape()[0], y_.shape()[1], "Tanh backward: grad_out");
    return grad_out * (1.f - y_ * y_);  // tanh' = 1 - tanh^2
}

Matrix Elu::forward(const Matrix& x) {
    x_ = x;
    return xt::where(x > 0.f, x, alpha_ * (xt::exp(x) - 1.f));
}

Matrix Elu::backward(const Matrix& grad_out) {
    require_shape(grad_out, x_.shape()[0], x_.shape()[1], "ELU backward: grad_out");
    return xt::where(x_ > 0.f, grad_out, grad_out * alpha_ * xt::exp(x_));
}

Dropout::Dropout(float p, uint64_t seed) : p_(p), rng_(seed) {
    if (!(p >= 0.f && p < 1.f))
        throw Error("Dropout: p must be in [0, 1), got " + std::to_string(p));
}

Matrix Dropout::forward(const Matrix& x) {
    if (!training || p_ == 0.f) return x;
    const float keep = 1.f - p_, scale = 1.f / keep;
    mask_.resize(x.shape());
    for (auto& m : mask_) m = rng_.uniform() < keep ? scale : 0.f;
    return x * mask_;
}

Matrix Dropout::backward(const Matrix& grad_out) {
    if (!training || p_ == 0.f) return grad_out;
    require_shape(grad_out, mask_.shape()[0], mask_.shape()[1], "Dropout backward: grad_out");
    return grad_out * mask_;
}

std::string Dropout::name() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "Dropout(%g)", double(p_));
    return buf;
}

Matrix Sequential::forward(const Matrix& x) {
    if (layers_.empty()) return x;
    Matrix h = layers_[0]->forward(x);
    for (size_t i = 1; i < layers_.size(); ++i) h = layers_[i]->forward(h);
    return h;
}

Matrix Sequential::backward(const Matrix& grad_out) {
    if (layers_.empty()) return grad_out;
    Matrix g = layers_.back()->backward(grad_out);
    for (size_t i = layers_.size() - 1; i-- > 0;) g = layers_[i]->backward(g);
    return g;
}

void Sequential::backward_params_only(const Matrix& grad_out) {
    if (layers_.empty()) return;
    if (layers_.size() == 1) return layers_[0]->backward_params_only(grad_out);
    Matrix g = layers_.back()->backward(grad_out);
    for (size_t i = layers_.size() - 1; i-- > 1;) g = layers_[i]->backward(g);
    layers_[0]->backward_params_only(g);
}

std::vector<Param> Sequential::params() {
    std::vector<Param> all;
    for (size_t i = 0; i < layers_.size(); ++i) {
        for (auto p : layers_[i]->params()) {
            p.name = std::to_string(i) + "." + p.name;
            all.push_back(p);
        }
    }
    return all;
}

std::string Sequential::name() const {
    std::string s;
    for (size_t i = 0; i < layers_.size(); ++i) s += (i ? " -> " : "") + layers_[i]->name();
    return s;
}

std::vector<Param> named(const std::string& prefix, std::vector<Param> params) {
    for (auto& p : params) p.name = prefix + p.name;
    return params;
}

size_t count_parameters(const std::vector<Param>& params) {
    size_t n = 0;
    for (const auto& p : params) n += p.value->size();
    return n;
}

}  // namespace ae
