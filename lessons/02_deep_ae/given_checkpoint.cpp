// Lesson 02, the code the lesson gives you to keep a trained model (declared in lesson.hpp): one
// checkpoint file that carries its architecture (ae/autoencoder.hpp), so that lessons 03, 07, 08
// and 09 rebuild the model without being told its sizes, and a failed save never pairs weights
// with another architecture. Written by: ./workshop solution 02 (out/02_deep_ae/model.ckpt)
#include "ae/error.hpp"
#include "lesson.hpp"

namespace ae::l02 {

void save_autoencoder(const std::string& path, Autoencoder& model, const std::string& note) {
    save_mlp_autoencoder(path, model, note);
}

Autoencoder load_autoencoder(const std::string& path, size_t input, std::string* note) {
    try {
        return load_mlp_autoencoder(path, make_autoencoder, input, note);
    } catch (const DataError& e) {
        throw DataError(without_period(e.what()) + ".\n  Train and save lesson 02's model with: " +
                        "./workshop solution 02 (writes " + default_model_path() +
                        "), or pass the --save path you used.");
    }
}

}  // namespace ae::l02
