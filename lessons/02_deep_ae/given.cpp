// Lesson 02, the code the lesson gives you (declared in lesson.hpp): assembling the model,
// decoding and the training loops; given_experiments.cpp holds the README's experiments and
// given_checkpoint.cpp saving/loading a trained model (lessons 06 and 07 load
// out/02_deep_ae/model.ckpt). It calls the functions you write in exercise.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "ae/names.hpp"
#include "ae/cli.hpp"  // resolve_device
#include "ae/error.hpp"
#include "ae/loss.hpp"
#include "exercise.hpp"  // your builders and steps, which the given code calls
#include "lesson.hpp"

namespace ae::l02 {

Loss parse_loss(const std::string& name) {
    return value_named(kLossKindNames, name, "--loss");
}

std::string loss_name(Loss loss) {
    return loss_kind_name(loss);
}

std::unique_ptr<Layer> make_activation(const std::string& name) {
    if (name == "relu") return std::make_unique<ReLU>();
    if (name == "leaky_relu") return std::make_unique<LeakyReLU>(0.01f);
    if (name == "elu") return std::make_unique<Elu>(1.f);
    if (name == "tanh") return std::make_unique<Tanh>();
    if (name == "sigmoid") return std::make_unique<Sigmoid>();
    throw Error("unknown activation '" + name + "' (relu, leaky_relu, elu, tanh, sigmoid)");
}

namespace {
// Your layers, with each ReLU replaced by the configured activation (+ Dropout), and the code
// activation after the encoder's last layer.
Sequential restyle(Sequential net, const AeConfig& c, uint64_t seed, bool encoder) {
    Sequential out;
    for (auto& layer : net.take_layers()) {
        if (!dynamic_cast<ReLU*>(layer.get())) {
            out.add_layer(std::move(layer));
            continue;
        }
        out.add_layer(make_activation(c.activation));
        if (c.dropout > 0.f) out.add<Dropout>(c.dropout, seed++);
    }
    if (encoder && c.code_activation != "linear") out.add_layer(make_activation(c.code_activation));
    return out;
}

// Every decoder Dense k becomes a TiedDense on encoder Dense L - k (the mirror layer).
void tie(Autoencoder& m) {
    std::vector<Dense*> enc;
    for (size_t i = 0; i < m.encoder.size(); ++i)
        if (auto* d = dynamic_cast<Dense*>(&m.encoder[i])) enc.push_back(d);
    Sequential out;
    size_t k = 0;
    for (auto& layer : m.decoder.take_layers()) {
        auto* d = dynamic_cast<Dense*>(layer.get());
        if (!d) {
            out.add_layer(std::move(layer));
            continue;
        }
        if (k >= enc.size() || d->in() != enc[enc.size() - 1 - k]->out() ||
            d->out() != enc[enc.size() - 1 - k]->in())
            throw ShapeError("--tied: the decoder's Dense layers must mirror the encoder's");
        out.add<TiedDense>(*enc[enc.size() - 1 - k++]);
    }
    m.decoder = std::move(out);
}
}  // namespace

Autoencoder make_autoencoder(const AeConfig& config, Rng& rng) {
    Autoencoder m;
    m.config = config;
    m.encoder = build_encoder(config.input, config.hidden, config.latent, rng);
    m.decoder = build_decoder(config.latent, config.hidden, config.input, config.loss, rng);
    if (config.plain()) return m;
    const uint64_t seed = rng.engine()();  // the Dropout masks' streams
    m.encoder = restyle(std::move(m.encoder), config, seed, true);
    m.decoder = restyle(std::move(m.decoder), config, seed + 1000, false);
    if (config.tied) tie(m);
    return m;
}

namespace {
// A layer of another network, used in place (layer-wise training trains a model's layers a
// few at a time, through shallow autoencoders made of these).
class Borrowed : public Layer {
  public:
    explicit Borrowed(Layer& layer) : layer_(&layer) {}
    Matrix forward(const Matrix& x) override { return layer_->forward(x); }
    Matrix backward(const Matrix& grad_out) override { return layer_->backward(grad_out); }
    std::vector<Param> params() override { return layer_->params(); }
    std::string name() const override { return layer_->name(); }
    Layer& layer() { return *layer_; }

  private:
    Layer* layer_;
};
}  // namespace

void set_training(Autoencoder& model, bool training) {
    for (Sequential* net : {&model.encoder, &model.decoder})
        for (size_t i = 0; i < net->size(); ++i) {
            Layer* layer = &(*net)[i];
            if (auto* b = dynamic_cast<Borrowed*>(layer)) layer = &b->layer();
            if (auto* d = dynamic_cast<Dropout*>(layer)) d->training = training;
        }
}

TiedDense::TiedDense(Dense& source)
    : b(xt::zeros<float>({size_t(1), source.in()})),
      db(xt::zeros<float>({size_t(1), source.in()})),
      source_(&source) {}

Matrix TiedDense::forward(const Matrix& x) {
    x_ = x;
    return tied_forward(x, source_->W, b);
}

Matrix TiedDense::backward(const Matrix& grad_out) {
    return tied_backward(x_, grad_out, source_->W, source_->dW, db);
}

std::vector<Param> TiedDense::params() {
    return {{"b", &b, &db}};
}

std::string TiedDense::name() const {
    return "Tied(" + std::to_string(source_->out()) + ", " + std::to_string(source_->in()) + ")";
}

Matrix decode(Autoencoder& model, const Matrix& codes) {
    return mlp_decode(model, codes);
}

Matrix reconstruct(Autoencoder& model, const Matrix& x) {
    return mlp_reconstruct(model, x);
}

double test_mse(Autoencoder& model, const Matrix& x) {
    return mean_squared_error(reconstruct(model, x), x);
}

History train_autoencoder(Autoencoder& model, const Matrix& x, TrainSpec spec,
                          const EpochFn& on_epoch) {
    spec.objective.loss = model.config.loss;
    if (spec.device != "cpu") {
        const std::string why = gpu_unsupported(model.config, spec.optimizer);
        if (!why.empty()) {
            if (resolve_device(spec.device) == "cuda")
                std::cout << "note: the GPU trainer does not support " << why
                          << ": training on the CPU\n";
            spec.device = "cpu";
        } else if (spec.optimizer.kind == OptimizerKind::Momentum) {
            spec.optimizer.kind = OptimizerKind::Sgd;  // the same update, the library's (GPU)
        }
    }
    const std::unique_ptr<Optimizer> own = lesson_optimizer(spec.optimizer);
    return train(
        model.encoder, model.decoder, x, spec,
        [&](const Matrix& batch, const std::vector<size_t>&, Optimizer& opt, Rng&) {
            struct Training {  // Dropout active during this step only, even if it throws
                Autoencoder& m;
                explicit Training(Autoencoder& m_) : m(m_) { set_training(m, true); }
                ~Training() { set_training(m, false); }
            } training(model);
            return train_step(model, batch, batch, own ? *own : opt);
        },
        on_epoch);
}

namespace {
// The layers of net in groups, each a Dense (or TiedDense) layer and what follows it.
std::vector<std::vector<Layer*>> dense_groups(Sequential& net) {
    std::vector<std::vector<Layer*>> groups;
    for (size_t i = 0; i < net.size(); ++i) {
        Layer* layer = &net[i];
        if (groups.empty() || dynamic_cast<Dense*>(layer) || dynamic_cast<TiedDense*>(layer))
            groups.emplace_back();
        groups.back().push_back(layer);
    }
    return groups;
}
}  // namespace

History train_layerwise(Autoencoder& model, const Matrix& x, TrainSpec spec, int fine_tune_epochs,
                        const EpochFn& on_epoch) {
    const auto enc = dense_groups(model.encoder), dec = dense_groups(model.decoder);
    if (enc.size() != dec.size() || enc.empty())
        throw Error("--layerwise: the decoder must mirror the encoder layer by layer");
    if (spec.device != "cpu") {
        if (resolve_device(spec.device) == "cuda")
            std::cout << "note: the GPU trainer does not support --layerwise: training on the "
                         "CPU\n";
        spec.device = "cpu";
    }
    History all;
    const auto append = [&](const History& h) {
        for (EpochLog log : h.epochs) {
            log.epoch = int(all.epochs.size()) + 1;
            all.epochs.push_back(log);
        }
    };
    Matrix h = x;  // the input of stage k: the codes of encoder groups 0 .. k-1
    for (size_t k = 0; k < enc.size(); ++k) {
        Autoencoder stage;  // encoder group k and its mirror decoder group, trained on h
        stage.config = model.config;
        stage.config.input = h.shape()[1];
        if (k > 0) stage.config.loss = Loss::Mse;  // inner stages redraw hidden activations
        for (Layer* layer : enc[k]) stage.encoder.add<Borrowed>(*layer);
        for (Layer* layer : dec[dec.size() - 1 - k]) stage.decoder.add<Borrowed>(*layer);
        std::printf("Layer-wise stage %zu of %zu: %s | %s, on (%zu, %zu)\n", k + 1, enc.size(),
                    stage.encoder.name().c_str(), stage.decoder.name().c_str(), h.shape()[0],
                    h.shape()[1]);
        TrainSpec s = spec;
        s.fit.name = spec.fit.name + " stage " + std::to_string(k + 1);
        append(train_autoencoder(stage, h, s, on_epoch));
        if (k + 1 == enc.size()) break;
        Matrix next;  // this stage's codes, in row blocks (Dropout is off outside training)
        for (size_t begin = 0, n = h.shape()[0]; begin < n; begin += 4096) {
            const size_t end = std::min(n, begin + 4096);
            const Matrix rows = xt::view(h, xt::range(begin, end), xt::all());
            const Matrix y = stage.encoder.forward(rows);
            if (begin == 0) next.resize({n, y.shape()[1]});
            xt::view(next, xt::range(begin, end), xt::all()) = y;
        }
        h = std::move(next);
    }
    if (fine_tune_epochs > 0) {
        std::printf("Fine-tuning the stacked model end to end, %d epochs\n", fine_tune_epochs);
        spec.fit.epochs = fine_tune_epochs;
        spec.fit.name += " fine-tune";
        append(train_autoencoder(model, x, spec, on_epoch));
    }
    return all;
}

// Error figures (lesson.hpp): per image, their mean, and by class.
std::vector<double> per_image_mse(const Matrix& x_hat, const Matrix& x) {
    std::vector<double> err(x.shape()[0], 0.0);
    for (size_t i = 0; i < x.shape()[0]; ++i) {
        for (size_t j = 0; j < x.shape()[1]; ++j)
            err[i] += std::pow(double(x_hat(i, j)) - x(i, j), 2);
        err[i] /= double(x.shape()[1]);
    }
    return err;
}

double mean_of(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? NAN : s / double(v.size());
}

std::vector<double> per_class_mean(const std::vector<double>& err, const Labels& labels) {
    std::vector<double> sum(10, 0.0), count(10, 0.0);
    for (size_t i = 0; i < err.size(); ++i) sum[labels[i]] += err[i], count[labels[i]] += 1;
    for (int c = 0; c < 10; ++c) sum[c] = count[c] > 0 ? sum[c] / count[c] : NAN;
    return sum;
}

}  // namespace ae::l02
