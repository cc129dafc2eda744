// The message of an exercise stub (see ae/todo.hpp).
#include "ae/todo.hpp"

#include <algorithm>
#include <string>
#include <vector>

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

void require_written(const char* lesson, std::initializer_list<std::function<void()>> calls) {
    std::vector<std::string> unwritten;
    for (const auto& call : calls) {
        try {
            call();
        } catch (const NotImplemented& e) {
            // A call that needs an earlier step reaches that step's stub again: name it once.
            if (std::find(unwritten.begin(), unwritten.end(), e.what()) == unwritten.end())
                unwritten.push_back(e.what());
        }
    }
    if (unwritten.empty()) return;
    if (unwritten.size() == 1) throw NotImplemented(unwritten[0]);
    std::string all = std::to_string(unwritten.size()) + " functions of lesson " + lesson +
                      " are not written yet; the program stops here:";
    for (const std::string& u : unwritten) all += "\n" + u;
    throw NotImplemented(all);
}

}  // namespace ae
