// Lesson 08, the code the lesson gives you to keep a trained model (declared in lesson.hpp): one
// checkpoint whose description is the architecture record (ae/arch_record.hpp), every size in it
// bounded by what this lesson can build before anything is allocated.
// Written by: ./workshop solution 08 (out/08_conv_ae/model.ckpt)
#include <filesystem>
#include <string>
#include <vector>

#include "ae/arch_record.hpp"
#include "ae/autoencoder.hpp"  // kMaxWidth, kMaxParameters
#include "ae/checkpoint.hpp"
#include "ae/error.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l08 {

namespace {
const char* const kKind = "conv_autoencoder";

// The parameters build_conv_autoencoder makes for c (each spatial level divided by the stride):
// encoder convolutions, the Dense to the code and back, decoder transposed convolutions.
uint64_t conv_parameter_count(const ConvAeConfig& c) {
    uint64_t n = 0, in = c.channels_in, h = c.height, w = c.width;
    for (size_t f : c.channels) {
        n += uint64_t(c.enc_kernel) * c.enc_kernel * in * f + f;
        n += uint64_t(c.dec_kernel) * c.dec_kernel * f * in + in;
        in = f, h /= c.stride, w /= c.stride;
    }
    const uint64_t flat = h * w * in;
    return n + 2 * flat * c.latent + c.latent + flat;
}

// The architecture path's header says it holds, every size bounded by what this lesson can
// build (its 1x28x28 images, the flags' ranges) and its parameters by the bytes present.
ConvAeConfig read_conv_config(const std::string& path) {
    const CheckpointHeader h = read_checkpoint_header(path);
    const std::string source = "checkpoint " + path;
    if (!ArchRecord::is_record(h.description))
        throw DataError(source + " was saved by an older version of the workshop (its " +
                        "architecture in a .cfg file beside it), which this version no longer " +
                        "reads: train and save the model again");
    const ArchRecord r = ArchRecord::parse(h.description, source);
    if (r.kind() != kKind)
        throw DataError(source + " holds a '" + r.kind() + "' model (" +
                        (r.kind() == "mlp_autoencoder" ? "lesson 02's MLP" : "another lesson's") +
                        "), not a lesson 08 convolutional autoencoder");
    r.only({"image", "channels", "code", "kernels", "stride"});
    ConvAeConfig c;
    c.channels_in = r.size("image", 0, 1, 1);
    c.height = r.size("image", 1, 1, 28);  // the data's 28x28 at most
    c.width = r.size("image", 2, 1, 28);
    c.channels = r.sizes("channels", 1, 4, 1, 512);
    c.latent = r.size("code", 0, 1, kMaxWidth);
    c.enc_kernel = r.size("kernels", 0, 1, 9);
    c.dec_kernel = r.size("kernels", 1, 1, 9);
    c.stride = r.size("stride", 0, 1, 2);
    const uint64_t params = conv_parameter_count(c);
    if (params > kMaxParameters || params * sizeof(float) > h.file_size)
        throw DataError(source + " is " + std::to_string(h.file_size) + " bytes, but its " +
                        "architecture (" + c.describe() + ") needs " + std::to_string(params) +
                        " parameters (at most " + std::to_string(kMaxParameters) +
                        "); the file is damaged");
    return c;
}
}  // namespace

void check_save_target(const std::string& path) {
    if (!std::filesystem::exists(path)) return;
    std::string held = "no checkpoint";
    try {
        const std::string d = read_checkpoint_header(path).description;
        if (d.rfind("lesson 08 conv autoencoder", 0) == 0) return;  // ours, the older format
        held = "a checkpoint without an architecture record";
        if (ArchRecord::is_record(d)) {
            const std::string kind = ArchRecord::parse(d, path).kind();
            if (kind == kKind) return;
            held =
                "a '" + kind + "' model" + (kind == "mlp_autoencoder" ? " (lesson 02's MLP)" : "");
        }
    } catch (const DataError& e) {
        held = std::string("no readable checkpoint (") + e.what() + ")";
    }
    throw DataError(path + " holds " + held + ", not a lesson 08 convolutional autoencoder: " +
                    "refusing to overwrite it.\n  Pass another --save path, or remove the file.");
}

void save_conv_autoencoder(const std::string& path, ConvAutoencoder& model) {
    check_save_target(path);
    const ConvAeConfig& c = model.config;
    ArchRecord r(kKind);
    r.add("image",
          {std::to_string(c.channels_in), std::to_string(c.height), std::to_string(c.width)});
    std::vector<std::string> channels;
    for (size_t ch : c.channels) channels.push_back(std::to_string(ch));
    r.add("channels", channels).add("code", c.latent).add("stride", c.stride);
    r.add("kernels", {std::to_string(c.enc_kernel), std::to_string(c.dec_kernel)});
    save_checkpoint(path, model.params(), r.text());
}

ConvAutoencoder load_conv_autoencoder(const std::string& path) {
    ConvAeConfig c;
    try {
        c = read_conv_config(path);
    } catch (const DataError& e) {
        throw DataError(without_period(e.what()) + ".\n  Train and save one with: ./workshop " +
                        "solution 08 (writes " + default_model_path() +
                        "), or pass the --save path you used.");
    }
    Rng rng(0);  // the values are overwritten by the checkpoint
    ConvAutoencoder model = build_conv_autoencoder(c, rng);
    load_checkpoint(path, model.params());
    return model;
}

}  // namespace ae::l08
