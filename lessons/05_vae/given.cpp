// Lesson 05, the code the lesson gives you: building the VAE, batched encoding and decoding,
// the per-image ELBO, the entropy floor of grey-level data, the training loop and checkpoints.
// It calls the functions you write in exercise.cpp. Lessons 06 and 07 use it too.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "ae/checkpoint.hpp"
#include "ae/data.hpp"
#include "ae/error.hpp"
#include "ae/training.hpp"
#include "ae/linalg.hpp"
#include "ae/loss.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l05 {

std::vector<Param> Vae::params() {
    std::vector<Param> all;
    auto append = [&](const std::string& prefix, Sequential& part) {
        for (auto& p : named(prefix, part.params())) all.push_back(p);
    };
    append("trunk.", trunk);
    append("mu.", mu_head);
    append("logvar.", logvar_head);
    append("decoder.", decoder);
    return all;
}

namespace {
// PyTorch's default for Linear layers: W and b uniform in +-1/sqrt(fan_in). Smaller than He for
// this 784-400 network; with init_output_bias it trains ~2 nats further in 10 epochs.
Dense& vae_dense(Sequential& part, size_t in, size_t out, Rng& rng) {
    Dense& layer = part.add<Dense>(in, out, rng);
    const float bound = 1.f / std::sqrt(static_cast<float>(in));
    layer.W = rng.uniform(in, out, -bound, bound);
    layer.b = rng.uniform(1, out, -bound, bound);
    return layer;
}
}  // namespace

Vae make_vae(size_t d, size_t h, size_t z, Rng& rng) {
    Vae m;
    m.d = d, m.h = h, m.z = z;
    vae_dense(m.trunk, d, h, rng);
    m.trunk.add<ReLU>();
    vae_dense(m.mu_head, h, z, rng);
    vae_dense(m.logvar_head, h, z, rng);
    vae_dense(m.decoder, z, h, rng);
    m.decoder.add<ReLU>();
    vae_dense(m.decoder, h, d, rng);
    return m;
}

void init_output_bias(Vae& model, const Matrix& x) {
    // The decoder then starts at the mean image instead of grey 0.5 everywhere (543 nats).
    const Matrix p = xt::clip(column_means(x), 1e-3f, 1.f - 1e-3f);
    static_cast<Dense&>(model.decoder[2]).b = xt::log(p / (1.f - p));
}

namespace {
// Rows [begin, end) of x: evaluation in slices keeps the cached activations small.
Matrix vae_rows(const Matrix& x, size_t begin, size_t end) {
    return xt::view(x, xt::range(begin, end), xt::all());
}
constexpr size_t kVaeEvalBatch = 1000;
}  // namespace

Matrix encode_mean(Vae& model, const Matrix& x) {
    require_shape(x, 0, model.d, "encode_mean: images");
    Matrix mu({x.shape()[0], model.z});
    for (size_t b = 0; b < x.shape()[0]; b += kVaeEvalBatch) {
        const size_t e = std::min(x.shape()[0], b + kVaeEvalBatch);
        xt::view(mu, xt::range(b, e), xt::all()) =
            model.mu_head.forward(model.trunk.forward(vae_rows(x, b, e)));
    }
    return mu;
}

Matrix decode(Vae& model, const Matrix& z) {
    require_shape(z, 0, model.z, "decode: codes");
    return sigmoid(model.decoder.forward(z));
}

Elbo evaluate_elbo(Vae& model, const Matrix& x, Rng* rng) {
    require_shape(x, 0, model.d, "evaluate_elbo: images");
    const size_t n = x.shape()[0];
    Elbo out;
    for (size_t b = 0; b < n; b += kVaeEvalBatch) {
        const size_t e = std::min(n, b + kVaeEvalBatch);
        const Matrix xb = vae_rows(x, b, e);
        const Matrix h = model.trunk.forward(xb);
        const Matrix mu = model.mu_head.forward(h), logvar = model.logvar_head.forward(h);
        const Matrix z = rng ? reparameterize(mu, logvar, rng->normal(e - b, model.z)) : mu;
        const VaeLoss loss = vae_loss(model.decoder.forward(z), xb, mu, logvar, 1.f);
        for (size_t i = 0; i < e - b; ++i) {
            out.recon.push_back(loss.recon(i, 0));
            out.kl.push_back(loss.kl(i, 0));
            out.negative_elbo.push_back(out.recon.back() + out.kl.back());
            out.recon_mean += out.recon.back() / double(n);
            out.kl_mean += out.kl.back() / double(n);
        }
    }
    out.negative_elbo_mean = out.recon_mean + out.kl_mean;
    return out;
}

std::vector<double> negative_elbo_per_image(Vae& model, const Matrix& x) {
    return evaluate_elbo(model, x).negative_elbo;
}

double pixel_entropy_floor(const Matrix& x) {
    double sum = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double p = x.data()[i];
        if (p > 0 && p < 1) sum -= p * std::log(p) + (1 - p) * std::log1p(-p);  // 0 log 0 = 0
    }
    return sum / double(x.shape()[0]);
}

History train_vae(Vae& model, const Matrix& x, float beta, const TrainSpec& spec,
                  const EpochFn& on_epoch) {
    const std::vector<Param> params = model.params();
    return train(
        VaeParts{&model.trunk, &model.mu_head, &model.logvar_head, &model.decoder}, beta, x, spec,
        [&](const Matrix& batch, const std::vector<size_t>&, Optimizer& opt, Rng& rng) {
            zero_grad(params);
            const VaeLoss loss =
                loss_and_gradients(model, batch, rng.normal(batch.shape()[0], model.z), beta);
            opt.step(params);
            return loss.total;
        },
        on_epoch);
}

std::string default_vae_checkpoint() {
    return repo_output("out/05_vae/model.ckpt");
}

void save_vae(Vae& model, const std::string& path, const std::string& description) {
    const std::string sizes = "VAE d=" + std::to_string(model.d) + " h=" + std::to_string(model.h) +
                              " z=" + std::to_string(model.z);
    save_checkpoint(path, model.params(), description.empty() ? sizes : sizes + "; " + description);
}

Vae load_vae(const std::string& path, size_t d, size_t h, size_t z) {
    // exists(), not an open: opening a FIFO would block (load_checkpoint refuses one).
    if (!std::filesystem::exists(path))
        throw DataError("no VAE checkpoint at " + path +
                        ": train and save one first with ./workshop solution 05 (or run 05)");
    Rng rng(0);  // the values are overwritten by the checkpoint
    Vae m = make_vae(d, h, z, rng);
    load_checkpoint(path, m.params());
    return m;
}

}  // namespace ae::l05
