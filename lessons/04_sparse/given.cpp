// Lesson 04, the code the lesson gives you: the one-hidden-layer model, the training step that
// adds your penalties to lesson 02's reconstruction loss, and the measurements of the program.
// It calls the functions you write in exercise.cpp.
#include <algorithm>
#include <cmath>

#include "ae/names.hpp"
#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "ae/todo.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l04 {

std::string Penalty::name() const {
    static constexpr std::pair<PenaltyKind, const char*> names[] = {
        {PenaltyKind::None, "plain"},
        {PenaltyKind::L1, "L1"},
        {PenaltyKind::Kl, "KL"},
        {PenaltyKind::Contractive, "contractive"}};
    return name_of(names, kind);
}

l02::Autoencoder make_shallow_autoencoder(size_t d, size_t h, Rng& rng) {
    l02::Autoencoder m;
    m.config.input = d;
    m.config.hidden.clear();
    m.config.latent = h;
    m.config.loss = l02::Loss::Mse;
    m.encoder.add<Dense>(d, h, rng, Init::Xavier);
    m.encoder.add<Sigmoid>();  // a code in (0, 1): what the KL penalty and the CAE formula need
    m.decoder.add<Dense>(h, d, rng, Init::Xavier);
    m.decoder.add<Sigmoid>();
    return m;
}

Dense& encoder_layer(l02::Autoencoder& model) {
    auto* dense = dynamic_cast<Dense*>(&model.encoder[0]);
    if (!dense) throw Error("lesson 04: the encoder must start with a Dense layer");
    return *dense;
}

double penalized_step(l02::Autoencoder& model, const Matrix& x, const Penalty& penalty,
                      Optimizer& opt) {
    const auto params = model.params();
    const Matrix h = model.encoder.forward(x);  // (N, H)
    const LossValue rec = l02::reconstruction_loss(model.config.loss, model.decoder.forward(h), x);
    zero_grad(params);
    Matrix grad_h = model.decoder.backward(rec.grad);  // dL/dh: (N, H)
    double objective = rec.value;
    // L1 and KL depend on W and b only through h: their gradient joins dL/dh before the encoder.
    if (penalty.kind == PenaltyKind::L1 || penalty.kind == PenaltyKind::Kl) {
        const LossValue p =
            penalty.kind == PenaltyKind::L1 ? l1_penalty(h) : kl_sparsity_penalty(h, penalty.rho);
        grad_h += penalty.weight * p.grad;
        objective += penalty.weight * p.value;
    }
    model.encoder.backward_params_only(grad_h);  // the images need no gradient
    // The contractive penalty also depends on W directly: its gradient goes to W and b.
    if (penalty.kind == PenaltyKind::Contractive) {
        Dense& enc = encoder_layer(model);
        const ContractiveValue c = contractive_penalty(x, h, enc.W);
        enc.dW += penalty.weight * c.dW;
        enc.db += penalty.weight * c.db;
        objective += penalty.weight * c.value;
    }
    opt.step(params);
    return objective;
}

History train_variant(l02::Autoencoder& model, const Matrix& x, const Penalty& penalty,
                      TrainSpec spec, const EpochFn& on_epoch) {
    spec.objective.loss = model.config.loss;
    spec.objective.penalty = {penalty.kind, penalty.weight, penalty.rho, 0};
    return train(
        model.encoder, model.decoder, x, spec,
        [&](const Matrix& batch, const std::vector<size_t>&, Optimizer& opt, Rng&) {
            return penalized_step(model, batch, penalty, opt);
        },
        on_epoch);
}

CodeStats code_stats(const Matrix& codes, double threshold) {
    const size_t units = codes.shape()[1];
    CodeStats s;
    size_t below = 0;
    for (size_t i = 0; i < codes.size(); ++i) {
        s.mean_activation += codes.data()[i];
        below += codes.data()[i] < threshold;
    }
    s.mean_activation /= static_cast<double>(codes.size());
    s.near_zero = static_cast<double>(below) / static_cast<double>(codes.size());
    const Matrix unit_means = column_means(codes);
    size_t dead = 0;
    for (size_t j = 0; j < units; ++j) dead += unit_means(0, j) < threshold;
    s.dead_units = static_cast<double>(dead) / static_cast<double>(units);
    return s;
}

std::vector<double> unit_means_sorted(const Matrix& codes) {
    const Matrix m = column_means(codes);
    std::vector<double> v(m.begin(), m.end());
    std::sort(v.rbegin(), v.rend());
    return v;
}

double code_sensitivity(l02::Autoencoder& model, const Matrix& x, const Matrix& e) {
    require_shape(e, x.shape()[0], x.shape()[1], "code_sensitivity: e");
    const Matrix h0 = l02::encode(model, x), h1 = l02::encode(model, x + e);
    double sum = 0;
    for (size_t r = 0; r < x.shape()[0]; ++r) {
        double dh = 0, de = 0;
        for (size_t j = 0; j < h0.shape()[1]; ++j) dh += std::pow(double(h1(r, j)) - h0(r, j), 2);
        for (size_t i = 0; i < x.shape()[1]; ++i) de += double(e(r, i)) * e(r, i);
        sum += std::sqrt(dh / std::max(de, 1e-30));
    }
    return sum / static_cast<double>(x.shape()[0]);
}

double jacobian_norm(l02::Autoencoder& model, const Matrix& x) {
    const Matrix h = l02::encode(model, x);
    return std::sqrt(contractive_penalty(x, h, encoder_layer(model).W).value);
}

void check_exercise_written() {
    const Matrix x = {{0.f, 1.f, 0.5f}}, h = {{0.2f, 0.7f}}, w = xt::ones<float>({3, 2});
    require_written("04", {[&] { l1_penalty(h); }, [&] { kl_sparsity_penalty(h, 0.05); },
                           [&] { contractive_penalty(x, h, w); }});
}

}  // namespace ae::l04
