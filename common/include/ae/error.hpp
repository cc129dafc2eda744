// Error types of the workshop. Every message is for a person: what was expected, what was
// found, where, and what to do next. ae::guarded_main (cli.hpp) turns them into exit codes.
#pragma once
#include <stdexcept>
#include <string>

namespace ae {

// A message to continue with a sentence of one's own ("... . Train one with: ..."): its final
// period dropped.
inline std::string without_period(std::string message) {
    if (!message.empty() && message.back() == '.') message.pop_back();
    return message;
}

// Base of all workshop errors; the lesson programs print what() and exit 1.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A data file is missing, damaged or does not match what was expected.
struct DataError : Error {
    using Error::Error;
};

// Two matrices do not have the shapes a function needs.
struct ShapeError : Error {
    using Error::Error;
};

// Training produced NaN or inf; the message says what to change (exit code 3).
struct TrainingDiverged : Error {
    using Error::Error;
};

// An exercise stub was called before the learner wrote it (exit code 2).
struct NotImplemented : Error {
    using Error::Error;
};

}  // namespace ae
