// The MLP autoencoder's architecture (ae/autoencoder.hpp): its description, size and bounds, and
// the architecture record a checkpoint carries (ae::ArchRecord), read from a file's header with
// every size bounded before anything is built. No layers here, so the fuzz target
// (tests/fuzz/fuzz_arch.cpp) links it alone.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "ae/names.hpp"
#include "ae/arch_record.hpp"
#include "ae/autoencoder.hpp"
#include "ae/checkpoint.hpp"
#include "ae/error.hpp"

namespace ae {
namespace {

constexpr const char* kMlpKind = "mlp_autoencoder";

// The layer widths D, hidden..., Z of the encoder.
std::vector<uint64_t> mlp_widths(const MlpArch& a) {
    std::vector<uint64_t> w{a.input};
    for (size_t h : a.hidden) w.push_back(h);
    w.push_back(a.latent);
    return w;
}

// What is wrong with arch's sizes ("" when nothing).
std::string mlp_bounds_problem(const MlpArch& a) {
    const std::string bound = " (the bound is " + std::to_string(kMaxWidth) + ")";
    if (a.input < 1 || a.input > (size_t{1} << 20))
        return "input size " + std::to_string(a.input) + " is outside 1.." +
               std::to_string(size_t{1} << 20);
    if (a.hidden.size() > kMaxHiddenLayers)
        return std::to_string(a.hidden.size()) + " hidden layers, over the bound of " +
               std::to_string(kMaxHiddenLayers);
    for (size_t h : a.hidden)
        if (h < 1 || h > kMaxWidth)
            return "hidden width " + std::to_string(h) + " is outside 1.." +
                   std::to_string(kMaxWidth) + bound;
    if (a.latent < 1 || a.latent > kMaxWidth)
        return "code size " + std::to_string(a.latent) + " is outside 1.." +
               std::to_string(kMaxWidth);
    if (a.parameter_count() > kMaxParameters)
        return "the model would have " + std::to_string(a.parameter_count()) +
               " parameters, over the bound of " + std::to_string(kMaxParameters) +
               " (256 MB of float32); use narrower layers";
    if (!(a.dropout >= 0.f && a.dropout < 1.f))
        return "dropout " + std::to_string(a.dropout) + " is outside [0, 1)";
    return "";
}

std::string mlp_float_text(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", double(v));
    return buf;
}

}  // namespace

std::string loss_kind_name(LossKind loss) {
    return name_of(kLossKindNames, loss);
}

std::string MlpArch::describe() const {
    std::string s = std::to_string(input);
    for (size_t h : hidden) s += "-" + std::to_string(h);
    s += "-" + std::to_string(latent) + ", " + loss_kind_name(loss);
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

bool MlpArch::plain() const {
    return activation == "relu" && code_activation == "linear" && !tied && dropout == 0.f;
}

uint64_t MlpArch::parameter_count() const {
    // Each factor is bounded by 2^20 and there are at most 18 layers: no overflow before the
    // bound check that uses this count.
    const auto w = mlp_widths(*this);
    uint64_t n = 0;
    for (size_t i = 0; i + 1 < w.size(); ++i) {
        n += w[i] * w[i + 1] + w[i + 1];           // encoder Dense i
        n += (tied ? 0 : w[i] * w[i + 1]) + w[i];  // its mirror in the decoder
    }
    return n;
}

void check_arch_bounds(const MlpArch& arch, const std::string& source) {
    const std::string why = mlp_bounds_problem(arch);
    if (!why.empty()) throw Error(source + ": " + why);
}

std::string mlp_arch_text(const MlpArch& a, const std::string& note) {
    ArchRecord r(kMlpKind);
    r.add("input", a.input);
    std::vector<std::string> hidden;
    for (size_t h : a.hidden) hidden.push_back(std::to_string(h));
    r.add("hidden", hidden).add("latent", a.latent).add("loss", loss_kind_name(a.loss));
    r.add("activation", a.activation).add("code_activation", a.code_activation);
    r.add("tied", uint64_t{a.tied}).add("dropout", mlp_float_text(a.dropout));
    if (note.find('\n') != std::string::npos || note.size() > 1024)
        throw Error("save_mlp_autoencoder: a note is one line of at most 1024 bytes");
    r.note = note;
    return r.text();
}

MlpArch parse_mlp_arch(const std::string& text, const std::string& source, size_t input,
                       std::string* note) {
    const ArchRecord r = ArchRecord::parse(text, source);
    if (r.kind() != kMlpKind)
        throw DataError(source + " holds a '" + r.kind() +
                        "' model, not lesson 02's MLP autoencoder (" + kMlpKind +
                        "); pass a checkpoint saved by lesson 02 (or 09)");
    r.only(
        {"input", "hidden", "latent", "loss", "activation", "code_activation", "tied", "dropout"});
    MlpArch a;
    a.input = r.size("input", 0, 1, size_t{1} << 20);
    a.hidden = r.sizes("hidden", 0, kMaxHiddenLayers, 1, kMaxWidth);
    a.latent = r.size("latent", 0, 1, kMaxWidth);
    const std::string loss = r.word("loss", {"mse", "bce", "l1"});
    a.loss = value_named(kLossKindNames, loss, source + ": loss");
    a.activation = r.word("activation", {"relu", "leaky_relu", "elu", "tanh", "sigmoid"});
    a.code_activation = r.word("code_activation", {"linear", "relu", "sigmoid", "tanh"});
    a.tied = r.size("tied", 0, 0, 1) == 1;
    const auto& dv = r.values("dropout");
    if (dv.size() != 1)
        throw DataError(source + ": 'dropout' has " + std::to_string(dv.size()) +
                        " values, expected 1");
    const std::string& d = dv[0];
    char* end = nullptr;
    a.dropout = std::strtof(d.c_str(), &end);
    if (end == d.c_str() || *end != '\0' || !std::isfinite(a.dropout))
        throw DataError(source + ": dropout '" + d + "' is not a number");
    const std::string why = mlp_bounds_problem(a);
    if (!why.empty()) throw DataError(source + ": " + why + " (a damaged or foreign file?)");
    if (input != 0 && a.input != input)
        throw DataError(source + " holds a model of " + std::to_string(a.input) + " inputs (" +
                        a.describe() + "), but this program's images have " +
                        std::to_string(input) + " pixels; pass a model trained on these images");
    if (note) *note = r.note;
    return a;
}

MlpArch read_mlp_arch(const std::string& path, size_t input, std::string* note) {
    const CheckpointHeader h = read_checkpoint_header(path);
    const std::string source = "checkpoint " + path;
    if (!ArchRecord::is_record(h.description))
        throw DataError(source + " was saved by an older version of the workshop (\"" +
                        h.description.substr(0, 60) +
                        "\", its architecture in a .cfg file beside it), which this version no "
                        "longer reads: train and save the model again");
    const MlpArch arch = parse_mlp_arch(h.description, source, input, note);
    const uint64_t bytes = arch.parameter_count() * sizeof(float);
    if (bytes > h.file_size)
        throw DataError(source + " is " + std::to_string(h.file_size) +
                        " bytes, too small for the " + std::to_string(bytes) +
                        " bytes of parameters its architecture (" + arch.describe() +
                        ") needs; the file is damaged");
    return arch;
}

}  // namespace ae
