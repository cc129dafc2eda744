// Lesson 02, the reference solution: builders, the training step, per-image reconstruction
// error and batched encoding of the deep autoencoder. Built as solution_02 / test_solution_02:
// ./workshop solution 02      ./workshop test 02
#include <algorithm>
#include <cmath>

#include "ae/linalg.hpp"
#include "exercise.hpp"

namespace ae::l02 {

Sequential build_encoder(size_t d, const std::vector<size_t>& hidden, size_t z, Rng& rng) {
    Sequential enc;
    size_t in = d;
    for (size_t h : hidden) {
        enc.add<Dense>(in, h, rng, Init::He);
        enc.add<ReLU>();
        in = h;
    }
    enc.add<Dense>(in, z, rng, Init::Xavier);  // linear code: no activation
    return enc;
}

Sequential build_decoder(size_t z, const std::vector<size_t>& hidden, size_t d, Loss loss,
                         Rng& rng) {
    Sequential dec;
    size_t in = z;
    for (auto it = hidden.rbegin(); it != hidden.rend(); ++it) {
        dec.add<Dense>(in, *it, rng, Init::He);
        dec.add<ReLU>();
        in = *it;
    }
    dec.add<Dense>(in, d, rng, Init::Xavier);
    if (loss != Loss::Bce) dec.add<Sigmoid>();  // Mse, L1: pixels in (0, 1)
    return dec;
}

LossValue reconstruction_loss(Loss loss, const Matrix& out, const Matrix& target) {
    if (loss == Loss::L1) return l1_loss(out, target);
    return loss == Loss::Mse ? mse_loss(out, target) : bce_with_logits_loss(out, target);
}

double train_step(Autoencoder& model, const Matrix& x_in, const Matrix& target, Optimizer& opt) {
    const Matrix out = model.decoder.forward(model.encoder.forward(x_in));  // (N, D)
    const LossValue loss = reconstruction_loss(model.config.loss, out, target);
    const auto params = model.params();
    zero_grad(params);
    // The images need no gradient: the encoder's first layer skips dL/d(input).
    model.encoder.backward_params_only(model.decoder.backward(loss.grad));
    opt.step(params);
    return loss.value;
}

std::vector<double> reconstruction_error(Autoencoder& model, const Matrix& x) {
    const Matrix x_hat = reconstruct(model, x);
    const size_t n = x.shape()[0], d = x.shape()[1];
    std::vector<double> err(n);
    for (size_t i = 0; i < n; ++i) {
        double sum = 0;
        for (size_t j = 0; j < d; ++j) {
            const double e = double(x_hat(i, j)) - double(x(i, j));
            sum += e * e;
        }
        err[i] = sum / double(d);
    }
    return err;
}

Matrix encode(Autoencoder& model, const Matrix& x) {
    const size_t n = x.shape()[0], chunk = 1024;
    Matrix codes({n, model.config.latent});
    for (size_t begin = 0; begin < n; begin += chunk) {
        const size_t end = std::min(n, begin + chunk);
        const Matrix rows = xt::view(x, xt::range(begin, end), xt::all());
        const Matrix h = model.encoder.forward(rows);     // (rows, Z)
        if (begin == 0) codes.resize({n, h.shape()[1]});  // the encoder's width decides Z
        xt::view(codes, xt::range(begin, end), xt::all()) = h;
    }
    return codes;
}

LossValue l1_loss(const Matrix& pred, const Matrix& target) {
    require_shape(target, pred.shape()[0], pred.shape()[1], "l1_loss: target");
    const double n = double(pred.size());
    LossValue r;
    r.grad = Matrix(pred.shape());
    double sum = 0;
    for (size_t i = 0; i < pred.size(); ++i) {
        const float e = pred.data()[i] - target.data()[i];
        sum += std::fabs(double(e));
        r.grad.data()[i] = float((e > 0.f) - (e < 0.f)) / float(n);
    }
    r.value = sum / n;
    return r;
}

void momentum_update(Matrix& w, const Matrix& g, Matrix& velocity, float lr, float momentum) {
    velocity = momentum * velocity + g;
    w -= lr * velocity;
}

void rmsprop_update(Matrix& w, const Matrix& g, Matrix& mean_square, float lr, float rho,
                    float eps) {
    mean_square = rho * mean_square + (1.f - rho) * g * g;
    w -= lr * g / (xt::sqrt(mean_square) + eps);
}

Matrix tied_forward(const Matrix& x, const Matrix& W, const Matrix& b) {
    Matrix y = matmul(x, W, false, true);  // (N, out) x (out, in)
    add_row(y, b);
    return y;
}

Matrix tied_backward(const Matrix& x, const Matrix& grad_out, const Matrix& W, Matrix& dW,
                     Matrix& db) {
    gemm(grad_out, true, x, false, dW, 1.f, 1.f);  // (in, N) x (N, out), added to dW
    db += column_sums(grad_out);
    return matmul(grad_out, W);  // (N, in) x (in, out)
}

}  // namespace ae::l02
