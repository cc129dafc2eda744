// The MLP autoencoder that lesson 02 teaches and lessons 03-09 reuse: its architecture, the
// model (encoder + decoder), the chunked forward, and its one checkpoint format (the
// architecture inside the file, written atomically, read with bounds). The layers themselves
// are built by lesson 02 (your build_encoder/build_decoder), so the loader takes the builder.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "ae/nn.hpp"
#include "ae/objective.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"

namespace ae {

std::string loss_kind_name(LossKind loss);  // "mse" | "bce" | "l1"

// The architecture: D -> hidden[0] -> hidden[1] ... -> Z, and the mirror back to D.
struct MlpArch {
    size_t input = 784;                   // D
    std::vector<size_t> hidden{256, 64};  // encoder order; the decoder uses them reversed
    size_t latent = 32;                   // Z
    LossKind loss = LossKind::Mse;
    // The experiment's knobs (lesson 02 README "Experiments"); the defaults are steps 1a-1b.
    std::string activation = "relu";         // hidden layers: relu|leaky_relu|elu|tanh|sigmoid
    std::string code_activation = "linear";  // the code layer: linear|relu|sigmoid|tanh
    bool tied = false;                       // decoder layers reuse the encoder's W transposed
    float dropout = 0.f;                     // after every hidden activation, training only
    // "784-256-64-32, mse", then the knobs that are not at their default: ", tanh, code
    // sigmoid, tied, dropout 0.2"
    std::string describe() const;
    bool plain() const;  // every knob at its default
    // The number of parameters (weights and biases) of the model this architecture builds.
    uint64_t parameter_count() const;
};

// What a model can be, so a flag or a file cannot ask for gigabytes: every width and the code
// at most kMaxWidth, at most kMaxHiddenLayers hidden layers, kMaxParameters parameters in all.
inline constexpr size_t kMaxWidth = 16384, kMaxHiddenLayers = 16;
inline constexpr uint64_t kMaxParameters = uint64_t{1} << 26;  // 256 MB of float32
// Throws ae::Error when arch is over those bounds; `source` names where it came from
// ("--hidden 100000,100000", "checkpoint PATH") and starts the message.
void check_arch_bounds(const MlpArch& arch, const std::string& source);

// An encoder and a decoder, trained together. forward() of each caches what backward() needs,
// so the model is passed by non-const reference everywhere.
struct MlpAutoencoder {
    Sequential encoder;  // (N, D) -> (N, Z)
    Sequential decoder;  // (N, Z) -> (N, D)   probabilities (Mse, L1) or logits (Bce)
    MlpArch config;
    // Every parameter: "enc.<i>.W", "enc.<i>.b", then "dec.<i>.W", "dec.<i>.b".
    std::vector<Param> params();
};

// How a program introduces its autoencoder (any with config.describe(), params(), encoder and
// decoder: lesson 02's, lesson 08's conv model): "Model: DESCRIPTION, N parameters[, loaded from
// PATH]" and a line for the encoder's and the decoder's layers.
template <class Model>
std::string describe_model(Model& model, const std::string& loaded_from) {
    return "Model: " + model.config.describe() + ", " +
           std::to_string(count_parameters(model.params())) + " parameters" +
           (loaded_from.empty() ? "" : ", loaded from " + loaded_from) + "\n  encoder " +
           model.encoder.name() + "\n  decoder " + model.decoder.name() + "\n";
}

// f applied to row blocks of x (at most `chunk` rows each), so big sets never hold every
// activation at once. x: (N, D) -> (N, C); out_cols is C for an empty x.
Matrix forward_in_chunks(const Matrix& x, size_t chunk, size_t out_cols,
                         const std::function<Matrix(const Matrix&)>& f);
// x: (N, D) -> codes (N, Z), in chunks of 1024 rows.
Matrix mlp_encode(MlpAutoencoder& model, const Matrix& x);
// codes: (N, Z) -> images (N, D) in [0, 1] (the sigmoid is applied to Bce logits), in chunks.
Matrix mlp_decode(MlpAutoencoder& model, const Matrix& codes);
// x: (N, D) -> x_hat: (N, D) in [0, 1]: decoder after encoder, in chunks.
Matrix mlp_reconstruct(MlpAutoencoder& model, const Matrix& x);

// Builds the layers of an architecture (lesson 02's make_autoencoder), seeded by rng.
using MlpBuilder = std::function<MlpAutoencoder(const MlpArch&, Rng&)>;

// The architecture text stored in the checkpoint (an ae::ArchRecord), with an optional one-line
// note (what the model was trained with).
std::string mlp_arch_text(const MlpArch& arch, const std::string& note = "");
// Parses that text from `source`, every size bounded (check_arch_bounds) and the input equal to
// `input` (the data's image size) when it is not 0. Throws ae::DataError naming source.
MlpArch parse_mlp_arch(const std::string& text, const std::string& source, size_t input = 0,
                       std::string* note = nullptr);

// The architecture of the MLP autoencoder checkpoint at path, from its header only, checked as
// parse_mlp_arch does and against the bytes present (its parameters must fit in the file).
MlpArch read_mlp_arch(const std::string& path, size_t input = 0, std::string* note = nullptr);

// One file, written atomically (temporary + rename): the architecture and the parameters.
void save_mlp_autoencoder(const std::string& path, MlpAutoencoder& model,
                          const std::string& note = "");
// Reads the architecture from path's header (bounded; its parameters must fit in the bytes
// present), builds the model with `build`, loads the parameters. `input`: the image size the
// program uses (0: any). A checkpoint of another kind, or of an older version (with a .cfg side
// file), is an ae::DataError naming the file, what it holds and what to do; `note` receives the
// saved note.
MlpAutoencoder load_mlp_autoencoder(const std::string& path, const MlpBuilder& build,
                                    size_t input = 0, std::string* note = nullptr);

}  // namespace ae
