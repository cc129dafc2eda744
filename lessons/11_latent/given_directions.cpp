// Lesson 11, given code of step 5 (lesson.hpp): arithmetic with class means in pixels and in
// the codes of the deep AE, the contractive AE and the VAE, judged by step 4's classifier; the
// activity of every code dimension; and the VAE's traversals along single dimensions.
#include <algorithm>
#include <functional>
#include <numeric>

#include "02_deep_ae/exercise.hpp"  // encode: lesson 02's step 4
#include "ae/error.hpp"
#include "lesson.hpp"

namespace ae::l11 {

namespace {

// One space: its way from images to codes and back (pixels: both the identity).
struct Space {
    std::string name;
    std::function<Matrix(const Matrix&)> encode, decode;
};

// The first `n` test images of class c.
Matrix test_images_of(const DataSplit& data, int c, size_t n) {
    std::vector<size_t> rows;
    for (size_t i = 0; i < data.test.size() && rows.size() < n; ++i)
        if (data.test.labels[i] == c) rows.push_back(i);
    if (rows.empty())
        throw Error("measure_arithmetic: no test image of class " + std::to_string(c));
    return xt::view(data.test.images, xt::keep(rows), xt::all());
}

size_t argmax_row(const Matrix& p, size_t i) {
    size_t best = 0;
    for (size_t j = 1; j < p.shape()[1]; ++j)
        if (p(i, j) > p(i, best)) best = j;
    return best;
}

}  // namespace

Arithmetic measure_arithmetic(const DataSplit& data, Models& m, Judge& judge, size_t per_class) {
    const size_t classes = data.class_names.size(), d = data.train.images.shape()[1];
    auto clip = [](const Matrix& x) -> Matrix { return xt::clip(x, 0.f, 1.f); };
    const Space spaces[4] = {
        {"pixels", [](const Matrix& x) { return x; }, clip},
        {"deep AE", [&](const Matrix& x) { return l02::encode(m.ae, x); },
         [&](const Matrix& z) { return clip(l02::decode(m.ae, z)); }},
        {"contractive AE", [&](const Matrix& x) { return l02::encode(m.cae, x); },
         [&](const Matrix& z) { return clip(l02::decode(m.cae, z)); }},
        {"VAE means", [&](const Matrix& x) { return l05::encode_mean(m.vae, x); },
         [&](const Matrix& z) { return clip(l05::decode(m.vae, z)); }}};
    Arithmetic out;
    out.threshold = judge.threshold;
    std::vector<Matrix> sources(classes);
    for (size_t a = 0; a < classes; ++a) sources[a] = test_images_of(data, int(a), per_class);
    out.per_class = sources[0].shape()[0];
    for (const auto& src : sources) out.per_class = std::min(out.per_class, src.shape()[0]);
    const size_t cols = 2 + classes;
    for (const Space& sp : spaces) {
        ArithmeticSpace r;
        r.name = sp.name;
        const Matrix means = class_means(sp.encode(data.train.images), data.train.labels, classes);
        r.pairs.assign(classes, std::vector<double>(classes, 0));
        r.grid = Matrix({kGridClasses.size() * cols, d});
        double moved = 0, sure = 0, stays = 0, own = 0, count = 0;
        for (size_t a = 0; a < classes; ++a) {
            const Matrix codes = sp.encode(sources[a]);
            const size_t n = codes.shape()[0];
            const auto row = std::find(kGridClasses.begin(), kGridClasses.end(), int(a));
            const size_t g = size_t(row - kGridClasses.begin()) * cols;
            if (row != kGridClasses.end()) {
                xt::view(r.grid, g, xt::all()) = xt::view(sources[a], 0, xt::all());
                xt::view(r.grid, g + 1, xt::all()) =
                    xt::view(sp.decode(xt::view(codes, xt::range(0, 1), xt::all())), 0, xt::all());
            }
            for (size_t b = 0; b < classes; ++b) {
                const Matrix img = sp.decode(latent_arithmetic(codes, means, a, b));
                const Matrix p = judge_probabilities(judge, img);
                double as_b = 0, as_b_sure = 0, as_a = 0;
                for (size_t i = 0; i < n; ++i) {
                    const size_t top = argmax_row(p, i);
                    as_b += top == b, as_a += top == a;
                    as_b_sure += top == b && p(i, top) >= judge.threshold;
                }
                r.pairs[a][b] = as_b / double(n);
                if (a == b) {
                    own += as_a / double(n);
                } else {
                    moved += as_b / double(n), sure += as_b_sure / double(n);
                    stays += as_a / double(n), count += 1;
                }
                if (row != kGridClasses.end())
                    xt::view(r.grid, g + 2 + b, xt::all()) = xt::view(img, 0, xt::all());
            }
        }
        r.to_target = moved / count, r.to_target_sure = sure / count;
        r.still_source = stays / count, r.decoded_as_own = own / double(classes);
        out.spaces.push_back(std::move(r));
    }
    return out;
}

Traversals measure_traversals(const Matrix& x, Models& m, size_t most_active) {
    Traversals t;
    t.measured_on = x.shape()[0];
    const Matrix vae_means = l05::encode_mean(m.vae, x);
    const std::pair<std::string, Matrix> codes[3] = {{"VAE means", vae_means},
                                                     {"deep AE", l02::encode(m.ae, x)},
                                                     {"contractive AE", l02::encode(m.cae, x)}};
    for (const auto& [name, c] : codes)
        t.models.push_back({name, unit_activity(c), active_units(c, kActiveThreshold)});
    const std::vector<double>& a = t.models[0].activity;
    std::vector<size_t> order(a.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) { return a[i] > a[j]; });
    const size_t top = std::min(most_active, order.size());
    t.dims.assign(order.begin(), order.begin() + top);
    for (size_t k = std::max(top, order.size() - std::min<size_t>(2, order.size() - top));
         k < order.size(); ++k)
        t.dims.push_back(order[k]);  // the two least active, for contrast
    const Matrix base = xt::view(vae_means, xt::range(0, 1), xt::all());
    t.images =
        xt::clip(l05::decode(m.vae, traversal_codes(base, t.dims, kTraversalValues)), 0.f, 1.f);
    return t;
}

}  // namespace ae::l11
