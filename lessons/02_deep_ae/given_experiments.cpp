// Lesson 02, the code the lesson gives you for its experiments (declared in lesson.hpp): the
// README's flags and the model and optimiser they configure, the optimisers whose update is your
// step (momentum, RMSprop, coupled L2), what the GPU trainer cannot run, and dead code units.
// Run the experiments with: ./workshop run 02 --help
#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <sstream>

#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "exercise.hpp"  // your momentum and RMSprop updates
#include "lesson.hpp"

namespace ae::l02 {

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
        const unsigned long w = item.size() > 9 ? 0 : std::stoul(item);
        if (item.size() > 9 || w == 0 || w > kMaxWidth)
            throw Error("width " + (item.size() > 40 ? item.substr(0, 40) + "..." : item) +
                        " is outside 1.." + std::to_string(kMaxWidth) +
                        " (the bound on a layer's width)");
        widths.push_back(w);
    }
    if (widths.empty() || list.back() == ',') throw Error("give at least one width, e.g. 256,64");
    return widths;
}

void add_experiment_flags(CLI::App& app, ExperimentFlags& f) {
    app.add_option("--hidden", f.hidden,
                   "hidden widths, encoder order, comma-separated (the decoder mirrors them)")
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
        ->check(CLI::IsMember({"relu", "leaky_relu", "elu", "tanh", "sigmoid"}));
    app.add_option("--code-activation", f.code_activation, "the code layer's activation")
        ->check(CLI::IsMember({"linear", "relu", "sigmoid", "tanh"}));
    app.add_option("--loss", f.loss,
                   "reconstruction loss: mse or l1 (sigmoid output), bce (logits)")
        ->check(CLI::IsMember({"mse", "bce", "l1"}));
    app.add_option("--optimizer", f.optimizer,
                   "sgd, momentum, rmsprop (your steps 6a, 6b), adam, adamw; the rate is --lr")
        ->check(CLI::IsMember({"sgd", "momentum", "rmsprop", "adam", "adamw"}));
    CLI::Option* momentum =
        app.add_option("--momentum", f.momentum, "momentum of --optimizer momentum, in [0, 1)")
            ->check(real_flag(0, 1, "a momentum", Ends::OpenHigh));
    app.add_option("--weight-decay", f.weight_decay,
                   "weight decay: an L2 gradient term for sgd and adam, decoupled for "
                   "momentum, rmsprop and adamw")
        ->check(real_flag(0, 1000, "a weight decay"));
    app.add_option("--dropout", f.dropout, "dropout after every hidden activation, training only")
        ->check(real_flag(0, 1, "the probability of zeroing a unit", Ends::OpenHigh));
    app.add_flag("--tied", f.tied, "tied weights: the decoder uses the encoder's W transposed");
    app.add_flag("--layerwise", f.layerwise,
                 "greedy layer-wise training: one shallow AE per layer, --epochs each, stacked");
    CLI::Option* fine_tune =
        app.add_option("--fine-tune", f.fine_tune,
                       "with --layerwise: epochs of end-to-end training after stacking")
            ->check(whole_flag(0, 100000, "epochs of end-to-end training"));
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
    check_arch_bounds(c, "--hidden " + f.hidden + " with --latent " + std::to_string(latent));
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

}  // namespace ae::l02
