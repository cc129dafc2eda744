// The message of an exercise stub (see ae/todo.hpp).
#include "ae/todo.hpp"

#include <string>

namespace ae {

void throw_todo(const char* lesson, const char* function, const char* file, int line) {
    std::string where = file;
    // Show the path from the repository's lessons/ folder, not the builder's absolute path.
    const auto pos = where.rfind("lessons/");
    if (pos != std::string::npos) where = where.substr(pos);
    throw NotImplemented(std::string("[lesson ") + lesson + "] " + function +
                         "() is not implemented yet.\n  Write it at " + where + ":" +
                         std::to_string(line) +
                         " (the TODO there names the step of the lesson's README.md).");
}

}  // namespace ae
