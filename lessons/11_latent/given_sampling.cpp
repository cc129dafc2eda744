// Lesson 11, given code of step 4 (lesson.hpp): the codes' statistics per model, the judge (a
// small classifier, lesson 09's, trained here on 10,000 labelled training images), and random
// codes decoded by the deep AE and the VAE, judged by it: a sample "looks real" when the judge
// is at least 90 % sure of one class, as it is for most real test images.
#include <algorithm>
#include <cmath>

#include "02_deep_ae/exercise.hpp"  // encode: lesson 02's step 4
#include "09_backbone/lesson.hpp"
#include "lesson.hpp"

namespace ae::l11 {

namespace {
// The share of the rows of x (N, D) to which the judge gives one class >= `sure`.
double share_confident(Judge& judge, const Matrix& x, double sure) {
    const Matrix logits = judge.net.head.forward(judge.net.encoder.forward(x));
    size_t n = 0;
    for (size_t i = 0; i < logits.shape()[0]; ++i) {
        auto row = xt::view(logits, i, xt::all());
        const float top = xt::amax(row)();
        const double z = xt::sum(xt::exp(row - top))();
        n += 1.0 / z >= sure;  // the largest softmax probability
    }
    return double(n) / double(logits.shape()[0]);
}
}  // namespace

Judge train_judge(const DataSplit& data, size_t refs, uint64_t seed, Rng& rng) {
    const size_t r = std::min(refs, data.train.size());
    const Matrix ref = xt::view(data.train.images, xt::range(0, r), xt::all());
    const Labels ref_labels(data.train.labels.begin(), data.train.labels.begin() + r);
    Judge judge{l09::make_classifier(l09::backbone_config(), nullptr, false, rng), 0.9};
    l09::Budget budget;
    budget.epochs = 3;
    l09::train_classifier(judge.net, ref, ref_labels, budget, true, seed);
    return judge;
}

Matrix judge_probabilities(Judge& judge, const Matrix& x) {
    Matrix p = judge.net.head.forward(judge.net.encoder.forward(x));
    for (size_t i = 0; i < p.shape()[0]; ++i) {
        auto row = xt::view(p, i, xt::all());
        row = xt::exp(row - xt::amax(row)());
        row /= xt::sum(row)();
    }
    return p;
}

Sampling decode_random_codes(const DataSplit& data, Models& m, size_t n, Judge& judge, Rng& rng) {
    const Matrix real =
        xt::view(data.test.images, xt::range(0, std::min(n, data.test.size())), xt::all());
    Sampling s;
    s.threshold = judge.threshold;
    s.real = share_confident(judge, real, s.threshold);
    const Matrix fit_x = xt::view(
        data.train.images, xt::range(0, std::min<size_t>(data.train.size(), 10000)), xt::all());
    const Matrix ae_codes = l02::encode(m.ae, fit_x), vae_codes = l05::encode_mean(m.vae, fit_x);
    const Matrix codes[4] = {
        rng.normal(n, ae_codes.shape()[1]), sample_fitted_gaussian(ae_codes, n, rng),
        rng.normal(n, vae_codes.shape()[1]), sample_fitted_gaussian(vae_codes, n, rng)};
    const char* names[4] = {"AE N(0,I)", "AE fitted", "VAE N(0,I)", "VAE fitted"};
    for (size_t k = 0; k < 4; ++k) {
        Matrix img = k < 2 ? l02::decode(m.ae, codes[k]) : l05::decode(m.vae, codes[k]);
        img = xt::clip(img, 0.f, 1.f);
        s.names.push_back(names[k]);
        s.looks_real.push_back(share_confident(judge, img, s.threshold));
        s.images.push_back(std::move(img));
    }
    return s;
}

std::vector<ModelCodes> model_code_statistics(const Matrix& x, Models& m) {
    std::vector<ModelCodes> out = {{"deep AE", l02::encode(m.ae, x), {}},
                                   {"contractive AE", l02::encode(m.cae, x), {}},
                                   {"VAE means", l05::encode_mean(m.vae, x), {}}};
    for (auto& c : out) c.stats = code_statistics(c.codes);
    return out;
}

}  // namespace ae::l11
