// Layers and Sequential (see ae/nn.hpp). Products go to BLAS through ae::gemm; elementwise
// loops are written on raw pointers so that -O3 vectorises them.
#include "ae/nn.hpp"

#include <cmath>

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
    x_ = x;
    Matrix y({x.shape()[0], out()});
    gemm(x, false, W, false, y);  // (N, in) (in, out)
    add_row(y, b);
    return y;
}

Matrix Dense::backward(const Matrix& grad_out) {
    require_shape(grad_out, x_.shape()[0], out(), name() + " backward: grad_out");
    gemm(x_, true, grad_out, false, dW, 1.f, 1.f);  // dW += x^T g: (in, N) (N, out)
    db += column_sums(grad_out);
    Matrix grad_in({grad_out.shape()[0], in()});
    gemm(grad_out, false, W, true, grad_in);  // g W^T: (N, out) (out, in)
    return grad_in;
}

std::vector<Param> Dense::params() { return {{"W", &W, &dW}, {"b", &b, &db}}; }

std::string Dense::name() const {
    return "Dense(" + std::to_string(in()) + ", " + std::to_string(out()) + ")";
}

Matrix ReLU::forward(const Matrix& x) {
    y_ = Matrix(x.shape());
    const float* in = x.data();
    float* out = y_.data();
    for (size_t i = 0; i < x.size(); ++i) out[i] = in[i] > 0.f ? in[i] : 0.f;
    return y_;
}

Matrix ReLU::backward(const Matrix& grad_out) {
    Matrix g(grad_out.shape());
    const float* go = grad_out.data();
    const float* y = y_.data();
    float* out = g.data();
    for (size_t i = 0; i < g.size(); ++i) out[i] = y[i] > 0.f ? go[i] : 0.f;
    return g;
}

Matrix LeakyReLU::forward(const Matrix& x) {
    x_ = x;
    Matrix y(x.shape());
    for (size_t i = 0; i < x.size(); ++i) y.data()[i] = x.data()[i] > 0.f ? x.data()[i] : slope_ * x.data()[i];
    return y;
}

Matrix LeakyReLU::backward(const Matrix& grad_out) {
    Matrix g(grad_out.shape());
    for (size_t i = 0; i < g.size(); ++i)
        g.data()[i] = x_.data()[i] > 0.f ? grad_out.data()[i] : slope_ * grad_out.data()[i];
    return g;
}

Matrix Sigmoid::forward(const Matrix& x) {
    y_ = sigmoid(x);
    return y_;
}

Matrix Sigmoid::backward(const Matrix& grad_out) {
    Matrix g(grad_out.shape());
    for (size_t i = 0; i < g.size(); ++i) {
        const float y = y_.data()[i];
        g.data()[i] = grad_out.data()[i] * y * (1.f - y);
    }
    return g;
}

Matrix Tanh::forward(const Matrix& x) {
    y_ = xt::tanh(x);
    return y_;
}

Matrix Tanh::backward(const Matrix& grad_out) {
    Matrix g(grad_out.shape());
    for (size_t i = 0; i < g.size(); ++i) {
        const float y = y_.data()[i];
        g.data()[i] = grad_out.data()[i] * (1.f - y * y);
    }
    return g;
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
