// Lesson 05, reference solution: reparameterisation, KL, the negative ELBO, one training step,
// sampling and interpolation for the VAE of lessons/05_vae/lesson.hpp.
// Run the tests against it: build/bin/test_solution_05   The program: ./workshop solution 05
#include <cmath>
#include <xtensor/xnoalias.hpp>

#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "ae/loss.hpp"
#include "exercise.hpp"

namespace ae::l05 {

Matrix reparameterize(const Matrix& mu, const Matrix& logvar, const Matrix& eps) {
    require_shape(logvar, mu.shape()[0], mu.shape()[1], "reparameterize: logvar vs mu");
    require_shape(eps, mu.shape()[0], mu.shape()[1], "reparameterize: eps vs mu");
    return mu + xt::exp(0.5f * logvar) * eps;
}

ReparamGrads reparameterize_backward(const Matrix& logvar, const Matrix& eps,
                                     const Matrix& grad_z) {
    // dz/dmu = 1; dz/dlogvar = d/dlogvar exp(logvar / 2) eps = exp(logvar / 2) eps / 2.
    return {grad_z, grad_z * (0.5f * xt::exp(0.5f * logvar) * eps)};
}

Kl kl_divergence(const Matrix& mu, const Matrix& logvar) {
    require_shape(logvar, mu.shape()[0], mu.shape()[1], "kl_divergence: logvar vs mu");
    const size_t n = mu.shape()[0], z = mu.shape()[1];
    const Matrix var = xt::exp(logvar);
    Kl out;
    out.per_example = Matrix({n, size_t{1}});
    for (size_t i = 0; i < n; ++i) {
        double sum = 0;  // in double: Z terms of similar size
        for (size_t j = 0; j < z; ++j) sum += mu(i, j) * mu(i, j) + var(i, j) - 1.0 - logvar(i, j);
        out.per_example(i, 0) = static_cast<float>(0.5 * sum);
        out.mean += 0.5 * sum / double(n);
    }
    // d(mean)/dmu = mu / N;  d(mean)/dlogvar = (exp(logvar) - 1) / (2 N).
    const float inv_n = 1.f / static_cast<float>(n);
    out.grad_mu = mu * inv_n;
    out.grad_logvar = (var - 1.f) * (0.5f * inv_n);
    return out;
}

VaeLoss vae_loss(const Matrix& logits, const Matrix& x, const Matrix& mu, const Matrix& logvar,
                 float beta) {
    require_shape(x, logits.shape()[0], logits.shape()[1], "vae_loss: images vs logits");
    const size_t n = logits.shape()[0], d = logits.shape()[1];
    const Kl kl = kl_divergence(mu, logvar);
    VaeLoss out;
    // BCE from logits, per pixel: max(l, 0) - l x + log(1 + exp(-|l|)), never log(0). Two
    // whole-matrix statements, which xtensor vectorises (exp and log1p included): about 14x faster
    // than the same formula called pixel by pixel through std::exp and std::log1p.
    Matrix bce = xt::log1p(xt::exp(-xt::abs(logits)));
    xt::noalias(bce) += xt::maximum(logits, 0.f) - logits * x;
    out.recon = Matrix({n, size_t{1}});
    for (size_t i = 0; i < n; ++i) {
        double sum = 0;  // summed over the D pixels, in double
        for (size_t j = 0; j < d; ++j) sum += bce(i, j);
        out.recon(i, 0) = static_cast<float>(sum);
        out.recon_mean += sum / double(n);
    }
    out.kl = kl.per_example;
    out.kl_mean = kl.mean;
    out.total = out.recon_mean + beta * out.kl_mean;
    out.grad_logits = (sigmoid(logits) - x) / static_cast<float>(n);  // mean over images
    out.grad_mu = beta * kl.grad_mu;
    out.grad_logvar = beta * kl.grad_logvar;
    return out;
}

VaeLoss loss_and_gradients(Vae& model, const Matrix& x, const Matrix& eps, float beta) {
    const Matrix h = model.trunk.forward(x);  // (N, H)
    const Matrix mu = model.mu_head.forward(h), logvar = model.logvar_head.forward(h);
    const Matrix z = reparameterize(mu, logvar, eps);
    const VaeLoss loss = vae_loss(model.decoder.forward(z), x, mu, logvar, beta);
    // Backward: the reconstruction reaches mu and logvar through z, the KL term directly.
    const ReparamGrads g =
        reparameterize_backward(logvar, eps, model.decoder.backward(loss.grad_logits));
    const Matrix grad_h = model.mu_head.backward(g.mu + loss.grad_mu) +
                          model.logvar_head.backward(g.logvar + loss.grad_logvar);
    model.trunk.backward_params_only(grad_h);  // x needs no gradient: skip the widest product
    return loss;
}

Matrix sample_prior(Vae& model, size_t n, Rng& rng) {
    return decode(model, rng.normal(n, model.z));
}

Matrix interpolate(Vae& model, const Matrix& z0, const Matrix& z1, size_t steps) {
    require_shape(z0, 1, model.z, "interpolate: z0");
    require_shape(z1, 1, model.z, "interpolate: z1");
    if (steps == 0) throw Error("interpolate: steps must be at least 1 (got 0)");
    Matrix z({steps, model.z});
    for (size_t k = 0; k < steps; ++k) {
        const float t = steps > 1 ? float(k) / float(steps - 1) : 0.f;  // one step: z0 itself
        xt::view(z, k, xt::all()) = xt::view((1.f - t) * z0 + t * z1, 0, xt::all());
    }
    return decode(model, z);
}

}  // namespace ae::l05
