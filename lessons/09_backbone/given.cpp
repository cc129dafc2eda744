// Lesson 09, what the lesson gives (lesson.hpp): the classifier on an encoder, its training run
// under one budget rule, masked-image pretraining and the pretrained checkpoints. They call the
// functions of exercise.hpp (yours, or the reference for the solution build).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "02_deep_ae/exercise.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "exercise.hpp"

namespace ae::l09 {

std::vector<Param> Classifier::encoder_params() {
    return named("enc.", encoder.params());
}
std::vector<Param> Classifier::head_params() {
    return named("head.", head.params());
}

Classifier make_classifier(const l02::AeConfig& arch, const l02::Autoencoder* pretrained,
                           bool frozen, Rng& rng) {
    Classifier m;
    m.encoder = l02::build_encoder(arch.input, arch.hidden, arch.latent, rng);
    if (pretrained) {
        if (pretrained->config.describe() != arch.describe())
            throw ShapeError("make_classifier: the pretrained encoder is " +
                             pretrained->config.describe() + ", the classifier needs " +
                             arch.describe());
        auto src = const_cast<l02::Autoencoder*>(pretrained)->encoder.params();
        auto dst = m.encoder.params();
        for (size_t i = 0; i < dst.size(); ++i) *dst[i].value = *src[i].value;
    }
    m.head.add<Dense>(arch.latent, size_t(kClasses), rng, Init::Xavier);
    m.frozen = frozen;
    return m;
}

Labels predict(Classifier& model, const Matrix& x) {
    const size_t n = x.shape()[0], chunk = 1024;
    Labels out(n);
    for (size_t b = 0; b < n; b += chunk) {
        const size_t e = std::min(n, b + chunk);
        const Matrix xb = xt::view(x, xt::range(b, e), xt::all());
        const Matrix logits = model.head.forward(model.encoder.forward(xb));
        for (size_t i = 0; i < e - b; ++i) {
            size_t best = 0;
            for (size_t j = 1; j < logits.shape()[1]; ++j)
                if (logits(i, j) > logits(i, best)) best = j;
            out[b + i] = int(best);
        }
    }
    return out;
}

int Budget::steps_for(size_t n, bool frozen) const {
    const int per_epoch = int((n + size_t(batch) - 1) / size_t(batch));
    return std::max(frozen ? probe_steps : min_steps, epochs * per_epoch);
}

std::vector<CurvePoint> train_classifier(Classifier& model, const Matrix& x, const Labels& y,
                                         const Budget& budget, bool scratch, uint64_t seed,
                                         const Matrix& curve_x, const Labels& curve_y) {
    if (model.frozen && model.encoder.size() > 0) {
        // A probe: the frozen encoder gives each image the same code at every step, so the codes
        // are computed once and the head trains on them alone (the same batches and numbers,
        // without re-encoding every batch at each of the probe's many steps).
        Classifier head_only;
        head_only.head = std::move(model.head);
        head_only.frozen = true;
        const auto codes_of = [&](const Matrix& m) {
            return m.size() > 0 ? model.encoder.forward(m) : Matrix{};
        };
        auto curve = train_classifier(head_only, codes_of(x), y, budget, scratch, seed,
                                      codes_of(curve_x), curve_y);
        model.head = std::move(head_only.head);
        return curve;
    }
    const size_t n = x.shape()[0];
    const int per_epoch = int((n + size_t(budget.batch) - 1) / size_t(budget.batch));
    TrainSpec spec;
    spec.optimizer = OptimizerSpec::adam(budget.head_lr);
    spec.fit.batch_size = budget.batch, spec.fit.seed = seed;
    spec.fit.epochs = (budget.steps_for(n, model.frozen) + per_epoch - 1) / per_epoch;  // whole
    spec.fit.progress = false, spec.fit.verbose = false, spec.fit.name = "classifier";
    Adam encoder_opt(scratch ? budget.head_lr : budget.encoder_lr);
    std::vector<CurvePoint> curve;
    EpochFn on_epoch = nullptr;
    const int every = std::max(1, spec.fit.epochs / kCurvePoints);
    if (curve_x.size() > 0)
        on_epoch = [&](EpochLog& l) {
            if (l.epoch % every != 0 && l.epoch != spec.fit.epochs) return;
            const Labels p = predict(model, curve_x);
            size_t right = 0;
            for (size_t i = 0; i < p.size(); ++i) right += p[i] == curve_y[i];
            curve.push_back({l.epoch * per_epoch, l.train_loss, double(right) / double(p.size())});
        };
    ae::train(
        x, spec,
        [&](const Matrix& batch, const std::vector<size_t>& idx, Optimizer& opt, Rng&) {
            return classifier_step(model, batch, gather(y, idx), encoder_opt, opt);
        },
        on_epoch);
    return curve;
}

Matrix apply_mask(const Matrix& x, const Matrix& mask) {
    require_shape(mask, x.shape()[0], x.shape()[1], "apply_mask: mask");
    return x * (1.f - mask);
}

History train_masked_autoencoder(l02::Autoencoder& model, const Matrix& x, const MaskSpec& mask,
                                 const TrainSpec& spec, const EpochFn& on_epoch) {
    return ae::train(
        x, spec,
        [&](const Matrix& batch, const std::vector<size_t>&, Optimizer& opt, Rng& rng) {
            const Matrix m =
                patch_mask(batch.shape()[0], mask.side, mask.patch, mask.fraction, rng);
            const auto params = model.params();
            zero_grad(params);
            const Matrix out = model.decoder.forward(model.encoder.forward(apply_mask(batch, m)));
            const LossValue loss = masked_mse(out, batch, m);
            model.encoder.backward_params_only(model.decoder.backward(loss.grad));
            opt.step(params);
            return loss.value;
        },
        on_epoch);
}

l02::AeConfig backbone_config() {
    return l02::AeConfig{};  // 784-256-64-32, mse
}

l02::Autoencoder load_backbone(const std::string& path, const l02::AeConfig& arch) {
    l02::Autoencoder m = l02::load_autoencoder(path, arch.input);
    if (m.config.describe() != arch.describe())
        throw DataError(path + " holds a " + m.config.describe() +
                        " autoencoder, but this lesson's backbone is " + arch.describe() +
                        ": pass a checkpoint of that shape, or none to train one here.");
    return m;
}

// The training a checkpoint of this program was saved with is its note (inside the file).
bool checkpoint_matches(const std::string& path, const std::string& tag) {
    if (!std::filesystem::exists(path)) return false;
    try {
        std::string note;
        read_mlp_arch(path, 0, &note);
        return note == tag;
    } catch (const Error&) {
        return false;
    }
}

void save_backbone(const std::string& path, l02::Autoencoder& model, const std::string& tag) {
    l02::save_autoencoder(path, model, tag);
}

// The user's checkpoint (must load and match), lesson 02's default one (used when it matches),
// a checkpoint this program saved with the same training (tag), or a model trained here.
l02::Autoencoder obtain_backbone(const std::string& named, const std::string& fallback, bool masked,
                                 const MaskSpec& mask, const DataSplit& data, const Options& opt,
                                 bool retrain, std::string& from) {
    const l02::AeConfig arch = backbone_config();
    if (!named.empty()) {
        from = named;
        return load_backbone(named, arch);
    }
    if (!retrain && !fallback.empty() && std::filesystem::exists(fallback)) {
        l02::Autoencoder m = l02::load_autoencoder(fallback, arch.input);
        if (m.config.describe() == arch.describe()) {
            from = fallback;
            return m;
        }
        std::printf("%s is a %s model, not %s: training one here.\n", fallback.c_str(),
                    m.config.describe().c_str(), arch.describe().c_str());
    }
    const std::string path = opt.out + (masked ? "/masked_ae.ckpt" : "/plain_ae.ckpt");
    char tag[160];
    std::snprintf(tag, sizeof tag, "%s epochs %d train %zu seed %llu patch %zu fraction %.4f",
                  masked ? "masked" : "plain", opt.epochs, data.train.size(),
                  (unsigned long long)opt.seed, mask.patch, masked ? mask.fraction : 0.f);
    if (!retrain && checkpoint_matches(path, tag)) {
        from = path;
        return load_backbone(path, arch);
    }
    Rng rng(opt.seed);
    l02::Autoencoder m = l02::make_autoencoder(arch, rng);
    TrainSpec spec = train_spec(opt, masked ? "masked AE" : "plain AE");
    spec.device = "cpu", spec.fit.batch_size = 128;
    if (masked)
        train_masked_autoencoder(m, data.train.images, mask, spec);
    else
        l02::train_autoencoder(m, data.train.images, spec);
    save_backbone(path, m, tag);
    from = "trained here, saved to " + path;
    return m;
}

std::string check_flags(const std::vector<int>& labels, const std::vector<int>& draws,
                        const MaskSpec& mask) {
    if (labels.empty()) return "--labels: give at least one number of labels per class";
    for (int l : labels)
        if (l < 1) return "--labels: " + std::to_string(l) + " labels per class; use 1 or more";
    if (draws.size() != labels.size())
        return "--draws: " + std::to_string(draws.size()) + " draw counts for " +
               std::to_string(labels.size()) + " label counts; give one per --labels entry";
    for (int d : draws)
        if (d < 1) return "--draws: " + std::to_string(d) + " draws; use 1 or more";
    if (!(mask.fraction > 0.f && mask.fraction < 1.f))
        return "--mask-fraction " + std::to_string(mask.fraction) +
               ": the masked fraction of patches must be in (0, 1), e.g. 0.5";
    if (mask.patch == 0 || mask.side % mask.patch != 0)
        return "--patch " + std::to_string(mask.patch) + ": the patch size must divide " +
               std::to_string(mask.side) + " (1, 2, 4, 7, 14 or 28)";
    return "";
}

std::string check_labels(const std::vector<int>& labels, const Labels& train_labels) {
    std::vector<size_t> count(kClasses, 0);
    for (int y : train_labels) count.at(size_t(y))++;
    const size_t smallest = *std::min_element(count.begin(), count.end());
    for (int l : labels)
        if (size_t(l) > smallest)
            return "--labels " + std::to_string(l) + ": labels per class larger than the class (" +
                   "the smallest class of this training set has " + std::to_string(smallest) +
                   " images; --quick uses the 500-per-class sample)";
    return "";
}

// The flatness figure of a curve (lesson.hpp).
double late_change(const std::vector<CurvePoint>& c) {
    if (c.empty()) return NAN;
    const double last = c.back().step;
    double sum[2] = {0, 0};
    int n[2] = {0, 0};
    for (const CurvePoint& p : c) {
        const int q = p.step > 0.75 * last ? 1 : p.step > 0.5 * last ? 0 : -1;
        if (q >= 0) sum[q] += p.test_accuracy, ++n[q];
    }
    return n[0] && n[1] ? sum[1] / n[1] - sum[0] / n[0] : NAN;
}

}  // namespace ae::l09
