// Checkpoints: a model's parameters in one file (header, manifest of names and shapes, raw
// float32 data, checksum), written atomically. Loading checks every name and shape against the
// model it loads into and says exactly what differs; a damaged file is a clear error.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ae/optim.hpp"

namespace ae {

// Saves the values of params (in order) with a free-text description (e.g. the architecture
// and the flags it was trained with).
void save_checkpoint(const std::string& path, const std::vector<Param>& params,
                     const std::string& description = "");

// Loads into params, which must match the saved names and shapes in order. Returns the
// description. Throws ae::DataError (file missing, damaged, or not matching the model).
std::string load_checkpoint(const std::string& path, const std::vector<Param>& params);

// The description and size of the checkpoint at path, read from its header only (at most the
// description's bounded length, after checking it is a regular file), so a loader can rebuild
// the model the file describes before reading its parameters. Throws ae::DataError (missing,
// not a regular file, not a checkpoint, header damaged).
struct CheckpointHeader {
    std::string description;
    uint64_t file_size = 0;
};
CheckpointHeader read_checkpoint_header(const std::string& path);

}  // namespace ae
