// Lesson 02, the code the lesson gives you (declared in lesson.hpp): assembling the model,
// decoding, the training loops, and saving/loading a trained model (lessons 06 and 07 load
// out/02_deep_ae/model.ckpt). It calls the functions you write in exercise.cpp.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

#include "ae/checkpoint.hpp"
#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "ae/loss.hpp"
#include "exercise.hpp"  // your builders and steps, which the given code calls
#include "lesson.hpp"

namespace ae::l02 {

Loss parse_loss(const std::string& name) {
    if (name == "mse") return Loss::Mse;
    if (name == "bce") return Loss::Bce;
    if (name == "l1") return Loss::L1;
    throw Error("--loss must be mse, bce or l1, got '" + name + "'");
}

std::string loss_name(Loss loss) {
    return loss == Loss::Mse ? "mse" : loss == Loss::Bce ? "bce" : "l1";
}

std::string AeConfig::describe() const {
    std::string s = std::to_string(input);
    for (size_t h : hidden) s += "-" + std::to_string(h);
    s += "-" + std::to_string(latent) + ", " + loss_name(loss);
    if (activation != "relu") s += ", " + activation;
    if (code_activation != "linear") s += ", code " + code_activation;
    if (tied) s += ", tied";
    if (dropout > 0.f) {
        char buf[32];
        std::snprintf(buf, sizeof buf, ", dropout %g", double(dropout));
        s += buf;
    }
    return s;
}

bool AeConfig::plain() const {
    return activation == "relu" && code_activation == "linear" && !tied && dropout == 0.f;
}

std::vector<Param> Autoencoder::params() {
    auto all = named("enc.", encoder.params());
    for (auto& p : named("dec.", decoder.params())) all.push_back(p);
    return all;
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

namespace {
class LessonOptimizer : public Optimizer {
  public:
    explicit LessonOptimizer(const OptimizerSpec& s) : spec_(s) {
        lr = s.lr;
        weight_decay = s.weight_decay;
        if (s.kind == OptimizerKind::Adam)
            adam_ = std::make_unique<Adam>(s.lr, s.beta1, s.beta2, s.eps, 0.f);
    }
    void step(const std::vector<Param>& params) override {
        for (const auto& p : params) {
            Matrix& w = *p.value;
            if (spec_.l2) {  // coupled: the penalty wd/2 |w|^2 in the gradient
                *p.grad += weight_decay * w;
            } else if (weight_decay > 0.f) {  // decoupled
                w -= lr * weight_decay * w;
            }
            if (adam_) continue;
            Matrix& s = state_[p.value];
            if (s.shape() != w.shape()) s = xt::zeros<float>(w.shape());
            if (spec_.kind == OptimizerKind::Momentum)
                momentum_update(w, *p.grad, s, lr, spec_.momentum);
            else
                rmsprop_update(w, *p.grad, s, lr, spec_.rho, spec_.eps);
        }
        if (adam_) adam_->step(params);
    }

  private:
    OptimizerSpec spec_;
    std::unique_ptr<Adam> adam_;
    std::map<const Matrix*, Matrix> state_;
};
}  // namespace

std::unique_ptr<Optimizer> lesson_optimizer(const OptimizerSpec& spec) {
    const bool own = spec.kind == OptimizerKind::Momentum || spec.kind == OptimizerKind::RmsProp ||
                     (spec.kind == OptimizerKind::Adam && spec.l2 && spec.weight_decay > 0.f);
    return own ? std::make_unique<LessonOptimizer>(spec) : nullptr;
}

std::string gpu_unsupported(const AeConfig& c, const OptimizerSpec& o) {
    std::vector<std::string> why;
    if (c.loss == Loss::L1) why.push_back("the L1 loss");
    if (c.activation != "relu") why.push_back("--activation " + c.activation);
    if (c.code_activation != "linear") why.push_back("--code-activation " + c.code_activation);
    if (c.tied) why.push_back("--tied");
    if (c.dropout > 0.f) why.push_back("--dropout");
    if (o.kind == OptimizerKind::RmsProp) why.push_back("--optimizer rmsprop");
    if (o.l2 && o.weight_decay > 0.f) why.push_back("--optimizer adam with --weight-decay");
    if (o.kind == OptimizerKind::Momentum && o.l2) why.push_back("--optimizer momentum with L2");
    std::string s;
    for (const auto& w : why) s += (s.empty() ? "" : ", ") + w;
    return s;
}

size_t dead_units(const Matrix& codes) {
    size_t dead = 0;
    for (size_t j = 0; j < codes.shape()[1]; ++j) {
        bool active = false;
        for (size_t i = 0; i < codes.shape()[0] && !active; ++i) active = codes(i, j) > 0.f;
        dead += !active;
    }
    return dead;
}

bool ExperimentFlags::is_default() const {
    const ExperimentFlags d;
    return hidden == d.hidden && activation == d.activation &&
           code_activation == d.code_activation && loss == d.loss && optimizer == d.optimizer &&
           momentum == d.momentum && weight_decay == d.weight_decay && dropout == d.dropout &&
           tied == d.tied && layerwise == d.layerwise && fine_tune == d.fine_tune;
}

std::vector<size_t> parse_widths(const std::string& list) {
    std::vector<size_t> widths;
    std::string item;
    std::istringstream in(list);
    while (std::getline(in, item, ',')) {
        if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos)
            throw Error("'" + item + "' is not a width (a positive whole number)");
        const unsigned long w = std::stoul(item);
        if (w == 0 || w > 100000) throw Error("widths must be between 1 and 100000, got " + item);
        widths.push_back(w);
    }
    if (widths.empty() || list.back() == ',') throw Error("give at least one width, e.g. 256,64");
    return widths;
}

void add_experiment_flags(CLI::App& app, ExperimentFlags& f) {
    const auto number = [](float lo, float hi, const std::string& range) {
        return CLI::Validator(
            [=](std::string& s) -> std::string {
                try {
                    size_t used = 0;
                    const float v = std::stof(s, &used);
                    if (used == s.size() && v >= lo && v < hi) return "";
                } catch (const std::exception&) {
                }
                return "must be a number in " + range + ", got '" + s + "'";
            },
            range);
    };
    const auto in_unit = [&](const std::string&) { return number(0.f, 1.f, "[0, 1)"); };
    app.add_option("--hidden", f.hidden,
                   "hidden widths, encoder order, comma-separated (the decoder mirrors them)")
        ->capture_default_str()
        ->check(CLI::Validator(
            [](std::string& s) -> std::string {
                try {
                    parse_widths(s);
                    return "";
                } catch (const Error& e) {
                    return std::string("a comma-separated list of widths, e.g. 256,64: ") +
                           e.what();
                }
            },
            "W1,W2,..."));
    app.add_option("--activation", f.activation, "the hidden layers' activation")
        ->capture_default_str()
        ->check(CLI::IsMember({"relu", "leaky_relu", "elu", "tanh", "sigmoid"}));
    app.add_option("--code-activation", f.code_activation, "the code layer's activation")
        ->capture_default_str()
        ->check(CLI::IsMember({"linear", "relu", "sigmoid", "tanh"}));
    app.add_option("--loss", f.loss,
                   "reconstruction loss: mse or l1 (sigmoid output), bce (logits)")
        ->capture_default_str()
        ->check(CLI::IsMember({"mse", "bce", "l1"}));
    app.add_option("--optimizer", f.optimizer,
                   "sgd, momentum, rmsprop (your steps 6a, 6b), adam, adamw; the rate is --lr")
        ->capture_default_str()
        ->check(CLI::IsMember({"sgd", "momentum", "rmsprop", "adam", "adamw"}));
    CLI::Option* momentum =
        app.add_option("--momentum", f.momentum, "momentum of --optimizer momentum, in [0, 1)")
            ->capture_default_str()
            ->check(in_unit("--momentum"));
    app.add_option("--weight-decay", f.weight_decay,
                   "weight decay: an L2 gradient term for sgd and adam, decoupled for "
                   "momentum, rmsprop and adamw")
        ->capture_default_str()
        ->check(number(0.f, 1e30f, "[0, inf)"));
    app.add_option("--dropout", f.dropout, "dropout after every hidden activation, training only")
        ->capture_default_str()
        ->check(in_unit("--dropout"));
    app.add_flag("--tied", f.tied, "tied weights: the decoder uses the encoder's W transposed");
    app.add_flag("--layerwise", f.layerwise,
                 "greedy layer-wise training: one shallow AE per layer, --epochs each, stacked");
    CLI::Option* fine_tune =
        app.add_option("--fine-tune", f.fine_tune,
                       "with --layerwise: epochs of end-to-end training after stacking")
            ->capture_default_str()
            ->check(CLI::Range(0, 100000));
    app.parse_complete_callback([&f, momentum, fine_tune] {
        if (fine_tune->count() > 0 && !f.layerwise)
            throw CLI::ValidationError("--fine-tune", "only with --layerwise");
        if (momentum->count() > 0 && f.optimizer != "momentum")
            throw CLI::ValidationError(
                "--momentum",
                "only with --optimizer momentum (got --optimizer " + f.optimizer + ")");
    });
}

AeConfig make_config(const ExperimentFlags& f, size_t input, size_t latent) {
    AeConfig c;
    c.input = input, c.latent = latent, c.loss = parse_loss(f.loss);
    c.hidden = parse_widths(f.hidden);
    c.activation = f.activation, c.code_activation = f.code_activation;
    c.tied = f.tied, c.dropout = f.dropout;
    return c;
}

OptimizerSpec make_optimizer_spec(const ExperimentFlags& f, float lr) {
    const float wd = f.weight_decay;
    if (f.optimizer == "sgd") return OptimizerSpec::sgd(lr, 0.f, wd);  // L2 = decoupled for SGD
    OptimizerSpec s = OptimizerSpec::adam(lr, wd);
    if (f.optimizer == "adam") s.l2 = wd > 0.f;
    if (f.optimizer == "momentum") s.kind = OptimizerKind::Momentum, s.momentum = f.momentum;
    if (f.optimizer == "rmsprop") s.kind = OptimizerKind::RmsProp;
    return s;
}

namespace {
// The encoder and/or decoder applied to row blocks of x (at most 1024 rows), so big sets never
// hold all activations at once.
Matrix forward_in_chunks_l02(Autoencoder& model, const Matrix& x, bool encoder, bool decoder) {
    const size_t n = x.shape()[0], chunk = 1024;
    Matrix out({n, decoder ? model.config.input : model.config.latent});  // resized by chunk 1
    for (size_t begin = 0; begin < n; begin += chunk) {
        const size_t end = std::min(n, begin + chunk);
        Matrix y = xt::view(x, xt::range(begin, end), xt::all());
        if (encoder) y = model.encoder.forward(y);
        if (decoder) y = model.decoder.forward(y);
        // Bce decoders output logits; pictures and errors want pixels in [0, 1].
        if (decoder && model.config.loss == Loss::Bce) y = sigmoid(y);
        if (begin == 0) out.resize({n, y.shape()[1]});
        xt::view(out, xt::range(begin, end), xt::all()) = y;
    }
    return out;
}
}  // namespace

Matrix decode(Autoencoder& model, const Matrix& codes) {
    return forward_in_chunks_l02(model, codes, false, true);
}

Matrix reconstruct(Autoencoder& model, const Matrix& x) {
    return forward_in_chunks_l02(model, x, true, true);
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

void save_autoencoder(const std::string& path, Autoencoder& model) {
    const AeConfig& c = model.config;
    std::ostringstream cfg;
    cfg << "# lesson 02 autoencoder: the architecture of " << path << "\n";
    cfg << "input " << c.input << "\nhidden";
    for (size_t h : c.hidden) cfg << " " << h;
    cfg << "\nlatent " << c.latent << "\nloss " << loss_name(c.loss) << "\n";
    if (c.activation != "relu") cfg << "activation " << c.activation << "\n";
    if (c.code_activation != "linear") cfg << "code_activation " << c.code_activation << "\n";
    if (c.tied) cfg << "tied 1\n";
    if (c.dropout > 0.f) cfg << "dropout " << c.dropout << "\n";
    write_text(path + ".cfg", cfg.str());
    save_checkpoint(path, model.params(), "lesson 02 autoencoder " + c.describe());
}

namespace {
AeConfig read_ae_config(const std::string& path) {
    AeConfig c;
    c.hidden.clear();
    std::istringstream in(read_text(path));
    std::string line, key;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        if (!(words >> key) || key[0] == '#') continue;
        if (key == "input") words >> c.input;
        if (key == "latent") words >> c.latent;
        if (key == "loss" && words >> key) c.loss = parse_loss(key);
        if (key == "activation") words >> c.activation;
        if (key == "code_activation") words >> c.code_activation;
        if (key == "tied") words >> c.tied;
        if (key == "dropout") words >> c.dropout;
        for (size_t h; key == "hidden" && words >> h;) c.hidden.push_back(h);
    }
    if (c.input == 0 || c.latent == 0) throw DataError(path + ": not a lesson 02 model config");
    // The sizes a file claims are checked before anything is allocated for them.
    const auto check = [&](const std::string& what, size_t v, size_t hi) {
        if (v < 1 || v > hi)
            throw DataError(path + ": " + what + " " + std::to_string(v) + " is outside 1.." +
                            std::to_string(hi) + " (a damaged or foreign file?)");
    };
    check("input", c.input, size_t{1} << 20);
    check("latent", c.latent, size_t{1} << 16);
    check("number of hidden layers", c.hidden.size() + 1, 17);
    for (size_t h : c.hidden) check("hidden width", h, size_t{1} << 16);
    if (!(c.dropout >= 0.f && c.dropout < 1.f))
        throw DataError(path + ": dropout " + std::to_string(c.dropout) + " is outside [0, 1)");
    return c;
}
}  // namespace

Autoencoder load_autoencoder(const std::string& path) {
    AeConfig config;
    try {
        config = read_ae_config(path + ".cfg");
    } catch (const Error& e) {
        throw DataError("no trained lesson 02 model at " + path + " (" + e.what() +
                        ").\n  Train and save one with: ./workshop solution 02 (writes " +
                        kDefaultModelPath + "), or pass the --save path you used.");
    }
    Rng rng(0);  // the values are overwritten by the checkpoint
    Autoencoder model = make_autoencoder(config, rng);
    load_checkpoint(path, model.params());
    return model;
}

}  // namespace ae::l02
