// Lesson 12, given: row selection and seeded splits, the mixed-column autoencoder and its two
// trainings (reconstruction for anomalies, masked for imputation), both through ae::train with
// your loss. The readers are in given_readers.cpp, the baselines in given_detectors.cpp and
// given_impute.cpp.
#include <algorithm>
#include <cmath>

#include "ae/todo.hpp"
#include "ae/error.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l12 {

Table take_rows(const Table& t, const std::vector<size_t>& idx) {
    Table out = t;
    out.values = gather_rows(t.values, idx);
    if (!t.anomalous.empty()) out.anomalous = gather(t.anomalous, idx);
    if (!t.line.empty()) {
        out.line.clear();
        for (size_t i : idx) out.line.push_back(t.line[i]);
    }
    return out;
}

std::vector<size_t> complete_rows(const Table& t) {
    std::vector<size_t> rows;
    for (size_t i = 0; i < t.rows(); ++i) {
        bool complete = true;
        for (size_t c = 0; c < t.values.shape()[1]; ++c) complete &= !std::isnan(t.values(i, c));
        if (complete) rows.push_back(i);
    }
    return rows;
}

Split anomaly_split(const Labels& anomalous, double train_fraction, uint64_t seed) {
    std::vector<size_t> normal;
    Split s;
    for (size_t i = 0; i < anomalous.size(); ++i) (anomalous[i] ? s.test : normal).push_back(i);
    if (normal.size() < 4 || s.test.empty())
        throw DataError(
            "the anomaly split needs at least 4 normal rows and one anomalous row; "
            "the labels have " +
            std::to_string(normal.size()) + " and " + std::to_string(s.test.size()) +
            ": check --label-column/--normal-label");
    Rng rng(seed);
    const auto perm = rng.permutation(normal.size());
    const size_t n_train =
        std::clamp(size_t(train_fraction * double(normal.size())), size_t(2), normal.size() - 1);
    for (size_t j = 0; j < perm.size(); ++j)
        (j < n_train ? s.train : s.test).push_back(normal[perm[j]]);
    std::sort(s.train.begin(), s.train.end()), std::sort(s.test.begin(), s.test.end());
    return s;
}

Matrix TabularAE::forward(const Matrix& x) {
    return decoder.forward(encoder.forward(x));
}

TabularAE make_tabular_ae(size_t in, size_t out, size_t hidden, size_t latent, uint64_t seed) {
    Rng rng(seed);
    TabularAE m;
    m.encoder.add<Dense>(in, hidden, rng);
    m.encoder.add<ReLU>();
    m.encoder.add<Dense>(hidden, latent, rng, Init::Xavier);
    m.decoder.add<Dense>(latent, hidden, rng);
    m.decoder.add<ReLU>();
    m.decoder.add<Dense>(hidden, out, rng, Init::Xavier);
    return m;
}

namespace {

// One step on (input, target, mask) rows: your loss and its gradient, back through the model.
double step(TabularAE& m, const Preprocessor& p, const Matrix& input, const Matrix& target,
            const Matrix& mask, Optimizer& opt) {
    const std::vector<Param> params = [&] {
        auto ps = named("enc.", m.encoder.params()), dec = named("dec.", m.decoder.params());
        ps.insert(ps.end(), dec.begin(), dec.end());
        return ps;
    }();
    zero_grad(params);
    Matrix grad;
    const double loss = mixed_loss(p, m.forward(input), target, mask, &grad);
    m.encoder.backward_params_only(m.decoder.backward(grad));
    opt.step(params);
    return loss;
}

}  // namespace

History train_tabular_ae(TabularAE& m, const Preprocessor& p, const Encoded& e,
                         const TrainSpec& spec) {
    return ae::train(
        e.x, spec, [&](const Matrix& batch, const std::vector<size_t>& idx, Optimizer& opt, Rng&) {
            return step(m, p, batch, batch, gather_rows(e.mask, idx), opt);
        });
}

History train_masked_ae(TabularAE& m, const Preprocessor& p, const Encoded& e, double rate,
                        const TrainSpec& spec) {
    return ae::train(
        e.x, spec,
        [&](const Matrix& batch, const std::vector<size_t>& idx, Optimizer& opt, Rng& rng) {
            const Matrix mask = gather_rows(e.mask, idx);
            const Masked hidden = hide_entries(p, batch, mask, rate, rng);
            return step(m, p, hidden.input, batch, mask, opt);
        });
}

Matrix masked_reconstruct(TabularAE& m, const Encoded& e) {
    const size_t n = e.x.shape()[0], d = e.x.shape()[1];
    Matrix input({n, 2 * d});
    xt::view(input, xt::all(), xt::range(0, long(d))) = e.x * e.mask;
    xt::view(input, xt::all(), xt::range(long(d), long(2 * d))) = e.mask;
    return m.forward(input);
}

void check_exercise_written() {
    Table t;
    t.columns = {"a", "b"}, t.categorical = {false, true}, t.levels = {{}, {"x", "y"}};
    t.values = Matrix{{1.f, 0.f}, {2.f, 1.f}};
    Rng rng(1);
    // Steps 2 to 4 need step 1's preprocessor (an unwritten step 1 is named once).
    const auto p = [&] { return fit_preprocessor(t, {0, 1}); };
    const auto e = [&] { return encode(p(), t.values); };
    require_written("12", {[&] { e(); }, [&] { mixed_loss(p(), e().x, e().x, e().mask, nullptr); },
                           [&] { contributions(p(), e().x, e().x, e().mask); },
                           [&] {
                               top_features(Matrix{{1.f, 2.f}}, 1);
                           },
                           [&] { hide_entries(p(), e().x, e().mask, 0.5, rng); },
                           [&] { fill_missing(p(), e().x, e().mask, e().x); }});
}

}  // namespace ae::l12
